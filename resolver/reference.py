"""Reference lists: a user's master list of organizations, and linking names to it.

``orgmap resolve --orgs known.csv`` links what it finds to the user's organizations before creating new
ones. The CSV has one organization per row:

==========  ========  ===========================================================================
column      required  meaning
==========  ========  ===========================================================================
id          yes       the user's identifier, kept as ``ref_id``
name        yes       the organization's name
aliases     no        other names, ``|``-joined ("IBM|Big Blue")
domains     no        known domains, ``|``-joined; URLs and hosts are reduced to registered domains
country     no        ISO 3166 alpha-2; names only link to it from a compatible jurisdiction
class       no        the user's category (company, education, government, ...)
(others)    no        kept as a JSON object in ``attributes``
==========  ========  ===========================================================================

Linking (:func:`match_reference`) blocks and scores query names against every name and alias exactly
as clustering does (:mod:`resolver.blocking`, :mod:`resolver.scoring`), and a query whose ``domain``
is one of an organization's known domains links to it at score 99 (``domain``; 100 with a name match
too) whatever its name says. Acronyms link one way only: a query "IBM" links to International Business
Machines, but a query "Department of Physics" never links to an organization whose alias is "DP".
Each query gets its best organization; the runner-up is returned too so
callers can see ties (many "University Hospital"s).

Example::

    >>> import pyarrow as pa
    >>> ref = pa.table({"ref_id": ["r1"], "name": ["International Business Machines Corp."],
    ...                 "aliases": [["IBM"]], "domains": [["ibm.com"]]})
    >>> q = pa.table({"name_id": ["q"], "name": ["I.B.M."]})
    >>> match_reference(q, ref, threshold=90)["ref_id"].to_pylist()
    ['r1']
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from resolver.blocking import BlockingParams, candidate_pairs
from resolver.errors import InputError
from resolver.scoring import GENERIC_TOKENS, compatible, jurisdiction, score_candidates

__all__ = ["REFERENCE_SCHEMA", "load_reference", "match_reference"]

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


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _domain(value: str) -> str | None:
    from resolver.domains import registered_domain

    try:
        return registered_domain(value.strip().lower())
    except Exception:  # noqa: BLE001 - any unparsable domain is reported by the caller as a row problem
        return None


def load_reference(path: str | Path) -> pa.Table:
    """Read a reference list CSV (columns in the module docstring) into :data:`REFERENCE_SCHEMA`.

    Every problem is collected and reported at once, each naming its line (line 1 is the header):
    missing required columns, an empty id or name, a duplicate id, an unparsable domain, a country that
    is not two letters.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"reference list {path} not found: pass the CSV of known organizations", path=str(path))
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read reference list {path}: {exc}", path=str(path)) from exc
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in ("id", "name") if c not in header]
        if missing:
            raise InputError(
                f"{path}: the header lacks {', '.join(missing)}; expected id,name[,aliases,domains,country,class,...]"
                f" (got {','.join(header) or 'no header'})",
                path=str(path),
            )
        rows: dict[str, list[Any]] = defaultdict(list)
        problems: list[str] = []
        seen: dict[str, int] = {}
        for line, raw in enumerate(reader, start=2):
            rec = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else v for k, v in raw.items()}
            if None in raw:
                problems.append(f"line {line}: more fields than header columns")
                continue
            rid, name = rec.get("id", ""), rec.get("name", "")
            if not rid:
                problems.append(f"line {line}: empty id")
            if not name:
                problems.append(f"line {line}: empty name")
            if rid in seen:
                problems.append(f"line {line}: id {rid!r} already used on line {seen[rid]}")
            seen.setdefault(rid, line)
            domains = []
            for d in _split(rec.get("domains")):
                rd = _domain(d)
                if rd is None:
                    problems.append(f"line {line}: domain {d!r} is not a registrable domain")
                else:
                    domains.append(rd)
            country = rec.get("country") or None
            if country and not (len(country) == 2 and country.isalpha()):
                problems.append(f"line {line}: country {country!r} is not an ISO 3166 alpha-2 code")
            extra = {k: v for k, v in rec.items() if k not in _KNOWN and k and v not in ("", None)}
            rows["ref_id"].append(rid)
            rows["name"].append(name)
            rows["aliases"].append(_split(rec.get("aliases")))
            rows["domains"].append(sorted(set(domains)))
            rows["country"].append(country.upper() if country else None)
            rows["class"].append(rec.get("class") or None)
            rows["attributes"].append(json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None)
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise InputError(f"{path}: {len(problems)} problem(s): {shown}", path=str(path))
    return pa.table(rows, schema=REFERENCE_SCHEMA) if rows else REFERENCE_SCHEMA.empty_table()


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
