"""Build the domain/org graph in DuckDB, compute its analytics, store it, and load it into NetworkX.

The graph is derived from the resolver's tables with set-at-a-time SQL (``graph/build.sql``) and merged into
``graph_nodes`` / ``graph_edges`` by diff, so a re-run changes nothing and a new batch updates rows in place.
NetworkX is for the user, not the hot path (:func:`load_networkx`). The graph model: docs/graph.md.

Example::

    con = duckdb.connect("orgmap.duckdb")
    summary = build(con)
    g = load_networkx(con)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import networkx as nx
import numpy as np
import pyarrow as pa

from graph import analytics
from graph.options import BuildOptions
from resolver.errors import InputError, StoreError
from resolver.sql import append, load_queries, now, quote, table_schema, transaction

Q = load_queries("graph", "build.sql")

NODE_KINDS = ("domain", "org", "host", "page")
EDGE_KINDS = ("owned_by", "links_to", "redirects_to", "parent_of", "subsidiary_of", "same_as", "part_of")

_BOOKKEEPING = ("created_run", "updated_run")
"""Columns of ``graph_nodes`` / ``graph_edges`` that say which run wrote a row, not what the graph holds."""

_REQUIRED_NODE_ATTRS = ("kind", "item_id", "label")

_IDENTITY_EDGES = ("owned_by", "same_as", "parent_of", "subsidiary_of", "redirects_to", "part_of")
IDENTITY_WEIGHT = 3.0
"""Louvain weight of an edge saying two nodes belong together (ownership, identity, redirect, part of);
a ``links_to`` edge weighs 1, so communities keep an org with its domains and group what links together."""


@dataclass(frozen=True)
class BuildSummary:
    """What one graph build found and changed."""

    nodes: dict[str, int]
    """Nodes by kind."""
    edges: dict[str, int]
    """Edges by kind."""
    nodes_added: int
    nodes_changed: int
    nodes_removed: int
    edges_added: int
    edges_changed: int
    edges_removed: int
    components: int
    communities: int
    notes: list[str] = field(default_factory=list)
    """Anything the user should know (analytics skipped, ...)."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Time per step: derive, analytics, write."""


def build(
    con: duckdb.DuckDBPyConnection, options: BuildOptions | None = None, run_id: int | None = None
) -> BuildSummary:
    """Derive the graph from the store's tables, compute analytics, merge it into ``graph_nodes`` / ``graph_edges``.

    Idempotent: a second call over unchanged sources reports zero added/changed/removed.
    """
    opts = options or BuildOptions()
    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    notes: list[str] = []
    hosts = opts.include_hosts or opts.include_pages
    _exec(con, Q["labels_from_table"] if _has_table(con, "labels") else Q["labels_empty"])
    _exec(con, Q["edges"])
    if hosts:
        _exec(con, Q["edges_hosts"])
    if opts.include_pages:
        _exec(con, Q["edges_pages"])
    _exec(con, Q["domain_nodes"], {"hosts": hosts})
    _exec(con, Q["org_nodes"])
    if hosts:
        _exec(con, Q["host_nodes"])
    if opts.include_pages:
        _exec(con, Q["page_nodes"])
    _exec(con, Q["index_nodes"])
    dangling = _one(con, Q["dangling_edges"])[0]
    if dangling:
        raise StoreError(f"{dangling} graph edges point at no node; the source tables disagree (re-run resolve)")
    seconds["derive"] = round(time.perf_counter() - t0, 2)

    t1 = time.perf_counter()
    result = _analytics(con, opts)
    if result.skipped:
        notes.append(result.skipped)
    con.register("_g_analytics", result.table)
    try:
        _exec(con, Q["final_nodes"])
    finally:
        con.unregister("_g_analytics")
    seconds["analytics"] = round(time.perf_counter() - t1, 2)

    t2 = time.perf_counter()
    with transaction(con):
        nd = _one(con, Q["diff_nodes"])
        ed = _one(con, Q["diff_edges"])
        _exec(con, Q["delete_removed_edges"])
        _exec(con, Q["delete_removed_nodes"])
        _exec(con, Q["upsert_nodes"], {"run": run_id})
        _exec(con, Q["upsert_edges"], {"run": run_id})
        nodes = dict(con.execute(Q["nodes_by_kind"]).fetchall())
        edges = dict(con.execute(Q["edges_by_kind"]).fetchall())
        seconds["write"] = round(time.perf_counter() - t2, 2)
        summary = BuildSummary(
            nodes=nodes,
            edges=edges,
            nodes_added=nd[0],
            nodes_changed=nd[1],
            nodes_removed=nd[2],
            edges_added=ed[0],
            edges_changed=ed[1],
            edges_removed=ed[2],
            components=result.n_components,
            communities=result.n_communities,
            notes=notes,
            seconds=seconds,
        )
        _exec(
            con,
            Q["record_build"],
            [
                run_id,
                now(),
                sum(nodes.values()),
                sum(edges.values()),
                *nd,
                *ed,
                json.dumps(asdict(opts)),
                round(time.perf_counter() - t0, 2),
            ],
        )
    _exec(con, Q["drop_temp"])
    return summary


