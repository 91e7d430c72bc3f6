"""Everything one HTML page says about who is behind it: names, structured data, links, legal text.

:func:`extract_page` parses a page once and returns a frozen :class:`PageSignals`; it is pure and never
raises, so one broken page cannot stop a batch. :func:`ownership_text` gives the short text that carries
ownership, the input of NER. Every candidate name has a *kind* and a prior weight from
:data:`SIGNAL_WEIGHTS`, the one table of how much each signal is trusted (docs/signals.md).

Example::

    ps = extract_page(html, "https://www.acme-widgets.de/impressum", registered_domain="acme-widgets.de")
    ps.legal_entities[0].name   # 'Acme Widgets GmbH'
    [(s.kind, s.value, s.weight) for s in ps.signals()]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from rapidfuzz import fuzz
from selectolax.lexbor import LexborHTMLParser, LexborNode

from resolver.bounds import PageLimits, Truncation, bound_html
from resolver.domains import is_home_url
from resolver.jsonld import (
    CONTAINER_TYPES,
    JsonLdOrg,
    is_org_type,
    organizations_from_jsonld,
    organizations_from_microdata,
)
from resolver.language import guess_language
from resolver.legal import (
    LegalName,
    address_block_entities,
    copyright_names,
    has_legal_cue,
    is_decoy,
    legal_entities,
    page_kind,
    split_parent,
)
from resolver.names import (
    fold,
    is_page_number,
    is_page_type,
    is_tagline,
    looks_like_org_name,
    name_fits_domain,
    normalize_name,
    strip_greeting,
)

__all__ = ["NAME_KINDS", "SIGNAL_WEIGHTS", "PageSignals", "Signal", "extract_page", "ownership_text"]

SIGNAL_WEIGHTS: dict[str, float] = {
    # candidate owner names
    "jsonld_legal_name": 0.95,
    "legal_entity": 0.9,
    "jsonld_name": 0.85,
    "copyright": 0.75,
    "og_site_name": 0.7,
    "jsonld_alternate_name": 0.6,
    "application_name": 0.6,
    "title_brand": 0.5,
    "ner_org": 0.4,
    "title": 0.3,
    # ties between domains (hard evidence for entity resolution), not names
    "jsonld_url": 0.9,
    "jsonld_same_as": 0.8,
    "jsonld_parent": 0.8,
    "redirect": 0.9,
    "canonical": 0.7,
    "hreflang": 0.7,
    "email_domain": 0.3,
    "link_domain": 0.1,
    # descriptive, not evidence of ownership
    "jsonld_type": 0.0,
    "og_type": 0.0,
}
"""Prior reliability of each ``page_signals`` kind, in [0, 1]: how often a name of this kind is the
owner of the page's domain, before frequency and name-domain fit are considered (``resolver.linking``).
A rule may lower it for one candidate (a legal-form line found without a trigger: 0.7; an about page's
entity: x0.85; a footer entity: x0.85). Tune with the owner-scoring evaluation, in this one place."""

_NOISE_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas"]
_CHROME_TAGS = ["nav", "header", "footer", "aside", "form", "button", "select", "dialog", "menu"]
_COOKIE_SELECTOR = (
    '[id*="cookie" i], [class*="cookie" i], [id*="consent" i], [class*="consent" i], [id*="gdpr" i], '
    '[class*="gdpr" i], [id^="cmp" i], [class^="cmp-" i], [class*=" cmp-" i], [id*="usercentrics" i], '
    '[id*="onetrust" i], '
    '[class*="onetrust" i], [id*="borlabs" i], [class*="borlabs" i], [id*="cookiebot" i], [id*="didomi" i], '
    '[class*="didomi" i], [aria-label*="cookie" i]'
)
_CREDIT_SELECTOR = (
    'figure, figcaption, picture, [class*="caption" i], [class*="credit" i], [class*="bildnachweis" i], '
    '[class*="copyright-image" i], [class*="image-copyright" i], [class*="img-copyright" i], [class*="photo" i]'
)
"""Image captions and photo credits: their "© Name" is a photographer or agency, never the owner."""
_FOOTER_SELECTOR = (
    'footer, [role="contentinfo"], #footer, .footer, [id*="footer" i], [class*="footer" i], '
    '[class*="copyright" i], [id*="copyright" i], [class*="site-info" i], [class*="colophon" i]'
)
_BLOCK_SELECTOR = ", ".join(
    """address article aside blockquote br dd details dialog div dl dt fieldset figcaption figure footer form
    h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul""".split()
)
_LINE_SEP = "\u2029"
_TITLE_SPLIT = re.compile(r"\s+[|–—·»:/-]\s+|\s*[|·»]\s*|\s+::\s+|:\s+")
_STRONG_TITLE_SEP = re.compile(r"\s+[|–—·-]\s+|\s*[|·]\s*")
_EMAIL = re.compile(
    r"[\w.+-]{1,64}\s?(?:@|\(at\)|\[at\]|\{at\}|\s\(at\)\s|\s\[at\]\s)\s?"
    r"((?:[\w-]{1,63}(?:\.|\s?\(dot\)\s?|\s?\[dot\]\s?|\s?\[punkt\]\s?|\s?\(punkt\)\s?))+[a-z]{2,24})\b",
    re.IGNORECASE,
)
_OBFUSCATED_DOT = re.compile(r"\s?[(\[](?:dot|punkt)[)\]]\s?", re.IGNORECASE)
_WS = re.compile(r"\s+")
_REFRESH_URL = re.compile(r"url\s*=\s*(\S+)", re.IGNORECASE)
_HOST = re.compile(r"^(?:[a-zA-Z]+:)?//(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:\\]+)")
_LEGAL_TEXT_HINT = re.compile(r"§\s*5\s*(?:TMG|DDG)|Angaben gem|Mentions l[ée]gales|Handelsregister", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Signal:
    """One row of ``page_signals``: a candidate name, a link to another domain, or a type."""

    kind: str
    """A key of :data:`SIGNAL_WEIGHTS` (``copyright``, ``legal_entity``, ``link_domain``, ...)."""
    value: str
    """The name, domain, URL or type."""
    weight: float
    """Prior reliability of this signal, in [0, 1]."""
    context: str = ""
    """Where it came from (the copyright line, the Impressum lines); for ``link_domain`` the link count."""
    scope: str = ""
    """For a candidate name, what it names (:data:`SCOPES`); empty for links and types."""


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What one page says about who is behind it (see :func:`extract_page`)."""

    url: str
    """The page's URL as given."""
    registered_domain: str
    """The registered domain the page belongs to (internal vs external links, name-domain fit)."""
    title: str | None = None
    """The ``<title>``, whitespace-collapsed."""
    title_brand: str | None = None
    """The segment of a split title that looks like the site's name ("Acme" of "News | Acme"), if any."""
    og_site_name: str | None = None
    """``og:site_name``."""
    application_name: str | None = None
    """``<meta name="application-name">``."""
    og_type: str | None = None
    """``og:type`` (``website``, ``article``, ...)."""
    description: str | None = None
    """Meta description (or ``og:description``), capped at 500 characters."""
    lang: str | None = None
    """The ``<html lang>`` primary subtag, lower-case (``de``)."""
    text_lang: str | None = None
    """The language of the main text (:func:`resolver.language.guess_language`; ``lang`` when the text is too
    short to tell)."""
    canonical: str | None = None
    """The absolute ``<link rel=canonical>`` URL."""
    hreflang: tuple[tuple[str, str], ...] = ()
    """``(lang, absolute url)`` of ``<link rel=alternate hreflang>``."""
    meta_refresh: str | None = None
    """The absolute target of a ``<meta http-equiv=refresh>`` redirect (a parked or moved domain)."""
    orgs: tuple[JsonLdOrg, ...] = ()
    """Organizations from JSON-LD and microdata (top-level nodes and WebSite/Article publishers)."""
    jsonld_types: tuple[str, ...] = ()
    """Every schema.org ``@type`` present in JSON-LD / microdata, in order of appearance."""
    copyright: tuple[LegalName, ...] = ()
    """Entities of copyright lines, footer first."""
    legal_entities: tuple[LegalName, ...] = ()
    """The legal entity of a legal / about page (or of a footer's registry lines), best first."""
    is_legal_page: bool = False
    """Impressum, legal notice, mentions légales (from the URL path or the headings)."""
    is_about_page: bool = False
    """About / contact / company page (and not a legal page)."""
    copyright_in_footer: bool = False
    """Whether the copyright lines come from a footer (site-wide) rather than the end of the body."""
    breadcrumbs: tuple[str, ...] = ()
    """The page's breadcrumb trail (``nav``/``[class*=breadcrumb]`` items), first (usually "Home") first."""
    email_domains: tuple[str, ...] = ()
    """Registered domains of e-mail addresses (``mailto:`` links and text, ``(at)`` obfuscation read)."""
    link_domains: tuple[tuple[str, int], ...] = ()
    """External registered domains linked to, with link counts, most linked first."""
    n_links_internal: int = 0
    """Links to the page's own registered domain (relative links included)."""
    n_links_external: int = 0
    """Links to other registered domains."""
    menu: tuple[str, ...] = ()
    """The site's own menu: short texts of links within the site (``Produkte``, ``Politik``, ``Spenden``), distinct,
    in page order, at most :data:`MENU_ITEMS`. What a person reads to tell a shop from a newsroom or a club."""
    header_text: str = ""
    """Text of the page header (``<header>``/banner), capped: often the brand."""
    footer_text: str = ""
    """Text of the footer(s), capped: copyright, company, address."""
    legal_text: str = ""
    """The start of a legal / about page's text (empty elsewhere), capped."""
    text: str = ""
    """The main text: body without scripts, navigation, header, footer, cookie banners; capped."""
    n_words: int = 0
    """Words in the main text before capping."""
    errors: tuple[str, ...] = ()
    """What went wrong, if anything (``jsonld_unparsable``, ``parse: ValueError ...``); the rest still holds."""
    truncated: tuple[Truncation, ...] = ()
    """The bounds of :class:`~resolver.bounds.PageLimits` this page hit: its signals come from part of it."""
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    """Free-form notes for debugging (which main-text path ran); never needed downstream."""

    @property
    def legal_forms(self) -> tuple[str, ...]:
        """Legal forms of the names this page gives for its owner (``GmbH``, ``Ltd``), distinct, in order."""
        out: list[str] = []
        for s in self.signals():
            if s.kind in NAME_KINDS:
                form = normalize_name(s.value).legal_form
                if form and form not in out:
                    out.append(form)
        return tuple(out)

    def signals(self) -> list[Signal]:
        """The page's ``page_signals`` rows: candidate names with kind, weight and context, then links/types."""
        return _signals(self)


