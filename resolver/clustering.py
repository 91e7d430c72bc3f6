"""Entity resolution across domains: organization names clustered into organizations.

Edges between similar name keys merge clusters strongest first, under a chaining guard (average linkage) so
"IBM" ~ "International Business Machines" ~ "International Business Machine Shop" does not put IBM with the
shop; hard evidence then merges whatever the names say (docs/matching.md; list records: docs/dedupe.md).

Example::

    >>> import pyarrow as pa
    >>> names = pa.table({"name_id": ["a", "b", "c"], "name": ["ACME Widgets GmbH", "Acme Widgets", "Acme Bank"]})
    >>> cluster_names(names)["canonical_name"].to_pylist()
    ['ACME Widgets GmbH', 'ACME Widgets GmbH', 'Acme Bank']
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from resolver.blocking import RULES, BlockingParams, candidate_pairs, reduction_ratio
from resolver.errors import InputError
from resolver.scoring import (
    EvidenceParams,
    KeyInfo,
    Score,
    compatible,
    jurisdiction,
    score_candidates,
    score_keys,
    with_evidence,
)

__all__ = ["ClusterResult", "ClusterParams", "cluster_names", "prepare_names", "resolve_clusters"]

Juris = frozenset[str] | None
"""A set of countries or of languages; None: any."""

_SHARED_BIT = next(bit for bit, rule in RULES.items() if rule == "shared")


@dataclass(frozen=True, slots=True)
class ClusterParams:
    """Thresholds of clustering; docs/matching.md, "Clustering with a chaining guard", says the rule each one drives."""

    threshold: float = 90.0
    """A pair of keys scoring this or more (0-100) is an edge."""
    link_threshold: float | None = None
    """Minimum average linkage for a merge; None: ``threshold - 5``."""
    linkage_sample: int = 20
    """Keys per cluster (the heaviest) compared by the average-linkage guard."""
    blocking: BlockingParams = field(default_factory=BlockingParams)
    workers: int = 1
    """Threads for rapidfuzz's vectorized scoring."""
    evidence: EvidenceParams = field(default_factory=EvidenceParams)
    """How a name's city and domain move its pairs' scores (used when those columns are given)."""
    review_margin: float = 0.0
    """Pairs scoring within this much below ``threshold`` are logged as ``below threshold`` edges."""
    processes: int = 1
    """Worker processes for scoring many pairs (:mod:`resolver.parallel`); 1: in this process."""

    @property
    def guard(self) -> float:
        """The effective average-linkage threshold."""
        return self.threshold - 5.0 if self.link_threshold is None else self.link_threshold


@dataclass(frozen=True)
class ClusterResult:
    """What :func:`resolve_clusters` returns."""

    assignments: pa.Table
    """One row per name: ``name_id, cluster_id, canonical_name, key, score, reason``."""
    edges: pa.Table
    """Every edge considered: ``name_a, name_b`` (keys), ``score, reason, kind`` (fuzzy/hard),
    ``accepted`` and ``why`` (merged / same cluster / guard / jurisdiction / language / identifier / below
    threshold), ``name_id_a, name_id_b`` (the heaviest name of each side)."""
    stats: dict[str, Any]
    """Counts and timings: names, keys, candidate pairs, reduction ratio, edges, clusters, seconds."""
    links: pa.Table = field(default_factory=lambda: LINK_SCHEMA.empty_table())
    """Every accepted edge between two names: ``name_id_a, name_id_b, score, reason, kind`` (``name``: by
    similarity, ``hard``: the caller's evidence), ``merged`` (it joined two clusters; else its ends were
    already one). Names of one unit are linked to the unit's heaviest name (``same_key``, 100)."""


LINK_SCHEMA: pa.Schema = pa.schema(
    [
        ("name_id_a", pa.string()),
        ("name_id_b", pa.string()),
        ("score", pa.float64()),
        ("reason", pa.string()),
        ("kind", pa.string()),
        ("merged", pa.bool_()),
    ]
)