@dataclass(frozen=True)
class _AnalyticsResult:
    table: pa.Table
    n_components: int
    n_communities: int
    skipped: str


def _analytics(con: duckdb.DuckDBPyConnection, opts: BuildOptions) -> _AnalyticsResult:
    """PageRank over links_to between domains; components and communities over every edge."""
    kinds = con.sql(Q["index_kinds"]).to_arrow_table().column(0)
    n = len(kinds)
    e = con.sql(Q["edge_index"]).to_arrow_table()
    src = e.column("src").to_numpy()
    dst = e.column("dst").to_numpy()
    is_link = np.asarray(e.column("kind").to_numpy(zero_copy_only=False) == "links_to")
    weight = e.column("weight").to_numpy()

    is_domain = np.asarray(kinds.to_numpy(zero_copy_only=False) == "domain")
    domain_ix = np.flatnonzero(is_domain)
    compact = np.full(n, -1, dtype=np.int64)
    compact[domain_ix] = np.arange(len(domain_ix))
    rank_domains = analytics.pagerank(
        len(domain_ix),
        compact[src[is_link]],
        compact[dst[is_link]],
        weight[is_link],
        alpha=opts.pagerank_alpha,
        max_iter=opts.pagerank_max_iter,
    )
    rank = np.full(n, np.nan)
    rank[domain_ix] = rank_domains
    # an org's PageRank is the sum over its domains, summed here in a fixed order: a parallel SQL sum of
    # floats differs in the last bits from run to run and would mark unchanged orgs as changed
    owned = np.asarray(e.column("kind").to_numpy(zero_copy_only=False) == "owned_by")
    org_rank = np.bincount(dst[owned], weights=rank[src[owned]], minlength=n)
    is_org = np.asarray(kinds.to_numpy(zero_copy_only=False) == "org")
    rank[is_org] = org_rank[is_org]

    comp = analytics.components(n, src, dst)
    kind_arr = e.column("kind").to_numpy(zero_copy_only=False)
    bond = np.where(np.isin(kind_arr, _IDENTITY_EDGES), IDENTITY_WEIGHT, 1.0)
    comm = analytics.louvain(
        n,
        src,
        dst,
        bond,
        seed=opts.louvain_seed,
        resolution=opts.louvain_resolution,
        max_edges=opts.louvain_max_edges,
        fallback=opts.community_fallback,
    )
    table = pa.table(
        {
            "ix": pa.array(np.arange(n, dtype=np.int64)),
            "pagerank": pa.array(rank, from_pandas=True),
            "component": pa.array(comp.astype(np.int32)),
            "community": pa.array(comm.community.astype(np.int32))
            if comm.community is not None
            else pa.nulls(n, pa.int32()),
        }
    )
    n_comp = int(comp.max()) if n else 0
    return _AnalyticsResult(table, n_comp, comm.n_communities, comm.skipped)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(_one(con, Q["has_table"], [name])[0])


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...]:
    """The single row of a query, fully consumed (``fetchone`` leaves DuckDB 2 results open)."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    return tuple(rows[0])


def _exec(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> None:
    """Run and consume a statement (DuckDB 2 streams results; an unconsumed one blocks the next)."""
    con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()


# -- NetworkX round trip ---------------------------------------------------------------------------
def load_networkx(
    con: duckdb.DuckDBPyConnection, nodes: str = "graph_nodes", edges: str = "graph_edges"
) -> nx.MultiDiGraph:
    """The stored graph (or any relation shaped like it) as a ``MultiDiGraph`` whose edge keys are edge kinds.

    Node and edge attributes are the typed columns plus the ``attrs`` JSON, with NULLs left out and the run
    bookkeeping (``created_run``, ``updated_run``) dropped: exactly what :func:`store_networkx` was given.
    """
    node_cols = ", ".join(quote(f.name) for f in graph_schema(con, "graph_nodes"))
    edge_cols = ", ".join(quote(f.name) for f in graph_schema(con, "graph_edges"))
    # Not named queries: the relations to read are the caller's (graph_nodes / graph_edges by default).
    n = con.sql(f"select {node_cols} from {quote(nodes)} order by node_id").to_arrow_table()
    e = con.sql(f"select {edge_cols} from {quote(edges)} order by src, dst, kind").to_arrow_table()
    return graph_from_arrow(n, e)


def graph_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The columns a graph carries in ``table`` (``graph_nodes`` or ``graph_edges``), typed as stored.

    The run bookkeeping is left out; ``attrs`` holds every attribute that has no column of its own, as JSON.
    """
    return pa.schema([f for f in table_schema(con, table) if f.name not in _BOOKKEEPING])


