"""Who a page says it belongs to, in words: copyright lines and the entity named on legal pages.

"© 2024 Acme Widgets GmbH. Alle Rechte vorbehalten" gives ``Acme Widgets GmbH``; an Impressum gives the line after
a trigger ("Angaben gemäß § 5 TMG", "Publisher") or a name with a legal form near a registry line ("HRB",
"SIRET"). Photo credits, platforms, vendors, the web agency and the host are not owners. Pure functions over
lines of text (the HTML walk is ``resolver.signals``); the patterns: docs/signals.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from resolver.names import LEGAL_FORM_HINT, fold, looks_like_org_name, name_fits_domain, normalize_name

__all__ = ["LegalName", "copyright_names", "has_legal_cue", "is_decoy", "legal_entities", "page_kind", "split_parent"]


@dataclass(frozen=True, slots=True)
class LegalName:
    """A name found by a copyright line or on a legal page."""

    name: str
    """The entity as written, boilerplate removed."""
    weight: float
    """How sure the rule that found it is that this is the owner, in [0, 1]."""
    context: str
    """The line it came from (evidence), at most 200 characters."""
    rule: str
    """Which rule found it: ``copyright``, ``trigger``, ``registry``, ``legal_form``."""


# -- decoys -----------------------------------------------------------------------------------------

_DECOY_KEYS = frozenset(
    normalize_name(n).key
    for n in (
        "WordPress",
        "WooCommerce",
        "Automattic",
        "Elementor",
        "Wix",
        "Wix.com",
        "Jimdo",
        "Squarespace",
        "Shopify",
        "Weebly",
        "TYPO3",
        "Joomla",
        "Drupal",
        "Contao",
        "Cookiebot",
        "Usercentrics",
        "OneTrust",
        "Borlabs",
        "CookieYes",
        "Complianz",
        "consentmanager",
        "iubenda",
        "Didomi",
        "Quantcast",
        "TrustArc",
        "PayPal",
        "Stripe",
        "Klarna",
        "Sofort",
        "Mollie",
        "Adyen",
        "Visa",
        "Mastercard",
        "Google",
        "Google LLC",
        "Facebook",
        "Meta",
        "Twitter",
        "YouTube",
        "Instagram",
        "LinkedIn",
        "Pinterest",
        "TikTok",
        "XING",
        "Vimeo",
        "OpenStreetMap",
        "OpenStreetMap contributors",
        "Mapbox",
        "Leaflet",
        "Getty Images",
        "iStock",
        "iStockphoto",
        "Shutterstock",
        "Adobe Stock",
        "Fotolia",
        "Unsplash",
        "Pixabay",
        "Pexels",
        "dpa",
        "AFP",
        "EPA",
        "imago",
        "picture alliance",
        "Keystone",
        "Colourbox",
        "Depositphotos",
        "123RF",
        "Strato",
        "IONOS",
        "1&1",
        "Hetzner",
        "Host Europe",
        "GoDaddy",
        "Bluehost",
        "Cloudflare",
        "Amazon Web Services",
    )
)
"""Keys of platform, vendor, payment, social and photo-agency names that are never a page's owner
unless the name fits the page's own domain (``wordpress.com`` may well say "© WordPress")."""


_DECOY_WORDS = frozenset({"theme", "themes", "template", "templates", "blogger", "plugin", "wordpress"})


def is_decoy(name: str, registered_domain: str) -> bool:
    """A platform/vendor/photo-agency name on a domain that is not its own."""
    nk = normalize_name(name)
    decoy = (
        nk.key in _DECOY_KEYS
        or any(t in _DECOY_KEYS or t in _DECOY_WORDS for t in nk.tokens if len(t) > 3)
        or any(nk.key.startswith(k + " ") for k in _DECOY_KEYS if len(k) >= 4)
    )
    if not decoy:
        return False
    return name_fits_domain(nk, registered_domain) < 0.6


# -- copyright --------------------------------------------------------------------------------------

