"""The active-learning curve on a domain frame, as ``benchmarks.al_curve --real`` runs it on the real dev gold."""

from __future__ import annotations

import numpy as np

from benchmarks.al_curve import curves, verdict
from classifiers.frames import prepare
from tests.classifiers.conftest import make_page_frame


def test_transductive_curves_keep_held_out_rows_out_of_the_pool() -> None:
    raw, truth = make_page_frame(n_per_class=8)
    frame = prepare(raw)
    held = np.arange(len(frame)) % 4 == 0
    result = curves(frame, truth, held, "domain", seed=1, k=5, rounds=2, mode="weak+gold", transductive=True)
    assert result["target"] == "domain"
    assert (result["pool"], result["test"]) == (int((~held).sum()), int(held.sum()))
    for curve in result["curves"].values():
        assert [n for n, _ in curve] == [0, 5, 10]
        assert all(0.0 <= f <= 1.0 for _, f in curve)
    assert set(verdict(result)["labels_to_reach"]) == set(result["curves"])