NAME_KINDS = frozenset(
    {
        "jsonld_legal_name",
        "legal_entity",
        "jsonld_name",
        "copyright",
        "og_site_name",
        "jsonld_alternate_name",
        "application_name",
        "title_brand",
        "title",
    }
)
"""The ``page_signals`` kinds this module writes that are candidate owner names (the rest are links/types)."""

SCOPES: dict[str, str] = {
    "site": "the whole registered domain: a legal entity, a footer's copyright, a name on the home page, "
    "the site name (og:site_name, JSON-LD publisher) of a page on the main host",
    "host": "a sub-site: a name on a page of another host than the main one (``wiki.example.com``) that does "
    "not spell the registered domain",
    "section": "one section or sub-brand: a name that spells a folder of the page's path (``/magazin/``, "
    "``/twoforfashion/``) or an item of its breadcrumb trail",
    "page": "seen on one deep page only (a title part, a copyright line in the body, an organization the "
    "page describes): site-wide or not, this page cannot tell",
}
"""What a candidate name speaks for, recorded as ``page_signals.scope``. Where a registered domain carries
several brands (a retailer's fashion label, a newspaper's section, a network's sites on sub-hosts) only
"site" names speak for its owner. The prior weight is left as it is: on a domain seen through one page the
section's name is all there is (and readers accept it), so owner scoring weighs the scope against the
other names of the domain rather than each page discounting it."""


