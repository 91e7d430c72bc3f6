"""Active-learning curve: how many human labels each selection strategy needs on a generated crawl.

    python -m benchmarks.al_curve --pages 3000 --seed 31 --k 20 --rounds 12 --out out/al_curve.png

The generator's truth plays the labeller. Pages are split into a pool (80 %) and a held-out test set (20 %).
Round 0 trains the end model on weak labels only (LFs → label model, as ``orgmap resolve`` does); each round
every strategy picks ``k`` pool pages it has not labelled yet, "asks" their true class, retrains the end model on
weak labels + its gold (gold weight 1, weak rows weighted by label-model confidence) and is scored by macro-F1 on
the test set. Strategies: random (baseline), least_confidence, margin, entropy, lf_disagreement, and entropy with
diversity (near-duplicates removed before taking the top). The claim checked at the end: uncertainty or
LF-disagreement sampling reaches random's final macro-F1 with at most half of random's labels.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from classifiers import active
from classifiers.evaluate import evaluate
from classifiers.lf import ABSTAIN
from classifiers.model import EndModel
from classifiers.taxonomy import load_taxonomy
from classifiers.train import train_end_model, weak_labels
from orgmap.store.database import Store

STRATEGIES = ("random", "least_confidence", "margin", "entropy", "lf_disagreement", "entropy+diversity")


def load_pages(n_pages: int, seed: int, work: Path) -> tuple[Any, np.ndarray]:
    """A generated crawl's page frame and true page classes (aligned)."""
    from benchmarks.synth_classify import load_crawl
    from orgmap.models import load_frame
    from orgmap.synth import generate

    crawl = work / f"crawl{seed}"
    generate(crawl, n_pages=n_pages, seed=seed)
    with Store(work / f"al{seed}.duckdb") as store:
        ctx = load_crawl(store, crawl)
        frame = load_frame(store, "page")
    truth = {}
    for r in csv.DictReader((crawl / "truth" / "pages.csv").open(encoding="utf-8")):
        pid = ctx["page_of_url"].get(r["url"])
        if pid is not None:
            truth[pid] = r["page_class"]
    keep = frame["item_id"].isin(truth).to_numpy()
    frame = frame[keep].reset_index(drop=True)
    return frame, np.array([truth[i] for i in frame["item_id"]], dtype=object)


def run(n_pages: int, seed: int, k: int, rounds: int, work: Path, mode: str = "weak+gold") -> dict[str, Any]:
    """The curves: strategy → list of (labels, macro-F1).

    ``mode``: ``weak+gold`` (orgmap's setting: weak labels plus the gold so far) or ``gold`` (the classic
    cold start: the end model sees only the labelled pages; round 0 is ``k`` random labels shared by all).
    """
    tax = load_taxonomy()
    classes = tax.classes("page")
    frame, truth = load_pages(n_pages, seed, work)
    known = np.array([t in classes for t in truth])
    frame, truth = frame[known].reset_index(drop=True), truth[known]
    rng = np.random.default_rng(seed)
    test = rng.random(len(frame)) < 0.2
    pool_idx, test_idx = np.nonzero(~test)[0], np.nonzero(test)[0]
    pool, test_frame = frame.iloc[pool_idx].reset_index(drop=True), frame.iloc[test_idx].reset_index(drop=True)
    y_pool = np.array([classes.index(t) for t in truth[pool_idx]])
    y_test = truth[test_idx]
    weak = weak_labels(pool, tax, "page", seed=0)
    texts = (pool["title"] + " " + pool["text"]).tolist()
    L = weak.applied.L

    def fit_and_score(gold_mask: np.ndarray) -> tuple[float, np.ndarray]:
        if mode == "gold":
            idx = np.nonzero(gold_mask)[0]
            model = EndModel.fit(pool.iloc[idx], y_pool[idx], classes=classes, target="page")
        else:
            gold = np.where(gold_mask, y_pool, ABSTAIN)
            model = train_end_model(pool, weak, gold=gold, train_on_gold=True).model
        pred = np.asarray(classes, dtype=object)[model.predict_proba(test_frame).argmax(axis=1)]
        f1 = evaluate(list(y_test), list(pred), list(classes)).macro_f1
        return float(f1), model.predict_proba(pool)

    t0 = time.perf_counter()
    start = np.zeros(len(pool), dtype=bool)
    if mode == "gold":
        start[np.random.default_rng(seed + 1).choice(len(pool), k, replace=False)] = True
    f1_0, probs_0 = fit_and_score(start)
    curves: dict[str, list[tuple[int, float]]] = {}
    for strategy in STRATEGIES:
        labelled = start.copy()
        probs = probs_0
        curve = [(int(start.sum()), f1_0)]
        for r in range(rounds):
            name = strategy.split("+")[0]
            info = active.informativeness(name, probs=probs, L=L, n_classes=len(classes), n_rows=len(pool), seed=r)
            pick = active.select(info, k, texts=texts, diverse="diversity" in strategy, eligible=~labelled)
            labelled[pick] = True
            f1, probs = fit_and_score(labelled)
            curve.append((int(labelled.sum()), f1))
        curves[strategy] = curve
        print(f"{strategy:>18}: " + " ".join(f"{f:.3f}" for _, f in curve), flush=True)
    return {
        "pages": len(frame),
        "pool": len(pool),
        "test": len(test_frame),
        "lf_coverage": float((L != ABSTAIN).any(axis=1).mean()),
        "mode": mode,
        "k": k,
        "rounds": rounds,
        "seconds": round(time.perf_counter() - t0, 1),
        "curves": curves,
    }


