import networkx as nx
import numpy as np
import pytest

from graph import analytics


def _random_graph(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    pairs = {(int(a), int(b)) for a, b in zip(src[keep], dst[keep], strict=True)}
    s, d = zip(*sorted(pairs), strict=True)
    return np.array(s), np.array(d), rng.integers(1, 20, len(s)).astype(float)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pagerank_equals_networkx(seed: int) -> None:
    n = 60
    src, dst, w = _random_graph(n, 150, seed)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), w.tolist(), strict=True))
    expected = nx.pagerank(g, weight="weight")
    got = analytics.pagerank(n, src, dst, w)
    assert got == pytest.approx([expected[i] for i in range(n)], abs=1e-9)
    assert got.sum() == pytest.approx(1.0)


def test_pagerank_of_nothing_and_of_no_edges() -> None:
    assert len(analytics.pagerank(0, np.array([]), np.array([]))) == 0
    assert analytics.pagerank(4, np.array([], int), np.array([], int)) == pytest.approx([0.25] * 4)


def test_components_match_networkx_and_are_ranked_by_size() -> None:
    src, dst = np.array([0, 1, 3, 5, 6]), np.array([1, 2, 4, 6, 7])
    comp = analytics.components(9, src, dst)
    g = nx.Graph()
    g.add_nodes_from(range(9))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    groups = {frozenset(np.flatnonzero(comp == c).tolist()) for c in set(comp.tolist())}
    assert groups == {frozenset(c) for c in nx.connected_components(g)}
    assert comp[0] == 1 and comp[5] == 2 and comp[3] == 3 and comp[8] == 4  # size, then first member


def test_rank_labels() -> None:
    assert analytics.rank_labels(np.array([7, 7, 3, 9, 9, 9])).tolist() == [2, 2, 3, 1, 1, 1]


def test_louvain_is_deterministic_and_finds_obvious_clusters() -> None:
    # two 5-cliques joined by one edge, plus an isolated node
    edges = [(a, b) for a in range(5) for b in range(a + 1, 5)] + [
        (a, b) for a in range(5, 10) for b in range(a + 1, 10)
    ]
    edges.append((4, 5))
    src, dst = np.array([e[0] for e in edges]), np.array([e[1] for e in edges])
    first = analytics.louvain(11, src, dst, seed=0)
    assert first.community is not None and first.n_communities == 3
    assert len(set(first.community[:5].tolist())) == 1 and len(set(first.community[5:10].tolist())) == 1
    assert first.community[0] != first.community[9] and first.community[10] == 3
    assert analytics.louvain(11, src, dst, seed=0).community.tolist() == first.community.tolist()
    skipped = analytics.louvain(11, src, dst, max_edges=5, fallback=False)
    assert skipped.community is None and "louvain_max_edges" in skipped.skipped
    # above the limit, label propagation finds the same two cliques
    big = analytics.louvain(11, src, dst, max_edges=5)
    assert big.method == "label_propagation" and "louvain_max_edges" in big.skipped
    assert big.community.tolist() == first.community.tolist()


def test_label_propagation_recovers_planted_communities_and_is_deterministic() -> None:
    """200 groups of 25 nodes, dense inside, sparse between: the groups come back (vectorized, seconds)."""
    rng = np.random.default_rng(3)
    groups, size = 200, 25
    n = groups * size
    group = np.arange(n) // size
    g = rng.integers(0, groups, 30_000)  # 150 edges inside each group (~12 per node) …
    a, b = g * size + rng.integers(0, size, len(g)), g * size + rng.integers(0, size, len(g))
    x, y = rng.integers(0, n, 1_500), rng.integers(0, n, 1_500)  # … and 0.6 per node between groups
    a, b = np.concatenate([a, x]), np.concatenate([b, y])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    ok = lo != hi
    labels = analytics.label_propagation(n, lo[ok], hi[ok], np.ones(ok.sum()), seed=1)
    assert (labels == analytics.label_propagation(n, lo[ok], hi[ok], np.ones(ok.sum()), seed=1)).all()
    # each planted group is (almost) one label, and labels do not span groups
    purity = np.mean([np.bincount(labels[group == g]).max() / size for g in range(groups)])
    spread = np.mean([len(set(group[labels == lab].tolist())) for lab in set(labels.tolist())])
    assert purity > 0.95 and spread < 1.1
