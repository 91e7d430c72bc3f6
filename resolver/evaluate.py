"""Clustering and linking metrics scikit-learn lacks: P/R/F1 from counts, pairwise and B-cubed, threshold curves.

A clustering maps item → cluster label; labels are only compared for equality, so predicted and gold labels
need not share a vocabulary. A classifier's per-class scores come from scikit-learn (:mod:`classifiers.evaluate`).

Example::

    >>> gold, pred = {"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "y", "c": "y"}
    >>> pairwise_prf(pred, gold)
    PRF(precision=0.0, recall=0.0, f1=0.0, tp=0, fp=1, fn=1)
    >>> round(bcubed_prf(pred, gold).f1, 3)
    0.667
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

__all__ = ["PRF", "CurvePoint", "bcubed_prf", "pairwise_prf", "prf", "threshold_curve"]

Missing = Literal["singleton", "ignore"]
K = TypeVar("K", bound=Hashable)
"""An evaluated item (a domain, a name id): the key of both clusterings."""


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 (0.0 where undefined), with the counts behind them."""

    precision: float
    recall: float
    f1: float
    tp: float = 0
    """True positives (pairs for pairwise scores, items for linking; absent for B-cubed)."""
    fp: float = 0
    fn: float = 0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def prf(tp: float, fp: float, fn: float) -> PRF:
    """P/R/F1 from counts; a ratio with a zero denominator is 0.0 (nothing predicted, nothing to find).

    >>> prf(8, 2, 8)
    PRF(precision=0.8, recall=0.5, f1=0.6153846153846154, tp=8, fp=2, fn=8)
    """
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return PRF(p, r, _f1(p, r), tp, fp, fn)


def _aligned(
    pred: Mapping[K, Hashable], gold: Mapping[K, Hashable], missing: Missing
) -> list[tuple[Hashable, Hashable]]:
    """(pred label, gold label) per evaluated item; unresolved items get a label of their own."""
    if missing not in ("singleton", "ignore"):
        raise ValueError(f"missing must be 'singleton' or 'ignore', not {missing!r}")
    out: list[tuple[Hashable, Hashable]] = []
    for item, g in gold.items():
        if item in pred:
            out.append((("p", pred[item]), g))
        elif missing == "singleton":
            out.append((("unresolved", item), g))
    return out


