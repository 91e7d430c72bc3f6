"""Active-learning curve: how many human labels each selection strategy needs on a generated crawl.

    python -m benchmarks.al_curve --pages 3000 --seed 31 --k 20 --rounds 12 --out out/al_curve.png
    python -m benchmarks.al_curve --real DB --k 10 --rounds 10 --out out/al_real.png

The generator's truth plays the labeller. Pages are split into a pool (80 %) and a held-out test set (20 %).
Round 0 trains the end model on weak labels only (LFs → label model, as ``orgmap resolve`` does); each round
every strategy picks ``k`` pool pages it has not labelled yet, "asks" their true class, retrains the end model on
weak labels + its gold (gold weight 1, weak rows weighted by label-model confidence) and is scored by macro-F1 on
the test set. Strategies: random (baseline), least_confidence, margin, entropy, lf_disagreement, and entropy with
diversity (near-duplicates removed before taking the top). The claim checked at the end: uncertainty or
LF-disagreement sampling reaches random's final macro-F1 with at most half of random's labels.

``--real DB`` runs the same loop on real data: the site categories of the dev split of the real gold
(``benchmarks/gold/owners.csv``; the test split is never read), the domain frame of the database
``benchmarks.eval_owners --reuse DB`` classified (built here when missing). The dev domains are split by a hash
of the domain into a pool (70 %) and held-out domains (30 %); a person's dev label plays the labeller.
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
    """The curves on a generated crawl's pages: strategy → list of (labels, macro-F1).

    ``mode``: ``weak+gold`` (orgmap's setting: weak labels plus the gold so far) or ``gold`` (the classic
    cold start: the end model sees only the labelled pages; round 0 is ``k`` random labels shared by all).
    """
    frame, truth = load_pages(n_pages, seed, work)
    test = np.random.default_rng(seed).random(len(frame)) < 0.2
    return curves(frame, truth, test, "page", seed=seed, k=k, rounds=rounds, mode=mode)


def load_real_domains(db: Path) -> tuple[Any, np.ndarray, np.ndarray]:
    """The domain frame of the dev gold domains, their site categories and the held-out mask (a hash of the domain).

    ``db`` is the resolved database ``benchmarks.eval_owners --reuse`` keeps; its classified copy beside it is read
    (the domains' page types as features), and built first when missing. Only dev rows are read.
    """
    from benchmarks.eval_owners import GOLD, PAGE_FILES, outcome, read_gold
    from benchmarks.real_pages import eval_dir
    from classifiers.reference import half_of
    from orgmap.models import load_frame

    gold = read_gold(GOLD)
    classified = db.with_name(db.stem + ".classes" + db.suffix)
    if not classified.exists():
        root = eval_dir()
        if root is None:
            raise SystemExit("no evaluation data: set ORGMAP_EVAL_DIR to the directory that holds pages/")
        outcome(db, gold, [root / "pages" / f for f in PAGE_FILES.values()], classes=True, reuse=True)
    dev = {g.domain: g.site_category for g in gold if g.split == "dev"}
    with Store(classified, read_only=True) as store:
        frame = load_frame(store, "domain")
    frame = frame[frame["item_id"].isin(dev).to_numpy()].reset_index(drop=True)
    truth = np.array([dev[d] for d in frame["item_id"]], dtype=object)
    held = np.array([half_of(d, share=0.3) == "eval" for d in frame["item_id"]])
    return frame, truth, held


def curves(
    frame: Any,
    truth: np.ndarray,
    test: np.ndarray,
    target: str,
    *,
    seed: int,
    k: int,
    rounds: int,
    mode: str,
    transductive: bool = False,
) -> dict[str, Any]:
    """The strategies' learning curves on ``frame`` (rows × truth), scored on the rows ``test`` marks.

    ``transductive``: the held-out rows stay in the frame the LFs label and the end model trains on (without
    their gold labels, never picked), as in ``orgmap resolve``, where every crawled item has its weak label.
    """
    tax = load_taxonomy()
    classes = tax.classes(target)
    known = np.array([t in classes for t in truth])
    frame, truth, test = frame[known].reset_index(drop=True), truth[known], test[known]
    pool_idx, test_idx = (np.arange(len(frame)) if transductive else np.nonzero(~test)[0]), np.nonzero(test)[0]
    pool, test_frame = frame.iloc[pool_idx].reset_index(drop=True), frame.iloc[test_idx].reset_index(drop=True)
    y_pool = np.array([classes.index(t) for t in truth[pool_idx]])
    y_test = truth[test_idx]
    never = test[pool_idx]  # pool rows no strategy may ask about (held-out rows kept in the pool)
    weak = weak_labels(pool, tax, target, seed=0)
    texts = (pool["title"] + " " + pool["text"]).tolist()
    L = weak.applied.L

    def fit_and_score(gold_mask: np.ndarray) -> tuple[float, np.ndarray]:
        if mode == "gold":
            idx = np.nonzero(gold_mask)[0]
            model = EndModel.fit(pool.iloc[idx], y_pool[idx], classes=classes, target=target)
        else:
            gold = np.where(gold_mask, y_pool, ABSTAIN)
            model = train_end_model(pool, weak, gold=gold, train_on_gold=True).model
        pred = np.asarray(classes, dtype=object)[model.predict_proba(test_frame).argmax(axis=1)]
        f1 = evaluate(list(y_test), list(pred), list(classes)).macro_f1
        return float(f1), model.predict_proba(pool)

    t0 = time.perf_counter()
    start = np.zeros(len(pool), dtype=bool)
    if mode == "gold":
        start[np.random.default_rng(seed + 1).choice(np.nonzero(~never)[0], k, replace=False)] = True
    f1_0, probs_0 = fit_and_score(start)
    curves: dict[str, list[tuple[int, float]]] = {}
    for strategy in STRATEGIES:
        labelled = start.copy()
        probs = probs_0
        curve = [(int(start.sum()), f1_0)]
        for r in range(rounds):
            name = strategy.split("+")[0]
            info = active.informativeness(name, probs=probs, L=L, n_classes=len(classes), n_rows=len(pool), seed=r)
            pick = active.select(info, k, texts=texts, diverse="diversity" in strategy, eligible=~labelled & ~never)
            labelled[pick] = True
            f1, probs = fit_and_score(labelled)
            curve.append((int(labelled.sum()), f1))
        curves[strategy] = curve
        print(f"{strategy:>18}: " + " ".join(f"{f:.3f}" for _, f in curve), flush=True)
    return {
        "target": target,
        "pages": len(frame),
        "pool": int((~never).sum()),
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
    real = result.get("source") == "real"
    what = "domains" if result.get("target") == "domain" else "pages"
    oracle = "dev split of the real gold" if real else "gold from the generator's truth"
    ax.set_xlabel(f"human labels ({oracle})")
    ax.set_ylabel(("site category" if what == "domains" else "page") + f" macro-F1 on held-out {what}")
    sizes = f"{result['pool']} pool / {result['test']} held-out {what}"
    ax.set_title(f"{result['mode']}: {sizes}, {result['k']} labels/round")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="active-learning curve on a generated crawl or the real dev gold")
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--k", type=int, default=20, help="labels per round")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--mode", choices=("weak+gold", "gold"), default="weak+gold")
    ap.add_argument("--out", type=Path, default=Path("out/al_curve.png"))
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    ap.add_argument("--real", type=Path, metavar="DB", help="site categories of the real dev gold (eval_owners' DB)")
    args = ap.parse_args(argv)
    if args.real:
        frame, truth, held = load_real_domains(args.real.resolve())
        opts = {"seed": args.seed, "k": args.k, "rounds": args.rounds, "mode": args.mode}
        result = curves(frame, truth, held, "domain", transductive=True, **opts)
        result["source"] = "real"
    else:
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