def _signals(ps: PageSignals) -> list[Signal]:
    w = SIGNAL_WEIGHTS
    out: list[Signal] = []
    seen: set[tuple[str, str]] = set()

    where = _Where.of(ps)

    def add(kind: str, value: str | None, weight: float | None = None, context: str = "", site: bool = False) -> None:
        if not value:
            return
        value = value.strip()
        if value and (kind, value) not in seen:
            seen.add((kind, value))
            scope = where.scope(kind, value, site) if kind in NAME_KINDS else ""
            out.append(Signal(kind, value, round(w[kind] if weight is None else weight, 4), context[:300], scope))
            if scope == "section" and (brand := where.brand_of(value)):
                add(kind, brand, weight, context, site)  # "sheego" of "sheego ♥ Magazin" on /magazin/

    n_self = sum(1 for o in ps.orgs if o.role == "self")
    site_text = _compact(" ".join([ps.header_text, ps.footer_text]))
    parents: list[tuple[str, str]] = []
    for org in ps.orgs:
        ctx = f"{org.source} {'/'.join(org.types)} ({org.role})"
        # A page may describe other organizations (the subject of an article, a partner): only a publisher,
        # the page's single organization, or one on the page's own domain keeps the full weight.
        own = _own_org(org, ps.registered_domain, n_self)
        f = 1.0 if own else 0.5
        for kind, raw in (("jsonld_legal_name", org.legal_name), ("jsonld_name", org.name)):
            name, parent = split_parent(raw) if raw else (raw, None)
            name = _name_or_none(name, ps.registered_domain)
            if kind == "jsonld_name":
                name = _site_name(name, ps.registered_domain, site_text)
            add(kind, name, w[kind] * f, ctx, site=own)
            if parent:
                parents.append((parent, name or ""))
        for alt in org.alternate_names:
            add(
                "jsonld_alternate_name",
                _name_or_none(alt, ps.registered_domain),
                w["jsonld_alternate_name"] * f,
                ctx,
                site=own,
            )
    for ln in ps.legal_entities:
        add("legal_entity", ln.name, min(w["legal_entity"], ln.weight), ln.context, site=True)
    for ln in ps.copyright:
        add("copyright", ln.name, min(w["copyright"], ln.weight), ln.context, site=ps.copyright_in_footer)
    for kind, raw, ctx in (
        ("og_site_name", ps.og_site_name, "og:site_name"),
        ("application_name", ps.application_name, "application-name"),
    ):
        add(
            kind,
            _site_name(_name_or_none(raw, ps.registered_domain), ps.registered_domain, site_text),
            context=ctx,
            site=True,
        )
    one_piece = strip_greeting(ps.title) if ps.title else ""
    if ps.title_brand:
        add("title_brand", ps.title_brand, context=ps.title or "")
    elif (
        one_piece
        and len(one_piece.split()) <= 6
        and len(_TITLE_SPLIT.split(one_piece)) == 1
        and (is_home_url(ps.url) or _quick_fit(normalize_name(one_piece).key, ps.registered_domain) >= 0.5)
        and _name_or_none(one_piece, ps.registered_domain)
        and not (is_tagline(one_piece) and _quick_fit(normalize_name(one_piece).key, ps.registered_domain) < 0.5)
    ):
        # A one-piece title names the site on its home page; elsewhere it names the page ("Latest News").
        add("title", one_piece, context=ps.title or "")
    for org in ps.orgs:
        if org.url:
            add("jsonld_url", org.url, context=org.name or "")
        for s in org.same_as:
            add("jsonld_same_as", s, context=org.name or "")
        if org.parent:
            add("jsonld_parent", org.parent, context=org.name or "")
    for parent, child in parents:
        add("jsonld_parent", parent, context=child)
    for t in ps.jsonld_types:
        add("jsonld_type", t)
    add("og_type", ps.og_type)
    if ps.canonical:
        add("canonical", ps.canonical)
    if ps.meta_refresh:
        add("redirect", ps.meta_refresh, context="meta refresh")
    for lang, href in ps.hreflang:
        add("hreflang", href, context=lang)
    for d in ps.email_domains:
        add("email_domain", d)
    for d, n in ps.link_domains:
        add("link_domain", d, context=str(n))
    return out


