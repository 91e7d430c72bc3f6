"""Pages streamed from a world: one site after another, each page rendered, yielded and forgotten.

Memory stays bounded by the world (orgs and sites), never by the number of pages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from orgmap.synth import html as H
from orgmap.synth import vocab as V
from orgmap.synth.world import Org, Site, World, slug

YEAR = 2024
CONTENT_PATHS = {
    "news": ("news/{y}/{m:02d}", "politics", "business", "sport", "local"),
    "shop": ("products", "category", "p"),
    "government": ("services", "publications", "residents", "news"),
    "education": ("study", "research", "news", "faculties"),
    "finance": ("accounts", "loans", "insurance", "investing"),
    "health": ("departments", "patients", "services"),
    "nonprofit": ("projects", "get-involved", "campaigns", "stories"),
    "company": ("services", "industries", "solutions", "careers"),
    "tech": ("docs", "product", "changelog", "guides"),
    "blog": ("{y}/{m:02d}", "posts", "notes"),
    "adult": ("videos", "models", "categories"),
    "gambling": ("casino", "sports", "promotions", "games"),
    "parked": ("lander",),
    "other": ("events", "club", "exhibitions", "gallery"),
}

TOPICS: dict[str, tuple[float, tuple[str, ...]]] = {
    "news": (0.6, ("finance", "government", "health", "tech", "education", "company", "shop", "gambling")),
    "blog": (0.5, ("tech", "shop", "health", "other", "finance")),
    "company": (0.2, ("tech", "finance", "shop")),
    "tech": (0.2, ("company", "finance", "education")),
    "nonprofit": (0.3, ("health", "education", "government")),
    "government": (0.2, ("health", "education", "finance", "nonprofit")),
    "education": (0.2, ("health", "tech", "company")),
    "health": (0.15, ("education", "nonprofit")),
    "finance": (0.15, ("company", "tech", "shop")),
    "other": (0.2, ("blog", "education", "nonprofit")),
}
"""Per page class: share of content pages about another class's subject, and which classes."""


def content_type(cls: str, section: str) -> str:
    """The page type of a content page of class ``cls`` under ``section`` (see :data:`CONTENT_PATHS`)."""
    top = section.split("/", 1)[0]
    if cls in ("news", "blog") or top in ("news", "stories", "changelog", "publications"):
        return "article"
    if cls == "shop":
        return "listing" if top == "category" else "product"
    return {"docs": "documentation", "guides": "documentation", "careers": "job", "events": "event"}.get(top, "other")


@dataclass(frozen=True, slots=True)
class SynthPage:
    """One crawl record and its ground truth."""

    record: dict[str, object]
    """The object written to ``pages.jsonl.gz``."""
    registered_domain: str
    """The URL's registered domain (punycode), as the PSL gives it."""
    page_class: str
    """Page taxonomy class; empty for redirect records."""
    org_id: str
    """Owner of the domain; empty when it has none."""
    lang: str
    """Language of the page ('' for redirects)."""
    page_type: str = ""
    """What the page is (the page-type vocabulary of classifiers/taxonomy.toml); empty for redirects."""

    @property
    def url(self) -> str:
        """The record's URL."""
        return str(self.record["url"])

    @property
    def is_redirect(self) -> bool:
        """True for 3xx records."""
        return self.record["status"] != 200