def labels_to_reach(curve: list[tuple[int, float]], target: float) -> int | None:
    """The fewest labels the strategy chose before ``curve`` reached ``target`` macro-F1 (None if never).

    Labels are counted from the curve's start: the random seed set of ``--mode gold`` is shared by all
    strategies and not chosen by any, so it is not counted.
    """
    n0 = curve[0][0]
    return next((n - n0 for n, f in curve if f >= target - 1e-9), None)


def verdict(result: dict[str, Any]) -> dict[str, Any]:
    """Labels each strategy needs to reach random's final F1, and whether the best of uncertainty/LF needs <= half."""
    rand = result["curves"]["random"]
    target, budget = rand[-1][1], rand[-1][0] - rand[0][0]
    need = {s: labels_to_reach(c, target) for s, c in result["curves"].items()}
    smart = [need[s] for s in ("least_confidence", "margin", "entropy", "lf_disagreement") if need[s] is not None]
    best = min(smart) if smart else None
    return {
        "random_final_f1": round(target, 4),
        "random_labels": budget,
        "labels_to_reach": need,
        "best_smart_labels": best,
        "half_or_less": best is not None and best <= budget / 2,
    }


def plot(result: dict[str, Any], out: Path) -> None:
    """The learning curves as a PNG (matplotlib Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for s, curve in result["curves"].items():
        ax.plot([n for n, _ in curve], [f for _, f in curve], marker="o", ms=3, label=s, lw=2 if s == "random" else 1.3)
    ax.axhline(result["curves"]["random"][-1][1], color="grey", ls=":", lw=1)
    ax.set_xlabel("human labels (gold from the generator's truth)")
    ax.set_ylabel("page macro-F1 on held-out pages")
    ax.set_title(f"{result['mode']}: {result['pool']} pool / {result['test']} test pages, {result['k']} labels/round")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="active-learning curve on a generated crawl")
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--k", type=int, default=20, help="labels per round")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--mode", choices=("weak+gold", "gold"), default="weak+gold")
    ap.add_argument("--out", type=Path, default=Path("out/al_curve.png"))
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.pages, args.seed, args.k, args.rounds, Path(tmp), args.mode)
    result["verdict"] = verdict(result)
    plot(result, args.out)
    print(json.dumps({k: v for k, v in result.items() if k != "curves"}, indent=1))
    print(f"plot: {args.out}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0 if result["verdict"]["half_or_less"] else 1


if __name__ == "__main__":
    sys.exit(main())
