"""End-to-end ``orgmap resolve`` on real pages against a bare selectolax parse of the same pages, in one run.

    python -m benchmarks e2e [--quick]       # or: python -m benchmarks.bench_e2e --pages 10000 [--workers N]

Real pages (the trafilatura and article-benchmark pages in ../shared/eval/pages) repeated under distinct URLs
to ``--pages`` (10k; 2k with ``--quick``). ``orgmap resolve`` runs as a subprocess with every stage (ingest
to export) and its default workers (every core), so its wall time, per-stage seconds and peak RSS (the main
process, and the largest worker) are those a user sees. The reference is a single-process selectolax
(lexbor) parse plus ``body.text()`` of the same pages in the same run: the ratio says what orgmap costs on top
of reading the pages at all. The load (``uptime``) is recorded before and after.
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

from benchmarks.bench_engine import FILES, load, write_crawl
from benchmarks.real_pages import eval_dir, read_pages

REPO = Path(__file__).resolve().parents[1]

_RUNNER = """
import json, resource, sys, time
from orgmap.cli import main
t0 = time.perf_counter()
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
wall = time.perf_counter() - t0
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "wall": wall, "self_kb": self_kb, "child_kb": child_kb}), file=sys.stderr)
"""


def bare_parse(crawl: Path) -> tuple[int, float]:
    """Pages and seconds of a selectolax parse plus the body's text, one process (decompression not counted)."""
    from selectolax.lexbor import LexborHTMLParser

    pages = [r["html"] for r in read_pages([crawl])]
    t0 = time.perf_counter()
    for page_html in pages:
        tree = LexborHTMLParser(page_html)
        body = tree.body
        if body is not None:
            body.text(separator=" ")
    return len(pages), time.perf_counter() - t0


def resolve(crawl: Path, db: Path, workers: int | None, settings: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall seconds, per-stage seconds and peak RSS of one ``orgmap resolve`` subprocess."""
    args = ["resolve", str(crawl), "--db", str(db), "--out", str(db.parent / "out")]
    if workers is not None:
        args += ["--workers", str(workers)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGMAP_")}
    env["PYTHONPATH"] = str(REPO)
    for key, value in (settings or {}).items():  # dotted settings: store.memory_limit → ORGMAP_STORE__MEMORY_LIMIT
        env["ORGMAP_" + key.upper().replace(".", "__")] = value
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, *args],
        cwd=db.parent,
        env={**env, "ORGMAP_PROGRESS_SECONDS": "60"},
        capture_output=True,
        text=True,
        check=False,
    )
    stats = json.loads(done.stderr.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise RuntimeError(f"orgmap resolve failed ({stats['code']}): {done.stderr[-2000:]}")
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("select counts from runs order by run_id desc limit 1").fetchone()
    finally:
        con.close()
    counts = json.loads(row[0]) if row and row[0] else {}
    return {
        "wall_seconds": round(stats["wall"], 1),
        "stage_seconds": {k: round(v, 1) for k, v in (counts.get("seconds") or {}).items()},
        "peak_rss_main_mb": round(stats["self_kb"] / 1024),
        "peak_rss_largest_worker_mb": round(stats["child_kb"] / 1024),
    }


def measure(n_pages: int, workers: int | None = None, settings: dict[str, str] | None = None) -> dict[str, Any]:
    root = eval_dir()
    files = [root / "pages" / f for f in FILES] if root else []
    if not files or not all(f.exists() for f in files):
        return {"skipped": "../shared/eval/pages absent (set ORGMAP_EVAL_DIR)"}
    figures: dict[str, Any] = {"pages": n_pages, "cores": os.cpu_count(), "settings": settings or {}}
    figures["load_before"] = load()
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        work = Path(tmp)
        crawl = work / "crawl.jsonl.gz"
        figures["distinct_pages"] = write_crawl(files, n_pages, crawl)
        n, bare_s = bare_parse(crawl)
        figures["bare_selectolax_pages_per_s"] = round(n / bare_s, 1)
        run = resolve(crawl, work / "e2e.duckdb", workers, settings)
        figures.update(run)
        figures["orgmap_pages_per_s"] = round(n_pages / run["wall_seconds"], 1)
        figures["ratio_to_bare_parse"] = round(run["wall_seconds"] / bare_s, 1)
    figures["load_after"] = load()
    return figures


def run(quick: bool) -> dict[str, Any]:
    return measure(2_000 if quick else 10_000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=None, help="orgmap's --workers (default: its own, every core)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an orgmap setting, dotted")
    args = ap.parse_args()
    settings = dict(kv.split("=", 1) for kv in args.set)
    print(json.dumps(measure(args.pages, args.workers, settings), indent=2))


if __name__ == "__main__":
    main()
