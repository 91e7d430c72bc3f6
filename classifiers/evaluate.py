"""Per-class and macro precision / recall / F1 and the confusion matrix against gold labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class ClassMetrics:
    """Scores of one class."""

    precision: float
    recall: float
    f1: float
    support: int
    """Gold items of this class."""


@dataclass
class EvalReport:
    """How predictions compare with gold labels."""

    n: int
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_class: dict[str, ClassMetrics] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    """Rows: gold class, columns: predicted class, in ``labels`` order."""

    def to_dict(self) -> dict[str, object]:
        """JSON-able form (stored as model metrics)."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_precision": self.macro_precision,
            "macro_recall": self.macro_recall,
            "macro_f1": self.macro_f1,
            "per_class": {k: vars(v) for k, v in self.per_class.items()},
            "labels": self.labels,
            "confusion": self.confusion,
        }

    def format(self) -> str:
        """A plain-text table: per-class P/R/F1 then the confusion matrix."""
        lines = [f"{'class':<14}{'prec':>7}{'recall':>8}{'f1':>7}{'n':>7}"]
        for name, m in self.per_class.items():
            lines.append(f"{name:<14}{m.precision:>7.3f}{m.recall:>8.3f}{m.f1:>7.3f}{m.support:>7}")
        lines.append(
            f"{'macro':<14}{self.macro_precision:>7.3f}{self.macro_recall:>8.3f}{self.macro_f1:>7.3f}{self.n:>7}"
        )
        lines.append(f"accuracy {self.accuracy:.3f}")
        lines.append("confusion (rows gold, columns predicted):")
        short = [lab[:6] for lab in self.labels]
        lines.append(" " * 14 + "".join(f"{s:>7}" for s in short))
        for lab, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"{lab:<14}" + "".join(f"{v:>7}" for v in row))
        return "\n".join(lines)


def evaluate(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> EvalReport:
    """Compare ``predicted`` with ``gold`` (class ids). Macro averages run over classes present in gold."""
    g = np.asarray(list(gold), dtype=object)
    p = np.asarray(list(predicted), dtype=object)
    if labels is None:
        labels = sorted(set(g) | set(p))
    labels = list(labels)
    extra = sorted((set(g) | set(p)) - set(labels))
    labels += extra
    idx = {lab: i for i, lab in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    for a, b in zip(g, p, strict=True):
        cm[idx[a], idx[b]] += 1
    per: dict[str, ClassMetrics] = {}
    for lab, i in idx.items():
        tp, fp, fn = cm[i, i], cm[:, i].sum() - cm[i, i], cm[i, :].sum() - cm[i, i]
        support = int(cm[i, :].sum())
        if support == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = ClassMetrics(float(prec), float(rec), float(f1), support)
    n = int(cm.sum())
    return EvalReport(
        n=n,
        accuracy=float(np.trace(cm) / n) if n else 0.0,
        macro_precision=float(np.mean([m.precision for m in per.values()])) if per else 0.0,
        macro_recall=float(np.mean([m.recall for m in per.values()])) if per else 0.0,
        macro_f1=float(np.mean([m.f1 for m in per.values()])) if per else 0.0,
        per_class=per,
        labels=labels,
        confusion=cm.tolist(),
    )