_LANG_SEGMENT = re.compile(r"^[a-z]{2}(?:[-_][a-z]{2})?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where on its site a page sits: what :data:`SCOPES` its names get."""

    domain: str
    main_host: bool
    """The page is on the registered domain itself or its ``www`` host."""
    home: bool
    folders: frozenset[str]
    """Compact folded folders of the page's path, the page's own last segment and language codes left out."""
    crumbs: frozenset[str]
    """Compact folded breadcrumb items after the first."""

    @classmethod
    def of(cls, ps: PageSignals) -> _Where:
        try:
            parts = urlsplit(ps.url if "//" in ps.url else "//" + ps.url)
            host, path = (parts.hostname or "").lower().rstrip("."), parts.path or ""
        except ValueError:  # an unparsable URL: a page somewhere on the site
            host, path = "", ""
        main = host in ("", ps.registered_domain, "www." + ps.registered_domain)
        segments = [seg for seg in path.split("/") if seg]
        folders = frozenset(
            c for seg in segments[:-1][:3] if not _LANG_SEGMENT.match(seg) and len(c := _compact(seg)) >= 3
        )
        crumbs = frozenset(c for item in ps.breadcrumbs[1:] if len(c := _compact(item)) >= 3)
        return cls(ps.registered_domain, main, is_home_url(ps.url), folders, crumbs)

    def scope(self, kind: str, name: str, site: bool) -> str:
        """The scope of a candidate name of kind ``kind``; ``site``: the signal speaks for the site when sitewide."""
        if kind in ("legal_entity", "jsonld_legal_name", "copyright") and site:
            return "site"  # the legal owner, and a footer's copyright, speak for the domain on any host or path
        if self._names_section(name):
            return "section"
        if not self.main_host and name_fits_domain(normalize_name(name), self.domain) < 0.5:
            return "host"
        return "site" if site or self.home else "page"

    def _names_section(self, name: str) -> bool:
        """The name, less the words that spell the domain, is a folder of the path or a breadcrumb item.

        "Two For Fashion" on ``/twoforfashion/strohtasche/``; "sheego Magazin" on ``/magazin/tipps/``.
        """
        if not (self.folders or self.crumbs):
            return False
        whole = _compact(name)
        if whole in self.folders or whole in self.crumbs:
            return True
        rest = "".join(w for w in normalize_name(name).tokens if not self._is_label_word(w))
        return len(rest) >= 3 and rest != whole and rest in self.folders

    def brand_of(self, name: str) -> str | None:
        """The words of a section's name that spell the domain: "sheego" of "sheego ♥ Magazin" on sheego.de."""
        words = [w for w in name.split() if (c := _compact(w)) and self._is_label_word(c)]
        return " ".join(words) if words and len(words) < len(name.split()) else None

    def _is_label_word(self, compact: str) -> bool:
        label = _compact(self.domain.split(".", 1)[0])
        return len(compact) >= 2 and (compact == label or label.startswith(compact))


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def _own_org(org: JsonLdOrg, domain: str, n_self: int) -> bool:
    if org.role != "self" or n_self <= 1:
        return True
    if org.url:
        m = _HOST.match(org.url)
        if m and _reg_domain(m.group(1).lower()) == domain:
            return True
    name = org.legal_name or org.name
    return bool(name) and name_fits_domain(normalize_name(name), domain) >= 0.5


_SITE_NAME_SPLIT = re.compile(r"\s+[|–—·•~-]\s+|\s*[|·•]\s*")


def _site_name(name: str | None, domain: str, site_text: str) -> str | None:
    """The name in a site name that carries a tagline or a page kind ("Shop Blog mit Rabatten • Dealfuchs").

    The part that spells the domain, else the only part that is neither a tagline nor a page kind. A single
    lower-case word that neither spells the domain nor appears in the header or footer ("things") is a
    topic, not a name.
    """
    if not name:
        return None
    parts = [p.strip() for p in _SITE_NAME_SPLIT.split(name) if p.strip()]
    if len(parts) >= 2:
        rest = [p for p in parts if not is_page_type(p) and not is_tagline(p)]
        names = [p for p in rest if looks_like_org_name(p.rstrip("!?"))]  # "TACH!", "Yahoo!"
        fitting = [p for p in names if _quick_fit(normalize_name(p).key, domain) >= 0.5]
        if fitting:
            return fitting[0]
        if len(rest) == 1 and names:
            return names[0]
        return name
    if (
        name.isalpha()
        and name.islower()
        and _quick_fit(normalize_name(name).key, domain) < 0.5
        and _compact(name) not in site_text
    ):
        return None
    return name


def _name_or_none(name: str | None, registered_domain: str) -> str | None:
    if not name:
        return None
    name = strip_greeting(_WS.sub(" ", name).strip())
    if not looks_like_org_name(name) or is_decoy(name, registered_domain):
        return None
    return name


# -- extraction -------------------------------------------------------------------------------------


def extract_page(
    html: str,
    url: str,
    *,
    registered_domain: str,
    max_text_chars: int = 5_000,
    main_text: str = "fast",
    max_links: int = 5_000,
    limits: PageLimits | None = None,
) -> PageSignals:
    """Extract :class:`PageSignals` from one page; pure, never raises.

    ``main_text``: ``fast`` (selectolax: body minus chrome), ``trafilatura`` (better boilerplate removal,
    ~20x slower), ``auto`` (trafilatura only when the fast text is under 300 characters on a page over
    10 kB: app shells, odd layouts), or ``none``. ``max_links``: anchors read per page (link farms).
    ``limits`` bounds the work (``resolver.bounds``): a page over them is read in part and says so in
    ``truncated``.
    """
    lim = limits or PageLimits()
    try:
        return _extract(html or "", url or "", registered_domain or "", max_text_chars, main_text, max_links, lim)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a batch of millions
        return PageSignals(url=url or "", registered_domain=registered_domain or "", errors=(_err("extract", exc),))


def _err(step: str, exc: BaseException) -> str:
    return f"{step}: {type(exc).__name__}: {str(exc)[:200]}"


def _extract(
    html: str, url: str, domain: str, max_text_chars: int, main_text: str, max_links: int, limits: PageLimits
) -> PageSignals:
    errors: list[str] = []
    html, cut = bound_html(html, limits)
    truncated = list(cut)
    tree = LexborHTMLParser(html)
    out: dict[str, object] = {}

    # <head>: title, meta, link.
    try:
        out.update(_head(tree, url))
    except Exception as exc:  # noqa: BLE001
        errors.append(_err("head", exc))

    # Structured data, before scripts are stripped.
    orgs: list[JsonLdOrg] = []
    types: list[str] = []
    if "ld+json" in html:
        try:
            scripts = [n.text(deep=True) or "" for n in tree.css('script[type*="ld+json" i]')]
            o, t, notes = organizations_from_jsonld(scripts, max_nodes=limits.max_jsonld_nodes)
            orgs.extend(o)
            types.extend(t)
            for note in notes:
                bound = Truncation.from_note(note)
                if bound is None:
                    errors.append(note)
                else:
                    truncated.append(bound)
        except Exception as exc:  # noqa: BLE001
            errors.append(_err("jsonld", exc))
    if "itemscope" in html and _microdata_may_name_org(html):
        o, t = organizations_from_microdata(html, url)
        orgs.extend(o)
        types.extend(x for x in t if x not in types)
    orgs, names_cut = _cap_names(orgs, limits.max_names)
    truncated.extend(names_cut)
    out["orgs"] = tuple(orgs)
    out["jsonld_types"] = tuple(dict.fromkeys(types[: limits.max_jsonld_nodes]))

    # Links and e-mail addresses (before chrome is stripped: footers hold the mailto).
    try:
        out.update(_links(tree, url, domain, max_links))
    except Exception as exc:  # noqa: BLE001
        errors.append(_err("links", exc))

    crumbs: tuple[str, ...] = ()
    try:
        crumbs = _breadcrumbs(tree)
    except Exception as exc:  # noqa: BLE001
        errors.append(_err("breadcrumbs", exc))

    # Remove what is never page content; cookie banners name their vendor, not the site.
    tree.strip_tags(_NOISE_TAGS)
    for node in tree.css(_COOKIE_SELECTOR):
        if node.tag in ("html", "body", "main", "footer") or len(node.text(deep=True) or "") >= 5_000:
            continue
        if node.css_first("footer") is None:  # a wrapper holding the page's footer is not a banner
            node.decompose()

    for node in tree.css(_CREDIT_SELECTOR):
        if node.tag not in ("html", "body", "main", "footer"):
            node.decompose()
    _mark_blocks(tree)
    body = tree.body or tree.root
    headings = [_WS.sub(" ", n.text(deep=True) or "").strip() for n in tree.css("h1, h2")[:8]]
    path = urlsplit(url).path if url else ""
    is_legal, is_about = page_kind(path, headings)

    # Header and footer text; copyright lines (footer first, then the last lines of the body).
    footer_lines: list[str] = []
    header_text = ""
    try:
        for node in _outermost(tree.css(_FOOTER_SELECTOR)):
            footer_lines.extend(_block_lines(node, max_chars=limits.max_line_chars))
            if len(footer_lines) > 200:
                break
        header = tree.css_first('header, [role="banner"]')
        if header is not None:
            header_text = " ".join(_block_lines(header, max_chars=limits.max_line_chars))[:300]
    except Exception as exc:  # noqa: BLE001
        errors.append(_err("footer", exc))
    body_lines: list[str] = []
    try:
        body_lines = _block_lines(body, max_chars=limits.max_line_chars) if body is not None else []
    except Exception as exc:  # noqa: BLE001
        errors.append(_err("lines", exc))
    copyright_ = copyright_names(footer_lines, domain)
    copyright_in_footer = bool(copyright_)
    if not copyright_:
        # Outside a footer, "© Name" is often a photo credit: only full copyright lines count, weighted lower.
        copyright_ = copyright_names(body_lines[-60:], domain, weight=0.65, strict=True)
    out["copyright"] = tuple(copyright_)

    # Legal entity: legal and about pages, pages that carry Impressum text, and footers' registry lines.
    entities: list[LegalName] = []
    legal_text = ""
    body_has_legal = not is_legal and bool(_LEGAL_TEXT_HINT.search(" ".join(body_lines[-150:])))
    if is_legal or is_about or body_has_legal:
        lines = body_lines if (is_legal or is_about) else body_lines[-150:]
        factor = 1.0 if (is_legal or body_has_legal) else 0.85
        for ln in legal_entities(lines, domain, fallback=is_legal):
            entities.append(LegalName(ln.name, round(ln.weight * factor, 4), ln.context, ln.rule))
        legal_text = "\n".join(_legal_window(lines))[:1_500]
    if not entities and footer_lines and has_legal_cue("\n".join(footer_lines)):
        for ln in legal_entities(footer_lines, domain, fallback=False):
            if ln.rule in ("registry", "trigger"):
                entities.append(LegalName(ln.name, round(ln.weight * 0.85, 4), f"footer: {ln.context}", ln.rule))
    if not entities:
        # No legal cue anywhere: a legal-form name heading an address block (contact boxes, footers).
        block = footer_lines + body_lines[-60:] if not (is_legal or is_about) else footer_lines + body_lines
        entities.extend(address_block_entities(block, domain))
    out["legal_entities"] = tuple(entities)

    # E-mail domains from text (legal pages and footers hold the obfuscated ones).
    emails = list(out.get("email_domains", ()))  # type: ignore[arg-type]
    for d in _text_email_domains("\n".join(footer_lines + (body_lines if is_legal or is_about else []))):
        if d not in emails:
            emails.append(d)
    out["email_domains"] = tuple(emails[:20])

    # Main text: body minus chrome (or trafilatura where asked).
    text = ""
    n_words = 0
    extra: dict[str, str] = {}
    if main_text != "none":
        try:
            text, n_words, extra["main_text"] = _main_text(tree, html, url, main_text)
        except Exception as exc:  # noqa: BLE001
            errors.append(_err("text", exc))

    text_lang = None
    try:
        text_lang = guess_language(text, out.get("lang"))  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001
        errors.append(_err("language", exc))
    title = out.get("title")
    site_name = out.get("og_site_name")
    page = _PageText(
        topic=frozenset(_compact(w) for w in re.split(r"[\s/_.-]+", path) + " ".join(headings[:1]).split() if w),
        site=_compact(" ".join([header_text, *footer_lines[:40], str(site_name or "")])),
    )
    brand = _title_brand(title, site_name, domain, page) if isinstance(title, str) else None  # type: ignore[arg-type]
    return PageSignals(
        url=url,
        registered_domain=domain,
        title=title,  # type: ignore[arg-type]
        title_brand=brand,
        og_site_name=out.get("og_site_name"),  # type: ignore[arg-type]
        application_name=out.get("application_name"),  # type: ignore[arg-type]
        og_type=out.get("og_type"),  # type: ignore[arg-type]
        description=out.get("description"),  # type: ignore[arg-type]
        lang=out.get("lang"),  # type: ignore[arg-type]
        text_lang=text_lang,
        canonical=out.get("canonical"),  # type: ignore[arg-type]
        hreflang=out.get("hreflang", ()),  # type: ignore[arg-type]
        meta_refresh=out.get("meta_refresh"),  # type: ignore[arg-type]
        orgs=out["orgs"],  # type: ignore[arg-type]
        jsonld_types=out["jsonld_types"],  # type: ignore[arg-type]
        copyright=out["copyright"],  # type: ignore[arg-type]
        legal_entities=out["legal_entities"],  # type: ignore[arg-type]
        is_legal_page=is_legal,
        is_about_page=is_about,
        copyright_in_footer=copyright_in_footer,
        breadcrumbs=crumbs,
        email_domains=out["email_domains"],  # type: ignore[arg-type]
        link_domains=out.get("link_domains", ()),  # type: ignore[arg-type]
        menu=out.get("menu", ()),  # type: ignore[arg-type]
        n_links_internal=int(out.get("n_links_internal", 0)),  # type: ignore[call-overload]
        n_links_external=int(out.get("n_links_external", 0)),  # type: ignore[call-overload]
        header_text=header_text,
        footer_text="\n".join(dict.fromkeys(footer_lines))[:1_000],
        legal_text=legal_text,
        text=text[:max_text_chars],
        n_words=n_words,
        errors=tuple(errors),
        truncated=tuple(truncated),
        extra=extra,
    )


_ITEMTYPE = re.compile(r"""itemtype\s*=\s*["']?\s*https?://schema\.org/([A-Za-z]+)""", re.IGNORECASE)


def _microdata_may_name_org(html: str) -> bool:
    """Whether microdata is worth extruct's second parse (~20 ms): an org type, or a page that has a publisher."""
    return any(is_org_type(t) or t in CONTAINER_TYPES for t in _ITEMTYPE.findall(html))


def _clean(value: str | None, cap: int = 300) -> str | None:
    if not value:
        return None
    value = _WS.sub(" ", value).strip()
    return value[:cap] or None


def _head(tree: LexborHTMLParser, url: str) -> dict[str, object]:
    out: dict[str, object] = {}
    title = tree.css_first("title")
    out["title"] = _clean(title.text(deep=True) if title is not None else None)
    meta: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = attrs.get("content") or ""
    for node in tree.css("meta[http-equiv][content]"):
        if (node.attributes.get("http-equiv") or "").strip().lower() == "refresh":
            m = _REFRESH_URL.search(node.attributes.get("content") or "")
            if m:
                out["meta_refresh"] = _absolute(url, m.group(1).strip("'\" "))
            break
    out["og_site_name"] = _clean(meta.get("og:site_name"), 200)
    out["application_name"] = _clean(meta.get("application-name") or meta.get("apple-mobile-web-app-title"), 200)
    out["og_type"] = _clean(meta.get("og:type"), 50)
    out["description"] = _clean(meta.get("description") or meta.get("og:description"), 500)
    if not out["title"]:
        out["title"] = _clean(meta.get("og:title"))
    html_node = tree.css_first("html")
    lang = (html_node.attributes.get("lang") or "") if html_node is not None else ""
    out["lang"] = (lang or "").strip().lower().replace("_", "-").split("-")[0][:8] or None
    hreflang: list[tuple[str, str]] = []
    for node in tree.css("link[rel][href]"):
        attrs = node.attributes
        rel = (attrs.get("rel") or "").lower().split()
        href = (attrs.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "data:")):
            continue
        if "canonical" in rel and "canonical" not in out:
            out["canonical"] = _absolute(url, href)
        elif "alternate" in rel and attrs.get("hreflang") and len(hreflang) < 100:
            hreflang.append(((attrs.get("hreflang") or "").strip().lower(), _absolute(url, href)))
    out["hreflang"] = tuple(hreflang)
    return out


