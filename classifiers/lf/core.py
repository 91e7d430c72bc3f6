"""What a labeling function is in orgmap.

An :class:`LF` votes one class index for a data point or abstains (:data:`ABSTAIN` = -1). It carries
two implementations that must agree: ``row`` for one data point (a pandas row, as Snorkel's
``PandasLFApplier`` passes it) and, optionally, ``batch`` for a whole frame at once (what
:func:`classifiers.apply.apply_lfs` uses; ~100× faster than row-wise pandas). A test checks the two
give identical label matrices for every built-in rule kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

ABSTAIN = -1


@dataclass(frozen=True)
class LF:
    """A named labeling function for one target."""

    name: str
    """Unique within its target; shown in reports and in ``labels.evidence``."""
    target: str
    """page, domain or org."""
    kind: str
    """Rule kind (keyword, regex, tld, ...) or ``python`` for user functions."""
    row: Callable[[Any], int]
    """Label of one data point (class index or ABSTAIN)."""
    batch: Callable[[pd.DataFrame], np.ndarray] | None = None
    """Labels of a whole prepared frame as an int array; None: the applier falls back to ``row``."""
    label: str | None = None
    """The class it votes for when it has a single one (None for aggregation LFs)."""
    override: bool = False
    """Where it votes, its class replaces the label model's (see ``override`` in the taxonomy file)."""

    def __call__(self, x: Any) -> int:
        """Label one data point."""
        return self.row(x)

    def to_snorkel(self) -> Any:
        """The same LF as a Snorkel ``LabelingFunction`` (for ``PandasLFApplier`` and ``LFAnalysis``)."""
        from snorkel.labeling import LabelingFunction

        return LabelingFunction(self.name, f=self.row)
