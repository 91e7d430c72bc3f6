"""Speedup of the page-heavy stages (signals + NER) from 1 to 2 workers: local processes and a 2-node Ray cluster.

    python -m benchmarks engine [--quick]          # or: python -m benchmarks.bench_engine --pages 3000

Real pages (the trafilatura and article-benchmark pages in ../shared/eval/pages), repeated under distinct URLs
to ``--pages``, are ingested once; each configuration then runs signals and NER on its own copy of that
database. The Ray cluster is ``ray.cluster_utils.Cluster`` on loopback: one node of one CPU, then a second
node added. Each Ray configuration first runs a small warm-up job (worker processes and spaCy loaded); the
local engine's process start-up is counted, as a run pays it. The load (``uptime``) is recorded before and
after: on a shared machine the ratios move with it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import tempfile
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from benchmarks.real_pages import eval_dir, read_pages, settings_for
from orgmap import pipeline
from orgmap.pipeline import STAGES

FILES = ("trafilatura_pages.jsonl.gz", "article_benchmark_pages.jsonl.gz")
PAGE_STAGES = ("signals", "ner")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def write_crawl(files: list[Path], n: int, path: Path) -> int:
    """``n`` pages cycling over the real ones, each copy under its own URL (``#copy=k`` would be normalized away)."""
    pages = [(r["url"], r["html"]) for r in read_pages(files)]
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i, (url, html) in enumerate(islice(cycle(pages), n)):
            sep = "&" if "?" in url else "?"
            out.write(json.dumps({"url": f"{url}{sep}copy={i // len(pages)}", "html": html}) + "\n")
    return min(n, len(pages))


def page_stages(base: Path, db: Path, **overrides: object) -> float:
    """Seconds of signals + NER on a copy of ``base``."""
    shutil.copy(base, db)
    settings = settings_for(db, **overrides)
    report = pipeline.run(settings, [], skip=[s for s in STAGES if s not in PAGE_STAGES])
    return sum(report.seconds[s] for s in PAGE_STAGES)


def measure(n_pages: int, warmup_pages: int = 100) -> dict[str, Any]:
    root = eval_dir()
    files = [root / "pages" / f for f in FILES] if root else []
    if not files or not all(f.exists() for f in files):
        return {"skipped": "../shared/eval/pages absent (set ORGMAP_EVAL_DIR)"}
    figures: dict[str, Any] = {"pages": n_pages, "load_before": load()}
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        work = Path(tmp)
        figures["distinct_pages"] = write_crawl(files, n_pages, work / "crawl.jsonl.gz")
        write_crawl(files, warmup_pages, work / "warm.jsonl.gz")
        for name in ("crawl", "warm"):
            pipeline.run(settings_for(work / f"{name}.duckdb"), [str(work / f"{name}.jsonl.gz")], skip=list(STAGES)[1:])
        base, warm = work / "crawl.duckdb", work / "warm.duckdb"
        local = {w: page_stages(base, work / f"local{w}.duckdb", **{"engine.workers": w}) for w in (1, 2)}
        figures["local_seconds"] = {f"{w}_workers": round(s, 1) for w, s in local.items()}
        figures["local_speedup_1_to_2"] = round(local[1] / local[2], 2)
        figures["load_after_local"] = load()
        figures.update(ray_figures(base, warm, work))
    figures["load_after"] = load()
    return figures


def ray_figures(base: Path, warm: Path, work: Path) -> dict[str, Any]:
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # loopback only; read when ray is imported
    try:
        import ray
        from ray.cluster_utils import Cluster
    except ImportError:
        return {"ray": "skipped: ray is not installed (pip install 'orgmap[ray]')"}
    node = {"num_cpus": 1, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    seconds: dict[int, float] = {}
    try:
        on_ray = {"engine.name": "ray", "engine.ray_address": cluster.address, "engine.shard_rows": 250}
        for nodes in (1, 2):
            if nodes == 2:
                cluster.add_node(**node)
                cluster.wait_for_nodes()
            page_stages(warm, work / f"warm{nodes}.duckdb", **on_ray)
            seconds[nodes] = page_stages(base, work / f"ray{nodes}.duckdb", **on_ray)
    finally:
        ray.shutdown()
        cluster.shutdown()
    return {
        "ray_seconds": {f"{n}_nodes": round(s, 1) for n, s in seconds.items()},
        "ray_speedup_1_to_2_nodes": round(seconds[1] / seconds[2], 2),
    }


def run(quick: bool) -> dict[str, Any]:
    return measure(300 if quick else 3000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=3000)
    args = ap.parse_args()
    print(json.dumps(measure(args.pages), indent=2))


if __name__ == "__main__":
    main()
