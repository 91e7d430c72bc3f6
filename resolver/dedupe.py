"""Deduplicating a list of organization records: the resolver's clustering over a table that has no pages.

:func:`dedupe_records` cleans the name, country, city, domain and identifier columns and clusters the
records with :func:`resolver.clustering.resolve_clusters`, plus the evidence a record carries (rules:
docs/dedupe.md). Each cluster carries its confidence and edges; pairs near the threshold are returned.

Example::

    >>> import pyarrow as pa
    >>> t = pa.table({"name": ["Acme Widgets GmbH", "ACME Widgets", "Acme Widgets Ltd"], "country": ["DE", "de", "GB"]})
    >>> dedupe_records(t).clusters.column("cluster_size").to_pylist()
    [2, 2, 1]
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from resolver.clustering import ClusterParams, resolve_clusters
from resolver.domains import registered_domain
from resolver.errors import InputError
from resolver.names import fold, normalize_name
from resolver.parallel import chunks, fork_map
from resolver.persons import TITLES, is_known_given_name, is_person_name
from resolver.records import NameKey

__all__ = [
    "COLUMN_NAMES",
    "DedupeParams",
    "DedupeResult",
    "RecordColumns",
    "country_codes",
    "dedupe_records",
    "detect_columns",
    "prepare_records",
]

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "record_id",
        "recordid",
        "uid",
        "unique_id",
        "row_id",
        "rec_id",
        "customer_id",
        "client_id",
        "account_id",
        "contact_id",
        "supplier_id",
        "vendor_id",
    ),
    "name": (
        "name",
        "organization",
        "organisation",
        "organization_name",
        "organisation_name",
        "org_name",
        "org",
        "company",
        "company_name",
        "companyname",
        "account",
        "account_name",
        "business_name",
        "legal_name",
        "entity",
        "entity_name",
        "affiliation",
        "institution",
        "employer",
        "customer",
        "customer_name",
        "supplier",
        "vendor",
        "full_name",
        "fullname",
        "caption",
        "title",
    ),
    "country": ("country", "countries", "country_code", "countrycode", "iso2", "iso_country", "nation", "jurisdiction"),
    "city": ("city", "town", "locality", "municipality", "place"),
    "domain": ("domain", "website", "web", "url", "homepage", "site", "web_site", "www", "email", "e_mail"),
    "identifier": (
        "identifier",
        "registration_number",
        "registration_no",
        "company_number",
        "companynumber",
        "reg_no",
        "lei",
        "vat",
        "vat_id",
        "vat_number",
        "duns",
        "ror",
        "ror_id",
        "tax_id",
        "ein",
        "siren",
        "kvk",
    ),
}
"""Column names recognised for each field (compared lower-cased, with spaces and dashes as ``_``), first
match wins."""


@dataclass(frozen=True, slots=True)
class RecordColumns:
    """Which input column holds each field (None: the table has no such field)."""

    name: str
    """The organization's name (required)."""
    id: str | None = None
    """A unique record id; None: the row number (1 = the first record)."""
    country: str | None = None
    """ISO codes or country names, several separated by ``;`` or ``|``."""
    city: str | None = None
    domain: str | None = None
    """A domain, host, URL or e-mail address: compared by registered domain."""
    identifier: str | None = None
    """One identifier scheme (registration number, LEI, VAT id, ROR id): the same value is the same org."""


def _canon(column: str) -> str:
    return re.sub(r"[\s\-.]+", "_", column.strip().lower())