def graph_from_arrow(nodes: pa.Table, edges: pa.Table) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` from node rows (``node_id``, ..., ``attrs``) and edge rows (``src``, ``dst``, ``kind``...)."""
    g = nx.MultiDiGraph()
    for row in nodes.to_pylist():
        node_id = row.pop("node_id")
        g.add_node(node_id, **_row_attrs(row))
    for row in edges.to_pylist():
        src, dst, kind = row.pop("src"), row.pop("dst"), row.pop("kind")
        g.add_edge(src, dst, key=kind, **_row_attrs(row))
    return g


def _row_attrs(row: dict[str, Any]) -> dict[str, Any]:
    extra = row.pop("attrs", None)
    out = {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and math.isnan(v))}
    if extra:
        for k, v in json.loads(extra).items():
            if v is not None:
                out[k] = v
    return out


def store_networkx(con: duckdb.DuckDBPyConnection, g: nx.Graph, run_id: int | None = None) -> tuple[int, int]:
    """Replace ``graph_nodes`` / ``graph_edges`` with ``g``, in bulk; returns (nodes, edges) written.

    Nodes need string ids and ``kind``, ``item_id``, ``label`` attributes. An edge's kind is its key
    (``MultiDiGraph``) or its ``kind`` attribute. Attributes that fit a typed
    column go there, the rest (JSON-able values) into ``attrs``.
    """
    nodes, edges = graph_to_arrow(g, graph_schema(con, "graph_nodes"), graph_schema(con, "graph_edges"))
    nodes = _with_run(nodes, table_schema(con, "graph_nodes"), run_id)
    edges = _with_run(edges, table_schema(con, "graph_edges"), run_id)
    with transaction(con):
        _exec(con, Q["clear_graph"])
        append(con, "graph_nodes", nodes)
        append(con, "graph_edges", edges)
    return nodes.num_rows, edges.num_rows


def _with_run(rows: pa.Table, stored: pa.Schema, run_id: int | None) -> pa.Table:
    """``rows`` with the run bookkeeping columns set to ``run_id``."""
    for col in _BOOKKEEPING:
        field_ = stored.field(col)
        rows = rows.append_column(field_, pa.array([run_id] * rows.num_rows, field_.type))
    return rows


def graph_to_arrow(g: nx.Graph, nodes: pa.Schema, edges: pa.Schema) -> tuple[pa.Table, pa.Table]:
    """Node and edge rows of ``g`` as Arrow tables of the schemas ``nodes`` and ``edges`` (see :func:`graph_schema`).

    Attributes that fit a typed column go there; the rest go to ``attrs`` as JSON text.
    """
    node_types = {f.name: f.type for f in nodes if f.name != "attrs"}
    edge_types = {f.name: f.type for f in edges if f.name != "attrs"}
    node_cols: dict[str, list[Any]] = {f.name: [] for f in nodes}
    for node, data in g.nodes(data=True):
        if not isinstance(node, str):
            raise InputError(f"node ids must be strings, got {node!r}; use '<kind>:<id>' ids")
        missing = [a for a in _REQUIRED_NODE_ATTRS if not isinstance(data.get(a), str)]
        if missing:
            raise InputError(f"node {node!r} lacks string attribute(s) {', '.join(missing)}")
        _split(dict(data, node_id=node), node_types, node_cols)
    edge_cols: dict[str, list[Any]] = {f.name: [] for f in edges}
    multi = g.is_multigraph()
    items = g.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, key, data in items:
        kind = key if multi and isinstance(key, str) else data.get("kind")
        if not isinstance(kind, str):
            raise InputError(f"edge {u!r}→{v!r} has no kind (give it as the multigraph key or a 'kind' attribute)")
        row = {k: val for k, val in data.items() if not (k == "kind" and multi and isinstance(key, str))}
        row.update(src=u, dst=v, kind=kind)
        _split(row, edge_types, edge_cols)
    return pa.table(node_cols, schema=nodes), pa.table(edge_cols, schema=edges)


def _fits(value: Any, typ: pa.DataType) -> bool:
    if value is None:
        return False
    if pa.types.is_string(typ):
        return isinstance(value, str)
    if pa.types.is_floating(typ):
        return isinstance(value, float) and math.isfinite(value)
    if pa.types.is_integer(typ):
        bits = typ.bit_width - 1
        return isinstance(value, int) and not isinstance(value, bool) and -(2**bits) <= value < 2**bits
    if pa.types.is_timestamp(typ):
        return isinstance(value, dt.datetime) and value.tzinfo is None
    return False


def _split(data: Mapping[str, Any], typed: Mapping[str, pa.DataType], out: dict[str, list[Any]]) -> None:
    extra: dict[str, Any] = {}
    for col, typ in typed.items():
        value = data.get(col)
        out[col].append(value if _fits(value, typ) else None)
        if value is not None and not _fits(value, typ):
            extra[col] = value
    for k, v in data.items():
        if k not in typed and k != "attrs" and v is not None:
            extra[k] = v
    if "attrs" in data and data["attrs"] is not None:
        extra["attrs"] = data["attrs"]
    try:
        out["attrs"].append(json.dumps(extra, ensure_ascii=False, allow_nan=False) if extra else None)
    except (TypeError, ValueError) as exc:
        raise InputError(f"attributes of {data.get('node_id') or data.get('src')!r} are not JSON-able: {exc}") from exc