_COPY_MARK = re.compile(r"©|&copy;|\(c\)(?=\s)|\bcopyright\b|\bcopr\.", re.IGNORECASE)
_CREDIT_WORDS = (
    r"(?:foto|fotos|bild|bilder|photo|photos|image|images|picture|quelle|source|credit|credits|illustration|"
    r"grafik|abbildung|titelbild|beitragsbild|header|video|karte|map|icon|logo)s?"
)
_CREDIT_BEFORE = re.compile(_CREDIT_WORDS + r"\s*[:/]?\s*$", re.IGNORECASE)
"""A photo credit: the copyright mark follows "Foto:", "Bild", "Image credit" (the agency is no owner)."""
_COPYRIGHT_LINK = re.compile(
    r"\s*(?:[,&/]|and\b|und\b|et\b|information|info\b|infos\b|polic|notice|hinweis|infringement|statement|"
    r"disclaimer|trademark|complaint|agent|issue|request|guideline|terms|dispute|law\b|act\b|protection|schutz|"
    r"vermerk|richtlinie|avis|politique)",
    re.IGNORECASE,
)
"""What follows the word "copyright" in a link or heading ("Copyright Information", "Copyright Policy",
"Copyright, Trademark and Patent Information"): a page about copyright, not a statement of who holds it."""
_AFTER_LEGAL_NAME = re.compile(
    r"\s*(?:[«»„“\"(\[]|\d|P\.?\s?O\.?\s*Box\b|Postfach\b|Case postale\b|BP\s*\d)", re.IGNORECASE
)
"""What starts after a complete legal name and is no part of it: a quoted brand, an address, a number."""
_CREDIT_AFTER = re.compile(r"^\s*(?:(?:19|20)\d\d)?\s*" + _CREDIT_WORDS + r"\s*:", re.IGNORECASE)
_STOP = re.compile(
    r"\s*(?:all rights reserved|alle rechte vorbehalten|tous droits r[ée]serv[ée]s|todos los derechos|"
    r"tutti i diritti|alle rechten voorbehouden|wszelkie prawa|v[šs]echna pr[áa]va|minden jog|alla r[äa]ttigheter|"
    r"alle rettigheder|kaikki oikeudet|todos os direitos|"
    r"some rights reserved|einige rechte vorbehalten|certains droits r[ée]serv[ée]s|"
    r"\bcc[- ]by\b|\bcc[- ]?0\b|creative commons|powered by|designed by|design by|"
    r"theme by|made with|made by|developed by|website by|built with|hosted by|realisiert|umsetzung|"
    r"impressum|datenschutz|privacy|terms|imprint|cookie|kontakt|contact|\||·|•|»|/\s|\s[-–—]\s|;|\n|"
    r"(?<!\b\w)(?<!\bco)(?<!\binc)(?<!\bltd)(?<!\bcorp)(?<!\bst)(?<!\bjr)(?<!\bbros)\.\s|"
    r"(?:back )?to top\b|nach oben|zum seitenanfang|haut de page|"
    r"\b(?:rif|nit|cif|nif|rcs|siret|siren|hrb|hra|abn|acn|vat|ust-?id\w*|kvk|cnpj|gstin)\b|"
    r"(?:on|with|using|via|by) (?:the )?[\w -]{0,30}(?:theme|template)\b)",
    re.IGNORECASE,
)
_YEARS = re.compile(r"^(?:(?:19|20)\d\d\s*(?:[-–—/]\s*(?:(?:19|20)\d\d|present|heute|today)\s*)?[,.]?\s*)+")
_TRAIL = re.compile(r"[\s,.;:·•|–—-]*(?:(?:19|20)\d\d\s*[-–—]?\s*)*[\s,.;:·•|–—-]*$")
_LEAD = re.compile(r"^[\s,.;:·•|–—-]*(?:by\s+|von\s+|par\s+|©\s*|\(c\)\s*|copyright\s*)*", re.IGNORECASE)


_FULL_COPYRIGHT = re.compile(
    r"(?:19|20)\d\d|rights reserved|rechte vorbehalten|droits r[ée]serv[ée]s|derechos reservados|\bcopyright\b",
    re.IGNORECASE,
)


