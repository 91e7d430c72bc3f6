"""Per-class and macro precision / recall / F1 and the confusion matrix against gold labels.

The scores come from scikit-learn; what it does not compute (pairwise and B-cubed clustering scores,
threshold curves of a linker) is in :mod:`resolver.evaluate`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support


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
    """Compare ``predicted`` with ``gold`` (class ids). Macro averages run over classes present in gold.

    Per-class scores and the confusion matrix are scikit-learn's; a score with a zero denominator is 0.0.

    >>> rep = evaluate(["a", "a", "b"], ["a", "b", "b"])
    >>> rep.per_class["a"].recall, rep.per_class["b"].precision, rep.confusion
    (0.5, 0.5, [[1, 1], [0, 1]])
    """
    g, p = list(gold), list(predicted)
    if len(g) != len(p):
        raise ValueError(f"gold has {len(g)} labels, predicted {len(p)}")
    seen = set(g) | set(p)
    labels = sorted(seen) if labels is None else list(labels)
    labels += sorted(seen - set(labels))
    if not g:
        return EvalReport(0, 0.0, 0.0, 0.0, 0.0, labels=labels, confusion=[[0] * len(labels) for _ in labels])
    with warnings.catch_warnings():  # every label is passed: a 1×1 matrix is the right shape for one class
        warnings.filterwarnings("ignore", "A single label was found", UserWarning)
        cm = confusion_matrix(g, p, labels=labels)
    present = [lab for lab, row in zip(labels, cm, strict=True) if row.sum()]
    prec, rec, f1, support = precision_recall_fscore_support(g, p, labels=present, zero_division=0.0)
    per = {
        lab: ClassMetrics(float(a), float(b), float(c), int(n))
        for lab, a, b, c, n in zip(present, prec, rec, f1, support, strict=True)
    }
    return EvalReport(
        n=len(g),
        accuracy=float(accuracy_score(g, p)),
        macro_precision=float(prec.mean()),
        macro_recall=float(rec.mean()),
        macro_f1=float(f1.mean()),
        per_class=per,
        labels=labels,
        confusion=cm.tolist(),
    )
