"""The promotion gate: scores on gold labels, the decision and its reasons, real end models compared."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.frames import prepare
from classifiers.model import EndModel
from classifiers.promotion import Gate, calibration, decide, evaluate_probs, validate

from .conftest import make_page_frame


def test_calibration() -> None:
    y = np.array([0, 1, 1, 0])
    perfect = np.eye(2)[y]
    assert calibration(perfect, y) == {"ece": 0.0, "brier": 0.0}
    over = np.array([[0.99, 0.01]] * 4)
    assert calibration(over, y)["ece"] == pytest.approx(0.49, abs=1e-6)


def test_decide() -> None:
    classes = ("a", "b")
    y = np.array([0] * 30 + [1] * 30)
    good = evaluate_probs(np.eye(2)[y] * 0.8 + 0.1, y, classes)
    bad_b = evaluate_probs(np.eye(2)[np.r_[y[:30], [0] * 18, [1] * 12]] * 0.8 + 0.1, y, classes)
    d = decide(good, bad_b, Gate())
    assert d.promote and any("macro-F1" in r for r in d.reasons)
    assert d.candidate == good and d.current == bad_b
    d = decide(bad_b, good, Gate())
    assert not d.promote and any("per-class F1 dropped" in r for r in d.reasons)
    assert decide(good, None, Gate()).promote
    d = decide({"n": 3, "macro_f1": 1.0}, good, Gate())
    assert not d.promote and "cannot validate" in d.reasons[0]
    # nothing to compare with: promoted whatever the gold count (a target without a model gets one)
    d = decide({"n": 3, "macro_f1": 0.5}, None, Gate())
    assert d.promote and d.reasons == ["no current model; candidate macro-F1 0.500 on 3 held-out labels"]
    # the tolerance: a candidate 0.005 worse passes the default gate, not a gate without tolerance
    slightly_worse = {**good, "macro_f1": good["macro_f1"] - 0.005}
    assert decide(slightly_worse, good, Gate()).promote
    assert not decide(slightly_worse, good, Gate(tolerance=0.0)).promote


def test_validate_scores_both_models_on_the_same_gold_rows() -> None:
    frame, gold = make_page_frame(8)
    frame = prepare(frame)
    classes = tuple(sorted(set(gold)))
    y = np.array([classes.index(g) for g in gold])
    good = EndModel.fit(frame, y, classes=classes)
    noisy = EndModel.fit(frame, np.random.default_rng(0).permutation(y), classes=classes)
    d = validate(good, noisy, frame, y, Gate())
    assert d.promote and d.candidate is not None and d.current is not None
    assert d.candidate["n"] == d.current["n"] == len(y) and d.candidate["macro_f1"] > d.current["macro_f1"]
    assert not validate(noisy, good, frame, y, Gate()).promote
    assert validate(noisy, None, frame, y, Gate()).promote
    other = EndModel.fit(frame, y % 2, classes=("a", "b"))  # trained on another taxonomy: no comparison
    d = validate(noisy, other, frame, y, Gate())
    assert d.promote and d.current is None and "classes differ" in d.reasons[0]
    d = validate(good, noisy, frame.iloc[:0], y[:0], Gate())  # no gold rows: nothing validated, nothing promoted
    assert not d.promote and "only 0 held-out gold labels" in d.reasons[0]
