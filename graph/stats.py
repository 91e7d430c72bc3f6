"""Summary figures of the stored graph (what ``orgmap graph stats`` prints), all from SQL."""

from __future__ import annotations

from typing import Any

import duckdb

from resolver.sql import load_queries

__all__ = ["count_nodes", "graph_stats"]

Q = load_queries("graph", "stats.sql")


def count_nodes(con: duckdb.DuckDBPyConnection) -> int:
    """Nodes in the stored graph (0: nothing built yet)."""
    return int(con.execute(Q["count_nodes"]).fetchall()[0][0])


def graph_stats(con: duckdb.DuckDBPyConnection, top: int = 10) -> dict[str, Any]:
    """Node and edge counts by kind, components, communities, top orgs by domains and by inbound links."""
    nodes = dict(con.execute(Q["nodes_by_kind"]).fetchall())
    edges = dict(con.execute(Q["edges_by_kind"]).fetchall())
    sizes = con.execute(Q["component_sizes"]).fetchall()
    communities = con.execute(Q["count_communities"]).fetchall()[0][0]

    def ranked(query: str) -> list[dict[str, Any]]:
        rows = con.execute(Q[query], {"top": top}).fetchall()
        return [{"name": r[0], "class": r[1], "value": r[2], "pagerank": r[3]} for r in rows]

    build = con.execute(Q["last_build"]).fetchall()
    keys = (
        "run_id",
        "built_at",
        "nodes_added",
        "nodes_changed",
        "nodes_removed",
        "edges_added",
        "edges_changed",
        "edges_removed",
        "seconds",
    )
    return {
        "nodes": nodes,
        "edges": edges,
        "components": {
            "count": len(sizes),
            "largest": [n for _, n in sizes[:5]],
            "isolated": sum(1 for _, n in sizes if n == 1),
        },
        "communities": communities or None,
        "top_by_domains": ranked("top_by_domains"),
        "top_by_inbound_links": ranked("top_by_inbound_links"),
        "last_build": dict(zip(keys, build[0], strict=True)) if build else None,
    }
