"""Filtered subgraphs of the stored graph, and the files they export to: Kumu JSON and sheets, GraphML, GEXF.

Selection runs in DuckDB (``graph/export.sql``): an org's neighbourhood is a breadth-first walk of SQL joins,
filters are ``WHERE`` clauses, top-N is a window; only the selected rows reach Python. The filters:
docs/graph.md, "Commands".

Example::

    sub = select_subgraph(store.con, ExportFilter(org="Acme", depth=2, min_confidence=0.8))
    write_kumu(sub, "acme.json")
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import networkx as nx
import pyarrow as pa

from graph.build import graph_from_arrow
from graph.kumu import blueprint, connection_id, validate_blueprint
from graph.stats import count_nodes
from resolver.errors import InputError, StoreError
from resolver.sql import load_queries

__all__ = [
    "ExportFilter",
    "ExportResult",
    "Subgraph",
    "select_subgraph",
    "spreadsheet_paths",
    "write_gexf",
    "write_graphml",
    "write_empty",
    "write_kumu",
    "write_spreadsheet",
]

Q = load_queries("graph", "export.sql")

FUZZY_ACCEPT = 0.9
"""Similarity (0-1) above which a name that does not contain ``--org`` is taken as a typo of it."""
FUZZY_SUGGEST = 0.35
"""Similarity below which a name is too far from ``--org`` to be worth suggesting."""


def closest_orgs(con: duckdb.DuckDBPyConnection, query: str, limit: int = 5) -> list[tuple[str, str, float]]:
    """The orgs whose name or an alias is most like ``query``, as (node id, label, similarity 0-1), best first.

    Similarity (rapidfuzz, case and accents ignored) is the best of the whole name (``WRatio``, which also
    scores a query that is part of a long name) and of its single words (a typo in one word: ``Globx``).
    """
    from rapidfuzz import fuzz, utils

    q = utils.default_process(_fold(query))
    scored = []
    for node_id, label, aliases, pagerank in con.execute(Q["org_names"]).fetchall():
        best = 0.0
        for name in [label, *(aliases or [])]:
            text = utils.default_process(_fold(name or ""))
            words = [fuzz.ratio(q, w) for w in text.split()]
            best = max(best, fuzz.WRatio(q, text), *words)
        scored.append((-best, -(pagerank or 0.0), node_id, label))
    scored.sort()
    return [(node_id, label, -neg / 100) for neg, _pr, node_id, label in scored[:limit]]


def _fold(text: str) -> str:
    """``text`` without accents (``Université`` → ``Universite``), as ``strip_accents`` does in the SQL."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class ExportFilter:
    """Which part of the graph to export. The default is everything."""

    org: str | None = None
    """Text contained in the org's name or an alias (case and accents ignored)."""
    depth: int = 1
    """Hops from the matched orgs (their own domains are depth 0)."""
    classes: tuple[str, ...] = ()
    """Keep only nodes of these classes: orgs of these organization types, domains of these site categories, and
    the domains (with their hosts and pages) of the orgs kept, whatever their category (matched orgs always stay)."""
    min_confidence: float = 0.0
    """Drop edges (ownership, relations) below this confidence, and orgs left without a sure domain."""
    top: int | None = None
    """Keep the N nodes with the highest PageRank (matched orgs always stay)."""
    kinds: tuple[str, ...] = ("domain", "org", "host", "page")
    """Node kinds to include."""
    max_elements: int | None = None
    """Hard cap: above it, keep the top PageRank nodes and say so (the pipeline's default export uses it)."""
    warn_elements: int | None = None
    """Above this many elements, add a warning suggesting a filter (Kumu slows down past a few thousand)."""


@dataclass
class Subgraph:
    """Selected node and edge rows (``graph_nodes`` / ``graph_edges`` columns), with what to tell the user."""

    nodes: pa.Table
    edges: pa.Table
    total_nodes: int
    """Nodes in the whole stored graph."""
    matched_orgs: list[str] = field(default_factory=list)
    """Labels of the orgs ``org`` matched."""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    paths: list[str]
    elements: int
    connections: int
    total_nodes: int
    matched_orgs: list[str]
    warnings: list[str]


