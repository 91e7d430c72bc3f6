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
    skipped = analytics.louvain(11, src, dst, max_edges=5)
    assert skipped.community is None and "louvain_max_edges" in skipped.skipped
