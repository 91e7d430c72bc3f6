"""Summary figures of the stored graph (what ``orgmap graph stats`` prints), all from SQL."""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["graph_stats"]


def graph_stats(con: duckdb.DuckDBPyConnection, top: int = 10) -> dict[str, Any]:
    """Node and edge counts by kind, components, communities, top orgs by domains and by inbound links."""
    nodes = dict(con.execute("select kind, count(*) from graph_nodes group by 1 order by 2 desc").fetchall())
    edges = dict(con.execute("select kind, count(*) from graph_edges group by 1 order by 2 desc").fetchall())
    sizes = con.execute(
        "select component, count(*) as n from graph_nodes group by 1 order by n desc, component"
    ).fetchall()
    communities = con.execute("select count(distinct community) from graph_nodes").fetchall()[0][0]

    def ranked(order: str) -> list[dict[str, Any]]:
        rows = con.execute(
            f"select label, class, {order} as value, pagerank from graph_nodes "  # noqa: S608 - fixed column names
            f"where kind = 'org' and {order} > 0 order by {order} desc, pagerank desc nulls last, node_id limit ?",
            [top],
        ).fetchall()
        return [{"name": r[0], "class": r[1], "value": r[2], "pagerank": r[3]} for r in rows]

    build = con.execute(
        "select run_id, built_at, nodes_added, nodes_changed, nodes_removed, edges_added, edges_changed,"
        " edges_removed, seconds from graph_builds order by built_at desc limit 1"
    ).fetchall()
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
        "top_by_domains": ranked("n_domains"),
        "top_by_inbound_links": ranked("links_in"),
        "last_build": dict(zip(keys, build[0], strict=True)) if build else None,
    }