def detect_columns(columns: Sequence[str], given: Mapping[str, str | None] | None = None) -> RecordColumns:
    """The columns holding each field: ``given`` ones (field → column) first, else a common name.

    >>> detect_columns(["Company Name", "Country", "Website"])
    RecordColumns(name='Company Name', id=None, country='Country', city=None, domain='Website', identifier=None)
    """
    given = {k: v for k, v in (given or {}).items() if v}
    unknown = sorted({v for v in given.values() if v} - set(columns))
    if unknown:
        raise InputError(f"no column {', '.join(map(repr, unknown))} in the file; its columns: {', '.join(columns)}")
    canon = {_canon(c): c for c in reversed(columns)}  # the first of two spellings wins
    found: dict[str, str | None] = {}
    taken = set(given.values())
    for fld, names in COLUMN_NAMES.items():
        if fld in given:
            found[fld] = given[fld]
            continue
        hit = next((canon[n] for n in names if n in canon and canon[n] not in taken), None)
        found[fld] = hit
        if hit:
            taken.add(hit)
    if not found["name"]:
        raise InputError(
            f"which column holds the names? None of {', '.join(columns)} is a name column I know "
            f"({', '.join(COLUMN_NAMES['name'][:6])}, ...); pass --name-col"
        )
    return RecordColumns(**found)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class DedupeParams:
    """Knobs of :func:`dedupe_records`: the clustering's, with a review margin of 5 points."""

    cluster: ClusterParams = field(default_factory=lambda: ClusterParams(review_margin=5.0))
    """Threshold, guard, blocking, evidence weights; ``review_margin``: how far below the threshold a pair
    is still returned for review."""
    person_acronyms: bool = False
    """Whether a person's name ("Juan Carlos Pérez") may match an acronym ("JCP"): not by default."""
    affiliations: bool = True
    """Read a name of comma-separated parts as an affiliation and cluster by its institution
    (:func:`institution_part`); its trailing country counts where the country column is empty."""
    processes: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    """Processes (and rapidfuzz threads) for cleaning names and scoring pairs of long lists."""

    @classmethod
    def with_threshold(cls, threshold: float, review_margin: float = 5.0) -> DedupeParams:
        """The defaults with another threshold (the guard follows it)."""
        return cls(cluster=replace(ClusterParams(), threshold=threshold, review_margin=review_margin))


@dataclass(frozen=True)
class DedupeResult:
    """What :func:`dedupe_records` returns."""

    clusters: pa.Table
    """One row per record, in input order: ``record_id, name, cluster_id, cluster_size, canonical_name,
    confidence`` (the cluster's weakest merge, 1.0 for a record alone), ``score, reason`` (the strongest
    edge that put the record in its cluster)."""
    edges: pa.Table
    """The edges that hold the clusters together: ``cluster_id, record_a, record_b, score, reason, kind``
    (``name``, ``domain``, ``hard``), ``merged`` (it joined two clusters; else they were already one)."""
    pairs: pa.Table
    """Pairs scored near the threshold, for review: ``record_a, record_b, name_a, name_b, score, reason,
    verdict`` (merged / same cluster / below threshold / guard / jurisdiction / identifier), ``same_cluster``."""
    stats: dict[str, Any]
    """Counts and timings (records, clusters, candidate pairs, merges, seconds)."""


CLUSTER_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("name", pa.string()),
        ("cluster_id", pa.string()),
        ("cluster_size", pa.int64()),
        ("canonical_name", pa.string()),
        ("confidence", pa.float64()),
        ("score", pa.float64()),
        ("reason", pa.string()),
    ]
)
EDGE_SCHEMA = pa.schema(
    [
        ("cluster_id", pa.string()),
        ("record_a", pa.string()),
        ("record_b", pa.string()),
        ("score", pa.float64()),
        ("reason", pa.string()),
        ("kind", pa.string()),
        ("merged", pa.bool_()),
    ]
)
PAIR_SCHEMA = pa.schema(
    [
        ("record_a", pa.string()),
        ("record_b", pa.string()),
        ("name_a", pa.string()),
        ("name_b", pa.string()),
        ("score", pa.float64()),
        ("reason", pa.string()),
        ("verdict", pa.string()),
        ("same_cluster", pa.bool_()),
    ]
)


# -- cleaning -------------------------------------------------------------------------------------------
_COUNTRY_ALIASES = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "korea": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "turkey": "TR",
    "el": "GR",
    "russian federation": "RU",
    "syrian arab republic": "SY",
    "lao people s democratic republic": "LA",
    "laos": "LA",
    "hong kong": "HK",
    "macao": "MO",
    "macau": "MO",
    "macedonia": "MK",
    "uae": "AE",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "palestine": "PS",
    "united kingdom of great britain and northern ireland": "GB",
    "great britain and northern ireland": "GB",
    "burma": "MM",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "vatican": "VA",
    "holy see": "VA",
}
_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "ru", "zh", "ja", "ar")
_SPLIT_COUNTRIES = re.compile(r"\s*[;|/]\s*")
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, str], frozenset[str]]:
    """Folded country name → ISO code, from the CLDR names (Babel) in a few languages; the ISO codes."""
    from babel import Locale
    from babel.core import get_global

    codes = frozenset(str(c) for c in Locale("en").territories if len(str(c)) == 2 and str(c).isalpha() and c != "ZZ")
    names: dict[str, str] = {}
    for loc in _LOCALES:
        for code, label in Locale(loc).territories.items():
            if code in codes:
                names.setdefault(_NON_WORD.sub(" ", fold(label)).strip(), code)
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            names.setdefault(alias.lower(), targets[0])
    names.update(_COUNTRY_ALIASES)
    return names, codes