def select_subgraph(con: duckdb.DuckDBPyConnection, f: ExportFilter | None = None) -> Subgraph:
    """Select the nodes and edges ``f`` asks for, in SQL; raises ``InputError`` when ``f.org`` matches nothing."""
    f = f or ExportFilter()
    if f.depth < 0:
        raise InputError("--depth must be 0 or more")
    total = count_nodes(con)
    if total == 0:
        raise StoreError("the graph is empty: run `orgmap resolve` (or `orgmap graph build`) first")
    min_conf = float(f.min_confidence or 0.0)
    _check_classes(con, f.classes)
    seeds: list[str] = []
    matched: list[str] = []
    warnings: list[str] = []
    try:
        if f.org:
            rows = con.execute(Q["match_orgs"], {"q": f.org}).fetchall()
            if not rows:
                close = closest_orgs(con, f.org)
                rows = [(r[0], r[1]) for r in close if r[2] >= FUZZY_ACCEPT]
                names = "; ".join(f"{r[1]!r} ({r[2]:.0%})" for r in close if r[2] >= FUZZY_SUGGEST)
                if not names:
                    raise InputError(
                        f"no organization name contains {f.org!r}, and none is close; list them with: "
                        "orgmap sql \"select label from graph_nodes where kind = 'org' order by label\""
                    )
                if not rows:
                    raise InputError(
                        f"no organization name contains {f.org!r}; closest, most similar first: {names}. "
                        "Try one of those"
                    )
                warnings.append(f"no organization name contains {f.org!r}; using the closest: {rows[0][1]!r}")
                rows = rows[:1]
            seeds = [r[0] for r in rows]
            matched = [r[1] for r in rows]
            con.execute(Q["seed"], {"ids": seeds, "min_conf": min_conf}).fetchall()
            con.execute(Q["seed_frontier"]).fetchall()
            for _ in range(f.depth):
                con.execute(Q["expand"], {"min_conf": min_conf}).fetchall()
                if not con.execute(Q["count_next"]).fetchall()[0][0]:
                    break
                con.execute(Q["expand_commit"]).fetchall()
        else:
            con.execute(Q["all_nodes"]).fetchall()
        con.execute(
            Q["filter_nodes"],
            {
                "seeds": seeds,
                "kinds": list(f.kinds),
                "no_class": not f.classes,
                "classes": list(f.classes),
                "min_conf": min_conf,
            },
        ).fetchall()
        n_selected = con.execute(Q["count_selected"]).fetchall()[0][0]
        top = f.top
        if f.max_elements and n_selected > f.max_elements and (top is None or top > f.max_elements):
            top = f.max_elements
            warnings.append(
                f"{n_selected:,} nodes selected; kept the {top:,} with the highest PageRank "
                "(pick a neighbourhood with `orgmap export kumu --org NAME --depth 1`)"
            )
        if top is not None:
            con.execute(Q["top_nodes"], {"seeds": seeds, "top": int(top)}).fetchall()
        nodes = con.sql(Q["selected_nodes"]).to_arrow_table()
        edges = con.execute(Q["selected_edges"], {"min_conf": min_conf}).fetchall()
        edge_cols = [d[0] for d in con.description] if con.description else []
    finally:
        con.execute(Q["drop_temp"]).fetchall()
    edges_table = pa.Table.from_pylist([dict(zip(edge_cols, r, strict=True)) for r in edges]) if edges else None
    if edges_table is None:
        edges_table = pa.table({c: pa.array([], pa.string()) for c in ("src", "dst", "kind", "attrs")})
    if f.warn_elements and nodes.num_rows > f.warn_elements:
        warnings.append(
            f"the export has {nodes.num_rows:,} elements (> graph.kumu_max_elements = {f.warn_elements:,}) and "
            "Kumu slows down past a few thousand: narrow it with --org NAME --depth 1, --top 500, "
            "--class CLASS or --min-confidence 0.8"
        )
    return Subgraph(nodes, edges_table, total, matched, warnings)


