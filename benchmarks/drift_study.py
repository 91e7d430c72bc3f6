"""The drift study: false alarms between same-distribution batches, detection per shift, retrain recovery.

    python -m benchmarks.drift_study --pages 600 --null-seeds 20 --shift-seeds 5 --out out/drift_study

Every batch goes through the real pipeline (ingest → signals → resolve; NER off, ``--no-ner`` as users
of big crawls run it). The base database holds one base-distribution batch, 30 % of whose pages carry
gold labels from the generator's truth, and the page model v1 that ``classify`` trained on it. Then:

1. **False alarms**: for each of N seeds, a copy of the base database gets a fresh *unshifted* batch
   (30 % gold, annotated after v1 was trained) and ``orgmap drift --reference run:2 --current latest``
   runs: run 1 trained v1, run 2 is the first batch v1 scored (a reference out of the training sample).
   Share of seeds with any measure flagged.
2. **Detection**: the same with a batch of each ``--shift`` type (new_class, vocab, language, class_mix).
3. **Retrain recovery**: per shift, page macro-F1 of the promoted model on the shifted batch's non-gold
   pages before and after ``orgmap retrain`` (latest window + all gold, held-out gate), next to the
   pre-shift macro-F1 (v1 on the production batch, run 2).

Writes ``OUT/drift_study.json`` and ``OUT/drift_study.png``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from classifiers import registry
from classifiers.evaluate import evaluate
from orgmap.config import Settings, load_settings
from orgmap.models import load_frame
from orgmap.pipeline import retrain, run
from orgmap.runs import Run
from orgmap.stages.classify import classify
from orgmap.stages.drift import check
from orgmap.store.database import Store
from orgmap.synth import generate

SHIFTS = ("new_class", "vocab", "language", "class_mix")
GOLD_SHARE = 0.3


def settings_for(db: Path, **extra: Any) -> Settings:
    """Study settings: NER off, 100 label-model epochs (the default 300 triples the time); else default."""
    return load_settings(None, {"db": str(db), "ner.enabled": False, "classify.n_epochs": 100, **extra}, environ={})


def ingest_batch(settings: Settings, crawl: Path, *, classify_after: bool = False) -> int:
    """Run the pipeline on one crawl (a new batch); returns its run id."""
    skip = ("graph", "export") if classify_after else ("classify", "graph", "export")
    return run(settings, [str(crawl / "pages.jsonl.gz")], skip=skip).run_id


def truth_of(crawl: Path) -> dict[str, str]:
    """The page class of every URL in the generator's truth."""
    with open(crawl / "truth" / "pages.csv", encoding="utf-8") as fh:
        return {r["url"]: r["page_class"] for r in csv.DictReader(fh)}


def add_gold(store: Store, crawl: Path, run_id: int, share: float = GOLD_SHARE) -> int:
    """Gold labels from the truth for a stable ``share`` of the batch's pages (annotated now)."""
    truth = truth_of(crawl)
    t = pa.table({"url": list(truth), "page_class": list(truth.values())})
    store.con.register("_truth", t)
    n = store.con.execute(
        "insert into gold_labels select 'page', p.page_id, t.page_class, 'synth', now()::timestamp, 'synth'"
        " from pages p join _truth t using (url) where p.run_id = ? and hash(p.page_id) % 1000 < ?"
        " on conflict do nothing returning 1",
        [run_id, int(share * 1000)],
    ).fetchall()
    store.con.unregister("_truth")
    return len(n)


def batch_f1(store: Store, crawl: Path, run_id: int) -> float:
    """Page macro-F1 of the promoted model on the batch's pages without gold labels."""
    truth = truth_of(crawl)
    rows = store.con.execute(
        "select p.page_id, p.url from pages p where p.run_id = ? and p.has_content"
        " and p.page_id not in (select item_id from gold_labels where target = 'page')",
        [run_id],
    ).fetchall()
    urls = dict(rows)
    frame = load_frame(store, "page")
    frame = frame[frame["item_id"].isin(urls).to_numpy()].reset_index(drop=True)
    model = registry.load(store.con, registry.promoted(store.con, "page"))
    pred = np.asarray(model.classes, dtype=object)[model.predict_proba(frame).argmax(axis=1)]
    gold = [truth[urls[i]] for i in frame["item_id"]]
    return evaluate(gold, list(pred), list(model.classes)).macro_f1


def build_base(work: Path, pages: int, seed: int) -> tuple[Path, Path]:
    """The base database: a training batch and a first production batch, 30 % gold each.

    The training batch is classified (page model v1); the production batch, of the same distribution and
    with gold annotated after training, is the reference of every check.
    """
    crawl = work / "base"
    generate(crawl, n_pages=pages, seed=seed)
    db = work / "base.duckdb"
    s = settings_for(db)
    run_id = ingest_batch(s, crawl)
    with Store(db) as store:
        add_gold(store, crawl, run_id)
        classify(store, s, Run(run_id))
    prod = work / "production"
    generate(prod, n_pages=pages, seed=seed + 1)
    run_id = ingest_batch(s, prod)
    with Store(db) as store:
        add_gold(store, prod, run_id)
    return db, prod