def _absolute(base: str, href: str) -> str:
    try:
        return urljoin(base, href)[:2_000]
    except ValueError:
        return href[:2_000]


@lru_cache(maxsize=262_144)
def _reg_domain(host: str) -> str | None:
    from resolver.domains import registered_domain

    return registered_domain(host)


MENU_ITEMS = 60
"""Menu items kept per page (:attr:`PageSignals.menu`)."""
_MENU_CHARS = 32
_MENU_WORDS = 4


def _menu(links: Iterable[LexborNode]) -> tuple[str, ...]:
    """The texts of ``links`` that read like menu items, lower case, distinct, in page order.

    One to four words, not a headline, not a number or a date; at most :data:`MENU_ITEMS`.
    """
    menu: dict[str, None] = {}
    for node in links:
        text = _WS.sub(" ", node.text(deep=True) or "").strip()
        if text and len(text) <= _MENU_CHARS and len(text.split()) <= _MENU_WORDS and any(c.isalpha() for c in text):
            menu[text.lower()] = None
            if len(menu) == MENU_ITEMS:
                break
    return tuple(menu)


def _links(tree: LexborHTMLParser, url: str, domain: str, max_links: int) -> dict[str, object]:
    external = 0
    inside: list[LexborNode] = []
    domains: Counter[str] = Counter()
    emails: list[str] = []

    base_host = urlsplit(url).hostname or "" if url else ""
    for i, node in enumerate(tree.css("a[href]")):
        if i >= max_links:
            break
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        low = href[:12].lower()
        if low.startswith("mailto:"):
            addr = href[7:].split("?", 1)[0]
            if "@" in addr:
                d = _reg_domain(addr.rsplit("@", 1)[1].strip().lower())
                if d and d not in emails:
                    emails.append(d)
            continue
        if low.startswith(("javascript:", "tel:", "data:", "sms:", "callto:", "whatsapp:", "fax:", "skype:")):
            continue
        if low.startswith(("http://", "https://")) or href.startswith("//"):
            m = _HOST.match(href)
            host = m.group(1).lower().rstrip(".") if m else ""
            if not host or host == base_host:
                inside.append(node)
                continue
            d = _reg_domain(host)
            if d is None:
                continue
            if d == domain:
                inside.append(node)
            else:
                external += 1
                domains[d] += 1
        elif ":" in href.split("/", 1)[0]:
            continue  # another scheme (ftp:, intent:, ...)
        else:
            inside.append(node)
    return {
        "menu": _menu(inside),
        "n_links_internal": len(inside),
        "n_links_external": external,
        "link_domains": tuple(sorted(domains.items(), key=lambda t: (-t[1], t[0]))[:500]),
        "email_domains": tuple(emails),
    }


