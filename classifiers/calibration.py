"""Calibration: a class probability should be the probability of being right.

:func:`calibration` (expected calibration error and Brier score) and :func:`reliability` (the bins of a plot)
measure it; :func:`fit_temperature` / :func:`apply_temperature` fix it with one parameter fitted on gold, which
keeps the ranking of classes; :func:`cross_fitted_temperature` calibrates each fold on the others, so figures
on the gold it was fitted on stay honest. Why temperature scaling: docs/classify.md.

Example::

    t = fit_temperature(oof_probs, y)
    calibration(apply_temperature(probs, t), y)   # {"ece": 0.03, "brier": 0.21}
"""

from __future__ import annotations

import numpy as np

__all__ = ["apply_temperature", "calibration", "cross_fitted_temperature", "fit_temperature", "reliability"]

_EPS = 1e-12


def calibration(probs: np.ndarray, y: np.ndarray, n_bins: int = 10) -> dict[str, float]:
    """Expected calibration error (top-class confidence vs accuracy, equal-width bins) and Brier score."""
    probs = np.asarray(probs, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if not len(y):
        return {"ece": float("nan"), "brier": float("nan")}
    ece = sum(b["n"] * abs(b["accuracy"] - b["confidence"]) for b in reliability(probs, y, n_bins)) / len(y)
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(y)), y] = 1.0
    brier = float(((probs - onehot) ** 2).sum(axis=1).mean())
    return {"ece": float(ece), "brier": brier}


def reliability(probs: np.ndarray, y: np.ndarray, n_bins: int = 10) -> list[dict[str, float]]:
    """Per non-empty confidence bin: its lower edge, items, mean confidence and accuracy."""
    probs = np.asarray(probs, dtype=np.float64)
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == np.asarray(y)).astype(float)
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    out = []
    for b in range(n_bins):
        m = bins == b
        if m.any():
            out.append(
                {
                    "low": b / n_bins,
                    "n": int(m.sum()),
                    "confidence": float(conf[m].mean()),
                    "accuracy": float(correct[m].mean()),
                }
            )
    return out


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log(probs) / temperature)``: > 1 softens over-confident probabilities, < 1 sharpens."""
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 1.0 or not len(probs):
        return probs
    z = np.log(np.clip(probs, _EPS, 1.0)) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(probs: np.ndarray, y: np.ndarray, bounds: tuple[float, float] = (0.05, 20.0)) -> float:
    """The temperature minimising the negative log-likelihood of gold classes ``y`` (1.0 without gold)."""
    from scipy.optimize import minimize_scalar

    probs = np.asarray(probs, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if len(y) < 2:
        return 1.0
    logp = np.log(np.clip(probs, _EPS, 1.0))

    def nll(log_t: float) -> float:
        z = logp / np.exp(log_t)
        z -= z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(z).sum(axis=1))
        return float((log_norm - z[np.arange(len(y)), y]).mean())

    res = minimize_scalar(nll, bounds=(np.log(bounds[0]), np.log(bounds[1])), method="bounded")
    return round(float(np.exp(res.x)), 4)


def cross_fitted_temperature(probs: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """``probs`` calibrated fold by fold, each with a temperature fitted on the other folds only."""
    probs = np.asarray(probs, dtype=np.float64)
    out = probs.copy()
    for k in np.unique(folds):
        held = folds == k
        if held.all():
            continue
        out[held] = apply_temperature(probs[held], fit_temperature(probs[~held], y[~held]))
    return out