def _c2(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_prf(pred: Mapping[K, Hashable], gold: Mapping[K, Hashable], *, missing: Missing = "singleton") -> PRF:
    """Pairwise P/R/F1: over all pairs of items, "same cluster" predicted vs. true.

    Gold decides what is evaluated. An item in ``gold`` but not in ``pred`` was not resolved: it counts as
    a predicted cluster of its own (found with nothing, which costs recall, never precision). An item in
    ``pred`` but not in ``gold`` has no truth and is ignored. ``missing="ignore"`` evaluates only the items
    present on both sides. Counted from the contingency table in O(items), never by enumerating pairs.
    """
    pairs = _aligned(pred, gold, missing)
    both = Counter(pairs)
    by_pred = Counter(p for p, _ in pairs)
    by_gold = Counter(g for _, g in pairs)
    tp = sum(_c2(n) for n in both.values())
    pred_pairs = sum(_c2(n) for n in by_pred.values())
    gold_pairs = sum(_c2(n) for n in by_gold.values())
    return prf(tp, pred_pairs - tp, gold_pairs - tp)


def bcubed_prf(pred: Mapping[K, Hashable], gold: Mapping[K, Hashable], *, missing: Missing = "singleton") -> PRF:
    """B-cubed P/R/F1 (Bagga & Baldwin), averaged over items.

    Per item: the share of its predicted cluster that truly belongs with it (precision) and the share of
    its true cluster found with it (recall). Unlike pairwise scores, large clusters do not dominate.
    F1 is the harmonic mean of the averages. Items missing on one side count as in :func:`pairwise_prf`.
    """
    pairs = _aligned(pred, gold, missing)
    if not pairs:
        return PRF(0.0, 0.0, 0.0)
    both = Counter(pairs)
    by_pred = Counter(p for p, _ in pairs)
    by_gold = Counter(g for _, g in pairs)
    # every item in cell (p, g) has |p ∩ g| = n correct companions (itself included)
    precision = sum(n * n / by_pred[p] for (p, _), n in both.items()) / len(pairs)
    recall = sum(n * n / by_gold[g] for (_, g), n in both.items()) / len(pairs)
    return PRF(precision, recall, _f1(precision, recall))


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Linking quality when only predictions scoring ``threshold`` or more are kept."""

    threshold: float
    precision: float
    """Correct among kept predictions."""
    coverage: float
    """Kept predictions among all items (how much gets linked at all)."""
    recall: float
    """Correct kept predictions among all items (= accuracy when unlinked counts as wrong)."""
    f1: float
    kept: int
    correct: int


def threshold_curve(
    scores: Sequence[float | None],
    correct: Sequence[bool],
    thresholds: Iterable[float],
    *,
    total: int | None = None,
) -> list[CurvePoint]:
    """Precision / coverage / recall / F1 per threshold for a linker's best guesses.

    ``scores[i]`` is the score of item i's best prediction (None: no prediction) and ``correct[i]``
    whether that prediction is right. ``total`` is the number of items to link (default ``len(scores)``;
    pass more when some items are not in ``scores`` at all).

    >>> pts = threshold_curve([95, 80, None], [True, False, False], [90, 70])
    >>> [(p.threshold, p.precision, p.coverage) for p in pts]
    [(90, 1.0, 0.3333333333333333), (70, 0.5, 0.6666666666666666)]
    """
    if len(scores) != len(correct):
        raise ValueError("scores and correct must have the same length")
    n = len(scores) if total is None else total
    by_score: dict[float, list[bool]] = defaultdict(list)
    for s, c in zip(scores, correct, strict=True):
        if s is not None:
            by_score[s].append(bool(c))
    points = []
    for t in thresholds:
        kept = [c for s, cs in by_score.items() if s >= t for c in cs]
        k, ok = len(kept), sum(kept)
        p = ok / k if k else 0.0
        r = ok / n if n else 0.0
        points.append(CurvePoint(t, p, k / n if n else 0.0, r, _f1(p, r), k, ok))
    return points


def ranked_curve(
    scores: Sequence[float | None], correct: Sequence[bool], *, total: int | None = None
) -> list[CurvePoint]:
    """:func:`threshold_curve` at every distinct score, highest first: the whole precision/coverage curve.

    >>> pts = ranked_curve([0.9, 0.9, 0.5, None], [True, True, False, False])
    >>> [(p.threshold, p.precision, p.coverage) for p in pts]
    [(0.9, 1.0, 0.5), (0.5, 0.6666666666666666, 0.75)]
    """
    if len(scores) != len(correct):
        raise ValueError("scores and correct must have the same length")
    n = len(scores) if total is None else total
    ranked = sorted(((s, bool(c)) for s, c in zip(scores, correct, strict=True) if s is not None), reverse=True)
    points, kept, ok = [], 0, 0
    for i, (s, c) in enumerate(ranked):
        kept, ok = kept + 1, ok + c
        if i + 1 == len(ranked) or ranked[i + 1][0] != s:
            p, r = ok / kept, ok / n if n else 0.0
            points.append(CurvePoint(s, p, kept / n if n else 0.0, r, _f1(p, r), kept, ok))
    return points


def coverage_at_precision(points: Sequence[CurvePoint], target: float) -> CurvePoint | None:
    """The widest-coverage point of a curve whose precision reaches ``target`` (None: none does)."""
    return max((p for p in points if p.precision >= target), key=lambda p: p.coverage, default=None)


def precision_at_coverage(points: Sequence[CurvePoint], coverage: float) -> CurvePoint | None:
    """The first point of a :func:`ranked_curve` whose coverage reaches ``coverage`` (None: it never does)."""
    return next((p for p in points if p.coverage >= coverage), None)