@lru_cache(maxsize=65_536)
def country_codes(text: str | None) -> tuple[str, ...]:
    """ISO 3166 alpha-2 codes of a country cell: codes, alpha-3 codes or names, several split by ``;|/``.

    A value that is no known country is kept as written (upper case): equal values still agree.

    >>> country_codes("Germany"), country_codes("usa; Deutschland"), country_codes("gbr"), country_codes("")
    (('DE',), ('US', 'DE'), ('GB',), ())
    """
    if not text or not text.strip():
        return ()
    names, codes = _country_table()
    whole = _one_country(text, names, codes)
    if whole:
        return (whole,)
    out = [c for part in _SPLIT_COUNTRIES.split(text) if (c := _one_country(part, names, codes) or _raw(part))]
    return tuple(dict.fromkeys(out))


def _one_country(text: str, names: Mapping[str, str], codes: frozenset[str]) -> str | None:
    t = text.strip()
    if len(t) == 2 and t.isalpha() and t.upper() in codes:
        return t.upper()
    got = names.get(_NON_WORD.sub(" ", fold(t)).strip())
    if got is None and (short := _QUALIFIER.sub("", t)) != t:  # "Korea, Republic of", "Bolivia (...)"
        got = names.get(_NON_WORD.sub(" ", fold(short)).strip())
    return got


_QUALIFIER = re.compile(r"\s*(?:,.*|\(.*\)\s*)$")


def _raw(text: str) -> str | None:
    t = _NON_WORD.sub(" ", fold(text)).strip().upper()
    return t or None


def _domain(value: str) -> str | None:
    v = value.strip().lower()
    if "@" in v and "/" not in v:
        v = v.rsplit("@", 1)[1]
    host = _URL_HOST.sub("", v).split("/", 1)[0].split("?", 1)[0].removeprefix("www.")
    return _registered(host) if host else None


_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?")


@lru_cache(maxsize=262_144)
def _registered(host: str) -> str | None:
    return registered_domain(host)


def _identifier(value: str) -> str | None:
    v = _NON_WORD.sub("", fold(value))
    return v.upper() or None


def _city(value: str) -> str | None:
    v = _NON_WORD.sub(" ", fold(value)).strip()
    return v or None


_PART = re.compile(r"\s*[,;]\s*")
_NUMBERS = re.compile(r"(?<!\w)\d[\d\s-]*(?!\w)")
SUBUNIT_WORDS = frozenset(
    """department dept departement departamento dipartimento abteilung division div section sección sektion
    unit laboratory lab labs laboratoire laboratorio laboratorium group groupe gruppe team chair lehrstuhl
    program programme faculty facultad faculte fakultät fakultat school graduate key service servicio
    cátedra catedra""".split()
)
"""First words of the part of an affiliation that names a unit inside an institution ("Department of ...")."""
INSTITUTION_WORDS = frozenset(
    """university universite université universität universitat universidad universidade università universita
    universiteit uniwersytet college hospital hospitalier klinik klinikum clinic clinique centre center centro
    zentrum institute institut instituto istituto academy akademie academia school ecole école hochschule
    foundation fondation stiftung fundación fundacion council ministry agency trust nhs museum observatory
    laboratories corporation company bank society association health healthcare""".split()
)
"""Words of the part of an affiliation that names the institution ("University of Verona")."""


