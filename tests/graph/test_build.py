import sys

import networkx as nx
import pytest

from graph.build import BuildOptions, build, load_networkx
from orgmap.store.database import Store


def _edges(store: Store) -> dict[tuple[str, str, str], tuple]:
    rows = store.con.execute("select src, dst, kind, weight, confidence, n_links from graph_edges").fetchall()
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


def _node(store: Store, node_id: str) -> dict:
    cur = store.con.execute("select * from graph_nodes where node_id = ?", [node_id])
    cols = [d[0] for d in cur.description]
    return dict(zip(cols, cur.fetchall()[0], strict=True))


def test_build_derives_every_node_and_edge_kind(graph_store: Store) -> None:
    s = build(graph_store.con, run_id=1)
    assert s.nodes == {"domain": 7, "org": 3}
    assert s.edges == {"links_to": 5, "owned_by": 4, "redirects_to": 1, "subsidiary_of": 1}
    edges = _edges(graph_store)
    assert ("domain:acme.com", "domain:acme.com", "links_to") not in edges  # self-links say nothing
    assert edges[("domain:acme.com", "org:org-acme", "owned_by")][:2] == (0.95, 0.95)
    assert edges[("domain:acme.co.uk", "domain:acme.com", "redirects_to")][2] == 1
    assert ("domain:blog.example", "org:org-acme", "owned_by") not in edges  # unknown owner: no edge
    external = _node(graph_store, "domain:external.org")  # only linked to, never crawled: still a node
    assert external["n_pages"] == 0 and '"crawled":false' in external["attrs"]
    acme = _node(graph_store, "org:org-acme")
    assert acme["label"] == 'Acme "Widgets" Ltd' and acme["n_domains"] == 2 and acme["country"] == "GB"
    # inbound links from other orgs' or unowned domains only: blog.example (2) + news.example (3)
    assert acme["links_in"] == 5 and acme["links_out"] == 5
    assert acme["confidence"] == 0.95
    assert s.nodes_added == 10 and s.edges_added == 11


def test_rerunning_changes_nothing_and_duplicates_nothing(graph_store: Store) -> None:
    build(graph_store.con, run_id=1)
    before = graph_store.con.execute("select * from graph_nodes order by node_id").fetchall()
    s = build(graph_store.con, run_id=2)
    assert (s.nodes_added, s.nodes_changed, s.nodes_removed) == (0, 0, 0)
    assert (s.edges_added, s.edges_changed, s.edges_removed) == (0, 0, 0)
    assert graph_store.con.execute("select * from graph_nodes order by node_id").fetchall() == before
    assert graph_store.con.execute("select count(*) from graph_edges").fetchall()[0][0] == 11
    assert graph_store.con.execute("select max(updated_run) from graph_nodes").fetchall()[0][0] == 1


def test_a_new_batch_merges_counts_confidences_and_removed_evidence(graph_store: Store, gdata) -> None:
    build(graph_store.con, run_id=1)
    gdata.set_links(graph_store, [("acme.com", "globex.com", 4), ("globex.com", "newsite.net", 2)])  # batch 2 adds up
    gdata.set_owners(
        graph_store, [("acme.co.uk", "org-globex", "Globex", 0.88), ("acme.com", "org-acme", "Acme", 0.99)]
    )
    gdata.add_labels(graph_store, [("org", "org-acme", "company", 0.9, {"company": 0.9, "ngo": 0.1})])
    s = build(graph_store.con, run_id=2)
    edges = _edges(graph_store)
    assert edges[("domain:acme.com", "domain:globex.com", "links_to")][2] == 9  # 5 + 4
    assert edges[("domain:globex.com", "domain:newsite.net", "links_to")][2] == 2
    assert edges[("domain:acme.com", "org:org-acme", "owned_by")][1] == 0.99  # confidence updated
    # the owner changed: the old owned_by edge is gone, the new one is there
    assert ("domain:acme.co.uk", "org:org-acme", "owned_by") not in edges
    assert ("domain:acme.co.uk", "org:org-globex", "owned_by") in edges
    assert s.edges_removed == 1 and s.edges_added == 2 and s.nodes_added == 1  # newsite.net
    acme = _node(graph_store, "org:org-acme")
    assert acme["class"] == "company" and acme["class_confidence"] == 0.9
    assert '"company":0.9' in acme["attrs"].replace(" ", "")
    assert acme["created_run"] == 1 and acme["updated_run"] == 2
    assert _node(graph_store, "domain:acme.co.uk")["owner_id"] == "org-globex"
    # no duplicates whatever happened
    dup = graph_store.con.execute(
        "select count(*) from (select src, dst, kind from graph_edges group by all having count(*) > 1)"
    ).fetchall()[0][0]
    assert dup == 0


