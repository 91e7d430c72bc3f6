"""How labeling functions run: vectorized over a frame (default) or through Snorkel's PandasLFApplier.

Both return the label matrix ``L`` (rows × LFs, int, ABSTAIN = -1), the contract between stages.
Application is fault tolerant: an LF that raises on a row abstains there, and the failures are counted
per LF instead of aborting the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from classifiers.lf.core import ABSTAIN, LF

__all__ = ["AppliedLFs", "apply_lfs", "apply_lfs_snorkel"]


@dataclass
class AppliedLFs:
    """A label matrix and what went wrong producing it."""

    L: np.ndarray
    """rows × LFs, int64, ABSTAIN = -1."""
    names: list[str]
    """LF names, one per column."""
    failures: dict[str, int] = field(default_factory=dict)
    """Rows on which an LF raised (it abstained there), by LF name."""


CHUNK_ROWS = 4096
"""Rows :func:`apply_lfs` gives the LFs at once. The compiled rules keep lower-cased and joined copies of the
text fields of the rows they see (one per field combination), so whole frames of long-text rows would hold
gigabytes; chunks bound that, and a vote depends on its own row only."""


def apply_lfs(lfs: Sequence[LF], df: pd.DataFrame, chunk_rows: int = CHUNK_ROWS) -> AppliedLFs:
    """Apply ``lfs`` to a prepared frame, column by column (each LF's ``batch`` when it has one), in row chunks."""
    L = np.full((len(df), len(lfs)), ABSTAIN, dtype=np.int64)
    failures: dict[str, int] = {}
    for start in range(0, len(df), chunk_rows):
        part = df if len(df) <= chunk_rows else df.iloc[start : start + chunk_rows].reset_index(drop=True)
        rows = slice(start, start + len(part))
        for j, lf in enumerate(lfs):
            if lf.batch is not None:
                try:
                    L[rows, j] = lf.batch(part)
                    continue
                except Exception:  # noqa: BLE001 - a user LF bug must not stop the batch; retry row by row
                    pass
            col, failed = _rowwise(lf, part)
            L[rows, j] = col
            if failed:
                failures[lf.name] = failures.get(lf.name, 0) + failed
    return AppliedLFs(L, [lf.name for lf in lfs], failures)


def _rowwise(lf: LF, df: pd.DataFrame) -> tuple[np.ndarray, int]:
    out = np.full(len(df), ABSTAIN, dtype=np.int64)
    failed = 0
    cols = list(df.columns)
    for i, values in enumerate(df.itertuples(index=False, name=None)):
        try:
            out[i] = lf.row(pd.Series(values, index=cols))
        except Exception:  # noqa: BLE001 - counted, reported by `orgmap lf report`
            failed += 1
    return out, failed


def apply_lfs_snorkel(lfs: Sequence[LF], df: pd.DataFrame) -> AppliedLFs:
    """Apply ``lfs`` with Snorkel's ``PandasLFApplier`` (row by row; the reference implementation)."""
    from snorkel.labeling import PandasLFApplier

    L = PandasLFApplier([lf.to_snorkel() for lf in lfs]).apply(df, progress_bar=False)
    return AppliedLFs(np.asarray(L, dtype=np.int64).reshape(len(df), len(lfs)), [lf.name for lf in lfs], {})