# -- input --------------------------------------------------------------------------------------------
def prepare_names(names: pa.Table) -> dict[str, list[Any]]:
    """Columns of ``names`` as lists, with key/legal_form/acronym filled from ``normalize_name`` when absent.

    Required: ``name_id`` and ``name``; optional: ``key``, ``legal_form``, ``acronym``, ``country``,
    ``countries`` (a list, used when ``country`` is empty), ``lang``, ``weight`` (default 1.0), ``joinable``
    (default true), ``domain``, ``city``, ``identifier`` (empty strings count as missing). A missing required
    column is an :class:`InputError`.
    """
    missing = [c for c in ("name_id", "name") if c not in names.column_names]
    if missing:
        raise InputError(
            f"names table lacks column(s) {', '.join(missing)}; it needs name_id and name "
            f"(optional: key, legal_form, acronym, country, weight); got {', '.join(names.column_names)}"
        )
    n = names.num_rows
    cols: dict[str, list[Any]] = {}
    for c in (
        "name_id",
        "name",
        "key",
        "legal_form",
        "acronym",
        "country",
        "countries",
        "lang",
        "weight",
        "joinable",
        "domain",
        "city",
        "identifier",
    ):
        cols[c] = names.column(c).to_pylist() if c in names.column_names else [None] * n
    cols["name_id"] = [str(x) for x in cols["name_id"]]
    cols["name"] = ["" if x is None else str(x) for x in cols["name"]]
    need = [i for i in range(n) if cols["key"][i] is None]
    if need:
        from resolver.names import normalize_name

        for i in need:
            nk = normalize_name(cols["name"][i])
            cols["key"][i] = nk.key
            if cols["legal_form"][i] is None:
                cols["legal_form"][i] = nk.legal_form
            if cols["acronym"][i] is None:
                cols["acronym"][i] = nk.acronym
    cols["weight"] = [1.0 if w is None else float(w) for w in cols["weight"]]
    cols["joinable"] = [j is None or bool(j) for j in cols["joinable"]]
    cols["lang"] = [str(x).strip().lower() or None if x is not None else None for x in cols["lang"]]
    for c in ("domain", "city", "identifier"):
        cols[c] = [str(x).strip() or None if x is not None else None for x in cols[c]]
    return cols


def _juris_text(j: Juris) -> str:
    return ",".join(sorted(j)) if j else ""


def _meet(a: Juris, b: Juris) -> Juris:
    """The scope of a merged cluster: what both allow, or (after a hard merge of disjoint ones) either."""
    return b if a is None else a if b is None else (a & b) or (a | b)


# -- union-find with cluster state ----------------------------------------------------------------------
class _Clusters:
    def __init__(
        self,
        unit_keys: list[int],
        unit_juris: list[Juris],
        unit_langs: list[Juris],
        unit_weight: list[float],
        sample: int,
        unit_ids: list[Juris] | None = None,
    ):
        n = len(unit_keys)
        self.parent = list(range(n))
        self.juris: list[Juris] = list(unit_juris)
        self.langs: list[Juris] = list(unit_langs)
        self.ids: list[Juris] = list(unit_ids) if unit_ids is not None else [None] * n
        self.size = [1] * n
        # the heaviest distinct keys of each cluster, (-weight, key id), for the linkage guard
        self.top: list[list[tuple[float, int]]] = [[(-unit_weight[u], unit_keys[u])] for u in range(n)]
        self.sample = sample

    def find(self, u: int) -> int:
        root = u
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[u] != root:
            self.parent[u], u = root, self.parent[u]
        return root

    def union(self, a: int, b: int) -> int:
        if self.size[a] < self.size[b] or (self.size[a] == self.size[b] and b < a):
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.juris[a] = _meet(self.juris[a], self.juris[b])
        self.langs[a] = _meet(self.langs[a], self.langs[b])
        self.ids[a] = _meet(self.ids[a], self.ids[b])
        best: dict[int, float] = {}
        for w, k in self.top[a] + self.top[b]:
            best[k] = min(best.get(k, 0.0), w)
        self.top[a] = sorted((w, k) for k, w in best.items())[: self.sample]
        self.top[b] = []
        return a


