"""The promotion gate: whether a candidate model may replace the current one.

Both are scored on the same gold labels, never used to train the candidate; "current" is the promoted model,
or the label model alone. The checks (macro-F1, per-class F1, Brier score) and their tolerances are in
docs/classify.md and docs/drift.md.

    >>> y = np.array([0] * 10 + [1] * 10)
    >>> sharp = evaluate_probs(np.eye(2)[y] * 0.8 + 0.1, y, ("a", "b"))
    >>> vague = evaluate_probs(np.full((20, 2), 0.5), y, ("a", "b"))
    >>> decide(sharp, vague, Gate()).promote, decide(vague, sharp, Gate()).promote
    (True, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from classifiers.calibration import calibration

if TYPE_CHECKING:
    import pandas as pd

    from classifiers.model.end_model import EndModel


@dataclass(frozen=True)
class Gate:
    """When a candidate may replace the current model."""

    tolerance: float = 0.01
    """Macro-F1 the candidate may lose."""
    per_class_tolerance: float = 0.10
    """F1 any single class may lose."""
    calibration_tolerance: float = 0.02
    """Brier score the candidate may gain."""
    min_class_support: int = 20
    """Gold labels a class needs before its F1 can block a promotion (with 6 labels, one error moves F1 by
    ~0.1: small classes would veto any candidate)."""
    min_gold: int = 10
    """Fewest gold labels a decision needs."""


@dataclass(frozen=True)
class Decision:
    """Whether the candidate replaces the current model, and why."""

    promote: bool
    reasons: list[str]
    """Every check's outcome: all checks run, so the record says everything that failed."""
    candidate: dict[str, Any] | None = None
    """The candidate's scores on the gold labels (:func:`evaluate_probs`)."""
    current: dict[str, Any] | None = None
    """The current model's scores on the same labels (None: no model to compare with)."""


def evaluate_probs(probs: np.ndarray, y: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy, per-class F1 (with support), ECE and Brier of ``probs`` on gold class indices ``y``."""
    from classifiers.evaluate import evaluate  # scikit-learn: not imported with the Gate settings embed

    y = np.asarray(y, dtype=np.int64)
    names = np.asarray(classes, dtype=object)
    rep = evaluate(names[y], names[np.asarray(probs).argmax(axis=1)], list(classes))
    support = {c: int(n) for c, n in zip(classes, np.bincount(y, minlength=len(classes)), strict=True) if n}
    return {
        "n": int(len(y)),
        "macro_f1": rep.macro_f1,
        "accuracy": rep.accuracy,
        "per_class_f1": {c: round(rep.per_class[c].f1, 4) for c in support if c in rep.per_class},
        "support": support,
        **calibration(probs, y),
    }


def decide(candidate: Mapping[str, Any], current: Mapping[str, Any] | None, gate: Gate) -> Decision:
    """Promote or not, from both models' :func:`evaluate_probs` scores on the same gold labels."""
    n = int(candidate.get("n", 0))
    cand, cur = dict(candidate), dict(current) if current is not None else None
    if current is None:
        scored = f"candidate macro-F1 {candidate['macro_f1']:.3f} on {n} held-out labels" if n else "no held-out labels"
        return Decision(True, [f"no current model; {scored}"], cand, None)
    if n < gate.min_gold:
        return Decision(
            False, [f"only {n} held-out gold labels (< {gate.min_gold}): cannot validate; label more"], cand, cur
        )
    ok, reasons = True, []
    new, old = candidate["macro_f1"], current["macro_f1"]
    if new + gate.tolerance >= old:
        reasons.append(f"macro-F1 {new:.3f} >= current {old:.3f} - {gate.tolerance}")
    else:
        ok = False
        reasons.append(f"macro-F1 {new:.3f} < current {old:.3f} - {gate.tolerance}")
    worse = []
    for c, f_old in current.get("per_class_f1", {}).items():
        if candidate.get("support", {}).get(c, 0) < gate.min_class_support:
            continue
        f_new = candidate.get("per_class_f1", {}).get(c, 0.0)
        if f_new + gate.per_class_tolerance < f_old:
            worse.append(f"{c} {f_old:.3f}→{f_new:.3f}")
    if worse:
        ok = False
        reasons.append(f"per-class F1 dropped more than {gate.per_class_tolerance}: " + ", ".join(worse))
    else:
        reasons.append(f"no class lost more than {gate.per_class_tolerance} F1")
    b_new, b_old = candidate.get("brier", float("nan")), current.get("brier", float("nan"))
    ece = f"; ECE {candidate.get('ece', float('nan')):.3f} vs {current.get('ece', float('nan')):.3f}"
    if b_new <= b_old + gate.calibration_tolerance:
        reasons.append(f"Brier {b_new:.3f} <= current {b_old:.3f} + {gate.calibration_tolerance}{ece}")
    elif b_new == b_new:
        ok = False
        reasons.append(
            f"Brier {b_new:.3f} > current {b_old:.3f} + {gate.calibration_tolerance} (worse probabilities){ece}"
        )
    return Decision(ok, reasons, cand, cur)


def validate(candidate: EndModel, current: EndModel | None, frame: pd.DataFrame, y: np.ndarray, gate: Gate) -> Decision:
    """Score both models on the gold rows ``frame`` (classes ``y``, indices into the candidate's classes) and decide.

    A current model trained on other classes (the taxonomy changed) cannot be compared: the candidate is
    promoted, as with no current model.
    """
    classes = tuple(candidate.classes)
    cand = evaluate_probs(candidate.predict_proba(frame), y, classes) if len(y) else {"n": 0}
    if current is not None and tuple(current.classes) != classes:
        return Decision(True, ["the current model's classes differ from the taxonomy: no comparison possible"], cand)
    cur = None
    if current is not None:
        cur = evaluate_probs(current.predict_proba(frame), y, classes) if len(y) else {"n": 0}
    return decide(cand, cur, gate)
