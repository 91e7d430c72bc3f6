"""Reference lists: a user's master list of organizations, and linking names to it.

``orgmap resolve --orgs known.csv`` links what it finds to the user's organizations before creating new ones.
:func:`load_reference` reads CSV, JSON Lines, JSON arrays and ROR dumps; :func:`match_reference` links names
with clustering's blocking and scoring. Formats and rules: docs/matching.md, "Reference lists".

Example::

    >>> import pyarrow as pa
    >>> ref = pa.table({"ref_id": ["r1"], "name": ["International Business Machines Corp."], "aliases": [["IBM"]]})
    >>> match_reference(pa.table({"name_id": ["q"], "name": ["I.B.M."]}), ref)["ref_id"].to_pylist()
    ['r1']
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import duckdb
import pyarrow as pa

from resolver.blocking import BlockingParams, candidate_pairs
from resolver.errors import InputError
from resolver.files import JSONArrayError, json_array, open_text, text_stream
from resolver.scoring import GENERIC_TOKENS, compatible, jurisdiction, score_candidates

__all__ = ["REFERENCE_SCHEMA", "ReferenceList", "load_reference", "match_reference", "read_reference"]

REFERENCE_SCHEMA = pa.schema(
    [
        ("ref_id", pa.string()),
        ("name", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("domains", pa.list_(pa.string())),
        ("country", pa.string()),
        ("class", pa.string()),
        ("attributes", pa.string()),
    ]
)
"""What :func:`load_reference` returns; :func:`match_reference` needs only ``ref_id`` and ``name``."""

DOMAIN_SCORE = 99.0
CONTAINS_BASE = 86.0
CONTAINS_MAX = 96.0
_STOP = frozenset("of the and for de du des la le les der die das von van et und y del di da do dos a an in at".split())
_KNOWN = ("id", "name", "aliases", "domains", "country", "class")


def _distinct(forms: list[str], name: str) -> list[str]:
    """The non-empty ``forms`` in order, each once and none equal to ``name`` (ignoring case)."""
    seen = {name.casefold()}
    out = []
    for form in forms:
        if form and form.casefold() not in seen:
            seen.add(form.casefold())
            out.append(form)
    return out


def _split(value: Any) -> list[str]:
    """A ``|``-joined string or a list, as a list of non-empty stripped strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()]
    if isinstance(value, list | tuple):
        return [t for t in (_text(v) for v in value) if t]
    return [t] if (t := _text(value)) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _domain(value: str) -> str | None:
    from resolver.domains import registered_domain

    try:
        return registered_domain(value.strip().lower())
    except Exception:  # noqa: BLE001 - any unparsable domain is reported by the caller as a row problem
        return None


def _own_domain(value: str) -> tuple[str | None, str]:
    """The registered domain a ROR domain or website stands for, or None and why not.

    Only a host that *is* a registered domain (``www.`` aside) names the organization's own domain: a
    unit's site under its parent's domain (``physics.ox.ac.uk``, ``cdrsp.ipleiria.pt``) says nothing
    about who owns ``ox.ac.uk``, nor does ``sites.google.com/...`` about ``google.com``.
    """
    from resolver.domains import normalize_url, parse_host

    text = value.strip()
    try:
        parts = normalize_url(text).parts if "/" in text or ":" in text else parse_host(text)
    except Exception:  # noqa: BLE001 - ROR data has junk (a bare "ac.th"): counted, never fatal
        return None, "invalid"
    if parts.is_ip or not parts.suffix:
        return None, "invalid"
    if parts.subdomain:
        return None, "subdomain"
    return parts.registered_domain, ""


@dataclass(frozen=True)
class ReferenceList:
    """A reference list as :func:`read_reference` read it, with what it left out and why."""

    table: pa.Table
    """One row per organization, in :data:`REFERENCE_SCHEMA`."""
    format: str
    """How the file was read: ``csv``, ``jsonl`` (one object per line) or ``json`` (one array)."""
    records: int
    """Records read, skipped ones included."""
    skipped: Mapping[str, int] = field(default_factory=dict)
    """Records left out, by reason: a ROR ``status`` of ``withdrawn`` or ``inactive``."""
    dropped_domains: Mapping[str, int] = field(default_factory=dict)
    """ROR domains and websites not kept as an organization's domain, by reason: ``subdomain`` (a unit's
    site under its parent's domain), ``shared`` (listed by several records, none the others' ancestor),
    ``invalid``."""


