"""One target, end to end over a prepared frame: LFs → label model → end model → predictions.

Pure functions over DataFrames (no database): ``orgmap.stages.classify`` and ``orgmap train`` feed them
frames read from the store; tests and the evaluation harness feed hand-made or generated frames.

Example::

    tax = load_taxonomy()
    weak = weak_labels(frame, tax, "page")
    fit = train_end_model(frame, weak, tax, "page")
    out = predict(frame, weak, fit.model)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from classifiers.analysis import class_balance, lf_summary, totals
from classifiers.apply import AppliedLFs, apply_lfs
from classifiers.calibration import apply_temperature, cross_fitted_temperature, fit_temperature
from classifiers.evaluate import evaluate
from classifiers.lf import ABSTAIN, LF, build_lfs
from classifiers.model import EndModel, LabelModelResult, fit_label_model
from classifiers.model.label_model import apply_overrides
from classifiers.taxonomy import Taxonomy


@dataclass
class WeakLabels:
    """LF votes and the label model's view of one frame."""

    target: str
    classes: tuple[str, ...]
    lfs: list[LF]
    applied: AppliedLFs
    label_model: LabelModelResult

    def lf_set(self) -> list[dict[str, Any]]:
        """The LFs as stored in the model registry."""
        return [{"name": lf.name, "kind": lf.kind, "label": lf.label} for lf in self.lfs]

    def report(self, gold: np.ndarray | None = None) -> pd.DataFrame:
        """LF summary (coverage, overlaps, conflicts, empirical accuracy where gold exists)."""
        return lf_summary(self.applied.L, self.applied.names, self.classes, gold, self.applied.failures)

    def summary(self) -> dict[str, Any]:
        """Coverage totals and the label model's class balance."""
        lm = self.label_model
        return {
            **totals(self.applied.L),
            "method": lm.method,
            "class_balance": class_balance(lm.probs, self.classes, lm.covered),
        }


@dataclass
class FitResult:
    """A trained end model and how it was trained."""

    model: EndModel
    n_train: int
    n_gold_train: int
    metrics: dict[str, Any] = field(default_factory=dict)


def weak_labels(
    frame: pd.DataFrame,
    taxonomy: Taxonomy,
    target: str,
    *,
    lfs: list[LF] | None = None,
    method: str = "snorkel",
    seed: int = 0,
    n_epochs: int = 300,
) -> WeakLabels:
    """Apply the target's LFs (vectorized) to a prepared frame and fit the label model."""
    lfs = build_lfs(taxonomy, target) if lfs is None else lfs
    applied = apply_lfs(lfs, frame)
    weak = WeakLabels(
        target, taxonomy.classes(target), lfs, applied, LabelModelResult(np.zeros((0, 0)), np.zeros(0), "")
    )
    return refit_label_model(weak, method, seed=seed, n_epochs=n_epochs)


def refit_label_model(weak: WeakLabels, method: str, *, seed: int = 0, n_epochs: int = 300) -> WeakLabels:
    """The same LF votes combined by another label model (``snorkel`` or ``majority``); the LFs do not run again."""
    L = weak.applied.L
    lm = fit_label_model(L, len(weak.classes), weak.applied.names, method=method, seed=seed, n_epochs=n_epochs)
    override = [j for j, lf in enumerate(weak.lfs) if lf.override]
    if override:
        apply_overrides(lm, L[:, override])
    return WeakLabels(weak.target, weak.classes, weak.lfs, weak.applied, lm)


