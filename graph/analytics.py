"""Graph analytics over edge arrays: PageRank, connected components, Louvain communities.

Why arrays and not a NetworkX graph: a million-node graph as Python objects costs gigabytes and minutes,
while the same numbers come from sparse matrices in seconds. Nodes are dense integers ``0..n-1`` (the
build numbers them in SQL), edges are parallel NumPy arrays. PageRank is NetworkX's own power iteration
(``networkx.pagerank`` with scipy) on a CSR matrix, so results agree with NetworkX; components come from
``scipy.sparse.csgraph``; communities use NetworkX's Louvain (there is no faster exact equivalent), on
the non-isolated nodes only and up to a size limit.

Example::

    >>> import numpy as np
    >>> rank = pagerank(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 1.0]))
    >>> round(float(rank.sum()), 6)
    1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from resolver.errors import OrgmapError

__all__ = ["CommunityResult", "components", "louvain", "pagerank", "rank_labels"]


def pagerank(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    alpha: float = 0.85,
    tol: float = 1.0e-6,
    max_iter: int = 100,
) -> np.ndarray:
    """PageRank of nodes ``0..n-1`` over directed weighted edges; same algorithm and result as ``nx.pagerank``.

    Dangling nodes (no out-links) spread their rank uniformly, as in NetworkX. Parallel edges add up.
    Raises ``OrgmapError`` when the iteration does not converge in ``max_iter`` steps.
    """
    if n == 0:
        return np.zeros(0)
    w = np.ones(len(src)) if weight is None else np.asarray(weight, dtype=float)
    a = sp.csr_array((w, (np.asarray(src), np.asarray(dst))), shape=(n, n), dtype=float)
    a.sum_duplicates()  # canonical (sorted) rows: float sums in a fixed order, the same ranks run after run
    out = np.asarray(a.sum(axis=1)).ravel()
    inv = np.zeros(n)
    nz = out != 0
    inv[nz] = 1.0 / out[nz]
    a = sp.dia_array((inv, 0), shape=(n, n)) @ a
    p = np.full(n, 1.0 / n)
    x = p.copy()
    dangling = np.where(~nz)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ a + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - last).sum() < n * tol:
            return x
    raise OrgmapError(f"PageRank did not converge in {max_iter} iterations; raise graph.pagerank_max_iter")


def rank_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber group labels by group size, largest first, from 1; ties broken by the group's first member.

    Makes component and community ids stable across runs and meaningful (1 = the giant component).
    """
    if len(labels) == 0:
        return labels.astype(np.int64)
    uniq, first, inverse, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new_id = np.empty(len(uniq), dtype=np.int64)
    new_id[order] = np.arange(1, len(uniq) + 1)
    return new_id[inverse]


def components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Connected component of every node (edges taken as undirected), numbered by size: 1 = largest."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    a = sp.csr_array((np.ones(len(src)), (np.asarray(src), np.asarray(dst))), shape=(n, n))
    _, labels = csgraph.connected_components(a, directed=True, connection="weak")
    return rank_labels(labels)


@dataclass(frozen=True)
class CommunityResult:
    """Louvain communities of every node, or why they were not computed."""

    community: np.ndarray | None
    """Community id per node (1 = largest), None when skipped."""
    n_communities: int
    """How many communities (isolated nodes count as their own)."""
    skipped: str = ""
    """Why communities were not computed (graph above the size limit), else empty."""


def louvain(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    max_edges: int = 100_000,
) -> CommunityResult:
    """Louvain communities (``networkx.community.louvain_communities``, fixed seed) on the undirected graph.

    Isolated nodes are their own communities without entering NetworkX. Parallel edges and both directions
    of a pair add their weights. Above ``max_edges`` distinct pairs Louvain is skipped (it is the one
    step that needs Python objects per node) and the reason is returned.
    """
    if n == 0:
        return CommunityResult(np.zeros(0, dtype=np.int64), 0)
    s, d = np.asarray(src), np.asarray(dst)
    w = np.ones(len(s)) if weight is None else np.asarray(weight, dtype=float)
    keep = s != d
    lo, hi, w = np.minimum(s, d)[keep], np.maximum(s, d)[keep], w[keep]
    pairs = sp.coo_array((w, (lo, hi)), shape=(n, n)).tocsr().tocoo()  # sums duplicates
    if pairs.nnz > max_edges:
        return CommunityResult(
            None,
            0,
            f"Louvain skipped: {pairs.nnz:,} node pairs > graph.louvain_max_edges ({max_edges:,}); raise it to compute",
        )
    g = nx.Graph()
    g.add_weighted_edges_from(zip(pairs.row.tolist(), pairs.col.tolist(), pairs.data.tolist(), strict=True))
    labels = np.arange(n, dtype=np.int64) + n  # isolated nodes: singleton ids that sort after real ones
    if g.number_of_nodes():
        parts = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
        for i, members in enumerate(sorted(parts, key=min)):
            labels[np.fromiter(members, dtype=np.int64, count=len(members))] = i
    ranked = rank_labels(labels)
    return CommunityResult(ranked, int(ranked.max()))
