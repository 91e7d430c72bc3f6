"""Synthetic organization records with known clusters: what a CRM export or an affiliation list looks like.

``orgmap dedupe`` and its comparison with Splink need record tables of any size whose right clusters are
known; the variants and traps they carry are listed in docs/synth.md. Deterministic from the seed.

Example::

    >>> t = generate_records(50, seed=1)
    >>> t.column_names
    ['record_id', 'name', 'country', 'city', 'domain', 'cluster']
"""

from __future__ import annotations

import random

import pyarrow as pa

from orgmap.synth.world import COUNTRIES, KINDS, Org, WorldBuilder, _wchoice, person_name, place_name, slug

__all__ = ["COUNTRY_NAMES", "generate_records"]

COUNTRY_NAMES = {
    "US": ("United States", "USA", "United States of America"),
    "GB": ("United Kingdom", "UK", "Great Britain"),
    "AU": ("Australia",),
    "NL": ("Netherlands", "The Netherlands", "Holland"),
    "DE": ("Germany", "Deutschland"),
    "AT": ("Austria", "Österreich"),
    "FR": ("France",),
    "ES": ("Spain", "España"),
    "IT": ("Italy", "Italia"),
}
"""How the generated records spell a country when they do not use its ISO code."""

_SPELLED = {
    "Ltd": ("Limited", "Ltd."),
    "Inc.": ("Incorporated", "Inc"),
    "Corp.": ("Corporation", "Corp"),
    "LLC": ("L.L.C.",),
    "PLC": ("Public Limited Company", "plc"),
    "GmbH": ("G.m.b.H.", "Gesellschaft mit beschränkter Haftung"),
    "AG": ("Aktiengesellschaft",),
    "B.V.": ("BV",),
    "N.V.": ("NV",),
    "S.L.": ("SL",),
    "S.A.": ("SA",),
    "S.r.l.": ("Srl", "SRL"),
    "S.p.A.": ("SpA",),
    "SAS": ("S.A.S.",),
    "SARL": ("S.A.R.L.", "Sarl"),
    "Pty Ltd": ("Pty. Ltd.", "Proprietary Limited"),
}
_ABBREVIATIONS = (
    ("International", "Intl"),
    ("Technologies", "Tech"),
    ("Technology", "Tech"),
    ("Services", "Svcs"),
    ("University", "Univ."),
    ("Institute", "Inst."),
    ("Department", "Dept."),
    ("Corporation", "Corp"),
    ("Association", "Assoc."),
    ("Saint", "St"),
    (" and ", " & "),
    (" & ", " and "),
)
_SIZES = ((1, 34.0), (2, 24.0), (3, 15.0), (4, 10.0), (5, 6.0), (6, 4.0), (7, 3.0), (8, 2.0), (10, 1.5), (14, 0.5))
_PERSON_SHARE = 0.06
_SAME_NAME_ABROAD = 0.05
_SHARED_DOMAIN = 0.01


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard slip inside a word of five letters or more: a letter dropped, doubled, swapped or replaced."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    op = rng.random()
    if op < 0.3:
        w = w[:j] + w[j + 1 :]
    elif op < 0.5:
        w = w[:j] + w[j] + w[j:]
    elif op < 0.75:
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    else:
        w = w[:j] + rng.choice("aeiounrst") + w[j + 1 :]
    words[i] = w
    return " ".join(words)


def _name_variant(rng: random.Random, org: dict) -> str:
    """One way a list writes the organization's name."""
    short, form = org["short"], org["form"]
    if org["person"]:
        first, _, last = short.partition(" ")
        r = rng.random()
        name = f"{last}, {first}" if r < 0.2 else short
    elif org["acronym"] and rng.random() < 0.04:
        return org["acronym"]
    else:
        r = rng.random()
        if not form or r < 0.35:
            name = short
        elif r < 0.8:
            name = f"{short} {form}"
        elif r < 0.9:
            name = f"{short} {rng.choice(_SPELLED.get(form, (form,)))}"
        else:
            name = f"{short}, {form}"
        if rng.random() < 0.08:
            for long, abbr in _ABBREVIATIONS:
                if long in name:
                    name = name.replace(long, abbr, 1)
                    break
    if rng.random() < 0.12:
        name = _typo(rng, name)
    r = rng.random()
    if r < 0.12:
        name = name.upper()
    elif r < 0.17:
        name = name.lower()
    return name


def _country_variant(rng: random.Random, country: str) -> str | None:
    r = rng.random()
    if r < 0.06:
        return None
    if r < 0.2:
        return rng.choice(COUNTRY_NAMES[country])
    return country if r < 0.9 else country.lower()


def _city_variant(rng: random.Random, city: str) -> str | None:
    r = rng.random()
    if r < 0.25:
        return None
    if r < 0.3:
        return _typo(rng, city)
    return city.upper() if r < 0.35 else city