class _PairScores:
    """Key-pair scores, from the blocked edges first, else computed on demand (and cached)."""

    def __init__(self, infos: list[KeyInfo]) -> None:
        self.infos = infos
        self.cache: dict[tuple[int, int], float] = {}

    def get(self, a: int, b: int) -> float:
        if a == b:
            return 100.0
        k = (a, b) if a < b else (b, a)
        s = self.cache.get(k)
        if s is None:
            s = self.cache[k] = score_keys(self.infos[k[0]], self.infos[k[1]]).value
        return s

    def linkage(self, ka: Sequence[int], kb: Sequence[int]) -> float:
        total = sum(self.get(a, b) for a in ka for b in kb)
        return total / (len(ka) * len(kb))


# -- clustering -----------------------------------------------------------------------------------------
def resolve_clusters(
    names: pa.Table,
    hard_links: pa.Table | None = None,
    *,
    threshold: float = 90.0,
    params: ClusterParams | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ClusterResult:
    """Cluster organization names into organizations (the rules: docs/matching.md, sections 1-4).

    ``names``: ``name_id`` (unique), ``name``; optional ``key``, ``legal_form``, ``acronym``, ``country``,
    ``countries``, ``lang``, ``weight``, ``joinable`` (see :func:`prepare_names`). ``hard_links``:
    ``name_id_a``, ``name_id_b``, ``reason``; pairs naming unknown ids are ignored (counted in
    ``stats['hard_links_unknown']``).
    """
    p = params or ClusterParams(threshold=threshold)
    t0 = time.perf_counter()
    cols = prepare_names(names)
    n = len(cols["name_id"])
    if len(set(cols["name_id"])) != n:
        raise InputError("names table: name_id values must be unique (the same id appears twice)")
    stats: dict[str, Any] = {"names": n}

    # 1. distinct keys (sorted: ids independent of row order) and units (key, jurisdiction, language)
    joins = [bool(k) and j for k, j in zip(cols["key"], cols["joinable"], strict=True)]
    key_list = sorted({k for k, j in zip(cols["key"], joins, strict=True) if j})
    kid_of = {k: i for i, k in enumerate(key_list)}
    acr_of: dict[str, str | None] = {}
    for k, a, j in zip(cols["key"], cols["acronym"], joins, strict=True):
        if j and a is not None and (a == "" or len(a) >= 2):  # "": the caller says the name has none
            acr_of[k] = min(a, acr_of.get(k, a))
    infos = [KeyInfo.of(k, acr_of.get(k)) for k in key_list]
    name_juris = [
        jurisdiction(c, f) if c or not cs else frozenset(x.strip().upper() for x in cs)
        for c, cs, f in zip(cols["country"], cols["countries"], cols["legal_form"], strict=True)
    ]
    name_lang: list[Juris] = [frozenset({lang}) if lang else None for lang in cols["lang"]]
    unit_index: dict[tuple[str, ...], int] = {}
    unit_keys: list[int] = []
    unit_juris: list[Juris] = []
    unit_langs: list[Juris] = []
    unit_weight: list[float] = []
    unit_text: list[str] = []
    unit_head: list[int] = []  # the unit's heaviest name: where its edges attach
    unit_ids: list[Juris] = []
    unit_cities: list[frozenset[str]] = []
    unit_domains: list[frozenset[str]] = []
    scope = [
        _juris_text(name_juris[i])
        + (f"@{cols['lang'][i]}" if cols["lang"][i] else "")
        + (f"#{cols['identifier'][i]}" if cols["identifier"][i] else "")
        for i in range(n)
    ]
    order = sorted(range(n), key=lambda i: (cols["key"][i] or "", scope[i], cols["name_id"][i]))
    unit_of_name = [0] * n
    for i in order:
        k = cols["key"][i]
        ident = (k, scope[i]) if joins[i] else (k or "", "\x00" + cols["name_id"][i])
        u = unit_index.get(ident)
        if u is None:
            u = unit_index[ident] = len(unit_keys)
            unit_keys.append(kid_of[k] if joins[i] else -1)
            unit_juris.append(name_juris[i])
            unit_langs.append(name_lang[i])
            unit_weight.append(0.0)
            unit_text.append(f"{ident[0]}|{ident[1]}")
            unit_head.append(i)
            unit_ids.append(frozenset({cols["identifier"][i]}) if cols["identifier"][i] else None)
            unit_cities.append(frozenset())
            unit_domains.append(frozenset())
        elif (-cols["weight"][i], cols["name_id"][i]) < (-cols["weight"][unit_head[u]], cols["name_id"][unit_head[u]]):
            unit_head[u] = i
        unit_weight[u] += cols["weight"][i]
        unit_of_name[i] = u
        if cols["city"][i]:
            unit_cities[u] = unit_cities[u] | {cols["city"][i].casefold()}
        if cols["domain"][i]:
            unit_domains[u] = unit_domains[u] | {cols["domain"][i].lower()}
    unit_weight = [round(w, 9) for w in unit_weight]
    units_by_key: dict[int, list[int]] = defaultdict(list)
    for u, k in enumerate(unit_keys):
        if k >= 0:
            units_by_key[k].append(u)
    stats.update(keys=len(key_list), units=len(unit_keys))

    # 2. blocking and scoring over distinct keys
    t1 = time.perf_counter()
    keys_tbl = pa.table({"key": key_list, "acronym": [acr_of.get(k) for k in key_list]})
    shared = sorted({(unit_keys[u], d) for u, ds in enumerate(unit_domains) if unit_keys[u] >= 0 for d in ds})
    shared_tbl = pa.table(
        {"kid": pa.array([k for k, _ in shared], pa.int32()), "value": pa.array([d for _, d in shared], pa.string())}
    )
    pairs = candidate_pairs(keys_tbl, params=p.blocking, con=con, shared=shared_tbl)
    t2 = time.perf_counter()
    has_city = any(unit_cities)
    slack = max(p.review_margin, p.evidence.city_bonus if has_city else 0.0)
    scored = score_candidates(
        key_list,
        keys_tbl.column("acronym").to_pylist(),
        pairs,
        min_score=p.threshold - slack,
        workers=p.workers,
        infos=infos,
        floors={_SHARED_BIT: p.evidence.domain_min} if shared else None,
        processes=p.processes,
    )
    t3 = time.perf_counter()
    stats.update(
        candidate_pairs=pairs.num_rows,
        reduction_ratio=round(reduction_ratio(pairs.num_rows, len(key_list)), 6),
        scored_pairs=scored.num_rows,
        seconds_prepare=round(t1 - t0, 3),
        seconds_blocking=round(t2 - t1, 3),
        seconds_scoring=round(t3 - t2, 3),
    )

    # 3. unit edges, strongest first, ties by text: deterministic whatever the row order
    scores = _PairScores(infos)
    edges: list[tuple[float, str, str, int, int, str]] = []
    strong: set[tuple[int, int]] = set()  # unit pairs a shared domain joins across countries
    low = p.threshold - p.review_margin
    attributes = has_city or bool(shared)
    for ka, kb, s, why in zip(
        *(scored.column(c).to_pylist() for c in ("kid_a", "kid_b", "score", "reason")), strict=True
    ):
        scores.cache[(ka, kb) if ka < kb else (kb, ka)] = s
        for ua in units_by_key[ka]:
            for ub in units_by_key[kb]:
                e, reason = s, why
                if attributes:
                    moved, by_domain = with_evidence(
                        Score(s, why),
                        (unit_cities[ua], unit_cities[ub]),
                        (unit_domains[ua], unit_domains[ub]),
                        p.evidence,
                    )
                    e, reason = moved.value, moved.reason
                    if by_domain:
                        strong.add((ua, ub))
                if e >= low:
                    edges.append((e, unit_text[ua], unit_text[ub], ua, ub, reason))
    for us in units_by_key.values():
        for x in range(len(us)):
            for y in range(x + 1, len(us)):
                edges.append((100.0, unit_text[us[x]], unit_text[us[y]], us[x], us[y], "same_key"))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))

    cl = _Clusters(unit_keys, unit_juris, unit_langs, unit_weight, p.linkage_sample, unit_ids)
    attach: dict[int, tuple[float, str]] = {}
    log: dict[str, list[Any]] = defaultdict(list)
    links: dict[str, list[Any]] = defaultdict(list)
    for i in order:  # names of one unit hang on its heaviest name
        head = unit_head[unit_of_name[i]]
        if head != i:
            _link(links, cols["name_id"][head], cols["name_id"][i], 100.0, "same_key", "name", True)
    counts = {
        "merged": 0,
        "same cluster": 0,
        "guard": 0,
        "jurisdiction": 0,
        "language": 0,
        "identifier": 0,
        "below threshold": 0,
    }
    for s, ta, tb, ua, ub, why in edges:
        ra, rb = cl.find(ua), cl.find(ub)
        by_domain = (ua, ub) in strong
        verdict = "merged"
        if s < p.threshold:
            verdict = "below threshold"
        elif ra == rb:
            verdict = "same cluster"
        elif not compatible(cl.ids[ra], cl.ids[rb]):
            verdict = "identifier"
        elif not by_domain and not compatible(cl.juris[ra], cl.juris[rb]):
            verdict = "jurisdiction"
        elif not by_domain and not compatible(cl.langs[ra], cl.langs[rb]):
            verdict = "language"
        else:
            ka = [k for _, k in cl.top[ra]]
            kb = [k for _, k in cl.top[rb]]
            if len(ka) * len(kb) > 1 and scores.linkage(ka, kb) < p.guard:
                verdict = "guard"
            else:
                cl.union(ra, rb)
        counts[verdict] += 1
        if verdict in ("merged", "same cluster"):
            for u, other in ((ua, tb), (ub, ta)):
                if u not in attach or attach[u][0] < s:
                    attach[u] = (s, f"{why} ~ {other.split('|', 1)[0]!r}")
        ha, hb = cols["name_id"][unit_head[ua]], cols["name_id"][unit_head[ub]]
        if verdict in ("merged", "same cluster"):
            _link(links, ha, hb, s, why, "domain" if by_domain else "name", verdict == "merged")
        _log(log, ta, tb, s, why, "fuzzy", verdict, ha, hb)

    # 4. hard evidence merges unconditionally
    index = {nid: i for i, nid in enumerate(cols["name_id"])}
    unknown = 0
    rows = _identifier_links([cols["name_id"][h] for h in unit_head], [cols["identifier"][h] for h in unit_head])
    if hard_links is not None and hard_links.num_rows:
        rows += zip(
            *(hard_links.column(c).to_pylist() for c in ("name_id_a", "name_id_b")),
            hard_links.column("reason").to_pylist()
            if "reason" in hard_links.column_names
            else ["hard"] * hard_links.num_rows,
            strict=True,
        )
    if rows:
        rows.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2])))
        for a, b, why in rows:
            ia, ib = index.get(str(a)), index.get(str(b))
            if ia is None or ib is None:
                unknown += 1
                continue
            ua, ub = unit_of_name[ia], unit_of_name[ib]
            ra, rb = cl.find(ua), cl.find(ub)
            verdict = "same cluster" if ra == rb else "merged"
            if ra != rb:
                cl.union(ra, rb)
            for u, other in ((ua, b), (ub, a)):
                if u not in attach or attach[u][0] < 100.0:
                    attach[u] = (100.0, f"hard:{why} ~ {other}")
            if ia != ib:
                _link(links, str(a), str(b), 100.0, str(why), "hard", verdict == "merged")
            _log(log, unit_text[ua], unit_text[ub], 100.0, str(why), "hard", verdict, str(a), str(b))
    stats.update(
        edges=len(edges),
        merges=counts["merged"],
        rejected_guard=counts["guard"],
        rejected_jurisdiction=counts["jurisdiction"],
        rejected_language=counts["language"],
        rejected_identifier=counts["identifier"],
        below_threshold=counts["below threshold"],
        hard_links_unknown=unknown,
    )

    # 5. cluster ids, canonical names, one row per name
    root_of_unit = [cl.find(u) for u in range(len(unit_keys))]
    first_unit: dict[int, str] = {}
    for u, r in enumerate(root_of_unit):
        if r not in first_unit or unit_text[u] < first_unit[r]:
            first_unit[r] = unit_text[u]
    cluster_id = {r: "c-" + hashlib.sha1(t.encode()).hexdigest()[:12] for r, t in first_unit.items()}
    key_support: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    form_support: dict[tuple[int, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    has_form: set[str] = set()
    for i in range(n):
        r, k, form = root_of_unit[unit_of_name[i]], cols["key"][i] or "", cols["name"][i].strip()
        key_support[r][k] += cols["weight"][i]
        form_support[(r, k)][form] += cols["weight"][i]
        if cols["legal_form"][i]:
            has_form.add(form)
    canonical = {}
    for r, keys in key_support.items():
        k = min(keys.items(), key=lambda t: (-round(t[1], 9), -len(t[0]), t[0]))[0]
        forms = form_support[(r, k)]
        canonical[r] = min(forms.items(), key=lambda t: (-round(t[1], 9), t[0] not in has_form, len(t[0]), t[0]))[0]
    unit_sizes: dict[int, int] = defaultdict(int)
    for u in unit_of_name:
        unit_sizes[u] += 1
    out: dict[str, list[Any]] = defaultdict(list)
    for i in range(n):
        u = unit_of_name[i]
        r = root_of_unit[u]
        s, why = attach.get(u, (100.0, "same_key" if unit_sizes[u] > 1 else "singleton"))
        out["name_id"].append(cols["name_id"][i])
        out["cluster_id"].append(cluster_id[r])
        out["canonical_name"].append(canonical[r])
        out["key"].append(cols["key"][i])
        out["score"].append(float(s))
        out["reason"].append(why)
    stats["clusters"] = len(cluster_id)
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    schema = pa.schema(
        [
            ("name_id", pa.string()),
            ("cluster_id", pa.string()),
            ("canonical_name", pa.string()),
            ("key", pa.string()),
            ("score", pa.float64()),
            ("reason", pa.string()),
        ]
    )
    edge_schema = pa.schema(
        [
            ("name_a", pa.string()),
            ("name_b", pa.string()),
            ("score", pa.float64()),
            ("reason", pa.string()),
            ("kind", pa.string()),
            ("accepted", pa.bool_()),
            ("why", pa.string()),
            ("name_id_a", pa.string()),
            ("name_id_b", pa.string()),
        ]
    )
    return ClusterResult(
        assignments=pa.table(out, schema=schema) if n else schema.empty_table(),
        edges=pa.table(log, schema=edge_schema) if log else edge_schema.empty_table(),
        stats=stats,
        links=pa.table(links, schema=LINK_SCHEMA) if links else LINK_SCHEMA.empty_table(),
    )


def _log(
    log: dict[str, list[Any]], a: str, b: str, s: float, why: str, kind: str, verdict: str, ida: str, idb: str
) -> None:
    """One considered edge between two units (``ClusterResult.edges``)."""
    accepted = verdict in ("merged", "same cluster")
    for col, value in zip(EDGE_COLUMNS, (a, b, float(s), why, kind, accepted, verdict, ida, idb), strict=True):
        log[col].append(value)


def _link(links: dict[str, list[Any]], a: str, b: str, s: float, why: str, kind: str, merged: bool) -> None:
    """One accepted edge between two names (``ClusterResult.links``)."""
    for col, value in zip(LINK_SCHEMA.names, (a, b, float(s), why, kind, merged), strict=True):
        links[col].append(value)


EDGE_COLUMNS = ("name_a", "name_b", "score", "reason", "kind", "accepted", "why", "name_id_a", "name_id_b")


def _identifier_links(name_ids: Sequence[str], identifiers: Sequence[str | None]) -> list[tuple[str, str, str]]:
    """Hard links between names sharing an identifier: each to the first (smallest id) of its identifier."""
    first: dict[str, str] = {}
    for nid, ident in sorted(zip(name_ids, identifiers, strict=True)):
        if ident:
            first.setdefault(ident, nid)
    return [
        (first[i], nid, "identifier") for nid, i in zip(name_ids, identifiers, strict=True) if i and first[i] != nid
    ]


def cluster_names(
    names: pa.Table,
    hard_links: pa.Table | None = None,
    *,
    threshold: float = 90.0,
    params: ClusterParams | None = None,
) -> pa.Table:
    """Cluster names into organizations; one row per name (see :func:`resolve_clusters`).

    ``threshold`` is the edge threshold (0-100); with ``params`` given, ``params.threshold`` is used instead.

    Columns: ``name_id, cluster_id, canonical_name, key, score, reason`` (``score``/``reason``: the
    strongest accepted edge that put this name's unit in its cluster, ``singleton`` when none).
    """
    return resolve_clusters(names, hard_links, threshold=threshold, params=params).assignments