def _check_classes(con: duckdb.DuckDBPyConnection, classes: Sequence[str]) -> None:
    """A class no node has is a typo or another vocabulary: say which classes exist."""
    if not classes:
        return
    known = {kind: set(values) for kind, values in con.execute(Q["known_classes"]).fetchall()}
    unknown = [c for c in classes if not any(c in v for v in known.values())]
    if unknown:
        listed = "; ".join(f"{kind}: {', '.join(sorted(v))}" for kind, v in sorted(known.items()))
        raise InputError(
            f"no node has class {', '.join(map(repr, unknown))}; classes in this graph: {listed or 'none'}. "
            "Organization types and site categories are two vocabularies (classifiers/taxonomy.toml)"
        )


# -- writers -------------------------------------------------------------------------------------
def write_kumu(sub: Subgraph, path: str | Path) -> ExportResult:
    """Write the Kumu JSON blueprint (validated before writing: a broken file is never produced)."""
    bp = blueprint(sub.nodes, sub.edges)
    errors = validate_blueprint(bp)
    if errors:
        raise StoreError(f"the Kumu export would be invalid ({len(errors)} problems), first: {errors[0]}")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(bp, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out)
    return ExportResult(
        [str(out)], len(bp["elements"]), len(bp["connections"]), sub.total_nodes, sub.matched_orgs, sub.warnings
    )


