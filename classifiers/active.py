"""Active learning: which unlabeled items a human should label next.

Each strategy turns model output into an *informativeness* per row (higher = label it first);
:func:`select` takes the top ``k``, with ``diverse=True`` skipping near-duplicates so a batch does not spend
its labels on copies of one page, and :func:`priority_score` turns informativeness into Label Studio's
``score``. The strategies and how they compare: docs/labeling.md.

Example::

    info = informativeness("entropy", probs=probs)
    rows = select(info, 200, texts=frame["text"], diverse=True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from resolver.errors import InputError

ABSTAIN = -1
STRATEGIES = ("uncertainty", "least_confidence", "margin", "entropy", "lf_disagreement", "random")
"""``uncertainty`` is an alias of ``margin``, the best measure on our learning curves (docs/labeling.md)."""


def least_confidence(probs: np.ndarray) -> np.ndarray:
    """1 - max p per row."""
    return 1.0 - np.asarray(probs, dtype=np.float64).max(axis=1)


def margin(probs: np.ndarray) -> np.ndarray:
    """1 - (p_top1 - p_top2) per row: small gaps between the two best classes rank first."""
    p = np.asarray(probs, dtype=np.float64)
    if p.shape[1] < 2:
        return np.zeros(len(p))
    top2 = np.partition(p, -2, axis=1)[:, -2:]
    return 1.0 - (top2[:, 1] - top2[:, 0])


def entropy(probs: np.ndarray) -> np.ndarray:
    """Shannon entropy per row divided by log(n_classes), in [0, 1]."""
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-12, 1.0)
    h = -(p * np.log(p)).sum(axis=1)
    return h / np.log(p.shape[1]) if p.shape[1] > 1 else np.zeros(len(p))


def lf_disagreement(L: np.ndarray, n_classes: int) -> np.ndarray:
    """Conflict among LF votes per row: entropy of the vote distribution (0 when <= 1 distinct class).

    Ties are broken towards rows with more votes (a 3-vs-3 conflict beats a 1-vs-1 conflict).
    """
    L = np.asarray(L)
    counts = np.zeros((len(L), n_classes))
    for j in range(L.shape[1]):
        col = L[:, j]
        ok = col != ABSTAIN
        np.add.at(counts, (np.nonzero(ok)[0], col[ok]), 1.0)
    n = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n[:, None] > 0, counts / np.maximum(n[:, None], 1), 0.0)
        h = -(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)).sum(axis=1)
    return h + 1e-3 * np.log1p(n) * (h > 0)


def informativeness(
    strategy: str,
    *,
    probs: np.ndarray | None = None,
    L: np.ndarray | None = None,
    n_classes: int | None = None,
    n_rows: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Informativeness of every row under ``strategy`` (higher = label first).

    ``lf_disagreement`` uses ``L`` and breaks ties (rows with no conflict) by entropy of ``probs`` when given.
    """
    if strategy == "uncertainty":
        strategy = "margin"
    funcs = {"least_confidence": least_confidence, "margin": margin, "entropy": entropy}
    if strategy in funcs:
        if probs is None:
            raise InputError(f"strategy {strategy!r} needs model probabilities; run `orgmap resolve` or `orgmap train`")
        return funcs[strategy](probs)
    if strategy == "lf_disagreement":
        if L is None:
            raise InputError("strategy 'lf_disagreement' needs the LF vote matrix")
        k = n_classes if n_classes is not None else (probs.shape[1] if probs is not None else int(L.max()) + 1)
        score = lf_disagreement(L, k)
        if probs is not None:
            score = score + 1e-2 * entropy(probs)
        return score
    if strategy == "random":
        n = n_rows if n_rows is not None else (len(probs) if probs is not None else len(L) if L is not None else 0)
        return np.random.default_rng(seed).random(n)
    raise InputError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")


def _shingles(texts: Sequence[str], n_features: int = 2**16) -> np.ndarray:
    vec = HashingVectorizer(
        n_features=n_features, ngram_range=(2, 2), alternate_sign=False, norm="l2", lowercase=True, dtype=np.float32
    )
    return vec.transform([t[:5000] for t in texts]).tocsr()


def select(
    scores: np.ndarray,
    k: int,
    *,
    texts: Sequence[str] | None = None,
    diverse: bool = False,
    threshold: float = 0.8,
    pool_factor: int = 5,
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """Row indices of the ``k`` most informative rows (best first).

    ``eligible``: boolean mask of rows that may be chosen (e.g. not yet labelled). With ``diverse`` (needs
    ``texts``), candidates are walked in score order within a pool of ``pool_factor * k`` and a row is skipped
    when its word-bigram cosine similarity to an already chosen row is >= ``threshold``; if the pool runs dry,
    the walk continues down the ranking.
    """
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    if eligible is not None:
        order = order[np.asarray(eligible, dtype=bool)[order]]
    if k <= 0 or not len(order):
        return np.zeros(0, dtype=np.int64)
    if not diverse or texts is None:
        return order[:k].astype(np.int64)
    chosen: list[int] = []
    start = 0
    step = max(pool_factor * k, k)
    X_chosen = None
    while len(chosen) < k and start < len(order):
        pool = order[start : start + step]
        X = _shingles([str(texts[i]) for i in pool])
        for pos, i in enumerate(pool):
            row = X[pos]
            if row.nnz and X_chosen is not None and X_chosen.shape[0]:
                if (X_chosen @ row.T).toarray().max() >= threshold:
                    continue
            chosen.append(int(i))
            X_chosen = row if X_chosen is None else _vstack(X_chosen, row)
            if len(chosen) >= k:
                break
        start += step
    return np.asarray(chosen, dtype=np.int64)


def _vstack(a, b):  # noqa: ANN001, ANN202 - scipy sparse
    import scipy.sparse as sp

    return sp.vstack([a, b], format="csr")


def priority_score(info: np.ndarray) -> np.ndarray:
    """Label Studio ``score`` in [0, 1] from informativeness: rank-based, most informative → lowest score."""
    info = np.asarray(info, dtype=np.float64)
    if not len(info):
        return info
    ranks = np.argsort(np.argsort(-info, kind="stable"), kind="stable")
    return ranks / max(len(info) - 1, 1)
