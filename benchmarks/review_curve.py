"""The learning curve of owner review on the real dev gold: accuracy and wrong merges after N reviewed domains.

    python -m benchmarks.review_curve [--work DIR] [--seeds 1,2,3,4,5] [--steps 0,25,50,100,200]
                                      [--plot docs/review_curve.png] [--json FILE]

orgmap runs once over the real pages of the dev split of ``benchmarks/gold/owners.csv`` (the test split's
pages are never read). A simulated reviewer then answers the domains in the order ``orgmap review push``
would ask them (uncertainty around the precision target's threshold, then impact), or in a random order
(several seeds): the gold owner, picked among the task's candidates where one matches, else typed in. The
answers go through the real path (``review_owner_answers``, then the resolve stage), and after each step
the figures are taken over all dev domains: owner accuracy (entity rule, as ``benchmarks.eval_owners``)
and wrong merges (pairs of dev domains in one org whose gold owners differ).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from benchmarks.eval_owners import PAGE_FILES, GoldOwner, is_right, orgmap_answers, read_gold
from benchmarks.name_rules import any_names_match
from benchmarks.real_pages import eval_dir, resolve_pages, settings_for
from orgmap.owner_inputs import scorer_of
from orgmap.pipeline import STAGES, run
from orgmap.review.tasks import OwnerAnswer
from orgmap.stages.review import select_owners, write_answers
from orgmap.store.database import Store, now
from resolver.domains import registered_domain

REPO = Path(__file__).resolve().parents[1]
RULE = "entity"
STEPS = (0, 25, 50, 100, 200)
SEEDS = (1, 2, 3, 4, 5)
PLOT = REPO / "docs" / "review_curve.png"
ONLY_RESOLVE = tuple(s for s in STAGES if s != "resolve")
GOAL = 1 / 3
"""The 50 most uncertain reviews should remove at least this share of the remaining owner errors."""


def reviewer_answer(gold: GoldOwner, candidates: Sequence[Mapping[str, Any]]) -> OwnerAnswer:
    """What a careful reviewer answers for ``gold``: a matching candidate, else the gold's first name typed in."""
    when = now()
    if gold.status == "person":
        return OwnerAnswer(gold.domain, "person", gold.names[0] if gold.names else None, "person", "sim", when)
    if gold.status in ("platform", "unknown"):
        return OwnerAnswer(gold.domain, gold.status, None, gold.status, "sim", when)
    for i, c in enumerate(candidates[:5]):
        if any_names_match(gold.names, [c["name"]], RULE):
            return OwnerAnswer(gold.domain, "linked", c["name"], f"candidate {i + 1}", "sim", when)
    return OwnerAnswer(gold.domain, "linked", gold.names[0], "another name", "sim", when)


def figures(db: Path, gold: Sequence[GoldOwner]) -> dict[str, Any]:
    """Owner accuracy and wrong merges over the dev domains in ``db``."""
    with Store(db, read_only=True) as store:
        answers = orgmap_answers(store)
        orgs = dict(store.con.execute("select registered_domain, org_id from domain_org").fetchall())  # noqa: S608
    from benchmarks.eval_owners import Answer

    right = [is_right(g, answers.get(g.domain, Answer("unknown")), RULE) for g in gold]
    wrong_merges = 0
    for x, y in combinations([g for g in gold if orgs.get(g.domain)], 2):
        if orgs[x.domain] == orgs[y.domain] and not (
            x.status == y.status == "org" and any_names_match(x.names, y.names, RULE)
        ):
            wrong_merges += 1
    return {
        "accuracy": round(sum(right) / len(right), 4),
        "errors": len(right) - sum(right),
        "wrong_merges": wrong_merges,
    }


def build_base(work: Path, gold: Sequence[GoldOwner]) -> Path:
    """Run orgmap over the dev domains' real pages, up to resolve (rebuilt each call: the code may have changed)."""
    root = eval_dir()
    if root is None:
        raise SystemExit("../shared/eval not found (set ORGMAP_EVAL_DIR): the curve needs the real pages")
    work.mkdir(parents=True, exist_ok=True)
    db = work / "dev.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    dev = {g.domain for g in gold}
    files = [root / "pages" / name for name in PAGE_FILES.values()]
    resolve_pages(files, db, keep=lambda p: registered_domain(p["url"]) in dev)
    return db


def curve(
    base: Path, work: Path, gold: Sequence[GoldOwner], strategy: str, seed: int, steps: Sequence[int]
) -> list[dict[str, Any]]:
    """Figures after each step of ``steps`` reviews in the order of ``strategy``."""
    db = work / f"{strategy}-{seed}.duckdb"
    shutil.copy(base, db)
    settings = settings_for(db)
    by_domain = {g.domain: g for g in gold}
    threshold = scorer_of(settings).threshold
    with Store(db) as store:
        order = select_owners(store, settings, len(by_domain) * 10, threshold=threshold, strategy=strategy, seed=seed)
    order = [r for r in order if r["registered_domain"] in by_domain]
    out, done = [], 0
    for k in steps:
        batch = order[done:k]
        if batch:
            answers = [reviewer_answer(by_domain[r["registered_domain"]], r["candidates"]) for r in batch]
            with Store(db) as store:
                write_answers(store, answers, "simulated", strategy)
            run(settings, [], skip=ONLY_RESOLVE)
        done = max(done, k)
        out.append({"reviewed": min(k, len(order)), **figures(db, gold)})
    db.unlink(missing_ok=True)
    return out


