"""Ingestion and URL normalization throughput on generated crawls (10k and 100k pages; quick: 1k and 5k).

Figures per size: pages/s (wall clock, and per CPU second: the machine may be shared) for
``orgmap.stages.ingest.ingest`` into a fresh DuckDB file (read, decode,
normalize, title, language, compress, store, derive hosts/domains), and for the same URLs in the same
process: ``normalize_url`` (per-host memo cleared first) against bare tldextract memoized per host
(``urlsplit`` + an ``lru_cache`` around ``extract_str``) and unmemoized (``extractor(url)``). The target
is a ratio ≥ 0.5 to memoized tldextract. Real pages from ``../shared/eval`` are ingested too when present.

The crawl comes from ``orgmap.synth.generate`` when it exists, else from the small generator below.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from orgmap.config import Settings
from orgmap.runs import Run
from orgmap.stages.ingest import ingest
from orgmap.store.database import Store
from resolver.domains import EXTRACTOR, cache_clear, normalize_url
from resolver.errors import InvalidURLError

EVAL_DIR = Path(os.environ.get("ORGMAP_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval"))

_WORDS = {
    "en": "the company provides services products customers quality team about contact news our research".split(),
    "de": "das unternehmen bietet dienstleistungen produkte kunden qualität über uns kontakt impressum".split(),
    "fr": "la société propose des services produits clients qualité équipe contact actualités mentions".split(),
}
_SUFFIXES = ["com", "co.uk", "de", "fr", "org", "com.au", "github.io", "blogspot.com", "io", "ac.uk", "gov.uk"]


def _fallback_crawl(out_dir: Path, n_pages: int, seed: int) -> Path:
    """A plain synthetic crawl: ~n/25 hosts, HTML of 3-8 KB, 1 % bad records (no URL, bad URL, empty)."""
    rng = random.Random(seed)
    n_sites = max(10, n_pages // 25)
    sites = []
    for i in range(n_sites):
        sub = rng.choice(["www.", "", "shop.", "blog.", "www.", "news."])
        sites.append((f"{sub}org{i}-{rng.choice(['acme', 'nord', 'blue', 'stadt', 'mer'])}.{rng.choice(_SUFFIXES)}",
                      rng.choice(list(_WORDS))))  # fmt: skip
    path = out_dir / "pages.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(n_pages):
            host, lang = sites[rng.randrange(n_sites)]
            words = _WORDS[lang]
            paras = "".join(
                "<p>" + " ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + ".</p>"
                for _ in range(rng.randint(3, 8))
            )
            html = (
                f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>Page {i} – {host}</title></head>"
                f'<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>{paras}'
                f"<footer>© 2024 {host}</footer></body></html>"
            )
            row: dict[str, Any] = {"url": f"https://{host}/p/{i}", "html": html, "fetched_at": "2024-05-01T00:00:00Z"}
            r = rng.random()
            if r < 0.004:
                row.pop("url")
            elif r < 0.007:
                row["url"] = f"mailto:info@{host}"
            elif r < 0.01:
                row["html"] = ""
            fh.write(json.dumps(row) + "\n")
    return path


def make_crawl(out_dir: Path, n_pages: int, seed: int = 0) -> tuple[Path, str]:
    """The crawl file and which generator wrote it."""
    try:
        from orgmap.synth import generate  # type: ignore[import-not-found]
    except ImportError:
        return _fallback_crawl(out_dir, n_pages, seed), "benchmarks fallback generator"
    generate(out_dir, n_pages=n_pages, seed=seed)
    return out_dir / "pages.jsonl.gz", "orgmap.synth"


def _urls(path: Path) -> list[str]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            url = json.loads(line).get("url")
            if isinstance(url, str):
                out.append(url)
    return out


def _best_of(repeats: int, fn: Any) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def normalization(urls: list[str], repeats: int = 3) -> dict[str, Any]:
    """URLs/s of normalize_url (memo cleared before each pass) vs bare tldextract, memoized per host and not.

    Best of ``repeats`` passes each, so a pause on the shared machine does not decide the ratio.
    """
    bad = 0

    def ours() -> None:
        nonlocal bad
        cache_clear()
        bad = 0
        for url in urls:
            try:
                normalize_url(url)
            except InvalidURLError:
                bad += 1

    def memoized() -> None:
        bare = lru_cache(maxsize=None)(EXTRACTOR.extract_str)
        for url in urls:
            bare(urlsplit(url).hostname or "")

    def unmemoized() -> None:
        for url in urls:
            EXTRACTOR(url)

    t_ours, t_memo, t_plain = (_best_of(repeats, f) for f in (ours, memoized, unmemoized))
    n = len(urls)
    return {
        "urls": n,
        "distinct_hosts": len({urlsplit(u).hostname for u in urls}),
        "normalize_url_urls_per_s": n / t_ours,
        "tldextract_memoized_urls_per_s": n / t_memo,
        "tldextract_unmemoized_urls_per_s": n / t_plain,
        "ratio_vs_memoized_tldextract": round(t_memo / t_ours, 3),
        "ratio_vs_unmemoized_tldextract": round(t_plain / t_ours, 3),
        "invalid_urls": bad,
    }


def ingest_figures(paths: list[Path], workdir: Path) -> dict[str, Any]:
    """Ingest into a fresh database, then again (idempotent re-run)."""
    db = workdir / "bench.duckdb"
    with Store(db) as store:
        t0, c0 = time.perf_counter(), time.process_time()
        s = ingest(store, Settings(), Run(store.start_run("ingest", [], {}), inputs=tuple(map(str, paths))))
        first, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        again = ingest(store, Settings(), Run(store.start_run("ingest", [], {}), inputs=tuple(map(str, paths))))
        second = time.perf_counter() - t0
    return {
        "pages_read": s.pages_read,
        "stored": s.stored,
        "skipped": dict(s.skipped),
        "hosts": s.hosts,
        "registered_domains": s.registered_domains,
        "seconds": round(first, 2),
        "pages_per_s": s.pages_read / first,
        "cpu_seconds": round(cpu, 2),
        "pages_per_cpu_s": s.pages_read / cpu,
        "reingest_pages_per_s": again.pages_read / second,
        "reingest_stored": again.stored,
        "db_mb": round(db.stat().st_size / 1e6, 1),
    }


def run(quick: bool) -> dict[str, Any]:
    """Figures for two crawl sizes, and for real pages when ../shared/eval is present."""
    sizes = (1_000, 5_000) if quick else (10_000, 100_000)
    figures: dict[str, Any] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="orgmap-bench-") as tmp:
            work = Path(tmp)
            crawl, source = make_crawl(work, n)
            urls = _urls(crawl)
            figures[f"{n // 1000}k_pages"] = {
                "generator": source,
                "ingest": ingest_figures([crawl], work),
                "normalize": normalization(urls),
            }
    real = EVAL_DIR / "pages" / "trafilatura_pages.jsonl.gz"
    if real.exists():
        with tempfile.TemporaryDirectory(prefix="orgmap-bench-") as tmp:
            figures["real_pages_trafilatura"] = ingest_figures([real], Path(tmp))
    else:
        figures["real_pages_trafilatura"] = f"skipped: {real} absent (set ORGMAP_EVAL_DIR)"
    return figures