_ROR_KEYS = frozenset({"names", "acronyms", "labels", "website_hosts", "websites", "links", "locations"})
_SKIP_STATUS = frozenset({"withdrawn", "inactive"})
_JSON_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz", ".zip")
_CSV_SUFFIXES = (".csv", ".csv.gz")


def _is_ror(rec: dict[str, Any]) -> bool:
    return str(rec.get("id", "")).startswith(("https://ror.org/", "http://ror.org/")) or not _ROR_KEYS.isdisjoint(rec)


class _Builder:
    """Turns records into :data:`REFERENCE_SCHEMA` columns, collecting every problem with its line."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = defaultdict(list)
        self.problems: list[str] = []
        self.seen: dict[str, int] = {}
        self.records = 0
        self.skipped: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.ror_domains: dict[str, list[int]] = defaultdict(list)
        self.parents: dict[str, tuple[str, ...]] = {}

    def add(self, line: int, rec: Any) -> None:
        self.records += 1
        if not isinstance(rec, dict):
            self.problems.append(f"line {line}: a JSON {type(rec).__name__}, expected an object")
        elif _is_ror(rec):
            self.add_ror(line, rec)
        else:
            self.add_plain(line, rec)

    def add_plain(self, line: int, rec: dict[str, Any]) -> None:
        """A CSV row or a JSON object with the CSV's keys (``aliases``, ``domains``: a list or ``|``-joined)."""
        domains = []
        for d in _split(rec.get("domains")):
            rd = _domain(d)
            if rd is None:
                self.problems.append(f"line {line}: domain {d!r} is not a registrable domain")
            else:
                domains.append(rd)
        extra = {k: v for k, v in rec.items() if k not in _KNOWN and k and v not in ("", None, [], {})}
        self._add(line, _text(rec.get("id")), _text(rec.get("name")), _split(rec.get("aliases")), domains, rec, extra)

    def add_ror(self, line: int, rec: dict[str, Any]) -> None:
        """A ROR record, in the v2 dump's shape or flattened (the mapping: docs/matching.md, "Reference lists")."""
        status = _text(rec.get("status")).lower()
        if status in _SKIP_STATUS:
            self.skipped[status] += 1
            return
        rid, name, forms = _text(rec.get("id")), _text(rec.get("name")), []
        for n in rec.get("names") or []:
            if isinstance(n, dict) and (value := _text(n.get("value"))):
                if not name and "ror_display" in (n.get("types") or []):
                    name = value
                forms.append(value)
        forms += _split(rec.get("aliases")) + _split(rec.get("acronyms"))
        forms += [_text(lb.get("value") or lb.get("label")) for lb in rec.get("labels") or [] if isinstance(lb, dict)]
        name = name or next((f for f in forms if f), "")
        aliases = _distinct(forms, name)
        websites = _split(rec.get("websites")) or [  # schema 1.0 dumps: links are bare URLs
            _text(lk.get("value")) if isinstance(lk, dict) else _text(lk)
            for lk in rec.get("links") or []
            if isinstance(lk, str) or (isinstance(lk, dict) and lk.get("type") == "website")
        ]
        domains: list[str] = []
        for site in _split(rec.get("domains")) + _split(rec.get("website_hosts")) + websites:
            rd, why = _own_domain(site)
            if rd is None:
                self.dropped[why] += 1
            elif rd not in domains:
                domains.append(rd)
        row = len(self.rows["ref_id"])
        for d in domains:
            self.ror_domains[d].append(row)
        self.parents[rid] = tuple(
            _text(r.get("id"))
            for r in rec.get("relationships") or []
            if isinstance(r, dict) and _text(r.get("type")).lower() == "parent"
        )
        country = rec.get("country")  # schema 1.0: {"country_code": "CH", "country_name": "Switzerland"}
        country = _text(country.get("country_code") if isinstance(country, dict) else country)
        locations = rec.get("locations") or []
        if not country and isinstance(locations, list) and locations and isinstance(locations[0], dict):
            country = _text((locations[0].get("geonames_details") or {}).get("country_code"))
        types = [t.lower() for t in _split(rec.get("types"))]
        # "funder" is a role, not a kind of organization: a university that funds research is education
        org_class = next((t for t in types if t != "funder"), types[0] if types else "")
        extra = {"source": "ror", "types": types, "websites": websites}
        fields = {"country": country, "class": org_class}
        self._add(line, rid, name, aliases, domains, fields, {k: v for k, v in extra.items() if v})

    def _add(
        self,
        line: int,
        rid: str,
        name: str,
        aliases: list[str],
        domains: list[str],
        rec: dict[str, Any],
        extra: dict[str, Any],
    ) -> None:
        country = _text(rec.get("country"))
        if not rid:
            self.problems.append(f"line {line}: empty id")
        if not name:
            self.problems.append(f"line {line}: empty name")
        if rid in self.seen:
            self.problems.append(f"line {line}: id {rid!r} already used on line {self.seen[rid]}")
        self.seen.setdefault(rid, line)
        if country and not (len(country) == 2 and country.isalpha()):
            self.problems.append(f"line {line}: country {country!r} is not an ISO 3166 alpha-2 code")
        self.rows["ref_id"].append(rid)
        self.rows["name"].append(name)
        self.rows["aliases"].append(aliases)
        self.rows["domains"].append(sorted(set(domains)))
        self.rows["country"].append(country.upper() if country else None)
        self.rows["class"].append(_text(rec.get("class")) or None)
        self.rows["attributes"].append(json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None)

    def _unshare_domains(self) -> None:
        """A domain several ROR records list stays with the one that is the others' ancestor, else with none.

        ROR lists ``inria.fr`` for Inria and for 150 of its teams: a domain that names many organizations
        names none of them (the domain's label can still link it by name).
        """
        ids = self.rows["ref_id"]

        def ancestors(rid: str) -> set[str]:
            out: set[str] = set()
            todo = list(self.parents.get(rid, ()))
            while todo and len(out) < 100:
                p = todo.pop()
                if p not in out:
                    out.add(p)
                    todo.extend(self.parents.get(p, ()))
            return out

        for dom, rows in self.ror_domains.items():
            if len(rows) < 2:
                continue
            claimants = {ids[r] for r in rows}
            keep = [r for r in rows if not ancestors(ids[r]) & claimants]
            for r in rows:
                if len(keep) != 1 or r != keep[0]:
                    self.rows["domains"][r] = [d for d in self.rows["domains"][r] if d != dom]
                    self.dropped["shared"] += 1

    def finish(self, path: Path, fmt: str) -> ReferenceList:
        if self.problems:
            shown = "; ".join(self.problems[:20])
            more = f"; and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
            raise InputError(f"{path}: {len(self.problems)} problem(s): {shown}{more}", path=str(path))
        self._unshare_domains()
        table = pa.table(self.rows, schema=REFERENCE_SCHEMA) if self.rows else REFERENCE_SCHEMA.empty_table()
        return ReferenceList(table, fmt, self.records, dict(self.skipped), dict(self.dropped))


