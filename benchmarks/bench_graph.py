"""Graph build at scale: 1M nodes / 2M edges (100k / 200k with ``--quick``) from synthetic resolver tables.

    python -m benchmarks graph [--quick]
    python -m benchmarks.bench_graph --domains 800000 --orgs 200000 --links 1400000

The tables (domains, orgs, domain_org, links with a skewed in-degree, a few redirects and relations) are
generated inside DuckDB, written to a temporary file, and each step runs in a fresh child process so its
peak memory (max RSS) is its own: the first build, a re-run (nothing changes), an incremental build after
a 1 % batch (new links, changed owners), a neighbourhood export to Kumu, and ``graph stats``.

Communities: on the built graph, Leiden (igraph, what the build uses) and label propagation (its fallback)
each run alone in a child, with their time, peak RSS and modularity; on a 20k-node graph generated the
same way, NetworkX's Louvain (the method before Leiden; hours at 1M nodes) runs too, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from orgmap.store.database import Store

GENERATE = """
SELECT setseed(0.42);
INSERT INTO domains
SELECT 'd' || i || '.example', 'd' || i || '.example', 'example', false, false,
       1 + (i % 7), 1 + (i % 7), 1, TIMESTAMP '2026-01-01', TIMESTAMP '2026-02-01'
FROM range($domains) r(i);
INSERT INTO orgs
SELECT 'org-' || j, 'Org ' || j || ' Ltd', 'org ' || j, 'Ltd', 'GB', ['Org ' || j], [], 0, 'crawl', NULL,
       TIMESTAMP '2026-01-01', TIMESTAMP '2026-02-01', 0.5 + (j % 50) / 100.0
FROM range($orgs) r(j);
INSERT INTO domain_org
SELECT 'd' || i || '.example', CASE WHEN i % 4 = 3 THEN NULL ELSE 'org-' || (i % $orgs) END,
       CASE WHEN i % 4 = 3 THEN 'unknown' ELSE 'Org ' || (i % $orgs) || ' Ltd' END,
       0.5 + (i % 50) / 100.0, CASE WHEN i % 4 = 3 THEN 'unknown' ELSE 'linked' END,
       '{"items": [{"signal": "copyright", "name": "x", "weight": 0.9}]}', NULL, 1 + (i % 7), 1
FROM range($domains) r(i);
INSERT INTO links
SELECT 'd' || s || '.example', 'd' || t || '.example', sum(n)::BIGINT, count(*)
FROM (
    SELECT (random() * $domains)::BIGINT % $domains AS s,
           (pow(random(), 3) * $domains)::BIGINT % $domains AS t, 1 + (random() * 5)::INT AS n
    FROM range($links)
) WHERE s <> t GROUP BY s, t;
INSERT INTO redirects
SELECT 'https://d' || i || '.example/', 'https://d' || (i + 1) || '.example/', 'd' || i || '.example',
       'd' || (i + 1) || '.example', 301, 'warc', 1, TIMESTAMP '2026-01-01'
