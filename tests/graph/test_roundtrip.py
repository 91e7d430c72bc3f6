import datetime as dt

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.build import build, load_networkx, store_networkx
from orgmap.store.database import Store
from resolver.errors import InputError


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert set(a.nodes) == set(b.nodes)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    assert {(u, v, k): d for u, v, k, d in a.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in b.edges(keys=True, data=True)
    }


def test_built_graph_round_trips_exactly(graph_store: Store) -> None:
    build(graph_store.con, run_id=1)
    g = load_networkx(graph_store.con)
    assert g.number_of_nodes() == 10 and g.number_of_edges() == 11
    store_networkx(graph_store.con, g, run_id=2)
    _same(g, load_networkx(graph_store.con))


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
json_scalar = (
    st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.floats(allow_nan=False, allow_infinity=False) | text
)
json_value = st.recursive(
    json_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=6
)
attr_names = st.text(min_size=1, max_size=12).filter(
    lambda k: k not in {"kind", "item_id", "label", "node_id", "src", "dst", "attrs"}
)


@st.composite
def graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    ids = draw(st.lists(text.map(lambda s: "node:" + s), min_size=1, max_size=6, unique=True))
    for node in ids:
        attrs = draw(st.dictionaries(attr_names, json_value.filter(lambda v: v is not None), max_size=3))
        attrs.update(kind=draw(st.sampled_from(["domain", "org"])), item_id=node[5:], label=draw(text))
        if draw(st.booleans()):
            attrs["pagerank"] = draw(st.floats(0, 1))
            attrs["n_domains"] = draw(st.integers(0, 1000))
            attrs["first_seen"] = draw(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1))).replace(
                microsecond=0
            )
        if draw(st.booleans()):
            attrs["degree"] = draw(text)  # a typed column name with a value of another type: kept in attrs
        g.add_node(node, **attrs)
    for _ in range(draw(st.integers(0, 8))):
        u, v = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        kind = draw(st.sampled_from(["owned_by", "links_to", "same as ✓", "x|y"]))
        attrs = draw(st.dictionaries(attr_names, json_value.filter(lambda v: v is not None), max_size=2))
        if draw(st.booleans()):
            attrs["weight"] = draw(st.floats(0, 1e9))
            attrs["n_links"] = draw(st.integers(0, 2**40))
        g.add_edge(u, v, key=kind, **attrs)
    return g


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_any_graph_round_trips_exactly(g: nx.MultiDiGraph) -> None:
    with Store(":memory:") as store:
        store_networkx(store.con, g)
        _same(g, load_networkx(store.con))


def test_store_networkx_refuses_what_it_cannot_store_exactly() -> None:
    with Store(":memory:") as store:
        g = nx.MultiDiGraph()
        g.add_node(1, kind="org", item_id="1", label="x")
        with pytest.raises(InputError, match="strings"):
            store_networkx(store.con, g)
        g = nx.MultiDiGraph()
        g.add_node("org:a", kind="org", label="x")
        with pytest.raises(InputError, match="item_id"):
            store_networkx(store.con, g)
        g = nx.DiGraph()
        g.add_node("org:a", kind="org", item_id="a", label="x")
        g.add_edge("org:a", "org:a")
        with pytest.raises(InputError, match="no kind"):
            store_networkx(store.con, g)