def institution_part(name: str) -> tuple[str, str | None]:
    """The institution an affiliation names, and the country it ends with (None: none).

    A name of comma-separated parts ("Department of Physics, University of Verona, Verona, Italy") is
    read as unit, institution, place, country: the result is the last part naming a university, else the
    last naming an institution, followed by a short place after it (a campus: "University of California,
    Los Angeles"; not a street). Names that are not such a list ("Smith, John", "Apple, Inc.") come back
    whole.

    >>> institution_part("Dept. of Physics, University of Verona, Italy")
    ('University of Verona', 'IT')
    >>> institution_part("Apple, Inc.")
    ('Apple, Inc.', None)
    """
    parts: list[str] = []
    for x in _PART.split(name):
        part = _NUMBERS.sub(" ", x).strip(" .")
        if parts and not normalize_name(part).key:  # a legal form after a comma: "Acme Widgets, Inc."
            parts[-1] = f"{parts[-1]}, {x.strip()}"
        elif part:
            parts.append(part)
    if len(parts) < 2:
        return name, None
    country = None
    while len(parts) > 1 and (codes := _country_name(parts[-1])):
        country = country or codes
        parts.pop()
    words = [[fold(w) for w in re.findall(r"\w+", part)] for part in parts]
    unit = [bool(w) and w[0] in SUBUNIT_WORDS for w in words]
    inst = [
        not u and any(x in INSTITUTION_WORDS or x.startswith("universi") for x in w)
        for w, u in zip(words, unit, strict=True)
    ]
    if any(inst):
        uni = [ok and any(x.startswith("universi") for x in w) for w, ok in zip(words, inst, strict=True)]
        i = max(i for i, ok in enumerate(uni if any(uni) else inst) if ok)
        out = parts[i]
        nxt = words[i + 1] if i + 1 < len(parts) else []
        if 1 <= len(nxt) <= 2 and not unit[i + 1] and not inst[i + 1] and not _STREET_WORDS.intersection(nxt):
            out = f"{out} {parts[i + 1]}"
        return out, country
    if any(unit):
        rest = [p for p, u in zip(parts, unit, strict=True) if not u]
        return (rest[-1] if rest else parts[-1]), country
    return (name if country is None else ", ".join(parts)), country


def _country_name(text: str) -> str | None:
    names, codes = _country_table()
    t = text.strip()
    if len(t) == 2 and t.isupper() and t in codes:  # "..., Berlin, DE"; "..., Saint Joseph, MI" is a state: kept
        return None if t in _US_STATES else t
    return names.get(_NON_WORD.sub(" ", fold(t)).strip())


_STREET_WORDS = frozenset(
    """street st road rd avenue ave lane way drive square place hill park boulevard blvd strasse straße str
    rue via calle avenida platz weg allee box""".split()
)
_US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
    OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC""".split()
)


_NAME_CHUNK = 5_000


def _clean_names(
    flags: tuple[bool, bool], names: list[str]
) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(name clustered, key, legal form, acronym, country it ends with) of each name.

    ``flags``: affiliations, person acronyms (see :class:`DedupeParams`). Runs in a worker for long lists.
    """
    return [_clean_name(n, *flags) for n in names]


def _clean_name(
    name: str, affiliations: bool, person_acronyms: bool
) -> tuple[str, str, str | None, str | None, str | None]:
    org, country = institution_part(name) if affiliations else (name, None)
    nk = _normalized(org.casefold())
    key, acronym = nk.key, nk.acronym
    words = org.split()
    while len(words) > 2 and fold(words[0].strip(".,")) in TITLES:  # "Dr. Anna Weber", "Prof. Dr. Jan Kowalski"
        words = words[1:]
    text = " ".join(words)
    if not nk.legal_form and _looks_like_person(text.title() if text.islower() else text, words):
        key = _normalized(text.casefold()).key
        if not person_acronyms:
            acronym = ""  # a person's initials are no name of theirs: never matched as an acronym
    return org, key, nk.legal_form, acronym, country


@lru_cache(maxsize=1 << 18)
def _normalized(folded: str) -> NameKey:
    """``normalize_name`` of a case-folded name: keys ignore case, so "ACME GMBH" and "Acme GmbH" share it."""
    return normalize_name(folded)


def _looks_like_person(name: str, tokens: Sequence[str]) -> bool:
    """A name a person carries (2 to 4 words, the first a given name people carry, and the tagger agrees)."""
    return 2 <= len(tokens) <= 4 and is_known_given_name(tokens[0]) and is_person_name(name.strip())


def _column(table: pa.Table, name: str | None) -> list[Any]:
    if name is None:
        return [None] * table.num_rows
    return table.column(name).cast(pa.string()).to_pylist()