def copyright_names(
    lines: Sequence[str], registered_domain: str, *, weight: float = 0.75, strict: bool = False
) -> list[LegalName]:
    """Entities named by copyright lines, most likely owner first (footer lines should come first).

    ``strict``: only lines with a year, "all rights reserved" or the word "copyright" (outside footers a
    bare "© Name" is mostly a photo credit).
    """
    out: list[LegalName] = []
    seen: set[str] = set()
    for line in lines:
        if len(line) > 400:
            continue
        low = line.lower()
        if "©" not in line and "(c)" not in low and "copyright" not in low and "copr." not in low:
            continue  # the cheap test first: most lines carry no copyright mark
        if strict and not _FULL_COPYRIGHT.search(line):
            continue
        for m in _COPY_MARK.finditer(line):
            before = line[: m.start()]
            if _CREDIT_BEFORE.search(before[-30:]):
                continue
            if m.group(0)[:1].lower() == "c" and "©" not in line and _COPYRIGHT_LINK.match(line, m.end()):
                continue  # "Copyright Information", "Copyright Policy": a link to a page about copyright
            name = _copyright_entity(line[m.end() :])
            if not name and m.start() > 0:
                # "Acme GmbH © 2024": the name stands before the mark.
                name = _clean_name(re.split(r"[|·•]", before)[-1])
            if not name or not looks_like_org_name(name) or is_decoy(name, registered_domain):
                continue
            if " " not in name and name.islower() and name_fits_domain(normalize_name(name), registered_domain) < 0.5:
                continue  # "© siehe Impressum", "(c) see below": a lower-case word, not a name
            for found in (name, _quoted_brand(line, name)):
                key = normalize_name(found).key if found else ""
                if found and key and key not in seen and looks_like_org_name(found):
                    seen.add(key)
                    out.append(LegalName(found, weight, line.strip()[:200], "copyright"))
            break
    return out


_LEADING_NUMBER = re.compile(r"^\d{1,4}\s+(?=[^\W\d_])")


_PART_OF = re.compile(
    r",?\s+(?:(?:is\s+)?(?:a\s+)?part of|(?:is\s+)?a (?:division|subsidiary|member|unit) of|"
    r"an? (?P<co>.{2,40}?) company$|"
    r"ein unternehmen der|eine marke der|ein tochterunternehmen der|une (?:soci[ée]t[ée]|filiale|marque) (?:du|de)"
    r"(?: groupe)?)\s*(?P<parent>.*)$",
    re.IGNORECASE,
)


_BRAND_OF = re.compile(
    r"^(?P<brand>.{2,60}?),?\s+(?:is\s+)?(?:a|an)\s+(?:registered\s+)?"
    r"(?:brand|trademark|trading name|trading style)\s+of\s+(?:the\s+)?(?P<owner>.{2,80})$|"
    r"^(?P<brand2>.{2,60}?),?\s+(?:ist\s+)?eine\s+marke\s+(?:der|des|von)\s+(?P<owner2>.{2,80})$|"
    r"^(?P<brand3>.{2,60}?),?\s+(?:est\s+)?une\s+marque\s+(?:de|du|de la)\s+(?P<owner3>.{2,80})$",
    re.IGNORECASE,
)


def brand_owner(text: str) -> tuple[str, str] | None:
    """("Kasaon is a brand of Star Outdoor Ltd") → ("Kasaon", "Star Outdoor Ltd"); also German and French."""
    m = _BRAND_OF.match(text.strip())
    if not m:
        return None
    brand = m.group("brand") or m.group("brand2") or m.group("brand3")
    owner = m.group("owner") or m.group("owner2") or m.group("owner3")
    return brand.strip(" ,"), owner.strip(" .,;")