_BREADCRUMB_SELECTOR = '[aria-label*="breadcrumb" i], [class*="breadcrumb" i], [id*="breadcrumb" i]'


def _breadcrumbs(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The items of the page's first breadcrumb trail (list items, else links), at most 10."""
    for node in _outermost(tree.css(_BREADCRUMB_SELECTOR)):
        items = node.css("li") or node.css("a")
        texts = [t for n in items if (t := _WS.sub(" ", n.text(deep=True) or "").strip()) and len(t) <= 80]
        if len(texts) >= 2:
            return tuple(dict.fromkeys(texts))[:10]
    return ()


def _text_email_domains(text: str, max_chars: int = 200_000) -> list[str]:
    out: list[str] = []
    for m in _EMAIL.finditer(text[:max_chars]):
        host = _OBFUSCATED_DOT.sub(".", m.group(1)).strip(". ").lower()
        d = _reg_domain(host)
        if d and d not in out:
            out.append(d)
        if len(out) >= 20:
            break
    return out


def _cap_names(orgs: list[JsonLdOrg], max_names: int) -> tuple[list[JsonLdOrg], list[Truncation]]:
    """The page's structured-data organizations up to ``max_names`` names (name, legal name, alternates)."""
    kept: list[JsonLdOrg] = []
    names = 0
    for org in orgs:
        n = bool(org.name) + bool(org.legal_name) + len(org.alternate_names)
        if names + n > max_names:
            total = sum(bool(o.name) + bool(o.legal_name) + len(o.alternate_names) for o in orgs)
            detail = f"{len(orgs):,} organizations with {total:,} names; the first {len(kept):,} ({names:,} names) kept"
            return kept, [Truncation("too_many_names", detail)]
        kept.append(org)
        names += n
    return kept, []


def _outermost(nodes: Iterable[LexborNode]) -> list[LexborNode]:
    """The nodes not contained in another node of the list (a footer's inner .footer-row is not read twice)."""
    picked: list[LexborNode] = []
    ids: set[int] = set()
    for node in nodes:
        parent = node.parent
        inside = False
        while parent is not None:
            if parent.mem_id in ids:
                inside = True
                break
            parent = parent.parent
        if not inside and node.tag not in ("html", "body"):
            picked.append(node)
            ids.add(node.mem_id)
    return picked


def _mark_blocks(tree: LexborHTMLParser) -> None:
    """Put a line-separator character around every block element and ``<br>`` (one C-level pass).

    Then a node's ``text()`` splits into the lines a reader sees, while inline markup stays on its line:
    "<p>© 2024 <a>Acme</a> GmbH</p><a>LinkedIn</a>" gives two lines, not one, nor four.
    """
    for el in tree.css(_BLOCK_SELECTOR):
        el.insert_before(_LINE_SEP)
        el.insert_after(_LINE_SEP)


def _block_lines(node: LexborNode, max_lines: int = 2_000, max_chars: int = 2_000) -> list[str]:
    """The node's text as lines (after :func:`_mark_blocks`), whitespace-collapsed, empty lines dropped.

    At most ``max_lines`` lines of at most ``max_chars`` characters: the rules that read them look for
    short lines (a copyright line, an Impressum's name), and a megabyte-long line would cost them seconds.
    """
    lines: list[str] = []
    for raw in (node.text(deep=True) or "").split(_LINE_SEP):
        line = " ".join(raw[: 4 * max_chars].split())[:max_chars]
        if line:
            lines.append(line)
            if len(lines) >= max_lines:
                break
    return lines


def _legal_window(lines: list[str]) -> list[str]:
    """The part of a legal page's lines around its first trigger (Impressum heading, § 5 TMG), else the start."""
    for i, line in enumerate(lines):
        if _LEGAL_TEXT_HINT.search(line) or line.lower().startswith(("impressum", "imprint", "legal notice")):
            return lines[i : i + 25]
    return lines[:25]


def _main_text(tree: LexborHTMLParser, html: str, url: str, mode: str) -> tuple[str, int, str]:
    main = tree.css_first("main, [role=main], article")
    tree.strip_tags(_CHROME_TAGS)
    node = main if main is not None and len((main.text(deep=True) or "").strip()) > 200 else (tree.body or tree.root)
    raw = node.text(deep=True, separator=" ") if node is not None else ""
    text = _WS.sub(" ", (raw or "").replace(_LINE_SEP, " ")).strip()
    used = "fast"
    if mode == "trafilatura" or (mode == "auto" and len(text) < 300 and len(html) > 10_000):
        try:
            import trafilatura

            extracted = trafilatura.extract(html, url=url or None, include_comments=False, favor_precision=True)
        except Exception:  # noqa: BLE001 - trafilatura fails on some junk; keep the fast text
            extracted = None
        if extracted:
            text = _WS.sub(" ", extracted).strip()
            used = "trafilatura"
    return text, len(text.split()), used


@dataclass(frozen=True, slots=True)
class _PageText:
    """What a page says besides its title, to tell a name in the title from the page's topic."""

    topic: frozenset[str]
    """Compact folded words of the URL path and the first heading: what the page is about."""
    site: str
    """Compact folded header, footer and og:site_name: where a site repeats its name."""

    def name_like(self, part: str) -> bool:
        """A title part that does not spell the domain is a name unless it is a tagline or the page's topic.

        "Datenbank für Multiplayergames" is a tagline, "Hummeln" on ``/insekten/hummeln/`` the topic;
        either counts as a name when the header, footer or site name repeat it.
        """
        compact = _compact(part)
        if len(compact) >= 3 and compact in self.site:
            return True
        if is_tagline(part):
            return False
        return not (len(part.split()) == 1 and compact in self.topic)


_NO_PAGE_TEXT = _PageText(frozenset(), "")


def _title_brand(title: str | None, site_name: str | None, domain: str, page: _PageText = _NO_PAGE_TEXT) -> str | None:
    """The segment of a split title that names the site.

    Segments ("News | Acme", "Acme – Home", "Acme, custom builders, Wisconsin") are ranked by fit to the
    domain, equality with og:site_name and position; failing a fit, the last segment after a strong
    separator (``|``, ``–``, ``-``, ``·``) is taken when it is short and looks like a name ("Dentist in
    Goodyear AZ | A SoftCare Dental"), since that is where sites put their name, and is neither a tagline
    nor the page's topic (:meth:`_PageText.name_like`).
    """
    if not title:
        return None
    parts = [strip_greeting(p.strip()) for p in _TITLE_SPLIT.split(title) if p and p.strip()]
    if len(parts) < 2:
        parts = [strip_greeting(p.strip()) for p in title.split(",") if p.strip()]  # SEO keyword lists
        if len(parts) < 2:
            return None
    # Page-type parts ("Home", "About us", "Versand & Zahlung") name the page, never the site: the part
    # beside one is the site's name. A page number ("Seite 34") says nothing of where the name is.
    last_is_name = not is_page_number(parts[-1])
    parts = [p for p in parts if not is_page_type(p)] or parts
    site_key = normalize_name(site_name).key if site_name else None
    best, best_score = None, 0.0
    for i, part in enumerate(parts):
        if len(part.split()) > 6 or not looks_like_org_name(part.rstrip("!?")):
            continue
        nk = normalize_name(part)
        score = _quick_fit(nk.key, domain)
        if site_key and nk.key == site_key:
            score += 1.0
        if i == len(parts) - 1:
            score += 0.25
        elif i == 0:
            score += 0.1
        if score > best_score:
            best, best_score = part, score
    if best_score >= 0.3 and best is not None:
        if is_tagline(best) and _quick_fit(normalize_name(best).key, domain) < 0.9:
            # "Take C.A.R.E. - acme auf der Messe 2018": a headline naming the brand, not the brand's name.
            return " ".join(w for w in best.split() if _quick_fit(_compact(w), domain) >= 0.9) or None
        return best
    last = parts[-1]
    strong = _STRONG_TITLE_SEP.search(title)
    if (
        strong
        and last_is_name
        and best == last
        and len(last.split()) <= 4
        and any(w[:1].isupper() for w in last.split())
        and page.name_like(last)
    ):
        return last
    return None


def _quick_fit(key: str, domain: str) -> float:
    """A cheap stand-in for ``name_fits_domain`` to rank title segments: compact key vs the domain's label."""
    compact = key.replace(" ", "")
    label = domain.split(".", 1)[0].replace("-", "")
    if not compact or not label:
        return 0.0
    if compact == label:
        return 1.0
    if len(compact) >= 3 and (compact in label or label in compact):
        return 0.6 + 0.3 * min(len(compact), len(label)) / max(len(compact), len(label))
    if len(compact) < 3:
        return 0.0
    ratio, partial = fuzz.ratio(compact, label), fuzz.partial_ratio(compact, label)
    return 0.75 * max(ratio, partial) / 100.0 if ratio >= 75 or partial >= 88 else 0.0


def ownership_text(signals: PageSignals, max_chars: int = 2_000, body_chars: int = 400) -> str:
    """The text that carries ownership, for NER; at most ``max_chars`` characters, never the whole body.

    In order: title, og:site_name, header, copyright lines, legal-entity lines, the legal page's text, the
    footer, and the first ``body_chars`` characters of the main text.
    """
    parts: list[str] = []
    for piece in (
        signals.title,
        signals.og_site_name,
        signals.header_text[:200],
        *(c.context for c in signals.copyright),
        *(e.context for e in signals.legal_entities),
        signals.legal_text,
        signals.footer_text[:800],
        signals.text[:body_chars],
    ):
        if piece and piece not in parts:
            parts.append(piece)
    out = "\n".join(parts)
    return out[:max_chars]