def allocate(sites: list[Site], n_pages: int, rng: random.Random, *, trim: bool = False) -> None:
    """Give every site its number of records so that they sum to exactly ``n_pages``.

    ``trim``: when there are more sites than records (tiny crawls), leave the least important sites out
    (``n_pages = 0``): redirects, parked and personal sites first, main sites last.
    """
    if trim and len(sites) > n_pages:
        rank = {"main": 0, "idn": 0, "acronym": 1, "brand": 2, "shared_hosting": 3, "personal": 3, "parked": 3}
        keep = sorted(range(len(sites)), key=lambda i: (rank.get(sites[i].domain_kind, 4), i))[:n_pages]
        kept = set(keep)
        for s in sites:
            s.n_pages = 0
        sites = [s for i, s in enumerate(sites) if i in kept]
    fixed = 0
    for s in sites:
        s.n_pages = (2 if rng.random() < 0.3 else 1) if s.domain_kind == "redirect" else 1
        fixed += s.n_pages
    extra = n_pages - fixed
    if extra < 0:
        from resolver.errors import InputError

        raise InputError(
            f"{n_pages} pages are too few for {len(sites)} sites: pass more --pages or fewer orgs (need >= {fixed})"
        )
    growing = [s for s in sites if s.domain_kind != "redirect"]
    total = sum(s.weight for s in growing) or 1.0
    shares = [extra * s.weight / total for s in growing]
    given = 0
    for s, share in zip(growing, shares, strict=True):
        s.n_pages += int(share)
        given += int(share)
    order = sorted(range(len(growing)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[: extra - given]:
        growing[i].n_pages += 1


class PageStream:
    """Renders the pages of a world's sites; ``named`` records which domains named their owner."""

    def __init__(self, world: World, rng: random.Random, *, seed: int, shift: str | None) -> None:
        self.world = world
        self.rng = rng
        self.shift = shift
        self.base = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=seed % 300, seconds=(seed * 7919) % 86400)
        self.n = 0
        self.named: dict[str, bool] = {}
        self.orgs_with_site = [o for o in world.orgs if o.main_site is not None]
        self.companies = [o for o in self.orgs_with_site if o.org_class == "company"] or self.orgs_with_site

    def __iter__(self) -> Iterator[SynthPage]:
        order = list(range(len(self.world.sites)))
        self.rng.shuffle(order)
        for i in order:
            yield from self.site_pages(self.world.sites[i])

    # -- records ----------------------------------------------------------------------------------------
    def _stamp(self) -> str:
        self.n += 1
        t = self.base + timedelta(seconds=self.n * 3 + self.rng.randint(0, 2))
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _page(self, site: Site, url: str, html: str, page_class: str, lang: str, page_type: str = "other") -> SynthPage:
        org = site.org
        if org is not None and not self.named.get(site.registered_domain):
            if org.name in html or escape(org.name) in html:
                self.named[site.registered_domain] = True
        rec = {
            "url": url,
            "html": html,
            "fetched_at": self._stamp(),
            "status": 200,
            "content_type": "text/html; charset=utf-8",
        }
        return SynthPage(rec, site.registered_domain, page_class, org.org_id if org else "", lang, page_type)

    def _redirect(self, site: Site, url: str, to: str, status: int = 301) -> SynthPage:
        rec = {"url": url, "status": status, "redirect_to": to, "fetched_at": self._stamp()}
        org = site.org
        return SynthPage(rec, site.registered_domain, "", org.org_id if org else "", "")

    def site_pages(self, site: Site) -> Iterator[SynthPage]:
        """All records of one site, home page first."""
        rng = self.rng
        if site.domain_kind == "redirect":
            assert site.redirect_to is not None
            paths = ("/", "/about", "/index.html", "/contact", "/home")
            for i in range(site.n_pages):
                path = paths[i % len(paths)] + (f"?p={i}" if i >= len(paths) else "")
                scheme = "http" if rng.random() < 0.5 else "https"
                to_path = path if path in ("/", "/about", "/contact") else "/"
                yield self._redirect(site, H.url_of(site, path, scheme=scheme), H.url_of(site.redirect_to, to_path))
            return
        idn = not site.host.isascii()
        cookie = rng.random() < 0.35 and site.site_class != "parked"
        legal_path = H.LEGAL_PATH.get(site.lang, "/legal-notice")
        plan = ["home"]
        if site.org is not None:
            plan += ["legal", "about", "contact"]
        elif site.site_class == "blog":
            plan += ["about"]
        n = site.n_pages
        special = plan[:n]
        redirect_slot = 1 if n >= 6 and rng.random() < 0.3 else -1
        counter = 0
        for i in range(n):
            if i == redirect_slot:
                if site.www and not site.platform:
                    yield self._redirect(site, f"https://{site.host}/", H.url_of(site))
                else:
                    yield self._redirect(site, H.url_of(site, scheme="http"), H.url_of(site))
                continue
            unicode_host = not idn or rng.random() < 0.5
            kind = special[i] if i < len(special) else "content"
            counter += 1
            yield self.render(site, kind, counter, unicode_host, cookie, legal_path, first=i == 0)

    # -- rendering ----------------------------------------------------------------------------------------
    def _terms(self, cls: str, lang: str) -> tuple[str, ...]:
        if self.shift == "vocab" and lang == "en":
            return V.SHIFTED[cls]
        return V.TERMS[lang][cls]

    def _nav_items(self, site: Site, lang: str, cls: str) -> tuple[str, ...]:
        """A site's menu: drawn once from its class's menu words and terms; generic on some sites."""
        items = site.nav.get((lang, cls))
        if items is None:
            rng = self.rng
            if rng.random() < 0.3 or cls == "parked":
                items = H.generic_nav(lang)
            else:
                pool = H.NAV_EN[cls] if lang == "en" and self.shift != "vocab" else ()
                pool += tuple(V.cap(t) for t in self._terms(cls, lang))
                items = tuple(rng.sample(pool, min(5, len(pool))))
            site.nav[(lang, cls)] = items
        return items

    def _header(self, site: Site, lang: str, cls: str, generic: bool) -> str:
        """The rendered header, cached per site (menus repeat on every page of a site)."""
        key = (lang, "" if generic else cls)
        html = site.headers.get(key)
        if html is None:
            items = H.generic_nav(lang) if generic else self._nav_items(site, lang, cls)
            html = site.headers[key] = H.nav(site, lang, items)
        return html

    def _term(self, cls: str, lang: str) -> str:
        rnd = self.rng.random
        if self.shift == "vocab" and lang == "en" and rnd() < 0.2:
            seq = V.TERMS["en"][cls]
        else:
            seq = self._terms(cls, lang)
        return seq[int(rnd() * len(seq))]

    def text(self, cls: str, lang: str, place: str, n_sent: int, keywordless: bool, topic: str = "") -> str:
        """Sentences whose slots mostly take class terms (never on keyword-free pages).

        ``topic``: another class the page is *about* (a news story on banking, a blog post on software):
        its terms take a good share of the slots, while the page keeps its own class.
        """
        rng = self.rng
        generic = V.GENERIC[lang]
        frames = V.SENTENCES[lang]
        out = []
        p_class = 0.0 if keywordless else (0.42 if topic else 0.65)
        p_topic = p_class + (0.33 if topic and not keywordless else 0.0)
        p_any = p_topic + (0.1 if not keywordless else 0.0)
        rnd = rng.random
        term = self._term
        n_generic, n_frames = len(generic), len(frames)
        for _ in range(n_sent):
            slots = []
            for _ in range(3):
                r = rnd()
                if r < p_class:
                    slots.append(term(cls, lang))
                elif r < p_topic:
                    slots.append(term(topic, lang))
                elif r < p_any:
                    slots.append(term(V.PAGE_CLASSES[int(rnd() * 12)], lang))  # overlap between classes
                else:
                    slots.append(generic[int(rnd() * n_generic)])
            a = slots[0]
            frame = frames[int(rnd() * n_frames)]
            out.append(frame.format(a=a, b=slots[1], c=slots[2], A=a[:1].upper() + a[1:], place=place))
        return " ".join(out)

    def render(
        self, site: Site, kind: str, counter: int, unicode_host: bool, cookie: bool, legal_path: str, first: bool
    ) -> SynthPage:
        """One HTML page of a site."""
        rng = self.rng
        org = site.org
        lang = site.lang
        cls = site.site_class
        host_prefix = ""
        if kind == "content" and org is not None and lang != "en" and rng.random() < 0.12:
            lang, host_prefix = "en", "/en"
        if kind == "content" and site.site_class in ("company", "tech") and rng.random() < 0.1:
            cls = "blog"
        elif kind == "content" and site.site_class == "company" and rng.random() < 0.08:
            cls = "shop"
        ui = V.UI[lang]
        place = org.place if org else "town"
        keywordless = kind == "content" and rng.random() < 0.06
        topic = ""
        if kind == "content" and cls in TOPICS and rng.random() < TOPICS[cls][0]:
            topic = rng.choice(TOPICS[cls][1])
        # path and title
        ptype = kind
        if kind == "home":
            path = "/"
            page_title = ""
        elif kind == "legal":
            path, page_title = legal_path, ui["legal"]
        elif kind == "about":
            path, page_title = "/about", ui["about"]
        elif kind == "contact":
            path, page_title = "/contact", ui["contact"]
        else:
            section = rng.choice(CONTENT_PATHS[cls]).format(y=YEAR - rng.randint(0, 2), m=rng.randint(1, 12))
            ptype = content_type(cls, section)
            words = (
                [self._term(cls, lang) for _ in range(rng.randint(2, 3))]
                if not keywordless
                else [rng.choice(V.GENERIC[lang]) for _ in range(2)]
            )
            page_title = V.cap(" ".join(words))
            path = f"{host_prefix}/{section}/{slug(' '.join(words)) or 'page'}-{counter}"
            if cls == "blog" and site.platform == "blogspot.com":
                path += ".html"
        url = H.url_of(site, path, unicode_host=unicode_host)
        if cls != site.site_class and org is not None and not site.platform:
            sub = "blog" if cls == "blog" else "shop"
            base = site.host if unicode_host else site.host_ascii
            url = f"https://{sub}.{base}{path}"
        if cls == "parked":
            return self._page(site, url, self.parked(site, url), "parked", "en")
        brand = escape(site.brand)
        # title pattern
        r = rng.random()
        if kind == "home":
            tagline = V.cap(self._term(cls, lang)) if not keywordless else rng.choice(V.GENERIC[lang])
            title = (
                f"{brand} | {tagline}"
                if r < 0.4
                else f"{brand} – {tagline}"
                if r < 0.6
                else brand
                if r < 0.85
                else ui["welcome"].format(name=brand)
            )
        else:
            title = (
                f"{escape(page_title)} – {brand}"
                if r < 0.45
                else f"{escape(page_title)} | {brand}"
                if r < 0.7
                else escape(page_title)
                if r < 0.9
                else f"{brand}: {escape(page_title)}"
            )
        head = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>']
        if rng.random() < 0.5:
            head.append(f'<meta name="description" content="{escape(self.text(cls, lang, place, 1, keywordless))}">')
        if site.og:
            og_type = "website" if kind == "home" else H.OG_TYPES.get(cls, "website")
            head.append(
                f'<meta property="og:site_name" content="{brand}"><meta property="og:type" content="{og_type}">'
            )
        if rng.random() < 0.3:
            head.append(f'<link rel="canonical" href="{escape(url)}">')
        style = site.footer
        if first and org is not None and style in ("short", "none") and site.jsonld == 0:
            style = "legal"  # every owned site names its owner at least on its home page
        if org is not None and (site.jsonld and (first or rng.random() < site.jsonld)):
            broken = not first and rng.random() < 0.05
            head.append(H.jsonld(rng, site, H.url_of(site, unicode_host=False), broken=broken))
        head.append("</head><body>")
        body = [cookie and H.cookie_banner(rng, lang) or ""]
        body.append(self._header(site, lang, cls, keywordless))
        body.append("<main>")
        if kind == "legal" and org is not None:
            body.append(H.legal_notice(rng, site, lang))
        elif kind == "about":
            body.append(self.about(site, lang, cls, place))
        elif kind == "contact":
            body.append(self.contact(site, lang, cls, place))
        else:
            h1 = escape(page_title) if page_title else (ui["welcome"].format(name=brand))
            body.append(f"<h1>{h1}</h1>")
            for _ in range(rng.randint(2, 5)):
                body.append(f"<p>{escape(self.text(cls, lang, place, rng.randint(2, 4), keywordless, topic))}</p>")
            if cls == "news" and not keywordless:
                body.append(self.mention(lang))
            if kind == "home" and org is not None and org.partners and rng.random() < 0.5:
                body.append(self.partners(org, lang))
        body.append("</main>")
        line = "" if (not first and rng.random() < 0.1) else H.copyright_line(rng, site, lang, style, YEAR)
        extra = ""
        if org is not None and org.parent is not None and rng.random() < 0.3:
            extra = f"<p>{escape(ui['member'].format(parent=org.parent.name))}</p>"
        body.append(H.footer(rng, site, lang, line, legal_path=legal_path, extra=extra))
        body.append("</body></html>")
        html = "".join(head) + "".join(body)
        if not first:
            r = rng.random()
            if r < 0.006:
                html = "" if rng.random() < 0.5 else "<html><head></head><body></body></html>"
            elif r < 0.05:
                html = H.break_markup(rng, html)
            elif r < 0.065:
                html = html[: rng.randint(len(html) // 3, len(html))]
        return self._page(site, url, html, cls, lang, ptype)

    def about(self, site: Site, lang: str, cls: str, place: str) -> str:
        """About page: what the org does, who it belongs to, whom it owns."""
        rng = self.rng
        ui = V.UI[lang]
        org = site.org
        parts = [f"<h1>{ui['about']}</h1>"]
        if org is not None:
            lead = escape(org.name if rng.random() < 0.6 else org.short)
            parts.append(f"<p>{lead}: {escape(self.text(cls, lang, place, 2, False))}</p>")
            if site.domain_kind == "brand":
                parts.append(f"<p>{escape(ui['brand_of'].format(brand=site.brand, legal=org.name))}</p>")
            if org.parent is not None and org.parent.main_site is not None:
                href = H.url_of(org.parent.main_site)
                text = escape(ui["subsidiary"].format(sub=org.short, parent=org.parent.name))
                parts.append(f'<p>{text} <a href="{escape(href)}">{escape(org.parent.short)}</a></p>')
            subs = [s for s in org.subsidiaries if s.main_site is not None]
            if subs:
                items = "".join(
                    f'<li><a href="{escape(H.url_of(s.main_site))}">{escape(s.name)}</a></li>'
                    for s in subs
                    if s.main_site is not None
                )
                parts.append(f'<ul class="group">{items}</ul>')
            if org.partners:
                parts.append(self.partners(org, lang))
        else:
            who = escape(site.person or site.brand)
            employer = rng.choice(self.companies)
            parts.append(
                f"<p>Hi, I'm {who}. I write about {escape(self._term('blog', lang))} and "
                f"{escape(self._term(rng.choice(V.PAGE_CLASSES[:10]), lang))}. By day I work at "
                f"{escape(employer.name)}.</p>"
            )
        parts.append(f"<p>{escape(self.text(cls, lang, place, 3, False))}</p>")
        return "".join(parts)

    def contact(self, site: Site, lang: str, cls: str, place: str) -> str:
        """Contact page: e-mail at the site's domain, phone, address."""
        rng = self.rng
        ui = V.UI[lang]
        org = site.org
        mail = f"{rng.choice(('info', 'contact', 'hello', 'office', 'service'))}@{site.host_ascii}"
        parts = [f'<h1>{ui["contact"]}</h1><p>{ui["email"]}: <a href="mailto:{mail}">{mail}</a></p>']
        if org is not None:
            parts.append(
                f"<p>{ui['phone']}: +{rng.randint(1, 49)} {rng.randint(100, 999)} {rng.randint(1000, 99999)}</p>"
            )
            parts.append(f"<address>{escape(org.short)}<br>{H.address(rng, org)}</address>")
        parts.append(f"<p>{escape(self.text(cls, lang, place, 2, False))}</p>")
        return "".join(parts)

    def partners(self, org: Org, lang: str) -> str:
        """Links to partner orgs' sites, naming them (not the owner!)."""
        items = "".join(
            f'<li><a href="{escape(H.url_of(p.main_site))}">{escape(p.name)}</a></li>'
            for p in org.partners
            if p.main_site is not None
        )
        return f"<aside><h2>{V.UI[lang]['partners']}</h2><ul>{items}</ul></aside>" if items else ""

    def mention(self, lang: str) -> str:
        """A news paragraph naming and linking another org."""
        rng = self.rng
        other = rng.choice(self.companies)
        assert other.main_site is not None
        verb = rng.choice(("announced", "reported", "confirmed", "denied", "launched"))
        return (
            f'<p><a href="{escape(H.url_of(other.main_site))}">{escape(other.name)}</a> {verb} '
            f"{escape(self._term(other.main_site.site_class, lang))} on {rng.choice(('Monday', 'Tuesday', 'Friday'))}."
            "</p>"
        )

    def parked(self, site: Site, url: str) -> str:
        """A parking page: for sale, related searches from random classes, the parking company's ©."""
        rng = self.rng
        dom = escape(site.host)
        searches = "".join(
            f'<li><a href="/?q={slug(t)}">{escape(t)}</a></li>'
            for t in (self._term(rng.choice(V.PAGE_CLASSES[:12]), "en") for _ in range(5))
        )
        sale = self._term("parked", "en") if self.shift != "vocab" else rng.choice(V.SHIFTED["parked"])
        return (
            f"<!DOCTYPE html><html><head><title>{dom}</title></head><body><h1>{dom}</h1>"
            f"<p>{escape(V.cap(sale))}. {escape(V.cap(self._term('parked', 'en')))}.</p>"
            f"<h2>Related searches</h2><ul>{searches}</ul>"
            f"<footer>© {YEAR} {rng.choice(V.PARKING_COMPANIES)}. All rights reserved.</footer></body></html>"
        )