def split_parent(name: str) -> tuple[str, str | None]:
    """("Healthline Media UK Ltd, a Red Ventures Company") → ("Healthline Media UK Ltd", "Red Ventures").

    Also "X, part of Y", "X, a subsidiary of Y", "X – ein Unternehmen der Y", "X, une filiale du groupe Y".
    """
    m = _PART_OF.search(name)
    if not m or m.start() < 2:
        return name, None
    parent = (m.group("co") or m.group("parent") or "").strip(" ,.;") or None
    return name[: m.start()].strip(" ,;–—-"), parent


def _inside_legal_form(text: str, pos: int) -> bool:
    """Whether the dot at ``pos`` belongs to a legal form ("Sp. z o.o.") rather than ending a sentence."""
    m = LEGAL_FORM_HINT.search(text, pos + 1, pos + 16)
    return m is not None and m.start() <= pos + 6 and not text[pos + 1 : m.start()].strip(" ").istitle()


def _copyright_entity(rest: str) -> str | None:
    if _CREDIT_AFTER.match(rest):
        return None
    rest = _LEAD.sub("", rest)
    rest = _YEARS.sub("", rest.strip())
    rest = _LEAD.sub("", rest)
    rest = _YEARS.sub("", rest.strip())
    rest = _LEADING_NUMBER.sub("", rest)
    # "Kasaon is a brand of Star Outdoor Ltd.": the owner holds the copyright (its sentence ends the line).
    owned = brand_owner(re.split(r"\.\s|\s[|·•]\s|\n", rest, maxsplit=1)[0] if ". " in rest else rest.rstrip("."))
    if owned:
        rest = owned[1]
    for m in _STOP.finditer(rest):
        if m.group(0).startswith(".") and _inside_legal_form(rest, m.start()):
            continue  # "POLITYKA Sp. z o.o.", "S.A. de C.V."
        rest = rest[: m.start()]
        break
    return _clean_name(split_parent(rest)[0])


def _clean_name(text: str) -> str | None:
    text = " ".join(text.split())
    text = _TRAIL.sub("", _LEAD.sub("", text)).strip(" \"'“”„‚‘’«»()[]")
    if not text or len(text) > 100 or not any(ch.isalpha() for ch in text) or _CREDIT_AFTER.match(text):
        return None
    text = _cut_after_legal_form(_latin_head(text))
    if "," in text:
        # "Acme Ltd, Brighton, UK": a place after a complete legal name is not part of it.
        first = text.split(",", 1)[0].strip()
        if normalize_name(first).legal_form and len(normalize_name(first).tokens) >= 1:
            text = first
    return text


_QUOTED = re.compile(r"\s*[«„“\"‹]([^«»„“”\"‹›]{2,60})[»“”\"›]")


def _quoted_brand(line: str, name: str) -> str | None:
    """The brand quoted right after a legal name: "Volksbote" of "© Hafen Verlag AG «Volksbote»"."""
    at = line.find(name)
    m = _QUOTED.match(line, at + len(name)) if at >= 0 else None
    return " ".join(m.group(1).split()) if m else None


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _latin_head(text: str) -> str:
    """A Latin-script name without the CJK words after it: "Acme 使用前必读" (a link) → "Acme".

    A CJK legal form ("Acme 株式会社") stays, and so does a name written in CJK from its start.
    """
    words = text.split()
    if len(words) < 2 or _CJK.search(words[0]) or not re.search(r"[A-Za-z]", words[0]):
        return text
    for i, word in enumerate(words[1:], 1):
        if _CJK.search(word):
            if normalize_name(" ".join(words[: i + 1])).legal_form and i == len(words) - 1:
                return text
            return " ".join(words[:i])
    return text


def _cut_after_legal_form(text: str) -> str:
    """The legal name without what follows its legal form when that is a quoted brand or an address.

    "Schaub Medien AG «Volksstimme»" → "Schaub Medien AG"; "Raw Media, Inc. PO Box 21050, Washington" →
    "Raw Media, Inc.". A legal form inside the name ("Acme GmbH & Co. KG") is not an end.
    """
    for m in LEGAL_FORM_HINT.finditer(text):
        end = m.end() + (1 if text[m.end() : m.end() + 1] == "." else 0)
        tail = text[end:]
        if tail.strip() and _AFTER_LEGAL_NAME.match(tail) and normalize_name(text[:end]).legal_form:
            return text[:end].strip()
    return text


