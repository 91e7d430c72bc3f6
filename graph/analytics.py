"""Graph analytics over edge arrays: PageRank, connected components, Louvain communities.

A million-node graph as Python objects costs gigabytes and minutes; sparse matrices give the same numbers in
seconds. Nodes are integers ``0..n-1``, edges parallel NumPy arrays; PageRank is NetworkX's own algorithm on
a CSR matrix, so it agrees with ``networkx.pagerank`` (docs/graph.md, "Graph model").

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

__all__ = ["CommunityResult", "components", "label_propagation", "louvain", "pagerank", "rank_labels"]


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
    """Why communities were not computed, or computed another way (graph above the size limit), else empty."""
    method: str = "louvain"
    """``louvain`` or ``label_propagation`` (large graphs)."""


def louvain(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    max_edges: int = 100_000,
    fallback: bool = True,
) -> CommunityResult:
    """Louvain communities (``networkx.community.louvain_communities``, fixed seed) on the undirected graph.

    Isolated nodes are their own communities without entering NetworkX. Parallel edges and both directions
    of a pair add their weights. Above ``max_edges`` distinct pairs Louvain is skipped (it is the one
    step that needs Python objects per node): with ``fallback`` communities come from
    :func:`label_propagation` instead (``method`` says which), else none, and the reason is returned.
    """
    if n == 0:
        return CommunityResult(np.zeros(0, dtype=np.int64), 0)
    s, d = np.asarray(src), np.asarray(dst)
    w = np.ones(len(s)) if weight is None else np.asarray(weight, dtype=float)
    keep = s != d
    lo, hi, w = np.minimum(s, d)[keep], np.maximum(s, d)[keep], w[keep]
    pairs = sp.coo_array((w, (lo, hi)), shape=(n, n)).tocsr().tocoo()  # sums duplicates
    if pairs.nnz > max_edges:
        if not fallback:
            return CommunityResult(
                None,
                0,
                f"Louvain skipped: {pairs.nnz:,} node pairs > graph.louvain_max_edges ({max_edges:,}); raise it "
                "to compute",
            )
        labels = label_propagation(n, pairs.row, pairs.col, pairs.data, seed=seed)
        ranked = rank_labels(labels)
        return CommunityResult(
            ranked,
            int(ranked.max()),
            f"communities by label propagation: {pairs.nnz:,} node pairs > graph.louvain_max_edges "
            f"({max_edges:,}), where NetworkX's Louvain takes minutes to hours",
            method="label_propagation",
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


def label_propagation(
    n: int, lo: np.ndarray, hi: np.ndarray, weight: np.ndarray, *, seed: int = 0, max_iter: int = 40
) -> np.ndarray:
    """Community label per node by weighted label propagation, vectorized over edge arrays.

    Why: Louvain in NetworkX needs Python objects per node and takes hours on millions of edges; label
    propagation (Raghavan et al. 2007) is linear per round. Each round every node takes the label with the
    largest total edge weight among its neighbours (its own label wins ties, others are broken at random); a
    random half of the nodes
    updates per round (semi-synchronous: fully synchronous rounds oscillate on bipartite domain–org edges).
    Stops when under 0.1 % of nodes would change. Deterministic for a seed. ``lo``/``hi``/``weight``: each
    undirected pair once. Isolated nodes keep their own label.
    """
    labels = np.arange(n, dtype=np.int64)
    if n == 0 or len(lo) == 0:
        return labels
    u = np.concatenate([lo, hi]).astype(np.int64)
    v = np.concatenate([hi, lo]).astype(np.int64)
    w = np.concatenate([weight, weight]).astype(float)
    rng = np.random.default_rng(seed)
    for _ in range(max_iter):
        lab = labels[v]
        order = np.lexsort((lab, u))
        us, ls, ws = u[order], lab[order], w[order]
        start = np.flatnonzero(np.r_[True, (us[1:] != us[:-1]) | (ls[1:] != ls[:-1])])
        gu, gl, gw = us[start], ls[start], np.add.reduceat(ws, start)
        # ties: the current label first, then at random (the smallest label would sweep the whole graph)
        gw = gw + 1e-3 * (gl == labels[gu]) + 1e-6 * rng.random(len(gw))
        best = np.lexsort((-gw, gu))
        first = best[np.r_[True, gu[best][1:] != gu[best][:-1]]]
        proposal = labels.copy()
        proposal[gu[first]] = gl[first]
        unsettled = proposal != labels
        if unsettled.sum() < max(1, n // 1000):
            break
        update = rng.random(n) < 0.5
        labels = np.where(update, proposal, labels)
    return labels