def write_empty(path: str | Path) -> None:
    """An empty (valid) Kumu blueprint, so a pipeline over no data still leaves the file users look for."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"elements": [], "connections": []}), encoding="utf-8")


_FIRST_ELEMENT_COLS = ["ID", "Label", "Type", "Description", "Tags"]
_FIRST_CONNECTION_COLS = ["ID", "From", "To", "Type", "Direction"]


def sheets(sub: Subgraph) -> tuple[list[str], list[list[Any]], list[str], list[list[Any]]]:
    """Kumu's spreadsheet form: (element columns, element rows, connection columns, connection rows).

    ``ID`` comes first in both sheets (Kumu then matches rows by id, so labels may repeat); ``From`` / ``To``
    hold element ids. Multi-valued cells (Tags) are joined with ``|``; a ``|`` inside one value becomes ``/``.
    """
    bp = blueprint(sub.nodes, sub.edges)
    rename_el = {"id": "ID", "label": "Label", "type": "Type", "description": "Description", "tags": "Tags"}
    rename_c = {"id": "ID", "from": "From", "to": "To", "type": "Type", "direction": "Direction"}
    el_cols, el_rows = _table(bp["elements"], rename_el, _FIRST_ELEMENT_COLS)
    c_cols, c_rows = _table(bp["connections"], rename_c, _FIRST_CONNECTION_COLS)
    return el_cols, el_rows, c_cols, c_rows


def _table(items: list[dict[str, Any]], rename: dict[str, str], first: list[str]) -> tuple[list[str], list[list[Any]]]:
    cols = list(first)
    for item in items:
        for k in item:
            name = rename.get(k, k)
            if name not in cols:
                cols.append(name)
    rows = []
    for item in items:
        renamed = {rename.get(k, k): v for k, v in item.items()}
        rows.append([_cell(renamed.get(c)) for c in cols])
    return cols, rows


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "|".join(str(v).replace("|", "/") for v in value)
    return "" if value is None else value


def spreadsheet_paths(path: str | Path, fmt: str = "csv") -> list[Path]:
    """The files :func:`write_spreadsheet` writes for ``path``.

    >>> [p.name for p in spreadsheet_paths("out/acme.csv")]
    ['acme-elements.csv', 'acme-connections.csv']
    >>> [p.name for p in spreadsheet_paths("out/acme", "xlsx")]
    ['acme.xlsx']
    """
    out = Path(path)
    if fmt == "xlsx":
        return [out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx")]
    stem = out.with_suffix("") if out.suffix.lower() == ".csv" else out
    return [stem.with_name(stem.name + "-elements.csv"), stem.with_name(stem.name + "-connections.csv")]


def write_spreadsheet(sub: Subgraph, path: str | Path, fmt: str = "csv") -> ExportResult:
    """Kumu's spreadsheet import: two CSV files, or one XLSX workbook.

    CSV: ``<stem>-elements.csv`` and ``<stem>-connections.csv``; XLSX: ``Elements`` and ``Connections`` sheets.
    """
    el_cols, el_rows, c_cols, c_rows = sheets(sub)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        paths = spreadsheet_paths(out, fmt)
        for p, cols, rows in ((paths[0], el_cols, el_rows), (paths[1], c_cols, c_rows)):
            with p.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(cols)
                writer.writerows(rows)
        written = [str(p) for p in paths]
    elif fmt == "xlsx":
        try:
            from openpyxl import Workbook
        except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
            raise InputError("XLSX export needs openpyxl: pip install openpyxl (or use --format csv)") from exc
        wb = Workbook()
        ws = wb.active
        ws.title = "Elements"
        for row in [el_cols, *el_rows]:
            ws.append([_xlsx_safe(v) for v in row])
        wc = wb.create_sheet("Connections")
        for row in [c_cols, *c_rows]:
            wc.append([_xlsx_safe(v) for v in row])
        target = spreadsheet_paths(out, fmt)[0]
        wb.save(target)
        written = [str(target)]
    else:
        raise InputError(f"unknown spreadsheet format {fmt!r}; use csv or xlsx")
    return ExportResult(written, len(el_rows), len(c_rows), sub.total_nodes, sub.matched_orgs, sub.warnings)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xlsx_safe(value: Any) -> Any:
    return _XML_INVALID.sub("", value) if isinstance(value, str) else value


def to_networkx_flat(sub: Subgraph) -> nx.MultiDiGraph:
    """The subgraph with scalar attributes only, as GraphML/GEXF need.

    Lists and dicts become JSON text, dates ISO text, characters XML cannot hold are dropped; edge keys
    are unique ids and the kind an attribute.
    """
    g = graph_from_arrow(sub.nodes, sub.edges)
    flat = nx.MultiDiGraph()
    for node, data in g.nodes(data=True):
        flat.add_node(_xlsx_safe(node), **_flat(data))
    for u, v, kind, data in g.edges(keys=True, data=True):
        flat.add_edge(_xlsx_safe(u), _xlsx_safe(v), key=connection_id(u, v, kind), kind=kind, **_flat(data))
    return flat


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict | list):
            v = json.dumps(v, ensure_ascii=False, sort_keys=True)
        elif isinstance(v, dt.datetime):
            v = v.isoformat()
        elif isinstance(v, float) and not math.isfinite(v):
            continue
        out[_xlsx_safe(str(k))] = _xlsx_safe(v) if isinstance(v, str) else v
    return out


def write_graphml(sub: Subgraph, path: str | Path) -> ExportResult:
    """GraphML (Gephi, yEd, Cytoscape) via NetworkX."""
    g = to_networkx_flat(sub)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(g, out, named_key_ids=True)
    return ExportResult(
        [str(out)], g.number_of_nodes(), g.number_of_edges(), sub.total_nodes, sub.matched_orgs, sub.warnings
    )


def write_gexf(sub: Subgraph, path: str | Path) -> ExportResult:
    """GEXF (Gephi's own format) via NetworkX."""
    g = to_networkx_flat(sub)
    for node, data in g.nodes(data=True):
        data["label"] = data.get("label") or node
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(g, out)
    return ExportResult(
        [str(out)], g.number_of_nodes(), g.number_of_edges(), sub.total_nodes, sub.matched_orgs, sub.warnings
    )


def export_formats() -> Sequence[str]:
    """The formats ``orgmap export`` knows."""
    return ("kumu", "spreadsheet", "graphml", "gexf")