# -- legal pages ------------------------------------------------------------------------------------

_LEGAL_SEGMENT = re.compile(
    r"(?:\w+[-_])?(?:impressum|imprint|legal|legal[-_]notice|legal[-_]information|legal[-_]info|site[-_]notice|"
    r"mentions[-_]l[ée]gales|mentions|disclaimer|colophon|colofon|aviso[-_]legal|note[-_]legali|"
    r"informazioni[-_]legali|anbieterkennzeichnung|offenlegung)(?:[-_]\w+)?",
    re.IGNORECASE,
)
_ABOUT_SEGMENT = re.compile(
    r"(?:\w+[-_])?(?:about|about[-_]us|aboutus|ueber[-_]uns|uber[-_]uns|über[-_]uns|wir[-_]ueber[-_]uns|"
    r"wir[-_]über[-_]uns|qui[-_]sommes[-_]nous|a[-_]propos|chi[-_]siamo|quienes[-_]somos|over[-_]ons|company|"
    r"unternehmen|das[-_]unternehmen|contact|contact[-_]us|contactus|kontakt|team|who[-_]we[-_]are)(?:[-_]\w+)?",
    re.IGNORECASE,
)
"""Path segments (extension dropped) of legal and about pages; a whole segment must match, so an article
slug that merely contains "legal" or "team" does not."""


def _segments(path: str) -> list[str]:
    return [seg.rsplit(".", 1)[0] for seg in path.lower().split("/") if seg][-3:]


_LEGAL_HEADING = re.compile(
    r"^\s*(impressum|imprint|legal notice|legal information|mentions l[ée]gales|site notice|"
    r"angaben gem(?:äß|aess|\.) ?§ ?5 tmg|offenlegung|anbieterkennzeichnung|colofon|colophon|disclaimer)\b",
    re.IGNORECASE,
)
_ABOUT_HEADING = re.compile(
    r"^\s*(about us|about|über uns|ueber uns|wir über uns|qui sommes-nous|à propos|a propos|who we are|"
    r"contact us|contact|kontakt|our company|das unternehmen|unternehmen)\b",
    re.IGNORECASE,
)


def page_kind(path: str, headings: Sequence[str]) -> tuple[bool, bool]:
    """(is_legal_page, is_about_page) from the URL path and the page's h1/h2 headings."""
    segments = _segments(path)
    legal = any(_LEGAL_SEGMENT.fullmatch(s) for s in segments) or any(_LEGAL_HEADING.match(h) for h in headings[:6])
    about = not legal and (
        any(_ABOUT_SEGMENT.fullmatch(s) for s in segments) or any(_ABOUT_HEADING.match(h) for h in headings[:6])
    )
    return legal, about


_TRIGGER = re.compile(
    r"^\s*(?:angaben|informationen)\s+(?:gem(?:äß|aess|\.)|nach)\s*§\s*5\s*(?:tmg|ddg|abs\.?\s*1\s*tmg)?"
    r"|^\s*§\s*5\s*(?:tmg|ddg)"
    r"|^\s*(?:herausgeber(?:in)?|betreiber(?:in)?(?: der (?:website|webseite|seite))?|anbieter(?:in)?|"
    r"diensteanbieter(?:in)?|medieninhaber(?:in)?(?: und herausgeber)?|"
    r"publisher|published by|operated by|site operator|website operator|site owner|"
    r"company name|legal entity|legal name|registered name|business name|"
    r"raison sociale|d[ée]nomination sociale|[ée]diteur(?: du site)?|propri[ée]taire(?: du site)?|"
    r"(?:ce|le) site (?:est )?[ée]dit[ée] par|site [ée]dit[ée] par|this (?:web)?site is (?:operated|owned|"
    r"published|run) by|(?:diese|die) (?:website|webseite|seite) wird betrieben von|ragione sociale|"
    r"razón social)\b\s*[:\-–]?"
    # Generic words count only with a colon and the name on the same line ("Company: Acme Ltd").
    r"|^\s*(?:company|owner|operator|inhaber(?:in)?|verlag|firma|titular|unternehmen)\s*:(?=\s*\S)",
    re.IGNORECASE,
)
_LEGAL_CUE = re.compile(
    r"§\s*5\s*(?:tmg|ddg)|angaben gem|herausgeber|betreiber|anbieter|medieninhaber|publisher|published by|"
    r"operated by|company name|legal entity|raison sociale|d[ée]nomination|[ée]diteur|[ée]dit[ée] par|"
    r"registered in|handelsregister|registergericht|amtsgericht|\bhrb\b|company (?:number|no)|\bsiret\b|"
    r"\brcs\b|\bkvk\b|ragione sociale|raz[oó]n social|(?:company|owner|operator|inhaber|firma)\s*:",
    re.IGNORECASE,
)