def _mapped(values: Iterable[Any], fn: Any) -> list[Any]:
    """``fn`` of each value, computed once per distinct value (lists repeat their names and countries)."""
    memo: dict[Any, Any] = {}
    out: list[Any] = []
    for v in values:
        if v is None or v == "":
            out.append(None)
            continue
        got = memo.get(v, memo)
        if got is memo:
            got = memo[v] = fn(v)
        out.append(got)
    return out


def prepare_records(
    table: pa.Table, columns: RecordColumns | None = None, params: DedupeParams | None = None
) -> pa.Table:
    """The records as :func:`resolver.clustering.resolve_clusters` reads them, cleaned.

    ``name_id`` (the id column, else the row number from 1), ``name`` (an affiliation's institution part),
    ``record_name`` (as given); ``key, legal_form, acronym`` (of the name; a person's name has no acronym);
    ``country`` (one ISO code) or ``countries`` (several; else the country an affiliation ends with);
    ``city`` (folded), ``domain`` (the registered domain), ``identifier`` (letters and digits, upper case).
    """
    cols = columns or detect_columns(table.column_names)
    p = params or DedupeParams()
    n = table.num_rows
    ids = _column(table, cols.id) if cols.id else [str(i + 1) for i in range(n)]
    if cols.id:
        seen: set[str] = set()
        dupes = [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]
        if any(i is None or i == "" for i in ids):
            raise InputError(f"column {cols.id!r} (the record id) is empty in some rows; pass --id-col or fix it")
        if dupes:
            raise InputError(
                f"column {cols.id!r} (the record id) repeats {dupes[0]!r}"
                + (f" and {len(set(dupes)) - 1} more" if len(set(dupes)) > 1 else "")
                + "; record ids must be unique: pass another --id-col, or none to number the rows"
            )
    names = ["" if v is None else v for v in _column(table, cols.name)]

    distinct = list(dict.fromkeys(n for n in names if n))
    cleaned = fork_map(
        _clean_names,
        [distinct[r.start : r.stop] for r in chunks(len(distinct), _NAME_CHUNK)],
        processes=p.processes if len(distinct) >= 4 * _NAME_CHUNK else 1,
        shared=(p.affiliations, p.person_acronyms),
    )
    memo = dict(zip(distinct, (x for part in cleaned for x in part), strict=True))
    parts = [memo[n] if n else None for n in names]
    keys = [x[1] if x else "" for x in parts]
    countries = _mapped(_column(table, cols.country), country_codes)
    countries = [c or ((x[4],) if x and x[4] else None) for c, x in zip(countries, parts, strict=True)]
    return pa.table(
        {
            "name_id": pa.array(ids, pa.string()),
            "name": pa.array([x[0] if x else "" for x in parts], pa.string()),
            "record_name": pa.array(names, pa.string()),
            "key": pa.array(keys, pa.string()),
            "legal_form": pa.array([x[2] if x else None for x in parts], pa.string()),
            "acronym": pa.array([x[3] if x else None for x in parts], pa.string()),
            "country": pa.array([c[0] if c and len(c) == 1 else None for c in countries], pa.string()),
            "countries": pa.array([list(c) if c and len(c) > 1 else None for c in countries], pa.list_(pa.string())),
            "city": pa.array(_mapped(_column(table, cols.city), _city), pa.string()),
            "domain": pa.array(_mapped(_column(table, cols.domain), _domain), pa.string()),
            "identifier": pa.array(_mapped(_column(table, cols.identifier), _identifier), pa.string()),
        }
    )


