from graph.build import build
from orgmap.store.database import Store, public_views

GRAPH_VIEWS = {
    "graph_orgs",
    "graph_domains",
    "graph_org_domains",
    "graph_orgs_by_class",
    "graph_top_linked_orgs",
    "graph_org_links",
    "graph_orgs_sharing_domains",
    "graph_unowned_domains",
    "graph_org_relations",
    "graph_redirects",
    "graph_summary",
    "graph_components",
    "graph_communities",
}


def test_every_graph_view_runs_on_a_fresh_and_on_a_built_database(graph_store: Store) -> None:
    views = {v for v in public_views(graph_store.con) if v.startswith("graph_")}
    assert views == GRAPH_VIEWS
    for view in views:
        graph_store.con.execute(f'select * from "{view}"').fetchall()
    build(graph_store.con)
    for view in views:
        assert graph_store.con.execute(f'select count(*) from "{view}"').fetchall()[0][0] >= 0


def test_views_answer_the_usual_questions(graph_store: Store, gdata) -> None:
    gdata.add_labels(graph_store, [("org", "org-acme", "company", 0.9, {"company": 0.9})])
    # a reference list says globex.com belongs to Initech as well: a shared domain to review
    graph_store.con.execute("update orgs set domains = ['globex.com'] where org_id = 'org-initech'").fetchall()
    build(graph_store.con)
    q = graph_store.con.execute
    assert q(
        "select registered_domain from graph_org_domains where org_name like 'Acme%' order by confidence desc"
    ).fetchall() == [("acme.com",), ("acme.co.uk",)]
    assert ("company", 1) in q("select class, n_orgs from graph_orgs_by_class").fetchall()
    assert q("select from_org_id, to_org_id, n_links from graph_org_links").fetchall() == [
        ("org-acme", "org-globex", 5)
    ]
    unowned = dict(q("select registered_domain, owner_status from graph_unowned_domains").fetchall())
    assert unowned == {"blog.example": "unknown", "news.example": "unresolved", "external.org": "unresolved"}
    assert q("select org_a, org_b, domains from graph_orgs_sharing_domains").fetchall() == [
        ("org-globex", "org-initech", ["globex.com"])
    ]
    top = q("select org_id, links_in from graph_top_linked_orgs order by rank").fetchall()
    assert [t[1] for t in top] == sorted((t[1] for t in top), reverse=True)
    assert q("select kind, other_id from graph_org_relations").fetchall() == [("subsidiary_of", "org-acme")]
    assert q("select n from graph_summary where what = 'edge' and kind = 'owned_by'").fetchall() == [(4,)]
    assert q("select sum(n_nodes) from graph_components").fetchall() == [(10,)]
    assert q("select sum(n_nodes) from graph_communities").fetchall() == [(10,)]
    assert q("select crosses_orgs from graph_redirects").fetchall() == [(False,)]
