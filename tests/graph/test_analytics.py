import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from graph import analytics
from resolver.errors import InputError


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


def _two_cliques() -> tuple[np.ndarray, np.ndarray]:
    """Two 5-cliques joined by one edge (nodes 0-9); node 10 is isolated."""
    edges = [(a, b) for a in range(5) for b in range(a + 1, 5)] + [
        (a, b) for a in range(5, 10) for b in range(a + 1, 10)
    ]
    edges.append((4, 5))
    return np.array([e[0] for e in edges]), np.array([e[1] for e in edges])


def _planted(groups: int, size: int, inside: int, between: int, seed: int) -> tuple[np.ndarray, ...]:
    """A planted partition: ``inside`` random edges within each group, ``between`` across the whole graph."""
    rng = np.random.default_rng(seed)
    n = groups * size
    g = rng.integers(0, groups, groups * inside)
    a, b = g * size + rng.integers(0, size, len(g)), g * size + rng.integers(0, size, len(g))
    x, y = rng.integers(0, n, between), rng.integers(0, n, between)
    lo, hi, w = analytics.undirected_pairs(n, np.concatenate([a, x]), np.concatenate([b, y]))
    return np.arange(n) // size, lo, hi, w


def test_leiden_finds_obvious_clusters_and_numbers_them_by_size() -> None:
    src, dst = _two_cliques()
    first = analytics.communities(11, src, dst, seed=0)
    assert first.method == "leiden" and first.skipped == ""
    assert first.community is not None and first.n_communities == 3
    assert len(set(first.community[:5].tolist())) == 1 and len(set(first.community[5:10].tolist())) == 1
    assert first.community[0] != first.community[9] and first.community[10] == 3
    # both directions and repeats of a pair are one weighted pair: the same communities
    again = analytics.communities(11, np.concatenate([dst, src]), np.concatenate([src, dst]), seed=0)
    assert again.community is not None and again.community.tolist() == first.community.tolist()


def test_leiden_is_the_same_for_the_same_seed() -> None:
    """On a graph with many near-equal partitions the seed decides; the same seed, the same communities."""
    _, lo, hi, w = _planted(groups=40, size=25, inside=60, between=2_000, seed=5)
    runs = [analytics.leiden(1_000, lo, hi, w, seed=7).tolist() for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert analytics.communities(1_000, lo, hi, w, seed=7).n_communities == len(set(runs[0]))


def test_leiden_is_stable_across_processes() -> None:
    """A fresh interpreter (another hash seed, another address layout) finds the same communities."""
    _, lo, hi, w = _planted(groups=40, size=25, inside=60, between=2_000, seed=5)
    here = analytics.communities(1_000, lo, hi, w, seed=3).community
    assert here is not None
    script = (
        "import sys, numpy as np\n"
        "from graph import analytics\n"
        "lo, hi, w = (np.array(eval(line)) for line in sys.stdin.read().splitlines())\n"
        "print(analytics.communities(1_000, lo, hi, w.astype(float), seed=3).community.tolist())\n"
    )
    data = "\n".join(repr(a.tolist()) for a in (lo, hi, w))
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=os.pathsep.join(sys.path))
        out = subprocess.run(
            [sys.executable, "-c", script], input=data, capture_output=True, text=True, check=True, env=env
        )
        assert out.stdout.strip() == repr(here.tolist())


def test_leiden_recovers_planted_communities_with_higher_modularity_than_label_propagation() -> None:
    # groups well above modularity's resolution limit (~sqrt(2m) edges inside), which merges smaller ones
    truth, lo, hi, w = _planted(groups=30, size=40, inside=200, between=600, seed=2)
    found = analytics.communities(len(truth), lo, hi, w, seed=0)
    assert found.community is not None and found.n_communities == 30
    assert adjusted_rand_score(truth, found.community) > 0.99
    fallback = analytics.label_propagation(len(truth), lo, hi, w, seed=0)
    assert analytics.modularity(found.community, lo, hi, w) > analytics.modularity(fallback, lo, hi, w)


def test_modularity_equals_networkx() -> None:
    truth, lo, hi, w = _planted(groups=8, size=10, inside=20, between=30, seed=1)
    labels = np.where(np.arange(len(truth)) % 7 == 0, 0, truth)  # a partition that is not the planted one
    g = nx.Graph()
    g.add_nodes_from(range(len(truth)))
    g.add_weighted_edges_from(zip(lo.tolist(), hi.tolist(), w.tolist(), strict=True))
    parts = [set(np.flatnonzero(labels == c).tolist()) for c in set(labels.tolist())]
    for gamma in (1.0, 0.5):
        expected = nx.community.modularity(g, parts, weight="weight", resolution=gamma)
        assert analytics.modularity(labels, lo, hi, w, gamma) == pytest.approx(expected, abs=1e-12)


def test_without_igraph_label_propagation_stands_in(monkeypatch: pytest.MonkeyPatch) -> None:
    src, dst = _two_cliques()
    leiden = analytics.communities(11, src, dst)
    monkeypatch.setitem(sys.modules, "igraph", None)  # what `import igraph` meets where it is not installed
    fallback = analytics.communities(11, src, dst)
    assert fallback.method == "label_propagation" and "igraph is not installed" in fallback.skipped
    assert fallback.community is not None and fallback.community.tolist() == leiden.community.tolist()
    none = analytics.communities(11, src, dst, fallback=False)
    assert none.community is None and none.n_communities == 0 and "pip install igraph" in none.skipped


def test_communities_of_nothing_and_of_no_edges() -> None:
    assert analytics.communities(0, np.array([], int), np.array([], int)).n_communities == 0
    alone = analytics.communities(3, np.array([], int), np.array([], int))
    assert alone.community is not None and alone.community.tolist() == [1, 2, 3]


def test_leiden_refuses_weights_modularity_cannot_use() -> None:
    with pytest.raises(InputError, match="non-negative"):
        analytics.leiden(2, np.array([0]), np.array([1]), np.array([-1.0]))


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
