"""Throughput of finding owners: signals + NER + linking on a generated crawl, against bare ``nlp.pipe``.

For a generated crawl (10k pages; 2k with ``--quick``), the crawl is ingested, then each stage is timed:
signal extraction, NER over the ownership text, owner scoring + entity resolution. The reference point
is bare ``nlp.pipe`` (the same NER-only pipeline) over the same ownership texts: the ratio says what
orgmap's work costs on top of the NER it cannot avoid, and how much cutting NER to ownership text saves
compared with NER over whole page texts (``nlp.pipe`` over the first 20k characters of each page's text).
Also reports domain→org F1 on the crawl's ground truth (a seed not used for tuning), and the resolve stage's
seconds with each owner scorer (the learned model and the noisy-OR baseline).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from orgmap.config import load_settings
from orgmap.evaluation import evaluate_links, load_truth, predictions_from_store
from orgmap.owner_inputs import load_candidates, load_facts
from orgmap.runs import Run
from orgmap.stages.ingest import ingest
from orgmap.stages.ner import run_ner
from orgmap.stages.resolve import resolve
from orgmap.stages.signals import extract_signals
from orgmap.store.database import Store
from orgmap.synth import generate
from resolver.linking import LinkingParams
from resolver.ner import load_nlp
from resolver.owners import score_owners

SEED = 4242
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


def real_pages(n: int) -> dict[str, Any] | str:
    """NER over ownership text vs over whole page text, on real pages (trafilatura's test set)."""
    import gzip
    import json
    import os

    from selectolax.lexbor import LexborHTMLParser

    from resolver.domains import registered_domain
    from resolver.signals import extract_page, ownership_text

    root = Path(os.environ.get("ORGMAP_EVAL_DIR", EVAL_DIR))
    path = root / "pages" / "trafilatura_pages.jsonl.gz"
    if not path.exists():
        return f"skipped: {path} absent (set ORGMAP_EVAL_DIR)"
    own, full = [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line, _ in zip(fh, range(n), strict=False):
            row = json.loads(line)
            ps = extract_page(row["html"], row["url"], registered_domain=registered_domain(row["url"]) or "")
            own.append(ownership_text(ps)[:2000])
            body = LexborHTMLParser(row["html"]).body
            full.append(body.text(separator=" ") if body else "")
    nlp = load_nlp("")
    t0 = time.perf_counter()
    for _ in nlp.pipe(own, batch_size=64):
        pass
    t_own = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in nlp.pipe(full, batch_size=16):
        pass
    t_full = time.perf_counter() - t0
    return {
        "pages": len(own),
        "mean_chars_ownership_text": sum(map(len, own)) / len(own),
        "mean_chars_whole_text": sum(map(len, full)) / len(full),
        "ner_time_ownership_vs_whole_text": t_own / t_full,
    }


def scorer_seconds(db: str, repeats: int = 3) -> dict[str, float]:
    """The resolve stage's seconds with each owner scorer: median of ``repeats`` fresh ``orgmap resolve`` runs.

    Each run is a new process on the already-ingested store with the owner cache emptied, as a user's run
    is: the scorers alternate, and the stage's own timing (``runs.counts``) is read back.
    """
    seconds: dict[str, list[float]] = {"noisy_or": [], "model": []}
    skip = [arg for stage in ("classify", "graph", "export") for arg in ("--skip", stage)]
    for _ in range(repeats):
        for scorer in seconds:
            with Store(db) as store:
                store.con.execute("delete from _owner_cache").fetchall()
            env = {**os.environ, "ORGMAP_RESOLVE__SCORER": scorer}
            cmd = [sys.executable, "-m", "orgmap.cli", "resolve", "--db", db, *skip]
            subprocess.run(cmd, check=True, env=env, capture_output=True)
            with Store(db, read_only=True) as store:
                row = store.con.execute("select counts from runs order by run_id desc limit 1").fetchone()
            seconds[scorer].append(json.loads(row[0])["seconds"]["resolve"])
    return {scorer: statistics.median(s) for scorer, s in seconds.items()}


def run(quick: bool) -> dict[str, Any]:
    """Figures for one generated crawl."""
    n_pages = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="orgmap-bench-resolve-") as tmp:
        work = Path(tmp)
        generate(work / "crawl", n_pages=n_pages, seed=SEED)
        settings = load_settings(None, {"db": str(work / "b.duckdb")}, environ={})
        with Store(settings.db) as store:
            run_id = store.start_run("bench", [], {})
            ingest(store, settings, Run(run_id, inputs=(str(work / "crawl" / "pages.jsonl.gz"),)))
            n = store.con.execute("select count(*) from pages where has_content").fetchone()[0]

            t0 = time.perf_counter()
            extract_signals(store, settings, Run(run_id))
            t_signals = time.perf_counter() - t0

            texts = [r[0] for r in store.con.execute("select coalesce(owner_text, '') from page_features").fetchall()]
            bodies = [r[0] or "" for r in store.con.execute("select text from page_features").fetchall()]
            nlp = load_nlp("")
            t0 = time.perf_counter()
            for _ in nlp.pipe((t[:2000] for t in texts), batch_size=64):
                pass
            t_bare = time.perf_counter() - t0
            sample = bodies[: max(1, len(bodies) // 10)]
            t0 = time.perf_counter()
            for _ in nlp.pipe(sample, batch_size=16):
                pass
            t_bodies = (time.perf_counter() - t0) * len(bodies) / len(sample)

            t0 = time.perf_counter()
            run_ner(store, run_id=run_id)
            t_ner = time.perf_counter() - t0

            t0 = time.perf_counter()
            score_owners(load_candidates(store), load_facts(store), LinkingParams(), {})
            t_link_only = time.perf_counter() - t0
            t0 = time.perf_counter()
            summary = resolve(store, settings, Run(run_id))
            t_resolve = time.perf_counter() - t0

            result = evaluate_links(load_truth(work / "crawl"), predictions_from_store(store), 0.0)
        by_scorer = scorer_seconds(settings.db)
        total = t_signals + t_ner + t_resolve
        return {
            "pages": n,
            "domains": summary.domains,
            "signals_pages_per_s": n / t_signals,
            "ner_pages_per_s": n / t_ner,
            "linking_and_er_s": t_resolve,
            "owner_scoring_cold_cache_s": t_link_only,
            "signals_ner_linking_pages_per_s": n / total,
            "bare_nlp_pipe_ownership_text_s": t_bare,
            "ratio_stage_to_bare_nlp_pipe": total / t_bare,
            "ner_whole_page_text_s_estimated": t_bodies,
            "ner_ownership_text_vs_whole_text": t_bare / t_bodies if t_bodies else 0.0,
            "resolve_s_by_scorer": by_scorer,
            "owner_model_cost_share_of_resolve": (by_scorer["model"] - by_scorer["noisy_or"]) / by_scorer["noisy_or"],
            "domain_org_f1": result.f1,
            "bcubed_f1": result.bcubed[2],
            "real_pages": real_pages(100 if quick else 300),
        }
