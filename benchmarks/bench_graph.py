"""Graph build at scale: 1M nodes / 2M edges (100k / 200k with ``--quick``) from synthetic resolver tables.

    python -m benchmarks graph [--quick]
    python -m benchmarks.bench_graph --domains 800000 --orgs 200000 --links 1400000

The tables (domains, orgs, domain_org, links with a skewed in-degree, a few redirects and relations) are
generated inside DuckDB, written to a temporary file, and each step runs in a fresh child process so its
peak memory (max RSS) is its own: the first build, a re-run (nothing changes), an incremental build after
a 1 % batch (new links, changed owners), a neighbourhood export to Kumu, and ``graph stats``.
"""

from __future__ import annotations

import argparse
import json
import os
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
       TIMESTAMP '2026-01-01', TIMESTAMP '2026-02-01'
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

CHILD = """
import json, resource, sys, time
from pathlib import Path
from orgmap.store.database import Store
step, db = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
out = {}
with Store(db) as store:
    if step == "build":
        from graph.build import BuildOptions, build
        s = build(store.con, BuildOptions(louvain_max_edges=int(sys.argv[3])), run_id=int(sys.argv[4]))
        out = {"nodes": sum(s.nodes.values()), "edges": sum(s.edges.values()), "added": s.nodes_added + s.edges_added,
               "changed": s.nodes_changed + s.edges_changed, "removed": s.nodes_removed + s.edges_removed,
               "components": s.components, "communities": s.communities, "steps_s": s.seconds, "notes": s.notes}
    elif step == "export":
        from graph.export import ExportFilter, select_subgraph, write_kumu
        sub = select_subgraph(store.con, ExportFilter(org="Org 17 Ltd", depth=2, top=3000, min_confidence=0.6))
        r = write_kumu(sub, Path(db).with_suffix(".kumu.json"))
        out = {"elements": r.elements, "connections": r.connections}
    elif step == "stats":
        from graph.stats import graph_stats
        out = {"components": graph_stats(store.con)["components"]["count"]}
out["seconds"] = round(time.perf_counter() - t0, 2)
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


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


def measure(domains: int, orgs: int, links: int, louvain_max_edges: int = 100_000) -> dict[str, Any]:
    """Generate the tables, then time each step in its own process."""
    params = {"domains": domains, "orgs": orgs, "links": links}
    with tempfile.TemporaryDirectory(prefix="orgmap-bench-graph-") as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        with Store(db) as store:
            _sql(store, GENERATE, params)
            n_links = store.con.execute("select count(*) from links").fetchall()[0][0]
        generated = round(time.perf_counter() - t0, 1)
        figures: dict[str, Any] = {
            "input": {"domains": domains, "orgs": orgs, "links_rows": n_links, "generate_s": generated},
            "first_build": _child("build", db, str(louvain_max_edges), "1"),
            "rerun_no_change": _child("build", db, str(louvain_max_edges), "2"),
        }
        with Store(db) as store:
            _sql(store, BATCH, params)
        figures["batch_1pct"] = _child("build", db, str(louvain_max_edges), "3")
        figures["kumu_neighbourhood_depth2"] = _child("export", db)
        figures["graph_stats"] = _child("stats", db)
        figures["db_size_mb"] = round(Path(db).stat().st_size / 2**20)
    figures["louvain_networkx_20k_nodes"] = _louvain_figure(20_000, 40_000)
    return figures


def _louvain_figure(n: int, m: int) -> dict[str, Any]:
    """NetworkX Louvain alone on a skewed random graph: why communities have a size limit."""
    import numpy as np

    from graph import analytics

    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, n, m), (rng.random(m) ** 3 * n).astype(np.int64)
    t0 = time.perf_counter()
    result = analytics.louvain(n, src, dst, max_edges=m)
    return {"edges": m, "communities": result.n_communities, "seconds": round(time.perf_counter() - t0, 1)}


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
    ap.add_argument("--louvain-max-edges", type=int, default=100_000)
    args = ap.parse_args(argv)
    print(json.dumps(measure(args.domains, args.orgs, args.links, args.louvain_max_edges), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