FROM range(0, $domains, 100) r(i);
INSERT INTO org_relations
SELECT 'org-' || j, 'org-' || (j + 1), 'subsidiary_of', 0.8, NULL FROM range(0, $orgs - 1, 50) r(j);
"""

BATCH = """
SELECT setseed(0.7);
INSERT INTO links
SELECT 'd' || s || '.example', 'd' || t || '.example', sum(n)::BIGINT, count(*)
FROM (SELECT (random() * $domains)::BIGINT % $domains AS s, (pow(random(), 3) * $domains)::BIGINT % $domains AS t,
             1 AS n FROM range($links // 100)) WHERE s <> t GROUP BY s, t
ON CONFLICT (from_domain, to_domain) DO UPDATE SET n_links = links.n_links + excluded.n_links;
UPDATE domain_org SET org_id = 'org-' || ((hash(registered_domain) % $orgs)), confidence = 0.9
WHERE hash(registered_domain) % 100 = 0 AND org_id IS NOT NULL;
"""

EDGES = """
WITH ix AS (SELECT node_id, row_number() OVER (ORDER BY node_id) - 1 AS i FROM graph_nodes)
SELECT a.i AS src, b.i AS dst, CASE WHEN e.kind = 'links_to' THEN 1.0 ELSE ? END AS bond
FROM graph_edges e JOIN ix a ON a.node_id = e.src JOIN ix b ON b.node_id = e.dst
"""
"""Every stored edge between node indices, weighted as the build weighs it for communities."""

CHILD = """
import json, sys, time
from pathlib import Path
from benchmarks.bench_graph import EDGES, peak_rss_mb
from orgmap.store.database import Store
step, db = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
out = {}
with Store(db, read_only=step != 'build') as store:
    if step == "build":
        from graph.build import BuildOptions, build
        s = build(store.con, BuildOptions(), run_id=int(sys.argv[3]))
        out = {"nodes": sum(s.nodes.values()), "edges": sum(s.edges.values()), "added": s.nodes_added + s.edges_added,
               "changed": s.nodes_changed + s.edges_changed, "removed": s.nodes_removed + s.edges_removed,
               "components": s.components, "communities": s.communities, "steps_s": s.seconds, "notes": s.notes}
    elif step == "export":
        from graph.export import ExportFilter, select_subgraph, write_kumu
        sub = select_subgraph(store.con, ExportFilter(org="Org 17 Ltd", depth=2, top=3000, min_confidence=0.6))
        r = write_kumu(sub, Path(db).with_suffix(".kumu.json"))
        out = {"elements": r.elements, "connections": r.connections}
    elif step == "communities":
        import numpy as np
        from graph import analytics
        from graph.build import IDENTITY_WEIGHT
        n = store.con.execute("select count(*) from graph_nodes").fetchall()[0][0]
        e = store.con.sql(EDGES, params=[IDENTITY_WEIGHT]).to_arrow_table()
        lo, hi, w = analytics.undirected_pairs(n, e["src"].to_numpy(), e["dst"].to_numpy(), e["bond"].to_numpy())
        out["rss_before_mb"] = peak_rss_mb()
        t1 = time.perf_counter()
        if sys.argv[3] == "leiden":
            labels = analytics.leiden(n, lo, hi, w, seed=0)
        elif sys.argv[3] == "label_propagation":
            labels = analytics.label_propagation(n, lo, hi, w, seed=0)
        else:
            import networkx as nx
            g = nx.Graph()
            g.add_nodes_from(range(n))
            g.add_weighted_edges_from(zip(lo.tolist(), hi.tolist(), w.tolist()))
            labels = np.empty(n, dtype=np.int64)
            for i, members in enumerate(nx.community.louvain_communities(g, weight="weight", seed=0)):
                labels[list(members)] = i
        out["method_s"] = round(time.perf_counter() - t1, 2)
        out["nodes"], out["pairs"] = n, len(lo)
        out["communities"] = len(np.unique(labels))
        out["modularity"] = round(analytics.modularity(labels, lo, hi, w), 4)
    elif step == "stats":
        from graph.stats import graph_stats
        out = {"components": graph_stats(store.con)["components"]["count"]}
out["seconds"] = round(time.perf_counter() - t0, 2)
out["peak_rss_mb"] = peak_rss_mb()
print(json.dumps(out))
"""


def peak_rss_mb() -> int:
    """Peak RSS of the calling process in MB: ``VmHWM``, which starts afresh at exec.

    Not ``getrusage().ru_maxrss``: Linux carries it over exec, so a child would report at least the RSS
    the benchmark process had when it started the child.
    """
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    # not Linux: the portable figure, floor included
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _child(*args: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False, env=env)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sql(store: Store, script: str, params: dict[str, int]) -> None:
    for stmt in (s.strip() for s in script.split(";")):
        if stmt:
            names = [k for k in params if f"${k}" in stmt]
            store.con.execute(stmt, {k: params[k] for k in names}).fetchall()


def _generate(db: str, params: dict[str, int]) -> dict[str, Any]:
    t0 = time.perf_counter()
    with Store(db) as store:
        _sql(store, GENERATE, params)
        n_links = store.con.execute("select count(*) from links").fetchall()[0][0]
    return {**params, "links_rows": n_links, "generate_s": round(time.perf_counter() - t0, 1)}


def measure(domains: int, orgs: int, links: int) -> dict[str, Any]:
    """Generate the tables, then time each step in its own process."""
    params = {"domains": domains, "orgs": orgs, "links": links}
    with tempfile.TemporaryDirectory(prefix="orgmap-bench-graph-") as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        figures: dict[str, Any] = {
            "input": _generate(db, params),
            "first_build": _child("build", db, "1"),
            "rerun_no_change": _child("build", db, "2"),
        }
        figures["communities"] = {m: _child("communities", db, m) for m in ("leiden", "label_propagation")}
        with Store(db) as store:
            _sql(store, BATCH, params)
        figures["batch_1pct"] = _child("build", db, "3")
        figures["kumu_neighbourhood_depth2"] = _child("export", db)
        figures["graph_stats"] = _child("stats", db)
        figures["db_size_mb"] = round(Path(db).stat().st_size / 2**20)
    figures["communities_20k_nodes"] = compare_communities(16_000, 4_000, 28_000)
    return figures


def compare_communities(domains: int, orgs: int, links: int) -> dict[str, Any]:
    """Leiden, label propagation and NetworkX's Louvain on one small generated graph (Louvain: ~10 s at 20k)."""
    with tempfile.TemporaryDirectory(prefix="orgmap-bench-graph-") as tmp:
        db = str(Path(tmp) / "small.duckdb")
        _generate(db, {"domains": domains, "orgs": orgs, "links": links})
        _child("build", db, "1")
        return {m: _child("communities", db, m) for m in ("leiden", "label_propagation", "louvain")}


def run(quick: bool) -> dict[str, Any]:
    """1M nodes / ~2M edges (100k / ~200k with quick)."""
    if quick:
        return measure(80_000, 20_000, 140_000)
    return measure(800_000, 200_000, 1_400_000)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--domains", type=int, default=800_000)
    ap.add_argument("--orgs", type=int, default=200_000)
    ap.add_argument("--links", type=int, default=1_400_000)
    args = ap.parse_args(argv)
    print(json.dumps(measure(args.domains, args.orgs, args.links), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