def has_legal_cue(text: str) -> bool:
    """Whether a text may name a legal entity (a trigger or registry word): cheap pre-check for footers."""
    return bool(_LEGAL_CUE.search(text))


_REGISTRY = re.compile(
    r"handelsregister|registergericht|amtsgericht|\bhrb\b|\bhra\b|\bvr\s?\d|vereinsregister|firmenbuch|"
    r"registered in (?:england|scotland|wales|northern ireland|ireland)|company (?:number|no\.?|registration)|"
    r"companies house|registered office|\bsiret\b|\bsiren\b|\brcs\b|\bkvk\b|kamer van koophandel|"
    r"ust[.-]?id|umsatzsteuer|\bvat\b|\buid\b|n° tva|tva intracommunautaire|\babn\b|\bacn\b|\bein\b|p\.iva|"
    r"partita iva|cif\b|registro mercantil|\bcvr\b|org\.?\s?nr|y-tunnus",
    re.IGNORECASE,
)
_REGISTERED_IN = re.compile(
    r"^(?P<name>[^.:;]{2,90}?)\s*(?:,\s*)?(?:is\s+)?(?:a\s+(?:private\s+|public\s+)?(?:limited\s+)?company\s+)?"
    r"(?:registered|incorporated) in (?:england|scotland|wales|northern ireland|ireland|the)",
    re.IGNORECASE,
)
_SKIP_CONTEXT = re.compile(
    r"design|konzept|konzeption|realisierung|umsetzung|programmierung|entwicklung|development|developed|"
    r"agentur|agency|hosting|gehostet|hosted|webhosting|provider:|datenschutzbeauftragte|data protection officer|"
    r"dpo\b|bildnachweis|bildquellen|fotos?\b|photos?\b|images?\b|credits?|streitschlichtung|"
    r"online-streitbeilegung|european commission|europäische kommission|aufsichtsbehörde|supervisory|"
    r"technische umsetzung|webdesign|web design|site by|website by|réalisation|hébergement|hébergeur|"
    r"hebergeur|conception|partner|sponsor|kunden|clients|customers|zahlungs|payment|vertreten durch|"
    r"represented by|geschäftsführ|managing director|vorstand|board|chefredakt|redaktion|editor",
    re.IGNORECASE,
)
_ADDRESSISH = re.compile(
    r"\d{4,5}\s+\w|\b(?:str\.|straße|strasse|weg|platz|allee|gasse|road|street|st\.|avenue|rue|chemin|"
    r"boulevard|bd|blvd|ave|suite|drive|postfach|p\.?o\.? box)\b|\b[A-Z]{2}\s\d{5}\b|"
    r"^\s*(?:tel|fon|fax|phone|e-?mail|mail|web|www|telefon|telefax)\b|@|https?://|^\s*units?\s+\d",
    re.IGNORECASE,
)


def _has_legal_form(line: str) -> bool:
    if len(line) > 160 or not LEGAL_FORM_HINT.search(line):
        return False
    return bool(normalize_name(_strip_address(line) or "").legal_form)