def test_a_vanished_org_loses_its_node_and_edges(graph_store: Store) -> None:
    build(graph_store.con, run_id=1)
    graph_store.con.execute("delete from org_relations").fetchall()
    graph_store.con.execute("delete from orgs where org_id = 'org-initech'").fetchall()
    s = build(graph_store.con, run_id=2)
    assert s.nodes_removed == 1 and s.edges_removed == 1
    assert graph_store.con.execute("select count(*) from graph_nodes where node_id = 'org:org-initech'").fetchall() == [
        (0,)
    ]


def test_without_a_labels_table_classes_are_null(graph_store: Store) -> None:
    graph_store.con.execute("drop table labels").fetchall()
    build(graph_store.con)
    assert graph_store.con.execute("select count(class) from graph_nodes").fetchall()[0][0] == 0


def test_hosts_and_pages_are_optional_node_kinds(graph_store: Store, gdata) -> None:
    import pyarrow as pa

    T0 = gdata.T0

    graph_store.append(
        "hosts",
        pa.table(
            {
                "host": ["shop.acme.com", "acme.com"],
                "registered_domain": ["acme.com", "acme.com"],
                "n_pages": [2, 1],
                "first_seen": [T0, T0],
                "last_seen": [T0, T0],
            }
        ),
    )
    assert "host" not in build(graph_store.con).nodes
    s = build(graph_store.con, BuildOptions(include_hosts=True))
    assert s.nodes["host"] == 2 and s.edges["part_of"] == 2
    s = build(graph_store.con)
    assert "host" not in s.nodes and s.nodes_removed == 2


def test_analytics_agree_with_networkx(graph_store: Store, gdata) -> None:
    build(graph_store.con)
    g = load_networkx(graph_store.con)
    links = nx.DiGraph()
    links.add_nodes_from(n for n, d in g.nodes(data=True) if d["kind"] == "domain")
    links.add_weighted_edges_from(
        (u, v, d["n_links"]) for u, v, k, d in g.edges(keys=True, data=True) if k == "links_to"
    )
    expected = nx.pagerank(links, weight="weight")
    for node, rank in expected.items():
        assert g.nodes[node]["pagerank"] == pytest.approx(rank, abs=1e-6)
    acme_domains = [u for u, v, k in g.edges(keys=True) if k == "owned_by" and v == "org:org-acme"]
    assert g.nodes["org:org-acme"]["pagerank"] == pytest.approx(sum(expected[d] for d in acme_domains))
    for node, data in g.nodes(data=True):
        assert data["degree"] == g.degree(node)
        assert data["in_degree"] == g.in_degree(node)
    comps = list(nx.weakly_connected_components(g))
    assert len({d["component"] for _, d in g.nodes(data=True)}) == len(comps)
    # communities: every node has one, the same on a rebuild from scratch (fixed seed)
    first = {n: d["community"] for n, d in g.nodes(data=True)}
    assert all(c is not None for c in first.values())
    with Store(":memory:") as other:
        gdata.populate(other)
        build(other.con)
        again = {n: d["community"] for n, d in load_networkx(other.con).nodes(data=True)}
    assert again == first


def test_communities_come_from_leiden_without_a_note(graph_store: Store) -> None:
    s = build(graph_store.con)
    assert s.communities > 0 and s.notes == []


def test_without_igraph_label_propagation_gives_communities(
    graph_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "igraph", None)  # what `import igraph` meets where it is not installed
    s = build(graph_store.con)
    assert s.communities > 0 and "label propagation" in s.notes[0]
    assert graph_store.con.execute("select count(*) - count(community) from graph_nodes").fetchall()[0][0] == 0


def test_without_igraph_and_no_fallback_communities_are_null_with_a_note(
    graph_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "igraph", None)
    s = build(graph_store.con, BuildOptions(community_fallback=False))
    assert s.communities == 0 and "igraph is not installed" in s.notes[0]
    assert graph_store.con.execute("select count(community) from graph_nodes").fetchall()[0][0] == 0


def test_empty_database_builds_an_empty_graph(store: Store) -> None:
    s = build(store.con)
    assert s.nodes == {} and s.edges == {} and s.components == 0
