"""Retraining with a validation gate: held-out gold split, candidate-vs-current comparison, the decision.

Pure functions; ``orgmap.stages.drift.retrain`` reads the store, trains the candidate through
``orgmap.stages.classify.train`` and records what :func:`decide` says in ``retrain_decisions`` and in the
registry's ``models.note``.

The gate compares both models on the **same held-out gold labels** (never used to train the candidate):

- macro-F1: candidate >= current - tolerance;
- per-class F1: no class with enough held-out support loses more than ``per_class_tolerance``;
- probabilities: the Brier score (a proper scoring rule: accuracy and calibration together) rises by at
  most ``calibration_tolerance``; expected calibration error (ECE, 10 bins) is reported alongside. ECE
  alone would block a far more accurate candidate whose confidence is a little less calibrated.

Example::

    >>> ok, reasons = decide(evaluate_probs(p_new, y, classes), evaluate_probs(p_old, y, classes), Gate())
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifiers.evaluate import evaluate

ABSTAIN = -1


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
    """Held-out labels a class needs before its F1 can block a promotion (with 6 labels, one error moves
    F1 by ~0.1: small classes would veto any candidate)."""
    min_gold: int = 10
    """Fewest held-out gold labels a decision needs."""


def holdout_ids(item_ids: Iterable[str], share: float, salt: str = "orgmap-holdout") -> set[str]:
    """A stable share of ``item_ids`` kept for validation: the same item is held out in every retrain."""
    cut = int(share * 2**32)
    return {i for i in item_ids if int.from_bytes(hashlib.sha1(f"{salt}|{i}".encode()).digest()[:4], "big") < cut}


def calibration(probs: np.ndarray, y: np.ndarray, n_bins: int = 10) -> dict[str, float]:
    """Expected calibration error (top-class confidence vs accuracy, equal-width bins) and Brier score."""
    probs = np.asarray(probs, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if not len(y):
        return {"ece": float("nan"), "brier": float("nan")}
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == y).astype(float)
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        m = bins == b
        if m.any():
            ece += m.mean() * abs(correct[m].mean() - conf[m].mean())
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(y)), y] = 1.0
    brier = float(((probs - onehot) ** 2).sum(axis=1).mean())
    return {"ece": float(ece), "brier": brier}


def evaluate_probs(probs: np.ndarray, y: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy, per-class F1 (with support), ECE and Brier of ``probs`` on gold class indices ``y``."""
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


def decide(candidate: Mapping[str, Any], current: Mapping[str, Any] | None, gate: Gate) -> tuple[bool, list[str]]:
    """Promote or not, with every reason (all checks run, so the record says everything that failed)."""
    n = int(candidate.get("n", 0))
    if n < gate.min_gold:
        return False, [f"only {n} held-out gold labels (< {gate.min_gold}): cannot validate; label more"]
    if current is None:
        return True, [f"no current model; candidate macro-F1 {candidate['macro_f1']:.3f} on {n} held-out labels"]
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
    return ok, reasons


def data_state(con: Any) -> dict[str, Any]:
    """What scheduled retraining compares with its last run: newest batch, gold count, newest gold label."""
    max_run, n_pages = con.execute("select max(run_id), count(*) from pages").fetchone()
    n_gold, last_gold = con.execute("select count(*), max(annotated_at) from gold_labels").fetchone()
    return {
        "max_run": max_run,
        "n_pages": int(n_pages),
        "n_gold": int(n_gold),
        "last_gold_at": str(last_gold) if last_gold is not None else None,
    }


def has_new_data(previous: Mapping[str, Any] | None, now: Mapping[str, Any]) -> bool:
    """True when pages or gold labels arrived since ``previous`` (None: never retrained)."""
    if previous is None:
        return True
    return any(previous.get(k) != now.get(k) for k in ("max_run", "n_pages", "n_gold", "last_gold_at"))