class _Entities:
    """Legal names found on a page, cleaned, checked and deduplicated by key, in the order found."""

    def __init__(self, registered_domain: str) -> None:
        self.registered_domain = registered_domain
        self.found: list[LegalName] = []
        self._seen: set[str] = set()

    def add(self, name: str | None, weight: float, context: str, rule: str) -> bool:
        """Keep ``name`` when it is an organization's (not the address, not a decoy); True when kept."""
        if not name:
            return False
        t = _TRIGGER.match(name)
        if t and name[t.end() :].strip(" :–-"):
            name = name[t.end() :].strip(" :–-")  # "Company Name: Acme Ltd" found by the registry rule
        name = (_strip_address(name) or "").strip(" -–—|") or None
        if not name or not looks_like_org_name(name) or is_decoy(name, self.registered_domain):
            return False
        key = normalize_name(name).key
        if not key or key in self._seen:
            return False
        self._seen.add(key)
        self.found.append(LegalName(name, weight, context[:200], rule))
        return True


def legal_entities(
    lines: Sequence[str], registered_domain: str, *, max_lines: int = 400, fallback: bool = True
) -> list[LegalName]:
    """The legal entity (or entities, best first) named by a legal page's lines.

    ``fallback``: when no trigger or registry line names one, take the first lines carrying a legal form
    (right on a legal page; too loose for a footer).
    """
    lines = [" ".join(line.split()) for line in lines[:max_lines]]
    lines = [line for line in lines if line]
    entities = _Entities(registered_domain)
    add, found = entities.add, entities.found

    for i, line in enumerate(lines):
        m = _TRIGGER.match(line)
        m2 = None if m else _REGISTERED_IN.match(line)
        if not (m or m2 or _REGISTRY.search(line)):
            continue  # the common case, decided by the cheapest tests
        prev = lines[i - 1] if i else ""
        if _SKIP_CONTEXT.search(line[:60]) or (len(prev) < 60 and prev.endswith(":") and _SKIP_CONTEXT.search(prev)):
            continue
        if m:
            rest = line[m.end() :].strip(" :–-")
            if rest and not _TRIGGER.match(rest):
                add(rest, 0.9, line, "trigger")
            else:
                for nxt in lines[i + 1 : i + 4]:
                    if _SKIP_CONTEXT.search(nxt[:40]) or _ADDRESSISH.search(nxt):
                        break
                    if looks_like_org_name(_strip_address(nxt) or ""):
                        add(nxt, 0.9 if normalize_name(nxt).legal_form else 0.8, f"{line} / {nxt}", "trigger")
                        break
            continue
        if m2:
            add(m2.group("name"), 0.85, line, "registry")
            continue
        same_line = _named_before_registry(line)
        if same_line:
            # "© 2014 shop-apt.co.uk - Web Shop for Associated Production Tools Ltd - Registered in Scotland …"
            add(same_line, 0.85, line, "registry")
            continue
        if len(line) <= 40 and _REGISTRY.match(line):
            # A heading ("Registered Office", "Registered office and warehouse"): the name follows it.
            below = next(
                (x for x in lines[i + 1 : i + 3] if _has_legal_form(x) and not _ADDRESSISH.match(x)
                 and not _SKIP_CONTEXT.search(x[:60])),
                None,
            )  # fmt: skip
            if below and add(below, 0.85, f"{line} / {below}", "registry"):
                continue
        # A registry line: the name with a legal form just above it.
        for back in range(i - 1, max(-1, i - 9), -1):
            cand = lines[back]
            if _SKIP_CONTEXT.search(cand[:60]):
                break
            if _has_legal_form(cand) and not _ADDRESSISH.match(cand):
                add(cand, 0.85, f"{cand} … {line}", "registry")
                break
    if not found and fallback:
        for line in lines[:120]:
            if len(line) > 90 or not _has_legal_form(line) or _SKIP_CONTEXT.search(line[:60]):
                continue
            if len(normalize_name(_strip_address(line) or "").tokens) <= 8:
                add(line, 0.7, line, "legal_form")
                if len(found) >= 2:
                    break
    return found[:3]


