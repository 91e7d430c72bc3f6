"""Active-learning strategies: what each ranks first, diversity, priority scores."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers import active
from resolver.errors import InputError

PROBS = np.array(
    [
        [0.98, 0.01, 0.01],  # sure
        [0.34, 0.33, 0.33],  # flat: most uncertain by every measure
        [0.50, 0.49, 0.01],  # two-way tie: margin's favourite
        [0.70, 0.20, 0.10],
    ]
)


def test_uncertainty_measures_rank_flat_and_tied_rows_first():
    assert np.argmax(active.least_confidence(PROBS)) == 1
    assert np.argmax(active.entropy(PROBS)) == 1
    m = active.margin(PROBS)
    assert m[2] > m[3] > m[0] and m[1] > m[0]
    assert np.argmin(active.entropy(PROBS)) == 0
    assert np.all((active.entropy(PROBS) >= 0) & (active.entropy(PROBS) <= 1))


def test_lf_disagreement_prefers_conflicts_and_bigger_conflicts():
    L = np.array(
        [
            [0, 0, -1, -1],  # agreement
            [0, 1, -1, -1],  # 1 vs 1
            [0, 1, 0, 1],  # 2 vs 2
            [-1, -1, -1, -1],  # no votes
        ]
    )
    s = active.lf_disagreement(L, 3)
    assert s[0] == 0 and s[3] == 0
    assert s[2] > s[1] > 0


def test_informativeness_dispatch_and_errors():
    assert np.allclose(active.informativeness("uncertainty", probs=PROBS), active.margin(PROBS))
    r1 = active.informativeness("random", n_rows=10, seed=3)
    assert np.allclose(r1, active.informativeness("random", n_rows=10, seed=3))
    with pytest.raises(InputError, match="unknown strategy"):
        active.informativeness("nope", probs=PROBS)
    with pytest.raises(InputError, match="probabilities"):
        active.informativeness("margin")


def test_select_respects_eligibility_and_order():
    scores = np.array([0.1, 0.9, 0.5, 0.7])
    assert active.select(scores, 2).tolist() == [1, 3]
    assert active.select(scores, 2, eligible=np.array([True, False, True, True])).tolist() == [3, 2]
    assert active.select(scores, 0).tolist() == []


def test_diverse_selection_drops_near_duplicates():
    dup = "parked domain for sale buy this domain today contact the owner"
    texts = [dup, dup + " now", dup, "city council meeting minutes and permits", "breaking news from the capital"]
    scores = np.array([0.99, 0.98, 0.97, 0.5, 0.4])
    plain = active.select(scores, 3, texts=texts)
    diverse = active.select(scores, 3, texts=texts, diverse=True)
    assert plain.tolist() == [0, 1, 2]
    assert diverse.tolist() == [0, 3, 4]


def test_priority_score_most_informative_lowest():
    info = np.array([0.2, 0.9, 0.5])
    p = active.priority_score(info)
    assert p.tolist() == [1.0, 0.0, 0.5]
