"""Label matrix → probabilistic labels, with Snorkel's LabelModel (majority vote when it cannot run).

torch runs on one thread: on small shared machines LabelModel is ~20× faster that way. LFs that never
fire are dropped before fitting (they carry no information and slow the fit). Snorkel needs at least
three LFs; with fewer active ones, or ``method="majority"``, votes are counted instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from classifiers.lf.core import ABSTAIN


@dataclass
class LabelModelResult:
    """Probabilistic labels for every row of a label matrix."""

    probs: np.ndarray
    """rows × classes; rows no LF covers hold the class balance (and ``covered`` is False)."""
    covered: np.ndarray
    """True where at least one LF voted."""
    method: str
    """``snorkel`` or ``majority``."""
    lf_weights: dict[str, float] = field(default_factory=dict)
    """Learned accuracy of each LF (Snorkel), for reports and the model registry."""

    @property
    def labels(self) -> np.ndarray:
        """Most probable class per row; ABSTAIN where no LF voted."""
        return np.where(self.covered, self.probs.argmax(axis=1), ABSTAIN)

    @property
    def confidence(self) -> np.ndarray:
        """Probability of the most probable class per row."""
        return self.probs.max(axis=1)


def fit_label_model(
    L: np.ndarray,
    cardinality: int,
    names: list[str] | None = None,
    *,
    method: str = "snorkel",
    seed: int = 0,
    n_epochs: int = 300,
    threads: int = 1,
    max_fit_rows: int = 200_000,
) -> LabelModelResult:
    """Fit a label model on ``L`` and return probabilistic labels for every row.

    The LabelModel has only LFs × classes parameters, so it is fitted on at most ``max_fit_rows`` covered
    rows (a seeded random sample); predictions are computed once per *distinct* vote pattern and broadcast
    (Snorkel builds a dense rows × (LFs·classes) matrix to predict: on 1M rows that is gigabytes).
    """
    L = np.asarray(L, dtype=np.int64)
    names = names or [f"lf{j}" for j in range(L.shape[1])]
    covered = (L != ABSTAIN).any(axis=1) if L.size else np.zeros(len(L), dtype=bool)
    active = (L != ABSTAIN).any(axis=0) if L.size else np.zeros(0, dtype=bool)
    La = L[:, active]
    active_names = [n for n, a in zip(names, active, strict=True) if a]
    if method in ("snorkel", "auto") and La.shape[1] >= 3 and covered.sum() >= 10:
        import torch
        from snorkel.labeling.model import LabelModel

        torch.set_num_threads(threads)
        model = LabelModel(cardinality=cardinality, verbose=False, device="cpu")
        Lc = La[covered]
        fit_rows = Lc
        if len(Lc) > max_fit_rows:
            pick = np.random.default_rng(seed).choice(len(Lc), max_fit_rows, replace=False)
            fit_rows = Lc[np.sort(pick)]
        model.fit(fit_rows, n_epochs=n_epochs, seed=seed, progress_bar=False, log_freq=n_epochs + 1)
        patterns, inverse = np.unique(Lc, axis=0, return_inverse=True)
        probs = np.full((len(L), cardinality), 1.0 / cardinality)
        probs[covered] = model.predict_proba(patterns)[inverse.ravel()]
        weights = dict(zip(active_names, (float(w) for w in model.get_weights()), strict=True))
        result = LabelModelResult(probs, covered, "snorkel", weights)
    else:
        result = LabelModelResult(majority_probs(L, cardinality), covered, "majority", {})
    balance = result.probs[covered].mean(axis=0) if covered.any() else np.full(cardinality, 1.0 / cardinality)
    result.probs[~covered] = balance
    return result


def apply_overrides(result: LabelModelResult, L_override: np.ndarray) -> int:
    """Where override LFs vote and agree, their class replaces the label model's; returns rows changed."""
    L_override = np.asarray(L_override)
    if L_override.size == 0:
        return 0
    voted = L_override != ABSTAIN
    lo = np.where(voted, L_override, np.iinfo(np.int64).max).min(axis=1)
    hi = np.where(voted, L_override, -1).max(axis=1)
    rows = np.nonzero(voted.any(axis=1) & (lo == hi))[0]
    result.probs[rows] = 0.0
    result.probs[rows, lo[rows]] = 1.0
    result.covered[rows] = True
    return len(rows)


def majority_probs(L: np.ndarray, cardinality: int) -> np.ndarray:
    """Vote shares per class (ties split evenly); uniform where no LF voted."""
    counts = np.zeros((len(L), cardinality))
    for j in range(L.shape[1]):
        col = L[:, j]
        hit = col != ABSTAIN
        np.add.at(counts, (np.nonzero(hit)[0], col[hit]), 1.0)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        probs = np.where(total > 0, counts / np.where(total == 0, 1, total), 1.0 / cardinality)
    return probs