def trial(work: Path, base_db: Path, pages: int, seed: int, shift: str | None) -> dict[str, Any]:
    """A copy of the base with one more batch, then a drift check run:2 (production) vs latest."""
    name = f"{shift or 'none'}-{seed}"
    crawl = work / name
    generate(crawl, n_pages=pages, seed=seed, shift=shift)
    db = work / f"{name}.duckdb"
    shutil.copy(base_db, db)
    s = settings_for(db)
    run_id = ingest_batch(s, crawl)
    with Store(db) as store:
        add_gold(store, crawl, run_id)
        out = check(store, s, "run:2", "latest")
    rep = out.report
    effects = {m.name: round(m.effect, 4) for m in rep.measures if not m.name.startswith(("lf_coverage:", "lf_c"))}
    return {"seed": seed, "shift": shift, "drift": rep.drift, "flagged": [m.name for m in rep.flagged],
            "effects": effects, "db": str(db), "crawl": str(crawl), "run_id": run_id}  # fmt: skip


def recovery(work: Path, t: dict[str, Any]) -> dict[str, Any]:
    """Macro-F1 on the shifted batch before and after ``retrain`` (page target)."""
    db, crawl = Path(t["db"]), Path(t["crawl"])
    s = settings_for(db, **{"drift.retrain_targets": "page"})
    with Store(db) as store:
        before = batch_f1(store, crawl, t["run_id"])
        run_id = store.start_run("retrain", {}, s.to_dict())
        out = retrain(store, s, Run(run_id))
        store.finish_run(run_id, "ok", {})
        after = batch_f1(store, crawl, t["run_id"])
    d = out.decisions[0]
    return {
        "f1_after_shift": round(before, 4),
        "f1_after_retrain": round(after, 4),
        "promoted": d["promoted"],
        "reasons": d["reasons"],
        "candidate_heldout_f1": (d.get("candidate_eval") or {}).get("macro_f1"),
        "current_heldout_f1": (d.get("current_eval") or {}).get("macro_f1"),
    }


def plot(results: dict[str, Any], path: Path) -> None:
    """Detection rate per shift (and the false-alarm rate), and macro-F1 before/after shift and retrain."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    names = ["none (false alarms)", *SHIFTS]
    rates = [results["false_alarm_rate"], *(results["detection"][s]["rate"] for s in SHIFTS)]
    a.bar(names, rates, color=["tab:gray"] + ["tab:red"] * len(SHIFTS))
    a.axhline(0.05, color="black", lw=0.8, ls="--")
    a.set_ylim(0, 1.05)
    a.set_ylabel("share of seeds flagged as drift")
    a.tick_params(axis="x", labelrotation=20, labelsize=8)
    x = np.arange(len(SHIFTS))
    rec = results["recovery"]
    pre = results["f1_pre_shift"]
    b.bar(x - 0.27, [pre] * len(SHIFTS), 0.27, label="pre-shift (v1)")
    b.bar(x, [rec[s]["f1_after_shift"] for s in SHIFTS], 0.27, label="after shift (v1)")
    b.bar(x + 0.27, [rec[s]["f1_after_retrain"] for s in SHIFTS], 0.27, label="after retrain")
    b.set_xticks(x, SHIFTS, fontsize=8)
    b.set_ylim(0, 1.05)
    b.set_ylabel("page macro-F1 (non-gold pages)")
    b.legend(fontsize=8, loc="lower right")
    fig.suptitle(f"orgmap drift study ({results['pages']} pages per batch)", fontsize=10)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Run the study and print/write its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=600)
    ap.add_argument("--null-seeds", type=int, default=20)
    ap.add_argument("--shift-seeds", type=int, default=5)
    ap.add_argument("--base-seed", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path("out/drift_study"))
    ap.add_argument("--skip-recovery", action="store_true", help="Only false alarms and detection.")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="drift_study_") as tmp:
        work = Path(tmp)
        base_db, prod = build_base(work, args.pages, args.base_seed)
        nulls = [trial(work, base_db, args.pages, 1000 + i, None) for i in range(args.null_seeds)]
        print(f"false alarms: {sum(t['drift'] for t in nulls)}/{len(nulls)}", file=sys.stderr, flush=True)
        with Store(base_db) as store:
            f1_pre = batch_f1(store, prod, 2)
        detection, recov = {}, {}
        for shift in SHIFTS:
            ts = [trial(work, base_db, args.pages, 2000 + i, shift) for i in range(args.shift_seeds)]
            detection[shift] = {
                "rate": sum(t["drift"] for t in ts) / len(ts),
                "flagged": {m: sum(m in t["flagged"] for t in ts) for t in ts for m in t["flagged"]},
            }
            if not args.skip_recovery:
                recov[shift] = recovery(work, ts[0])
            print(f"{shift}: detected {detection[shift]['rate']:.2f}; {recov.get(shift)}", file=sys.stderr, flush=True)
        results = {
            "pages": args.pages,
            "false_alarm_rate": sum(t["drift"] for t in nulls) / len(nulls),
            "false_alarms": [{"seed": t["seed"], "flagged": t["flagged"]} for t in nulls if t["drift"]],
            "null_effects_max": {k: max(t["effects"][k] for t in nulls) for k in nulls[0]["effects"]},
            "detection": detection,
            "f1_pre_shift": round(f1_pre, 4),
            "recovery": recov,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    (args.out / "drift_study.json").write_text(json.dumps(results, indent=1, default=str), "utf-8")
    if not args.skip_recovery:
        plot(results, args.out / "drift_study.png")
    print(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