# -- clustering -----------------------------------------------------------------------------------------
def dedupe_records(
    table: pa.Table,
    columns: RecordColumns | None = None,
    params: DedupeParams | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> DedupeResult:
    """Cluster the records of ``table`` into organizations (the rules are in the module docstring).

    ``columns`` default to :func:`detect_columns`; ``con`` runs the blocking (a fresh in-memory DuckDB when
    None).
    """
    p = params or DedupeParams()
    t0 = time.perf_counter()
    records = prepare_records(table, columns, p)
    t1 = time.perf_counter()
    cluster = replace(p.cluster, processes=p.processes, workers=max(p.cluster.workers, p.processes))
    result = resolve_clusters(records, params=cluster, con=con)
    t2 = time.perf_counter()
    a = result.assignments  # one row per record, in input order
    n = a.num_rows
    sizes = a.group_by("cluster_id").aggregate([("name_id", "count")]).rename_columns(["cluster_id", "cluster_size"])
    links = result.links.append_column("cluster_id", _lookup(result.links.column("name_id_a"), a, "cluster_id"))
    merged = links.filter(pc.field("merged"))
    weakest = merged.group_by("cluster_id").aggregate([("score", "min")]).rename_columns(["cluster_id", "weakest"])
    per = sizes.join(weakest, "cluster_id")
    size = _lookup(a.column("cluster_id"), per, "cluster_size", key="cluster_id")
    low = pc.fill_null(_lookup(a.column("cluster_id"), per, "weakest", key="cluster_id"), 100.0)
    clusters = pa.table(
        {
            "record_id": a.column("name_id"),
            "name": records.column("record_name"),
            "cluster_id": a.column("cluster_id"),
            "cluster_size": size,
            "canonical_name": a.column("canonical_name"),
            "confidence": pc.round(pc.divide(low, 100.0), 4),
            "score": a.column("score"),
            "reason": a.column("reason"),
        },
        schema=CLUSTER_SCHEMA,
    )
    edges = pa.table(
        {
            "cluster_id": links.column("cluster_id"),
            "record_a": links.column("name_id_a"),
            "record_b": links.column("name_id_b"),
            "score": links.column("score"),
            "reason": links.column("reason"),
            "kind": links.column("kind"),
            "merged": links.column("merged"),
        },
        schema=EDGE_SCHEMA,
    )
    pairs = _review_pairs(result.edges, clusters, p.cluster)
    n_multi = pc.sum(pc.filter(sizes.column("cluster_size"), pc.greater(sizes.column("cluster_size"), 1))).as_py()
    stats = dict(result.stats)
    stats.update(
        records=n,
        clusters=sizes.num_rows,
        records_in_clusters=n_multi or 0,
        review_pairs=pairs.num_rows,
        seconds_clean=round(t1 - t0, 3),
        seconds_cluster=round(t2 - t1, 3),
        seconds=round(time.perf_counter() - t0, 3),
    )
    return DedupeResult(clusters=clusters, edges=edges, pairs=pairs, stats=stats)


def _lookup(values: pa.ChunkedArray | pa.Array, table: pa.Table, column: str, key: str = "name_id") -> pa.Array:
    """``table[column]`` of the row whose ``key`` equals each of ``values`` (null where none does)."""
    where = pc.index_in(values, value_set=table.column(key).combine_chunks()).cast(pa.int32())
    return pc.take(table.column(column), where)


def _review_pairs(edges: pa.Table, clusters: pa.Table, p: ClusterParams) -> pa.Table:
    """Fuzzy pairs scored within ``review_margin`` of the threshold (either side), strongest first."""
    lo, hi = p.threshold - p.review_margin, p.threshold + p.review_margin
    if p.review_margin <= 0:
        return PAIR_SCHEMA.empty_table()
    near = edges.filter((pc.field("kind") == "fuzzy") & (pc.field("score") >= lo) & (pc.field("score") < hi)).select(
        ["name_id_a", "name_id_b", "score", "reason", "why"]
    )
    near = near.sort_by([("score", "descending"), ("name_id_a", "ascending"), ("name_id_b", "ascending")])
    # the first (strongest) row of each pair: two units of one key pair may repeat it
    seen: set[tuple[str, str]] = set()
    keep = []
    for i, ab in enumerate(
        zip(near.column("name_id_a").to_pylist(), near.column("name_id_b").to_pylist(), strict=True)
    ):
        if ab not in seen:
            seen.add(ab)
            keep.append(i)
    near = near.take(pa.array(keep, pa.int64()))
    ca = _lookup(near.column("name_id_a"), clusters, "cluster_id", key="record_id")
    cb = _lookup(near.column("name_id_b"), clusters, "cluster_id", key="record_id")
    return pa.table(
        {
            "record_a": near.column("name_id_a"),
            "record_b": near.column("name_id_b"),
            "name_a": _lookup(near.column("name_id_a"), clusters, "name", key="record_id"),
            "name_b": _lookup(near.column("name_id_b"), clusters, "name", key="record_id"),
            "score": near.column("score"),
            "reason": near.column("reason"),
            "verdict": near.column("why"),
            "same_cluster": pc.equal(ca, cb),
        },
        schema=PAIR_SCHEMA,
    )