def training_fingerprint(
    frame: pd.DataFrame, weak: WeakLabels, gold: np.ndarray | None, params: Mapping[str, Any]
) -> str:
    """A sha256 of everything an end model is trained from: rows, LF votes, label-model labels, gold, settings.

    Equal fingerprints mean training again would give the same model (``orgmap resolve`` then reuses the
    version registered for it instead of training once more).
    """
    h = hashlib.sha256()
    h.update(
        json.dumps([weak.target, list(weak.classes), weak.lf_set(), dict(params)], sort_keys=True, default=str).encode()
    )
    h.update(pd.util.hash_pandas_object(frame[sorted(frame.columns)], index=False).to_numpy().tobytes())
    for a in (weak.applied.L, weak.label_model.probs, weak.label_model.confidence, gold):
        arr = np.ascontiguousarray(np.zeros(0) if a is None else a)
        h.update(str((arr.dtype.str, arr.shape)).encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def gold_indices(frame: pd.DataFrame, gold: pd.Series | dict[str, str] | None, classes: tuple[str, ...]) -> np.ndarray:
    """Gold class index per frame row (ABSTAIN where none): ``gold`` maps item_id → class id."""
    if gold is None or len(gold) == 0:
        return np.full(len(frame), ABSTAIN, dtype=np.int64)
    mapping = dict(gold)
    index = {c: i for i, c in enumerate(classes)}
    return np.fromiter(
        (index.get(mapping.get(i, ""), ABSTAIN) for i in frame["item_id"]), dtype=np.int64, count=len(frame)
    )


def train_end_model(
    frame: pd.DataFrame,
    weak: WeakLabels,
    *,
    gold: np.ndarray | None = None,
    train_on_gold: bool = False,
    min_confidence: float = 0.0,
    C: float = 4.0,
    weak_rows: np.ndarray | None = None,
    gold_weight: float = 5.0,
    balance_gold: bool = True,
) -> FitResult:
    """Train the end model on rows the LFs cover (weighted by label-model confidence), plus gold if asked.

    A gold row weighs ``gold_weight`` (a person's label is worth several weak ones); with ``balance_gold`` each
    gold row is also weighted inversely to its class's share of the gold, so that rare classes are learnt
    (macro-F1 counts every class alike). ``weak_rows`` (a boolean mask) limits the weakly labelled rows used
    (gold rows are always used).
    """
    lm = weak.label_model
    use = lm.covered & (lm.confidence >= min_confidence)
    if weak_rows is not None:
        use &= weak_rows
    y = lm.probs.argmax(axis=1)
    w = lm.confidence.copy()
    n_gold = 0
    if gold is not None and train_on_gold:
        g = gold != ABSTAIN
        y = np.where(g, gold, y)
        per_class = np.ones(len(weak.classes))
        if balance_gold and g.any():
            counts = np.bincount(gold[g], minlength=len(weak.classes))
            per_class = np.where(counts > 0, g.sum() / (len(weak.classes) * np.maximum(counts, 1)), 1.0)
        w = np.where(g, gold_weight * per_class[np.where(g, gold, 0)], w)
        n_gold = int(g.sum())
        use |= g
    idx = np.nonzero(use)[0]
    model = EndModel.fit(frame.iloc[idx], y[idx], classes=weak.classes, target=weak.target, sample_weight=w[idx], C=C)
    return FitResult(model, len(idx), n_gold)


@dataclass
class CrossValidation:
    """Out-of-fold probabilities of the end model on the gold rows: honest scores and a calibration."""

    rows: np.ndarray
    """Frame row of each gold item."""
    y: np.ndarray
    """Its gold class index."""
    folds: np.ndarray
    """Its fold."""
    probs: np.ndarray
    """End-model probabilities from a model trained without its fold's gold labels (gold rows × classes)."""
    calibrated: np.ndarray
    """``probs`` with a temperature fitted on the other folds (honest calibrated figures)."""
    temperature: float
    """The temperature fitted on every fold: the final model's calibration."""


def cross_validate(
    frame: pd.DataFrame,
    weak: WeakLabels,
    gold: np.ndarray,
    *,
    folds: int = 5,
    seed: int = 0,
    min_confidence: float = 0.0,
    C: float = 4.0,
    max_weak_rows: int = 50_000,
    gold_weight: float = 5.0,
    balance_gold: bool = True,
) -> CrossValidation | None:
    """Cross-validate end-model training over the gold rows (None with fewer than two gold labels).

    Each fold's model is trained as the final one is (weak labels, plus the gold labels of the other folds)
    and predicts its fold. On large frames each fold samples ``max_weak_rows`` weakly labelled rows.
    """
    rows = np.nonzero(gold != ABSTAIN)[0]
    if len(rows) < 2:
        return None
    k = int(min(folds, len(rows)))
    rng = np.random.default_rng(seed)
    fold = np.empty(len(rows), dtype=np.int64)
    fold[rng.permutation(len(rows))] = np.arange(len(rows)) % k
    weak_rows = sample_weak_rows(len(frame), max_weak_rows, seed)
    probs = np.zeros((len(rows), len(weak.classes)))
    for f in range(k):
        held = fold == f
        g = gold.copy()
        g[rows[held]] = ABSTAIN
        fit = train_end_model(
            frame, weak, gold=g, train_on_gold=True, min_confidence=min_confidence, C=C, weak_rows=weak_rows,
            gold_weight=gold_weight, balance_gold=balance_gold,
        )  # fmt: skip
        probs[held] = fit.model.predict_proba(frame.iloc[rows[held]])
    y = gold[rows]
    return CrossValidation(rows, y, fold, probs, cross_fitted_temperature(probs, y, fold), fit_temperature(probs, y))


PREDICT_ROWS = 10_000
"""Rows featurized and scored at once by :func:`predict`."""


def sample_weak_rows(n_rows: int, max_rows: int, seed: int = 0) -> np.ndarray | None:
    """A fixed random mask of ``max_rows`` of ``n_rows`` rows (None when all fit): bounds training memory."""
    if n_rows <= max_rows:
        return None
    mask = np.zeros(n_rows, dtype=bool)
    mask[np.random.default_rng(seed).choice(n_rows, max_rows, replace=False)] = True
    return mask


def predict(
    frame: pd.DataFrame, weak: WeakLabels, model: EndModel | None, *, label_model_temperature: float = 1.0
) -> pd.DataFrame:
    """One row per item: label, confidence, probs (JSON), source, evidence (JSON with LF votes).

    The end model's probabilities carry its own calibration; the label model's are calibrated with
    ``label_model_temperature`` when it labels alone.
    """
    classes = weak.classes
    if model is not None and tuple(model.classes) == tuple(classes):
        # in chunks: a row's features do not depend on the other rows, and the matrix of all rows can be large
        parts = [model.predict_proba(frame.iloc[i : i + PREDICT_ROWS]) for i in range(0, len(frame), PREDICT_ROWS)]
        probs = np.vstack(parts) if parts else np.zeros((0, len(classes)))
        source = "end_model"
    else:
        probs, source = apply_temperature(weak.label_model.probs, label_model_temperature), "label_model"
    best = probs.argmax(axis=1)
    lm = weak.label_model
    L, names = weak.applied.L, weak.applied.names
    evidence = []
    for i in range(len(frame)):
        votes = {names[j]: classes[int(L[i, j])] for j in np.nonzero(L[i] != ABSTAIN)[0]}
        lm_part = {"label": classes[int(lm.probs[i].argmax())], "p": round(float(lm.probs[i].max()), 4)}
        evidence.append(json.dumps({"lf": votes, "label_model": lm_part if lm.covered[i] else None}))
    return pd.DataFrame(
        {
            "item_id": frame["item_id"].to_numpy(),
            "label": np.asarray(classes, dtype=object)[best],
            "confidence": probs.max(axis=1),
            "probs": [json.dumps({c: round(float(p), 4) for c, p in zip(classes, row, strict=True)}) for row in probs],
            "source": source,
            "evidence": evidence,
        }
    )


def gold_metrics(pred_labels: pd.Series, frame: pd.DataFrame, gold: np.ndarray, classes: tuple[str, ...]) -> dict:
    """Macro P/R/F1 and confusion of ``pred_labels`` on the rows with gold (empty dict when none)."""
    g = gold != ABSTAIN
    if not g.any():
        return {}
    gold_names = np.asarray(classes, dtype=object)[gold[g]]
    return evaluate(gold_names, np.asarray(pred_labels)[g], list(classes)).to_dict()
