"""Metrics, checked against small examples computed by hand."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolver.evaluate import (
    bcubed_prf,
    coverage_at_precision,
    pairwise_prf,
    precision_at_coverage,
    prf,
    ranked_curve,
    threshold_curve,
)


def test_prf_counts_and_zero_denominators() -> None:
    r = prf(3, 1, 2)
    assert (r.precision, r.recall) == (0.75, 0.6)
    assert r.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert prf(0, 0, 0).f1 == 0.0


# gold {a,b,c} {d,e}; pred {a,b} {c,d,e}
GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
PRED = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}


def test_pairwise_by_hand() -> None:
    # gold pairs: ab ac bc de (4); pred pairs: ab cd ce de (4); common: ab de (2)
    r = pairwise_prf(PRED, GOLD)
    assert (r.tp, r.fp, r.fn) == (2, 2, 2)
    assert (r.precision, r.recall) == (0.5, 0.5)


def test_bcubed_by_hand() -> None:
    # precision per item: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3 → 4.666/5
    # recall per item:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2 → 3.666/5
    r = bcubed_prf(PRED, GOLD)
    assert r.precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert r.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_items_missing_on_one_side() -> None:
    pred = {"a": "x", "b": "x", "zz": "x"}  # c, d, e unresolved; zz has no truth
    r = pairwise_prf(pred, GOLD)
    assert (r.tp, r.fp, r.fn) == (1, 0, 3)  # ab found; ac bc de missed
    b = bcubed_prf(pred, GOLD)
    assert b.precision == 1.0  # unresolved items are singletons: precise
    assert b.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 2 + 1 / 2) / 5)
    ig = pairwise_prf(pred, GOLD, missing="ignore")
    assert (ig.tp, ig.fp, ig.fn) == (1, 0, 0)
    with pytest.raises(ValueError):
        pairwise_prf(pred, GOLD, missing="drop")  # type: ignore[arg-type]
    assert bcubed_prf({}, {}).f1 == 0.0


def test_perfect_and_all_in_one() -> None:
    assert pairwise_prf(GOLD, GOLD).f1 == 1.0 and bcubed_prf(GOLD, GOLD).f1 == 1.0
    one = {k: 0 for k in GOLD}
    assert pairwise_prf(one, GOLD).recall == 1.0
    assert bcubed_prf(one, GOLD).precision == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)


@given(
    st.dictionaries(st.integers(0, 12), st.integers(0, 3), min_size=1),
    st.lists(st.integers(0, 3), min_size=13, max_size=13),
)
def test_pairwise_matches_enumeration(gold: dict[int, int], labels: list[int]) -> None:
    pred = {i: labels[i] for i in gold}
    tp = fp = fn = 0
    for x, y in itertools.combinations(sorted(gold), 2):
        same_p, same_g = pred[x] == pred[y], gold[x] == gold[y]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    r = pairwise_prf(pred, gold)
    assert (r.tp, r.fp, r.fn) == (tp, fp, fn)


def test_threshold_curve_by_hand() -> None:
    scores = [99, 95, 91, 80, None]
    correct = [True, True, False, True, False]
    pts = {p.threshold: p for p in threshold_curve(scores, correct, [100, 95, 90, 0])}
    assert pts[100].kept == 0 and pts[100].precision == 0.0
    assert (pts[95].precision, pts[95].coverage, pts[95].recall) == (1.0, 0.4, 0.4)
    assert pts[90].precision == pytest.approx(2 / 3) and pts[90].coverage == 0.6
    assert (pts[0].kept, pts[0].correct, pts[0].recall) == (4, 3, 0.6)
    assert threshold_curve([90], [True], [50], total=4)[0].recall == 0.25
    with pytest.raises(ValueError):
        threshold_curve([1], [], [0])


def test_ranked_curve_is_the_threshold_curve_at_every_score() -> None:
    scores = [0.99, 0.95, 0.95, 0.8, 0.6, None]
    correct = [True, True, False, True, False, False]
    pts = ranked_curve(scores, correct)
    assert [p.threshold for p in pts] == [0.99, 0.95, 0.8, 0.6]  # ties are kept or dropped together
    assert pts == threshold_curve(scores, correct, [0.99, 0.95, 0.8, 0.6])
    best = coverage_at_precision(pts, 0.75)
    assert best is not None and (best.threshold, best.coverage) == (0.8, 4 / 6)
    assert coverage_at_precision(pts, 1.0) == pts[0]
    assert coverage_at_precision(ranked_curve([0.5], [False]), 0.5) is None
    at_half = precision_at_coverage(pts, 0.5)
    assert at_half is not None and at_half.threshold == 0.95 and at_half.precision == pytest.approx(2 / 3)
    assert precision_at_coverage(pts, 0.9) is None  # the linker never covers 90 %


@given(st.lists(st.tuples(st.sampled_from([None, 0.1, 0.5, 0.9]), st.booleans()), max_size=30))
def test_ranked_curve_matches_threshold_curve(pairs: list[tuple[float | None, bool]]) -> None:
    scores, correct = [s for s, _ in pairs], [c for _, c in pairs]
    pts = ranked_curve(scores, correct)
    assert pts == threshold_curve(scores, correct, [p.threshold for p in pts])