def read_reference(path: str | Path) -> ReferenceList:
    """Read a reference list file (formats: docs/matching.md, "Reference lists"), with counts of what was left out.

    The reader is chosen by the file name (``.csv``; ``.jsonl``, ``.ndjson``, ``.json``, with ``.gz``;
    ``.zip``), else by the first character (``{`` or ``[``: JSON). Every problem is collected and reported
    at once in one :class:`InputError`, each naming its line (line 1 is the CSV header): missing required
    columns, a line that is not a JSON object, an empty id or name, a duplicate id, an unparsable domain,
    a country that is not two letters. Withdrawn and inactive ROR records are skipped and counted.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"reference list {path} not found: pass a CSV, JSON Lines file or ROR dump of known organizations",
            path=str(path),
        )
    stat = path.stat()
    return _read_reference(path, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=2)
def _read_reference(path: Path, _stamp: tuple[int, int]) -> ReferenceList:
    """:func:`read_reference` once per file version: a run checks the list before ingesting, then uses it."""
    builder = _Builder()
    try:
        with _open_list(path) as handle:
            first = handle.read(1)
            lines = 0
            while first.isspace():
                lines += first == "\n"
                first = handle.read(1)
            name = path.name.lower()
            as_json = name.endswith(_JSON_SUFFIXES) or (not name.endswith(_CSV_SUFFIXES) and first in "{[")
            if not as_json:
                fmt = _read_csv(path, "\n" * lines + first, handle, builder)
            elif first == "[":
                fmt = "json"
                try:
                    for line, obj in json_array(handle, head=first, line=1 + lines):
                        builder.add(line, obj)
                except JSONArrayError as exc:  # the array cannot be read on; what came before is checked
                    builder.problems.append(str(exc))
            else:
                fmt = "jsonl"
                for line, obj in _json_lines(first, handle, builder, 1 + lines):
                    builder.add(line, obj)
    except (OSError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read reference list {path}: {exc}", path=str(path)) from exc
    return builder.finish(path, fmt)


def load_reference(path: str | Path) -> pa.Table:
    """The organizations of a reference list file in :data:`REFERENCE_SCHEMA` (see :func:`read_reference`)."""
    return read_reference(path).table


@contextmanager
def _open_list(path: Path) -> Iterator[TextIO]:
    """The file as text (plain or gzip: :func:`resolver.files.open_text`), or the one JSON file of a zip (ROR)."""
    if not path.name.lower().endswith(".zip"):
        with open_text(path) as text:
            yield text
        return
    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.namelist() if m.lower().endswith((".json", ".jsonl"))]
        member = next((m for m in members if m.endswith("_schema_v2.json")), None)
        if member is None and len(members) == 1:
            member = members[0]
        if member is None:
            raise InputError(
                f"{path}: expected one .json file (or a ROR *_schema_v2.json) in the zip, found "
                f"{', '.join(members) or 'none'}",
                path=str(path),
            )
        with text_stream(zf.open(member)) as text:
            yield text


def _read_csv(path: Path, head: str, handle: TextIO, builder: _Builder) -> str:
    reader = csv.DictReader(itertools.chain(io.StringIO(head + handle.readline()), handle))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("id", "name") if c not in header]
    if missing:
        raise InputError(
            f"{path}: the header lacks {', '.join(missing)}; expected id,name[,aliases,domains,country,class,...]"
            f" (got {','.join(header) or 'no header'})",
            path=str(path),
        )
    for raw in reader:
        line = reader.line_num
        builder.records += 1
        if None in raw:
            builder.problems.append(f"line {line}: more fields than header columns")
            continue
        builder.add_plain(line, {(k or "").strip(): v.strip() if isinstance(v, str) else v for k, v in raw.items()})
    return "csv"


def _json_lines(first: str, handle: TextIO, builder: _Builder, start: int) -> Iterator[tuple[int, Any]]:
    for line, text in enumerate(itertools.chain([first + handle.readline()], handle), start=start):
        if not text.strip():
            continue
        try:
            yield line, json.loads(text)
        except json.JSONDecodeError as exc:
            builder.problems.append(f"line {line}: not JSON ({exc.msg} at column {exc.colno})")


def _reference_names(reference: pa.Table) -> dict[str, list[Any]]:
    """One row per (organization, name or alias) with its key and jurisdiction."""
    from resolver.names import normalize_name

    if "ref_id" not in reference.column_names or "name" not in reference.column_names:
        raise InputError("reference table needs columns ref_id and name (see resolver.reference.load_reference)")
    n = reference.num_rows
    ids = [str(x) for x in reference.column("ref_id").to_pylist()]
    names = reference.column("name").to_pylist()
    aliases = reference.column("aliases").to_pylist() if "aliases" in reference.column_names else [None] * n
    country = reference.column("country").to_pylist() if "country" in reference.column_names else [None] * n
    given_keys = reference.column("key").to_pylist() if "key" in reference.column_names else [None] * n
    out: dict[str, list[Any]] = defaultdict(list)
    for i in range(n):
        forms = [names[i] or ""] + [a for a in (aliases[i] or []) if a]
        for j, form in enumerate(dict.fromkeys(forms)):
            nk = normalize_name(form)
            key = given_keys[i] if j == 0 and given_keys[i] else nk.key
            if not key:
                continue
            out["ref_id"].append(ids[i])
            out["alias"].append(form)
            out["key"].append(key)
            out["acronym"].append(nk.acronym)
            out["juris"].append(jurisdiction(country[i], nk.legal_form))
    return out


def match_reference(
    names: pa.Table,
    reference: pa.Table,
    *,
    threshold: float = 90.0,
    blocking: BlockingParams | None = None,
    workers: int = 1,
    contains: bool = False,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pa.Table:
    """Link each name to its best organization of ``reference``; names with none at ``threshold`` are absent.

    ``contains=True`` also links a long, messy query to an organization whose whole name appears in it as a
    phrase ("Department of Biochemistry, University of Utah School of Medicine" → University of Utah), when
    that name has two or more significant words, one of them rare in the reference (in at most
    ``blocking.token_cap`` names). Score ``CONTAINS_BASE`` + 2 per word of the contained name (at most
    ``CONTAINS_MAX``): below an exact match, and longer contained names win. For affiliation strings, not
    for owner names (where "Acme Widgets Bank" must not link to "Acme Widgets").

    ``names``: ``name_id``, ``name`` (optional ``key``, ``legal_form``, ``acronym``, ``country``,
    ``domain``). ``reference``: :func:`load_reference` output, or any table with ``ref_id`` and ``name``
    (optional ``aliases``, ``domains``, ``country``, ``key``). Returns ``name_id, ref_id, score, reason,
    ref_name`` (the name or alias matched) and ``runner_up_id``, ``runner_up_score`` (the next
    organization, for ties).
    """
    from resolver.clustering import prepare_names

    q = prepare_names(names)
    r = _reference_names(reference)
    q_juris = [jurisdiction(c, f) for c, f in zip(q["country"], q["legal_form"], strict=True)]
    # best[(name index, ref_id)] = (score, reason, alias)
    best: dict[tuple[int, str], tuple[float, str, str]] = {}

    def offer(i: int, ref_id: str, s: float, why: str, alias: str) -> None:
        cur = best.get((i, ref_id))
        if cur is None or s > cur[0]:
            best[(i, ref_id)] = (s, why, alias)

    q_keys = sorted({k for k in q["key"] if k})
    r_keys = sorted(set(r["key"]))
    if q_keys and r_keys:
        q_acr: dict[str, str] = {}
        for k, a in zip(q["key"], q["acronym"], strict=True):
            if k and a:
                q_acr.setdefault(k, a)
        r_acr: dict[str, str] = {}
        for k, a in zip(r["key"], r["acronym"], strict=True):
            if a:
                r_acr.setdefault(k, a)
        all_keys = q_keys + r_keys
        acr = [q_acr.get(k) for k in q_keys] + [r_acr.get(k) for k in r_keys]
        tbl = pa.table({"key": all_keys, "acronym": acr, "side": [0] * len(q_keys) + [1] * len(r_keys)})
        pairs = candidate_pairs(tbl, bipartite=True, params=blocking, con=con)
        scored = score_candidates(all_keys, acr, pairs, min_score=threshold, workers=workers)
        if contains:
            scored = pa.concat_tables([scored, _contained(all_keys, pairs, blocking or BlockingParams(), threshold)])
        q_by_key: dict[str, list[int]] = defaultdict(list)
        for i, k in enumerate(q["key"]):
            if k:
                q_by_key[k].append(i)
        r_by_key: dict[str, list[int]] = defaultdict(list)
        for j, k in enumerate(r["key"]):
            r_by_key[k].append(j)
        cols = (scored.column(c).to_pylist() for c in ("kid_a", "kid_b", "score", "reason"))
        for ka, kb, s, why in zip(*cols, strict=True):
            if why == "acronym" and " " in all_keys[ka]:
                continue  # a long query never links through an organization's short alias ("DP", "GU")
            for i in q_by_key[all_keys[ka]]:
                for j in r_by_key[all_keys[kb]]:
                    if compatible(q_juris[i], r["juris"][j]):
                        offer(i, r["ref_id"][j], s, why, r["alias"][j])
    _offer_domains(q["domain"], reference, offer, {(i, rid): v for (i, rid), v in best.items()})
    return _best_per_name(q["name_id"], best)


def _contained(keys: Sequence[str], pairs: pa.Table, blocking: BlockingParams, threshold: float) -> pa.Table:
    """Query-reference pairs where the reference key is a phrase of the query key (see ``contains``)."""
    ka = pairs.column("kid_a").to_numpy()
    kb = pairs.column("kid_b").to_numpy()
    ref_df: Counter[str] = Counter()
    for k in set(keys[b] for b in kb.tolist()):
        ref_df.update(set(k.split()))
    out: dict[str, list[Any]] = defaultdict(list)
    for a, b in zip(ka.tolist(), kb.tolist(), strict=True):
        q, r = keys[a], keys[b]
        words = r.split()
        sig = [w for w in words if w not in _STOP]
        if len(sig) < 2 or len(r) >= len(q) or f" {r} " not in f" {q} ":
            continue
        if not any(ref_df[w] <= blocking.token_cap and w not in GENERIC_TOKENS for w in sig):
            continue
        s = min(CONTAINS_BASE + 2 * len(sig), CONTAINS_MAX)
        if s >= threshold:
            out["kid_a"].append(a)
            out["kid_b"].append(b)
            out["score"].append(float(s))
            out["reason"].append("contains")
    return pa.table(
        {
            "kid_a": pa.array(out["kid_a"], pa.int32()),
            "kid_b": pa.array(out["kid_b"], pa.int32()),
            "score": pa.array(out["score"], pa.float64()),
            "reason": pa.array(out["reason"], pa.string()),
        }
    )


def _offer_domains(domains: Sequence[str | None], reference: pa.Table, offer: Any, name_hits: dict) -> None:
    if "domains" not in reference.column_names or not any(domains):
        return
    by_domain: dict[str, list[tuple[str, str]]] = defaultdict(list)
    ids = [str(x) for x in reference.column("ref_id").to_pylist()]
    for rid, name, doms in zip(
        ids, reference.column("name").to_pylist(), reference.column("domains").to_pylist(), strict=True
    ):
        for d in doms or []:
            by_domain[d.lower()].append((rid, name or ""))
    for i, d in enumerate(domains):
        if not d:
            continue
        for rid, name in by_domain.get(str(d).lower(), []):
            if (i, rid) in name_hits:
                offer(i, rid, 100.0, f"domain+{name_hits[(i, rid)][1]}", name)
            else:
                offer(i, rid, DOMAIN_SCORE, "domain", name)


def _best_per_name(name_ids: Sequence[str], best: dict[tuple[int, str], tuple[float, str, str]]) -> pa.Table:
    per: dict[int, list[tuple[float, str, str, str]]] = defaultdict(list)
    for (i, rid), (s, why, alias) in best.items():
        per[i].append((s, rid, why, alias))
    out: dict[str, list[Any]] = defaultdict(list)
    for i in sorted(per, key=lambda i: name_ids[i]):
        ranked = sorted(per[i], key=lambda t: (-t[0], t[1]))
        s, rid, why, alias = ranked[0]
        out["name_id"].append(name_ids[i])
        out["ref_id"].append(rid)
        out["score"].append(float(s))
        out["reason"].append(why)
        out["ref_name"].append(alias)
        out["runner_up_id"].append(ranked[1][1] if len(ranked) > 1 else None)
        out["runner_up_score"].append(float(ranked[1][0]) if len(ranked) > 1 else None)
    schema = pa.schema(
        [
            ("name_id", pa.string()),
            ("ref_id", pa.string()),
            ("score", pa.float64()),
            ("reason", pa.string()),
            ("ref_name", pa.string()),
            ("runner_up_id", pa.string()),
            ("runner_up_score", pa.float64()),
        ]
    )
    return pa.table(out, schema=schema) if out else schema.empty_table()
