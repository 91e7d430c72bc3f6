"""The fictional world a synthetic crawl is drawn from: organizations, their sites and domains.

Orgs are few (one per ~11 pages), so the world is built in memory first; pages are then streamed from it
(:mod:`orgmap.synth.pages`). Every random choice comes from one ``random.Random`` seeded by the caller, so
the same seed builds the same world.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from orgmap.synth import vocab as V
from resolver.domains import parse_host
from resolver.errors import InputError, InvalidURLError


@dataclass(slots=True)
class Org:
    """One organization of the ground truth (mutable while the world is built)."""

    org_id: str
    name: str
    """Canonical name with its legal form ("Acme Widgets GmbH")."""
    legal_form: str
    short: str
    """The name without legal form, as sites show it ("Acme Widgets")."""
    org_class: str
    kind: str
    """Finer kind the pages are drawn for: corporate, tech, shop, bank, news, gov, uni, research, ..."""
    country: str
    lang: str
    place: str
    aliases: list[str] = field(default_factory=list)
    parent: Org | None = None
    acronym: str = ""
    partners: list[Org] = field(default_factory=list)
    subsidiaries: list[Org] = field(default_factory=list)
    main_site: Site | None = None
    person: str = ""
    """Managing director / editor / head named on legal pages."""
    reg_no: str = ""


@dataclass(slots=True)
class Site:
    """A website: the pages under one base host (its registered domain, or a user site on a platform)."""

    host: str
    """Base host in Unicode form (``müller-bäckerei.de``, ``anna.wordpress.com``)."""
    registered_domain: str
    """Registered domain as the PSL gives it, punycode (``xn--mller-bckerei-hfb76a.de``)."""
    org: Org | None
    domain_kind: str
    site_class: str
    lang: str
    brand: str
    """The name the site shows in titles and og:site_name."""
    redirect_to: Site | None = None
    weight: float = 1.0
    n_pages: int = 0
    www: bool = True
    person: str = ""
    platform: str = ""
    jsonld: float = 0.0
    """Probability that a page carries JSON-LD Organization."""
    og: bool = False
    footer: str = "legal"
    """Copyright line style: legal, short, brand_of, none."""
    wp: bool = False
    agency: str = ""
    nav: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """Menu items per language and page class, drawn once per site."""
    headers: dict[tuple[str, str], str] = field(default_factory=dict)
    """Rendered headers per language and page class ("" for the generic menu)."""

    @property
    def host_ascii(self) -> str:
        """The base host in punycode."""
        return self.host if self.host.isascii() else _to_ascii(self.host)


@dataclass(slots=True)
class World:
    """Orgs and sites of one synthetic crawl."""

    orgs: list[Org]
    sites: list[Site]


# -- countries --------------------------------------------------------------------------------------

COUNTRIES: dict[str, dict] = {
    "US": dict(
        lang="en",
        forms=(("Inc.", 55), ("LLC", 35), ("Corp.", 10)),
        tld="com",
        org="org",
        gov="gov",
        edu="edu",
        hosp="org",
    ),
    "GB": dict(
        lang="en", forms=(("Ltd", 80), ("PLC", 20)), tld="co.uk", org="org.uk", gov="gov.uk", edu="ac.uk", hosp="nhs.uk"
    ),
    "AU": dict(
        lang="en", forms=(("Pty Ltd", 100),), tld="com.au", org="org.au", gov="gov.au", edu="edu.au", hosp="org.au"
    ),
    "NL": dict(lang="en", forms=(("B.V.", 85), ("N.V.", 15)), tld="nl", org="nl", gov="nl", edu="nl", hosp="nl"),
    "DE": dict(
        lang="de",
        forms=(("GmbH", 60), ("AG", 15), ("GmbH & Co. KG", 20), ("UG (haftungsbeschränkt)", 5)),
        tld="de",
        org="de",
        gov="de",
        edu="de",
        hosp="de",
    ),
    "AT": dict(lang="de", forms=(("GmbH", 80), ("AG", 20)), tld="at", org="at", gov="gv.at", edu="ac.at", hosp="at"),
    "FR": dict(
        lang="fr",
        forms=(("SAS", 50), ("SARL", 35), ("SA", 15)),
        tld="fr",
        org="org",
        gov="gouv.fr",
        edu="fr",
        hosp="fr",
    ),
    "ES": dict(lang="es", forms=(("S.L.", 70), ("S.A.", 30)), tld="es", org="org", gov="gob.es", edu="es", hosp="es"),
    "IT": dict(
        lang="it", forms=(("S.r.l.", 70), ("S.p.A.", 30)), tld="it", org="org", gov="gov.it", edu="it", hosp="it"
    ),
}
BASE_COUNTRIES = {
    "en": (("US", 30), ("GB", 22), ("AU", 6), ("NL", 6)),
    "de": (("DE", 22), ("AT", 3)),
    "fr": (("FR", 11),),
    "es": (("ES", 11),),
    "it": (("IT", 11),),
}
SHIFT_LANGUAGES = ("es", "it")

# kind → (org class, site class, share of orgs)
KINDS: dict[str, tuple[str, str, float]] = {
    "corporate": ("company", "company", 0.17),
    "tech": ("company", "tech", 0.09),
    "shop": ("company", "shop", 0.12),
    "bank": ("company", "finance", 0.06),
    "news": ("media", "news", 0.11),
    "gov": ("government", "government", 0.09),
    "uni": ("education", "education", 0.07),
    "research": ("research", "education", 0.03),
    "hospital": ("healthcare", "health", 0.06),
    "ngo": ("nonprofit", "nonprofit", 0.08),
    "club": ("other", "other", 0.05),
    "gambling": ("company", "gambling", 0.015),
    "adult": ("company", "adult", 0.015),
}
SHIFT_KIND_FACTORS = {
    "class_mix": {"news": 3.0, "shop": 2.5, "corporate": 0.4, "gov": 0.5, "ngo": 0.5, "tech": 0.6},
    "new_class": {"gambling": 12.0, "adult": 12.0},
}
PAGE_WEIGHT = {"news": 2.5, "shop": 1.6, "tech": 1.3, "uni": 1.5, "gov": 1.2, "bank": 1.1}
SHIFTS = ("new_class", "vocab", "language", "class_mix")

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_STOP = frozenset("of the and for für de du des la le les der die das den y e di del da d' l' & und et".split())


def _to_ascii(host: str) -> str:
    return parse_host(host).host


@lru_cache(maxsize=1 << 16)
def ascii_fold(text: str) -> str:
    """German transliteration, then accents stripped: "Müller Bâtiment" → "Mueller Batiment"."""
    text = text.translate(_TRANSLIT)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 18)
def slug(text: str, sep: str = "-", keep_unicode: bool = False) -> str:
    """A domain label from a name: lower case, words joined by ``sep``, no punctuation."""
    t = text.lower().replace("&", " ").replace("'", "").replace("’", "")
    if not keep_unicode:
        t = ascii_fold(t)
    else:
        t = t.replace("ß", "ss")
    words = ["".join(ch for ch in w if ch.isalnum()) for w in t.replace("-", " ").replace(".", " ").split()]
    return sep.join(w for w in words if w)


def acronym_of(name: str) -> str:
    """Initials of the significant words ("Department of Coastal Affairs" → "DCA")."""
    words = [w for w in ascii_fold(name).replace("-", " ").split() if w.lower().strip("'") not in _STOP]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def _wchoice(rng: random.Random, pairs: tuple[tuple[str, float], ...] | list[tuple[str, float]]) -> str:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def person_name(rng: random.Random, lang: str) -> str:
    """A fictional person ("Katrin Hoffmann")."""
    first, last = {
        "de": (V.FIRST_DE, V.SURNAMES_DE),
        "fr": (V.FIRST_FR, V.SURNAMES_FR),
        "es": (V.FIRST_ES, V.SURNAMES_ES),
        "it": (V.FIRST_IT, V.SURNAMES_IT),
    }.get(lang, (V.FIRST_EN, V.SURNAMES_EN))
    return f"{rng.choice(first)} {rng.choice(last)}"


def place_name(rng: random.Random, lang: str) -> str:
    """A fictional town ("Northbridge", "Lindenau", "Montclair")."""
    heads, tails = {
        "de": (V.PLACE_HEADS_DE, V.PLACE_TAILS_DE),
        "fr": (V.PLACE_HEADS_FR, V.PLACE_TAILS_FR),
        "es": (V.PLACE_HEADS_ES, V.PLACE_TAILS_ES),
        "it": (V.PLACE_HEADS_IT, V.PLACE_TAILS_IT),
    }.get(lang, (V.PLACE_HEADS_EN, V.PLACE_TAILS_EN))
    h, t = rng.choice(heads), rng.choice(tails)
    if h[-1] == t[0]:
        t = t[1:]
    return h + t


def coined(rng: random.Random) -> str:
    """A coined brand name ("Zeranova")."""
    return (rng.choice(V.SYLLABLES_A) + rng.choice(V.SYLLABLES_B) + rng.choice(V.SYLLABLES_C)).capitalize()


class WorldBuilder:
    """Builds orgs and sites; keeps name and domain keys unique except where collisions are intended."""

    def __init__(self, rng: random.Random, *, shift: str | None, languages: tuple[str, ...]) -> None:
        self.rng = rng
        self.shift = shift
        langs = tuple(languages) + (SHIFT_LANGUAGES if shift == "language" else ())
        # personal sites: English three times as often as each other language
        self.person_langs = tuple(
            x for lang in dict.fromkeys(langs) if lang in V.UI for x in [lang] * (3 if lang == "en" else 1)
        )
        countries: list[tuple[str, float]] = []
        for lang in dict.fromkeys(langs):
            for code, w in BASE_COUNTRIES.get(lang, ()):
                boost = 3.5 if shift == "language" and lang in SHIFT_LANGUAGES else 1.0
                countries.append((code, w * boost))
        if not countries:
            raise InputError(f"no known language in {languages!r}: use some of en, de, fr, es, it")
        self.countries = tuple(countries)
        factors = SHIFT_KIND_FACTORS.get(shift or "", {})
        self.kinds = tuple((k, share * factors.get(k, 1.0)) for k, (_, _, share) in KINDS.items())
        self.names: set[tuple[str, str]] = set()
        self.domains: set[str] = set()
        self.orgs: list[Org] = []
        self.sites: list[Site] = []

    # -- orgs -------------------------------------------------------------------------------------------
    def new_org(self, kind: str, country: str | None = None, short: str | None = None) -> Org:
        """Create an org of ``kind`` (a name unique in its country unless ``short`` is given)."""
        rng = self.rng
        country = country or _wchoice(rng, self.countries)
        if kind == "gambling" and rng.random() < 0.5:
            country = "GB" if "GB" in dict(self.countries) else country
        c = COUNTRIES[country]
        lang = c["lang"]
        place = place_name(rng, lang)
        for attempt in range(60):
            base, form, extra = self._name(kind, country, lang, place) if short is None else (short, "", [])
            if short is not None:
                form = self._form(kind, country)
                break
            if attempt >= 30:  # a small name space (few templates for this kind and country): add a town
                place = place_name(rng, lang)
                base = f"{base} {place}"
            if (slug(base), country) not in self.names:
                break
        else:  # pragma: no cover - needs tens of thousands of orgs of one kind in one country
            base = f"{base} {len(self.orgs) + 1}"
        self.names.add((slug(base), country))
        org_class = KINDS[kind][0]
        name = f"{base} {form}" if form else base
        org = Org(
            org_id=f"o{len(self.orgs) + 1:06d}",
            name=name,
            legal_form=form,
            short=base,
            org_class=org_class,
            kind=kind,
            country=country,
            lang=lang,
            place=place,
            person=person_name(rng, lang),
            reg_no=str(rng.randint(10000, 999999)),
        )
        aliases = [base] if form else []
        aliases += extra
        acr = acronym_of(base)
        if len(acr) >= 3 and kind in ("gov", "uni", "news", "ngo", "research", "hospital", "corporate", "bank"):
            org.acronym = acr
            aliases.append(acr)
        org.aliases = list(dict.fromkeys(a for a in aliases if a and a != name))
        self.orgs.append(org)
        return org

    def _form(self, kind: str, country: str) -> str:
        rng = self.rng
        c = COUNTRIES[country]
        if kind in ("gov", "uni", "club"):
            return ""
        if kind in ("ngo", "research"):
            return {"DE": "e.V.", "AT": "e.V."}.get(country, "Inc." if country == "US" and rng.random() < 0.3 else "")
        if kind == "hospital":
            return {"DE": "gGmbH", "AT": "GmbH"}.get(country, "")
        if kind == "news" and rng.random() < 0.4:
            return ""
        return _wchoice(rng, c["forms"])

    def _name(self, kind: str, country: str, lang: str, place: str) -> tuple[str, str, list[str]]:
        """(base name, legal form, extra aliases)."""
        rng = self.rng
        r = rng.random()
        form = self._form(kind, country)
        extra: list[str] = []
        surnames = {"de": V.SURNAMES_DE, "fr": V.SURNAMES_FR, "es": V.SURNAMES_ES, "it": V.SURNAMES_IT}.get(
            lang, V.SURNAMES_EN
        )
        if kind in ("corporate", "tech", "gambling", "adult"):
            if lang == "de" and r < 0.5:
                base = (
                    f"{rng.choice(surnames)} {rng.choice(V.INDUSTRY_DE)}"
                    if rng.random() < 0.6
                    else f"{rng.choice(V.ROOTS_DE)}{rng.choice(V.ROOT_TAILS_DE)} {rng.choice(V.INDUSTRY_DE)}"
                )
            elif lang == "fr" and r < 0.5:
                base = f"{rng.choice(surnames)} {rng.choice(V.INDUSTRY_FR)}"
                if rng.random() < 0.3:
                    base = f"{rng.choice(V.ROOTS_FR)} {rng.choice(V.INDUSTRY_FR)}"
            elif lang == "es" and r < 0.5:
                base = f"{rng.choice(V.INDUSTRY_ES)} {rng.choice(surnames)}"
            elif lang == "it" and r < 0.5:
                base = f"{rng.choice(V.INDUSTRY_IT)} {rng.choice(surnames)}"
            elif r < 0.55:
                base = f"{rng.choice(V.ROOTS)} {rng.choice(V.INDUSTRY_NOUNS)}"
            elif r < 0.75:
                base = f"{rng.choice(V.COMPOUND_HEADS)}{rng.choice(V.COMPOUND_TAILS)} {rng.choice(V.INDUSTRY_NOUNS)}"
            elif r < 0.88:
                base = f"{coined(rng)} {rng.choice(V.INDUSTRY_NOUNS)}"
            else:
                base = f"{rng.choice(V.SURNAMES_EN)} & {rng.choice(V.SURNAMES_EN)} {rng.choice(V.INDUSTRY_NOUNS)}"
            if kind == "tech" and rng.random() < 0.4:
                base = f"{coined(rng)} {rng.choice(('Software', 'Labs', 'Cloud', 'Data', 'Analytics', 'Systems'))}"
            if kind == "gambling":
                base = f"{rng.choice(V.ROOTS)} {rng.choice(('Gaming', 'Bet', 'Casino', 'Play', 'Entertainment'))}"
            if kind == "adult":
                base = f"{rng.choice(V.ROOTS)} {rng.choice(('Media', 'Digital Media', 'Entertainment', 'Content'))}"
        elif kind == "shop":
            if lang == "de":
                base = f"{rng.choice(surnames)} {rng.choice(V.SHOP_NOUNS_DE)}"
            elif lang == "fr":
                base = f"{rng.choice(V.SHOP_NOUNS_FR)} {rng.choice(surnames)}"
            else:
                base = f"{rng.choice(V.ROOTS + V.COMPOUND_HEADS)} {rng.choice(V.SHOP_NOUNS)}"
        elif kind == "bank":
            base = {
                "de": rng.choice((f"Sparkasse {place}", f"Volksbank {place}", f"{rng.choice(V.ROOTS_DE)}bank")),
                "fr": rng.choice((f"Banque {rng.choice(surnames)}", f"Crédit {place}")),
                "es": f"Banco {place}",
                "it": f"Banca di {place}",
            }.get(
                lang,
                rng.choice(
                    (
                        f"{place} Savings Bank",
                        f"{rng.choice(V.ROOTS)} Bank",
                        f"{rng.choice(V.ROOTS)} Mutual Insurance",
                        f"{place} Credit Union",
                        f"{rng.choice(V.ROOTS)} Capital Bank",
                    )
                ),
            )
        elif kind == "news":
            base = {
                "de": f"{place}er {rng.choice(V.PAPERS_DE)}",
                "fr": f"Le {rng.choice(V.PAPERS_FR)} de {place}",
                "es": f"{rng.choice(V.PAPERS_ES)} de {place}",
                "it": f"{rng.choice(V.PAPERS_IT)} di {place}",
            }.get(
                lang,
                rng.choice(
                    (
                        f"The {place} {rng.choice(V.PAPERS_EN)}",
                        f"{place} Evening {rng.choice(V.PAPERS_EN)}",
                        f"{place} {rng.choice(V.PAPERS_EN)}",
                        f"{place} Broadcasting Corporation",
                        f"{rng.choice(V.ROOTS)} News Network",
                    )
                ),
            )
        elif kind == "gov":
            topic_en = rng.choice(V.GOV_TOPICS_EN)
            base = {
                "de": rng.choice(
                    (
                        f"Stadt {place}",
                        f"Bundesamt für {rng.choice(V.GOV_TOPICS_DE)}",
                        f"Landesamt für {rng.choice(V.GOV_TOPICS_DE)}",
                    )
                ),
                "fr": rng.choice(
                    (f"Ville de {place}", f"Ministère de {rng.choice(V.GOV_TOPICS_FR)}", f"Préfecture de {place}")
                ),
                "es": rng.choice((f"Ayuntamiento de {place}", f"Ministerio de {rng.choice(V.GOV_TOPICS_ES)}")),
                "it": rng.choice((f"Comune di {place}", f"Ministero della {rng.choice(V.GOV_TOPICS_IT)}")),
            }.get(
                lang,
                rng.choice(
                    (
                        f"City of {place}",
                        f"{place} County",
                        f"Department of {topic_en}",
                        f"Office for {topic_en}",
                        f"{place} Borough Council",
                    )
                    if country != "US"
                    else (f"City of {place}", f"{place} County", f"Department of {topic_en}", f"Office of {topic_en}")
                ),
            )
        elif kind == "uni":
            base = {
                "de": rng.choice((f"Universität {place}", f"Technische Universität {place}", f"Hochschule {place}")),
                "fr": rng.choice((f"Université de {place}", f"École Supérieure de Commerce de {place}")),
                "es": f"Universidad de {place}",
                "it": f"Università di {place}",
            }.get(
                lang,
                rng.choice(
                    (
                        f"University of {place}",
                        f"{place} State University",
                        f"{place} Institute of Technology",
                        f"{place} College",
                    )
                ),
            )
        elif kind == "research":
            base = {
                "de": rng.choice(
                    (
                        f"Institut für {rng.choice(V.FIELDS_DE)}",
                        f"{rng.choice(surnames)}-Institut für {rng.choice(V.FIELDS_DE)}",
                    )
                ),
                "fr": f"Institut de Recherche en {rng.choice(V.FIELDS_FR)}",
            }.get(
                lang,
                rng.choice(
                    (
                        f"Institute for {rng.choice(V.FIELDS_EN)}",
                        f"{place} Institute of {rng.choice(V.FIELDS_EN)}",
                        f"{rng.choice(V.SURNAMES_EN)} Institute for {rng.choice(V.FIELDS_EN)}",
                        f"Centre for {rng.choice(V.FIELDS_EN)} Research",
                    )
                ),
            )
        elif kind == "hospital":
            base = {
                "de": rng.choice((f"Klinikum {place}", f"Städtisches Krankenhaus {place}")),
                "fr": rng.choice((f"Centre Hospitalier de {place}", f"Clinique Saint-{rng.choice(V.SAINTS)}")),
                "es": f"Hospital de {place}",
                "it": f"Ospedale di {place}",
            }.get(
                lang,
                rng.choice(
                    (
                        f"{place} General Hospital",
                        f"St {rng.choice(V.SAINTS)}'s Hospital {place}",
                        f"{place} Medical Center" if country == "US" else f"{place} NHS Foundation Trust",
                        f"{rng.choice(V.SURNAMES_EN)} Dental Clinic",
                    )
                ),
            )
        elif kind == "ngo":
            base = {
                "de": rng.choice((f"{rng.choice(V.CAUSES_DE)} {place}", f"Stiftung {rng.choice(V.CAUSES_DE)}")),
                "fr": f"Association {rng.choice(V.CAUSES_FR)} {place}",
                "es": f"Fundación {rng.choice(V.CAUSES_ES)} {place}",
                "it": f"Fondazione {rng.choice(V.CAUSES_IT)} {place}",
            }.get(
                lang,
                rng.choice(
                    (
                        f"Foundation for {rng.choice(V.CAUSES_EN)}",
                        f"Friends of the {place} Wetlands",
                        f"{place} Community Trust",
                        f"{rng.choice(V.CAUSES_EN)} Alliance",
                        f"Society for {rng.choice(V.CAUSES_EN)}",
                    )
                ),
            )
        else:  # club
            base = {
                "de": rng.choice((f"Schachclub {place}", f"Museum {place}", f"Ruderverein {place}")),
                "fr": rng.choice((f"Club d'Échecs de {place}", f"Musée de {place}")),
                "es": f"Club de Ajedrez de {place}",
                "it": f"Circolo Scacchi {place}",
            }.get(lang, rng.choice((f"{place} {rng.choice(V.CLUB_KINDS_EN)}", f"Museum of {place}")))
        if kind == "ngo" and lang == "de" and not base.startswith("Stiftung"):
            form = "e.V."
        return base, form, extra

    # -- sites ------------------------------------------------------------------------------------------
    def claim(self, host: str) -> tuple[str, str] | None:
        """Reserve a base host; (unicode host, registered domain) or None when taken or not registrable."""
        try:
            parts = parse_host(host)
        except InvalidURLError:  # an unusable candidate (a label over 63 characters...) is skipped
            return None
        reg = parts.registered_domain
        if parts.subdomain or reg in self.domains:
            return None
        self.domains.add(reg)
        return parts.registered_domain_unicode, reg

    def add_site(
        self,
        host: str,
        reg: str,
        org: Org | None,
        kind: str,
        site_class: str,
        lang: str,
        brand: str,
        weight: float,
        **kw,
    ) -> Site:
        """Append a site."""
        site = Site(
            host=host,
            registered_domain=reg,
            org=org,
            domain_kind=kind,
            site_class=site_class,
            lang=lang,
            brand=brand,
            weight=weight,
            **kw,
        )
        self.sites.append(site)
        return site

    def main_domain(self, org: Org) -> None:
        """The org's main site (IDN where its name has umlauts/accents) plus brand/acronym/redirect domains."""
        rng = self.rng
        c = COUNTRIES[org.country]
        tld = {
            "gov": c["gov"],
            "uni": c["edu"],
            "research": c["org"],
            "ngo": c["org"],
            "club": c["org"],
            "hospital": c["hosp"],
        }.get(org.kind, c["tld"])
        if org.kind == "hospital" and "NHS" not in org.short and tld == "nhs.uk":
            tld = "org.uk"
        if org.kind in ("gambling", "adult") or (org.country == "US" and org.kind != "gov"):
            tld = {"gov": "gov", "uni": "edu"}.get(org.kind, tld)
        site_class = KINDS[org.kind][1]
        weight = PAGE_WEIGHT.get(org.kind, 1.0)
        base = org.short
        for prefix in ("The ", "Le ", "Stadt ", "City of ", "Ville de ", "Comune di ", "Ayuntamiento de "):
            if base.startswith(prefix) and rng.random() < 0.7:
                base = base[len(prefix) :] if prefix in ("The ", "Le ") else base
        cands: list[tuple[str, str]] = []
        sep = "-" if rng.random() < 0.55 else ""
        if org.kind == "uni" and org.lang == "de":
            pre = "tu" if base.startswith("Technische") else ("hs" if base.startswith("Hochschule") else "uni")
            cands.append((f"{pre}-{slug(org.place)}.{tld}", "main"))
        elif org.kind == "uni" and org.lang == "fr":
            cands.append((f"univ-{slug(org.place)}.{tld}", "main"))
        elif org.kind == "uni" and tld in ("ac.uk", "edu", "edu.au"):
            cands.append(
                (f"{slug(org.place, '')}.{tld}" if "University of" in base else f"{slug(base, sep)}.{tld}", "main")
            )
        elif org.kind == "gov" and org.lang == "de" and base.startswith("Stadt"):
            cands.append((f"stadt-{slug(org.place)}.de", "main"))
        if any(not ch.isascii() for ch in base) and org.lang in ("de", "fr") and rng.random() < 0.6:
            cands.append((f"{slug(base, '-', keep_unicode=True)}.{tld}", "idn"))
        cands.append((f"{slug(base, sep)}.{tld}", "main"))
        cands.append((f"{slug(base, '-' if not sep else '')}.{tld}", "main"))
        if org.acronym and org.kind in ("gov", "uni", "news", "research"):
            cands.insert(0 if rng.random() < 0.3 else len(cands), (f"{org.acronym.lower()}.{tld}", "acronym"))
        cands.append((f"{slug(base, sep)}-{org.country.lower()}.{tld}", "main"))
        cands.append((f"{slug(base, sep)}-{slug(org.place)}.{tld}", "main"))
        main = None
        for host, kind in cands:
            got = self.claim(host)
            if got:
                main = self.add_site(got[0], got[1], org, kind, site_class, org.lang, org.short, weight)
                break
        if main is None:
            got = self.claim(f"{slug(base)}-{org.org_id}.{tld}")
            assert got is not None
            main = self.add_site(got[0], got[1], org, "main", site_class, org.lang, org.short, weight)
        org.main_site = main
        self._decorate(main)
        # an ASCII spelling of an IDN redirects to it (or the other way round: both forms exist in the wild)
        if main.domain_kind == "idn":
            got = self.claim(f"{slug(base, '-')}.{tld}")
            if got:
                self.add_site(got[0], got[1], org, "redirect", site_class, org.lang, org.short, 0, redirect_to=main)
        # acronym domain with content of its own ("bbc.co.uk" style)
        if org.acronym and main.domain_kind != "acronym" and rng.random() < 0.25:
            got = self.claim(f"{org.acronym.lower()}.{tld}")
            if got:
                s = self.add_site(got[0], got[1], org, "acronym", site_class, org.lang, org.acronym, weight * 0.4)
                self._decorate(s)
        # brand domains: names that do not look like the legal name
        if org.kind in ("corporate", "shop", "tech", "bank", "gambling", "adult") and rng.random() < (
            0.6 if org.kind in ("gambling", "adult") else 0.18
        ):
            for _ in range(rng.choice((1, 1, 2))):
                brand = coined(rng)
                if org.kind == "gambling":
                    brand = brand + rng.choice(("Bet", "Casino", "Spins", "Slots"))
                if org.kind == "adult":
                    brand = brand + rng.choice(("Cams", "Tube", "Flirt"))
                bclass = site_class
                if org.kind == "corporate" and rng.random() < 0.5:
                    bclass = "shop"
                btld = rng.choice(("com", c["tld"], "net", "io" if org.kind == "tech" else "com"))
                got = self.claim(f"{slug(brand, '')}.{btld}")
                if got:
                    s = self.add_site(got[0], got[1], org, "brand", bclass, org.lang, brand, 0.5)
                    self._decorate(s, brand=True)
                    org.aliases.append(brand)
        # old / alternative spellings and TLDs redirect to the main site
        if rng.random() < 0.2:
            alt_tld = rng.choice(("net", "com", "info", "eu")) if tld not in ("gov", "edu", "gov.uk", "ac.uk") else tld
            got = self.claim(f"{slug(base, '-' if not sep else '')}{'-online' if alt_tld == tld else ''}.{alt_tld}")
            if got:
                self.add_site(got[0], got[1], org, "redirect", site_class, org.lang, org.short, 0, redirect_to=main)

    def _decorate(self, site: Site, brand: bool = False) -> None:
        """Per-site presentation: which ownership signals its pages carry."""
        rng = self.rng
        site.www = rng.random() < 0.7
        site.jsonld = rng.choice((0.0, 0.0, 0.3, 1.0)) if not brand else rng.choice((0.3, 1.0))
        site.og = rng.random() < 0.5
        r = rng.random()
        if brand:
            site.footer = "brand_of" if r < 0.7 else "legal"
        else:
            site.footer = "legal" if r < 0.7 else ("short" if r < 0.85 else "none")
        site.wp = rng.random() < 0.15
        site.agency = rng.choice(V.WEB_AGENCIES) if rng.random() < 0.08 else ""

    def non_org_sites(self, n_parked: int, n_personal: int) -> None:
        """Parked domains and personal sites: no owner in the truth."""
        rng = self.rng
        for _ in range(n_parked):
            for _ in range(10):
                name = coined(rng).lower() + rng.choice(("", "", "online", "hub", "24", "shop", "news", "bank"))
                got = self.claim(f"{name}.{rng.choice(('com', 'net', 'info', 'xyz', 'online', 'de', 'co.uk'))}")
                if got:
                    s = self.add_site(got[0], got[1], None, "parked", "parked", "en", name, 0.12)
                    s.www = rng.random() < 0.5
                    break
        wp_blogs = 0
        for _ in range(n_personal):
            lang = rng.choice(self.person_langs)
            person = person_name(rng, lang)
            r = rng.random()
            for _ in range(10):
                if r < 0.55:
                    platform = rng.choice(V.PLATFORM_SUFFIXES)
                    host = f"{slug(person, rng.choice(('', '-')))}{rng.choice(('', '', 'blog', 'photos'))}.{platform}"
                    kind = "shared_hosting"
                elif r < 0.75:
                    platform = ""
                    host = f"{slug(person, rng.choice(('', '-')))}.{rng.choice(('net', 'com', 'me', 'de', 'fr'))}"
                    kind = "personal"
                else:
                    platform = V.WORDPRESS_COM
                    host = f"{slug(person, '')}{rng.choice(('', 'blog', 'writes'))}.{platform}"
                    kind = "shared_hosting"
                if platform == V.WORDPRESS_COM:
                    if host in self.domains:
                        continue
                    self.domains.add(host)
                    s = self.add_site(host, V.WORDPRESS_COM, None, kind, "blog", lang, person, 0.5, platform=platform)
                    wp_blogs += 1
                else:
                    got = self.claim(host)
                    if not got:
                        continue
                    s = self.add_site(got[0], got[1], None, kind, "blog", lang, person, 0.5, platform=platform)
                s.person = person
                s.www = False
                s.wp = platform == V.WORDPRESS_COM or rng.random() < 0.3
                break


