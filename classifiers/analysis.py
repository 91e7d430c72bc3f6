"""LF report, like Snorkel's ``LFAnalysis``: coverage, overlaps, conflicts, empirical accuracy, balance.

Computed with numpy on the dense label matrix (Snorkel's version goes through scipy.sparse and is
slower on millions of rows); the numbers match its definitions:

- coverage: share of rows the LF labels;
- overlaps: share of rows it labels where another LF also votes;
- conflicts: share of rows it labels where another LF votes a *different* class;
- correct / incorrect / emp_acc: against gold labels, on the rows it labels that have gold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from classifiers.lf.core import ABSTAIN


def lf_summary(
    L: np.ndarray,
    names: Sequence[str],
    classes: Sequence[str],
    gold: np.ndarray | None = None,
    failures: dict[str, int] | None = None,
) -> pd.DataFrame:
    """One row per LF. ``gold``: class index per row, ABSTAIN where unknown."""
    L = np.asarray(L)
    voted = L != ABSTAIN
    n_votes = voted.sum(axis=1)
    rows = []
    for j, name in enumerate(names):
        col = L[:, j]
        hit = voted[:, j]
        others = voted.copy()
        others[:, j] = False
        conflict = hit & (others & (L != col[:, None])).any(axis=1)
        polarity = sorted({classes[int(v)] for v in np.unique(col[hit])})
        rec = {
            "lf": name,
            "polarity": ",".join(polarity),
            "coverage": float(hit.mean()) if len(L) else 0.0,
            "overlaps": float((hit & (n_votes > 1)).mean()) if len(L) else 0.0,
            "conflicts": float(conflict.mean()) if len(L) else 0.0,
        }
        if gold is not None:
            known = hit & (gold != ABSTAIN)
            correct = int((col[known] == gold[known]).sum())
            rec |= {
                "correct": correct,
                "incorrect": int(known.sum()) - correct,
                "emp_acc": correct / int(known.sum()) if known.any() else float("nan"),
            }
        rec["failures"] = int((failures or {}).get(name, 0))
        rows.append(rec)
    return pd.DataFrame(rows)


def totals(L: np.ndarray) -> dict[str, float]:
    """Share of rows covered by at least one LF, with overlaps, and with conflicts."""
    L = np.asarray(L)
    if L.size == 0:
        return {"rows": len(L), "coverage": 0.0, "overlap": 0.0, "conflict": 0.0}
    voted = L != ABSTAIN
    lo = np.where(voted, L, np.iinfo(np.int64).max).min(axis=1)
    hi = np.where(voted, L, -1).max(axis=1)
    return {
        "rows": len(L),
        "coverage": float(voted.any(axis=1).mean()),
        "overlap": float((voted.sum(axis=1) > 1).mean()),
        "conflict": float((voted.any(axis=1) & (lo != hi)).mean()),
    }


def class_balance(probs: np.ndarray, classes: Sequence[str], covered: np.ndarray | None = None) -> dict[str, float]:
    """Expected class shares under the label model (over covered rows when given)."""
    p = probs if covered is None else probs[covered]
    if len(p) == 0:
        return dict.fromkeys(classes, 0.0)
    return {c: float(v) for c, v in zip(classes, p.mean(axis=0), strict=True)}
