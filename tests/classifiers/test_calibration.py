"""Temperature scaling: one parameter, fitted on gold, that makes a probability the chance of being right."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.calibration import (
    apply_temperature,
    calibration,
    cross_fitted_temperature,
    fit_temperature,
    reliability,
)


def _overconfident(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three classes; the model is right 70 % of the time but says 0.97."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    pred = np.where(rng.random(n) < 0.7, y, (y + 1 + rng.integers(0, 2, n)) % 3)
    probs = np.full((n, 3), 0.015)
    probs[np.arange(n), pred] = 0.97
    return probs, y


def test_temperature_softens_an_overconfident_model_and_keeps_its_answers() -> None:
    probs, y = _overconfident()
    t = fit_temperature(probs, y)
    assert t > 1.5
    fixed = apply_temperature(probs, t)
    assert (fixed.argmax(axis=1) == probs.argmax(axis=1)).all()
    np.testing.assert_allclose(fixed.sum(axis=1), 1.0)
    assert calibration(fixed, y)["ece"] < 0.05 < calibration(probs, y)["ece"]
    assert fixed.max(axis=1).mean() == pytest.approx(0.7, abs=0.05)


def test_cross_fitted_temperature_calibrates_each_fold_from_the_others() -> None:
    probs, y = _overconfident(seed=1)
    folds = np.arange(len(y)) % 5
    out = cross_fitted_temperature(probs, y, folds)
    assert calibration(out, y)["ece"] < 0.06
    assert (out.argmax(axis=1) == probs.argmax(axis=1)).all()


def test_edge_cases_and_reliability_bins() -> None:
    assert fit_temperature(np.array([[0.9, 0.1]]), np.array([0])) == 1.0
    same = np.array([[0.6, 0.4]])
    assert apply_temperature(same, 1.0) is not None and np.allclose(apply_temperature(same, 1.0), same)
    bins = reliability(np.array([[0.95, 0.05], [0.55, 0.45], [0.51, 0.49]]), np.array([0, 1, 0]))
    assert [b["n"] for b in bins] == [2, 1] and bins[0]["accuracy"] == 0.5 and bins[1]["confidence"] == 0.95
    assert calibration(np.zeros((0, 2)), np.zeros(0, dtype=int))["ece"] != calibration(same, np.array([0]))["ece"]