_SEGMENT_SPLIT = re.compile(r"\s[-–—|·•]\s")
_LEADING_ROLE = re.compile(r"^.*?\b(?:for|by)\s+(?=[A-Z0-9])")


def _named_before_registry(line: str) -> str | None:
    """The legal-form name in the segment right before a line's registry phrase, if any.

    "Web Shop for Associated Production Tools Ltd - Registered in Scotland Company No 157747" → the Ltd;
    a leading "… for|by|of" is cut only where the rest still carries the legal form.
    """
    m = _REGISTRY.search(line)
    if not m or m.start() == 0:
        return None
    segments = [seg.strip(" ,;-–—") for seg in _SEGMENT_SPLIT.split(line[: m.start()]) if seg.strip(" ,;-–—")]
    if not segments:
        return None
    name = segments[-1]
    cut = _LEADING_ROLE.sub("", name)
    if cut != name and _has_legal_form(cut):
        return cut
    return name if _has_legal_form(name) else None


MAX_ADDRESS_BLOCKS = 200
"""Address blocks read per page: tails are compared pairwise, and a branch list is far shorter."""


def address_block_entities(lines: Sequence[str], registered_domain: str, *, weight: float = 0.7) -> list[LegalName]:
    """Names with a legal form heading an address ("Aphrodite Cosmetics, LLC / 602 Athens Blvd. / …").

    Contact blocks and footers of small businesses carry no legal cue, yet a legal-form line right above a
    street or postcode line is the business's own address far more often than anyone else's.
    """
    clean = [" ".join(x.split()) for x in lines]
    clean = [x for x in clean if x]
    heads: list[tuple[str, str]] = []
    for i, line in enumerate(clean[:-1]):
        if len(line) > 90 or not _has_legal_form(line) or _SKIP_CONTEXT.search(line[:60]):
            continue
        if _ADDRESSISH.match(line) or not _ADDRESSISH.search(clean[i + 1]):
            continue
        if i and _SKIP_CONTEXT.search(clean[i - 1][:60]):
            continue  # "Hosted by:" / "Design:" above the block
        heads.append((line, clean[i + 1]))
        if len(heads) >= MAX_ADDRESS_BLOCKS:
            break  # a directory page of thousands of firms names none of them as the owner
    names = _shared_tails([line for line, _ in heads])
    blocks = Counter(names)
    entities = _Entities(registered_domain)
    # The name heading the most blocks first (a branch list names its company in every block).
    order = sorted(range(len(heads)), key=lambda i: (-blocks[names[i]], i))
    for i in order:
        entities.add(names[i], weight, f"{heads[i][0]} / {heads[i][1]}", "address")
    return entities.found[:2]


def _shared_tails(lines: Sequence[str]) -> list[str]:
    """Each line cut to the longest tail it shares with another line, where that tail is a full legal name.

    A branch list heads every block with its place and the company in one line ("Redditch Pilkington
    Automotive Limited", "Crawley Pilkington Automotive Limited"): the words the blocks share are the name.
    """
    out = []
    for line in lines:
        words = line.split()
        best = line
        for k in range(1, min(3, len(words) - 1) + 1):
            tail = " ".join(words[k:])
            if (
                len(normalize_name(tail).tokens) >= 2
                and _has_legal_form(tail)
                and any(other != line and (other == tail or other.endswith(" " + tail)) for other in lines)
            ):
                best = tail
                break
        out.append(best)
    return out


def _strip_address(text: str) -> str | None:
    """The name part of "Acme GmbH, Musterstraße 1, 12345 Berlin" / "Acme GmbH | Tel. ..."."""
    parts = re.split(r"\s*(?:[|·•]|,|\s[-–—]\s)\s*", text.strip())
    keep: list[str] = []
    for p in parts:
        if not p:
            continue
        if _ADDRESSISH.search(p) or re.search(r"\d", p) and not normalize_name(p).legal_form:
            break
        keep.append(p)
        if normalize_name(p).legal_form:
            break
    name = ", ".join(keep).strip(" :;.") if keep else None
    if name and fold(name).startswith(("vertreten", "represented")):
        return None
    return name