def _domain_variant(rng: random.Random, domain: str) -> str | None:
    r = rng.random()
    if r < 0.35:
        return None
    if r < 0.6:
        return domain
    if r < 0.8:
        return f"www.{domain}"
    if r < 0.9:
        return f"https://www.{domain}/"
    return f"http://{domain}/{rng.choice(('contact', 'about-us', 'en/home', 'impressum'))}"


def _domain_of(org: dict, taken: set[str]) -> str:
    c = COUNTRIES[org["country"]]
    tld = {"gov": c["gov"], "uni": c["edu"], "research": c["org"], "ngo": c["org"], "club": c["org"]}.get(
        org["kind"], c["tld"]
    )
    base = slug(org["short"].removeprefix("The "), "-")[:40] or "org"
    domain = f"{base}.{tld}"
    k = 2
    while domain in taken:
        domain = f"{base}{k}.{tld}"
        k += 1
    taken.add(domain)
    return domain


def generate_records(n_records: int, *, seed: int = 0) -> pa.Table:
    """``n_records`` records of organizations with their true cluster (``cluster``: the org's id).

    Columns: ``record_id, name, country, city, domain, cluster`` (strings; country, city and domain may be
    null). Records are shuffled, so the records of one organization are not next to each other.
    """
    rng = random.Random(seed)
    builder = WorldBuilder(rng, shift=None, languages=("en", "de", "fr", "es", "it"))
    kinds = tuple((k, share) for k, (_, _, share) in KINDS.items() if k not in ("gambling", "adult"))
    taken: set[str] = set()
    persons: set[tuple[str, str]] = set()
    orgs: list[dict] = []
    sizes: list[int] = []
    total = 0
    while total < n_records:
        r = rng.random()
        if r < _PERSON_SHARE:
            country = _wchoice(rng, builder.countries)
            lang = COUNTRIES[country]["lang"]
            name = person_name(rng, lang)
            if (name, country) in persons:  # two people of one name in one country: nobody could tell them apart
                continue
            persons.add((name, country))
            org = {"short": name, "form": "", "kind": "person", "country": country, "acronym": "", "person": True}
            org["city"] = place_name(rng, lang)
            domain = f"{slug(name, '')}.{COUNTRIES[country]['tld']}"
            org["domain"] = None if domain in taken else domain
            taken.add(domain)
        elif r < _PERSON_SHARE + _SAME_NAME_ABROAD and orgs:
            other = rng.choice(orgs)
            if other["person"]:  # the same person's name in another country: another person
                country = next((c for c, _ in builder.countries if c != other["country"]), "US")
                if (other["short"], country) in persons:
                    continue
                persons.add((other["short"], country))
                org = dict(other, country=country)
                org["domain"] = None
            else:
                country = next(
                    (c for c, _ in sorted(builder.countries, key=lambda _c: rng.random()) if c != other["country"]),
                    "US",
                )
                o = builder.new_org(other["kind"], country, short=other["short"])
                org = _org(o)
                org["domain"] = _domain_of(org, taken)
            org["city"] = place_name(rng, COUNTRIES[country]["lang"])
        else:
            o = builder.new_org(_wchoice(rng, kinds))
            org = _org(o)
            if orgs and rng.random() < _SHARED_DOMAIN and not orgs[-1]["person"] and orgs[-1]["domain"]:
                org["domain"] = orgs[-1]["domain"]  # a subsidiary on its parent's site
            else:
                org["domain"] = _domain_of(org, taken)
        org["id"] = f"org{len(orgs):07d}"
        size = min(int(_wchoice(rng, [(str(s), w) for s, w in _SIZES])), n_records - total)
        orgs.append(org)
        sizes.append(size)
        total += size
    rows: dict[str, list] = {c: [] for c in ("name", "country", "city", "domain", "cluster")}
    for org, size in zip(orgs, sizes, strict=True):
        for _ in range(size):
            rows["name"].append(_name_variant(rng, org))
            rows["country"].append(_country_variant(rng, str(org["country"])))
            rows["city"].append(_city_variant(rng, str(org["city"])))
            rows["domain"].append(_domain_variant(rng, str(org["domain"])) if org["domain"] else None)
            rows["cluster"].append(org["id"])
    order = list(range(total))
    rng.shuffle(order)
    out = {"record_id": [f"r{i:07d}" for i in range(total)]}
    out.update({c: [v[i] for i in order] for c, v in rows.items()})
    return pa.table({c: pa.array(v, pa.string()) for c, v in out.items()})


def _org(o: Org) -> dict:
    return {
        "short": o.short,
        "form": o.legal_form,
        "kind": o.kind,
        "country": o.country,
        "acronym": o.acronym if len(o.short.split()) >= 3 else "",
        "person": False,
        "city": o.place,
    }