def build_world(rng: random.Random, *, n_orgs: int, shift: str | None, languages: tuple[str, ...]) -> World:
    """Orgs (with parents, partners, duplicates by name across countries) and their sites."""
    if shift is not None and shift not in SHIFTS:
        raise InputError(f"unknown shift {shift!r}: use one of {', '.join(SHIFTS)}")
    b = WorldBuilder(rng, shift=shift, languages=languages)
    companies: list[Org] = []
    absorbed: list[Org] = []
    while len(b.orgs) < n_orgs:
        kind = _wchoice(rng, b.kinds)
        r = rng.random()
        if kind in ("corporate", "tech", "shop", "bank") and r < 0.06 and len(b.orgs) + 3 <= n_orgs:
            # a group: holding + subsidiaries sharing its root word (an edge each, never a merge)
            parent = b.new_org("corporate")
            root = parent.short.split()[0]
            parent_base = f"{root} {rng.choice(('Group', 'Holding'))}"
            if (slug(parent_base), parent.country) not in b.names:
                b.names.add((slug(parent_base), parent.country))
                parent.short = parent_base
                parent.name = f"{parent_base} {parent.legal_form}".strip()
                parent.aliases = [parent_base] if parent.legal_form else []
                parent.acronym = ""
            b.main_domain(parent)
            for _ in range(rng.choice((1, 2, 2, 3))):
                sub_kind = rng.choice(("corporate", "tech", "shop", "bank"))
                nouns = V.INDUSTRY_DE if parent.lang == "de" else V.INDUSTRY_NOUNS
                sub_base = f"{root} {rng.choice(nouns)}"
                if (slug(sub_base), parent.country) in b.names:
                    continue
                sub = b.new_org(sub_kind, parent.country, short=sub_base)
                sub.parent = parent
                parent.subsidiaries.append(sub)
                b.main_domain(sub)
                companies.append(sub)
            companies.append(parent)
            continue
        if kind in ("corporate", "tech", "shop") and r < 0.09 and companies:
            # the same name in another country: an unrelated org
            other = rng.choice(companies)
            country = next((c for c, _ in b.countries if c != other.country and COUNTRIES[c]["lang"] == "en"), None)
            if country and (slug(other.short), country) not in b.names:
                b.names.add((slug(other.short), country))
                org = b.new_org(other.kind, country, short=other.short)
                b.main_domain(org)
                companies.append(org)
                continue
        org = b.new_org(kind)
        if kind in ("corporate", "tech", "shop", "bank") and companies and r > 0.96:
            # acquired and absorbed: its old domain now redirects to the acquirer's site
            acquirer = rng.choice(companies)
            org.parent = acquirer
            acquirer.subsidiaries.append(org)
            absorbed.append(org)
            got = b.claim(f"{slug(org.short, '')}.{COUNTRIES[org.country]['tld']}")
            if got and acquirer.main_site:
                b.add_site(
                    got[0],
                    got[1],
                    acquirer,
                    "redirect",
                    acquirer.main_site.site_class,
                    acquirer.lang,
                    acquirer.short,
                    0,
                    redirect_to=acquirer.main_site,
                )
            continue
        b.main_domain(org)
        if kind in ("corporate", "tech", "shop", "bank"):
            if companies and rng.random() < 0.05:
                parent = rng.choice(companies)  # an acquisition that kept its name and site
                if parent is not org and parent.parent is None:
                    org.parent = parent
                    parent.subsidiaries.append(org)
            companies.append(org)
        if kind == "news" and companies and rng.random() < 0.15:
            parent = rng.choice(companies)
            if parent.parent is None:
                org.parent = parent
                parent.subsidiaries.append(org)
    # partners: other orgs named and linked on pages (tempting for naive extraction)
    with_site = [o for o in b.orgs if o.main_site is not None]
    for org in with_site:
        k = rng.choice((0, 1, 2, 3))
        org.partners = [p for p in rng.sample(with_site, min(k, len(with_site))) if p is not org]
    n = len(b.orgs)
    b.non_org_sites(max(1, round(n * 0.05)), max(1, round(n * 0.08)))
    return World(b.orgs, b.sites)