def summarize(uncertain: list[dict[str, Any]], randoms: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """The curves side by side (random: mean and range over seeds) and whether the goal is met."""
    rows = []
    for i, u in enumerate(uncertain):
        r = [c[i] for c in randoms]
        rows.append(
            {
                "reviewed": u["reviewed"],
                "uncertainty": u,
                "random_mean": {
                    k: round(statistics.mean(x[k] for x in r), 4) for k in ("accuracy", "errors", "wrong_merges")
                },
                "random_min_max_accuracy": [min(x["accuracy"] for x in r), max(x["accuracy"] for x in r)],
            }
        )
    e0 = uncertain[0]["errors"]
    at50 = next((u for u in uncertain if u["reviewed"] == 50), None)
    removed = None if at50 is None or not e0 else round((e0 - at50["errors"]) / e0, 4)
    return {
        "rows": rows,
        "errors_removed_by_50": removed,
        "goal": round(GOAL, 4),
        "goal_met": removed is not None and removed >= GOAL,
    }


def plot(summary: Mapping[str, Any], randoms: list[list[dict[str, Any]]], n_domains: int, path: Path) -> None:
    """Accuracy and wrong merges against reviews, uncertainty ordering beside each random seed and their mean."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["reviewed"] for r in summary["rows"]]
    fig, (acc, merges) = plt.subplots(1, 2, figsize=(10, 4))
    for c in randoms:
        acc.plot(xs, [p["accuracy"] for p in c], color="0.8", lw=1)
        merges.plot(xs, [p["wrong_merges"] for p in c], color="0.8", lw=1)
    acc.plot(xs, [r["random_mean"]["accuracy"] for r in summary["rows"]], "o--", color="0.4", label="random (mean)")
    acc.plot(xs, [r["uncertainty"]["accuracy"] for r in summary["rows"]], "o-", color="C0", label="uncertainty")
    merges.plot(
        xs, [r["random_mean"]["wrong_merges"] for r in summary["rows"]], "o--", color="0.4", label="random (mean)"
    )
    merges.plot(xs, [r["uncertainty"]["wrong_merges"] for r in summary["rows"]], "o-", color="C0", label="uncertainty")
    acc.set(xlabel="domains reviewed", ylabel="owner accuracy (entity rule)", title=f"dev gold, {n_domains} domains")
    merges.set(xlabel="domains reviewed", ylabel="wrong merges (pairs)", title="wrong merges")
    for ax in (acc, merges):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)


def main(argv: list[str] | None = None) -> int:
    """Build the dev database, simulate the reviewer per ordering, print and plot the curves."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/orgmap-review-curve"))
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="random orderings' seeds")
    parser.add_argument("--steps", default=",".join(map(str, STEPS)), help="reviews after which to measure")
    parser.add_argument("--plot", type=Path, default=PLOT)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    gold = [g for g in read_gold() if g.split == "dev"]  # the test split is never read
    steps = sorted({int(s) for s in args.steps.split(",") if s})
    t0 = time.perf_counter()
    base = build_base(args.work, gold)
    built = time.perf_counter() - t0
    uncertain = curve(base, args.work, gold, "uncertainty", 0, steps)
    randoms = [curve(base, args.work, gold, "random", int(s), steps) for s in args.seeds.split(",") if s]
    summary = summarize(uncertain, randoms)
    summary |= {
        "dev_domains": len(gold),
        "seeds": args.seeds,
        "seconds": {"build": round(built, 1), "all": round(time.perf_counter() - t0, 1)},
    }
    print(f"dev domains: {len(gold)}; random orderings: seeds {args.seeds}")
    head = ("reviewed", "uncertainty acc", "errors", "wrong merges", "random acc", "errors", "wrong merges")
    print("{:>8}  {:>15} {:>6} {:>12}   {:>10} {:>6} {:>12}".format(*head))
    for r in summary["rows"]:
        u, m = r["uncertainty"], r["random_mean"]
        cells = (r["reviewed"], u["accuracy"], u["errors"], u["wrong_merges"], m["accuracy"], m["errors"])
        print("{:>8}  {:>15.3f} {:>6} {:>12}   {:>10.3f} {:>6.1f}".format(*cells), f"{m['wrong_merges']:>12.1f}")
    met = "met" if summary["goal_met"] else "NOT met"
    removed = summary["errors_removed_by_50"]
    print(f"errors removed by the 50 most uncertain reviews: {removed} (goal ≥ {GOAL:.3f}: {met})")
    plot(summary, randoms, len(gold), args.plot)
    print(f"plot: {args.plot}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
