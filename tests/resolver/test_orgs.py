"""Organizations across domains (``resolver.orgs``, ``resolver.same_site``).

Which names and evidence join domains, scopes, merge edges and their confidence, stable org ids.
"""

from __future__ import annotations

import random

import pytest

from resolver.linking import DomainOwner, Evidence
from resolver.orgs import (
    HARD_CONFIDENCE,
    DomainScope,
    MergeEdge,
    OwnerClusters,
    build_orgs,
    cluster_owners,
    domain_scopes,
    merge_paths,
    spanning_tree,
)
from resolver.owners import normalize
from resolver.reference_linking import LabelMatcher, RefOrg, link_to_reference
from resolver.same_site import hard_links, join_names, own_keys


def owner(domain: str, name: str, *signals: tuple[str, int], confidence: float = 0.8) -> DomainOwner:
    """A linked owner named ``name`` by ``signals`` ((kind, pages) pairs; default: og:site_name)."""
    nk = normalize(name)
    evidence = tuple(Evidence(kind, name, "p1", 0.5, n_pages=n) for kind, n in (signals or (("og_site_name", 1),)))
    return DomainOwner(domain, "linked", name, nk.key, nk.legal_form, confidence, 0.5, evidence=evidence)


def groups(result: OwnerClusters) -> list[set[str]]:
    by: dict[str, set[str]] = {}
    for dom, cid in result.clusters.items():
        by.setdefault(cid, set()).add(dom)
    return sorted(by.values(), key=min)


# -- which names may join ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("signals", "joins"),
    [
        ((("ner_org", 3),), False),  # mentions, however many
        ((("title", 1),), False),  # one page title may be the page's subject
        ((("title_brand", 1), ("ner_org", 1)), False),
        ((("title_brand", 2),), True),  # a brand repeated in the titles is the site's name
        ((("og_site_name", 1),), True),
        ((("jsonld_legal_name", 1),), True),
        ((("copyright", 1), ("ner_org", 1)), True),
    ],
)
def test_only_strong_evidence_makes_a_name_that_joins_domains(signals: tuple, joins: bool) -> None:
    assert bool(join_names(owner("acme.com", "Acme Widgets", *signals))) is joins


def test_join_names_keeps_only_aliases_that_strong_evidence_gives() -> None:
    o = DomainOwner(
        "acme.com",
        "linked",
        "Acme Widgets Ltd",
        "acme widgets",
        "Ltd",
        0.9,
        0.5,
        aliases=("ACME", "Acme Widgets"),
        evidence=(
            Evidence("copyright", "Acme Widgets Ltd", "p1", 0.75),
            Evidence("og_site_name", "Acme Widgets", "p1", 0.7),
            Evidence("ner_org", "ACME", "p1", 0.4),
        ),
    )
    assert join_names(o) == ("Acme Widgets Ltd", "Acme Widgets")


def test_a_name_known_only_by_mentions_never_joins_a_company_by_similarity() -> None:
    company = owner("acme-widgets.com", "Acme Widgets", ("og_site_name", 2), ("copyright", 2))
    parts_shop = owner("acmewidgets-parts.net", "Acme Widgets", ("ner_org", 1), ("title", 1))
    result = cluster_owners([company, parts_shop], [], 90.0)
    assert groups(result) == [{"acme-widgets.com"}, {"acmewidgets-parts.net"}]
    assert result.edges == []
    joined = cluster_owners([company, parts_shop], [("acmewidgets-parts.net", "acme-widgets.com", "redirect")], 90.0)
    assert groups(joined) == [{"acme-widgets.com", "acmewidgets-parts.net"}]  # hard evidence still joins
    assert [e.kind for e in joined.edges] == ["hard:redirect"]


def test_a_profile_pages_jsonld_url_naming_another_company_is_no_hard_link() -> None:
    owners = [owner("gigboard.io", "Gigboard"), owner("acme-widgets.com", "Acme Widgets")]
    signals = [
        ("gigboard.io", "jsonld_url", "https://acme-widgets.com/", "p2", "Acme Widgets"),  # the listed company
        ("gigboard.io", "jsonld_same_as", "https://gigboard.de/", "p1", "Gigboard"),  # its own other site
    ]
    assert hard_links([], signals, own_keys(owners)) == [("gigboard.io", "gigboard.de", "jsonld_same_as")]
    assert len(hard_links([], signals)) == 2  # without owners every node counts


def test_a_mention_links_no_domain_to_a_reference_org_by_name() -> None:
    refs = [RefOrg("r1", "Acme Widgets", domains=("acme-widgets.com",))]
    parts_shop = owner("acmewidgets-parts.net", "Acme Widgets", ("ner_org", 2), ("title", 1))
    company = owner("acme-widgets-shop.com", "Acme Widgets", ("og_site_name", 1))
    _, links = link_to_reference([parts_shop, company], refs, match_label=LabelMatcher(refs))
    assert links == {"acme-widgets-shop.com": "r1"}


# -- countries and languages -------------------------------------------------------------------------------
def test_domain_scopes_country_from_tld_or_own_legal_forms_and_language_by_words() -> None:
    scopes = domain_scopes(
        [
            ("elejemplo.com", "es", 900),
            ("elejemplo.com.uy", "es", 700),
            ("news.example", "en", 500),
            ("news.example", "de", 450),  # half and half: any language
            ("zeitung.com", "lb", 300),  # a Luxembourgish guess on German text counts as German
            ("zeitung.com", "de", 100),
        ],
        [
            ("elejemplo.com", "Ediciones El Ejemplo S.L."),
            ("elejemplo.com", "EL EJEMPLO"),
            ("elejemplo.com.uy", "El Ejemplo S.A."),
            ("portal.com", "Acme GmbH"),
            ("portal.com", "Globex Inc."),  # forms of two countries: nothing can be said
        ],
    )
    assert scopes["elejemplo.com"] == DomainScope(frozenset({"ES"}), "es")
    assert scopes["elejemplo.com.uy"] == DomainScope(frozenset({"UY"}), "es")
    assert scopes["news.example"].lang is None
    assert scopes["zeitung.com"].lang == "de"
    assert scopes["portal.com"].countries is None


def test_one_name_in_two_countries_or_languages_is_two_orgs_unless_hard_evidence() -> None:
    spain = owner("elejemplo.com", "EL EJEMPLO")
    uruguay = owner("elejemplo.com.uy", "EL EJEMPLO")
    scopes = {
        "elejemplo.com": DomainScope(frozenset({"ES"}), "es"),
        "elejemplo.com.uy": DomainScope(frozenset({"UY"}), "es"),
    }
    assert len(groups(cluster_owners([spain, uruguay], [], 90.0, scopes=scopes))) == 2
    assert len(groups(cluster_owners([spain, uruguay], [], 90.0))) == 1  # the .com alone says no country
    english, german = owner("atlas-journal.com", "Atlas Journal"), owner("atlasjournal.net", "Atlas Journal")
    langs = {"atlas-journal.com": DomainScope(None, "en"), "atlasjournal.net": DomainScope(None, "de")}
    assert len(groups(cluster_owners([english, german], [], 90.0, scopes=langs))) == 2
    hreflang = [("atlas-journal.com", "atlasjournal.net", "hreflang")]
    assert len(groups(cluster_owners([english, german], hreflang, 90.0, scopes=langs))) == 1
    either = {"atlas-journal.com": DomainScope(None, "en"), "atlasjournal.net": DomainScope(None, None)}
    assert len(groups(cluster_owners([english, german], [], 90.0, scopes=either))) == 1  # multilingual: any


# -- edges, trees, confidence --------------------------------------------------------------------------------
def test_edges_say_why_and_the_org_confidence_is_the_weakest_edge_that_holds_it() -> None:
    owners = [
        owner("acme.com", "Acme Widgets", confidence=0.9),
        owner("acme-widgets.net", "Acme Widgets", confidence=0.6),
        owner("old-acme.com", "Something Else", confidence=0.7),
    ]
    result = cluster_owners(owners, [("old-acme.com", "acme.com", "redirect")], 90.0)
    assert sorted((e.a, e.b, e.kind) for e in result.edges) == [
        ("acme.com", "acme-widgets.net", "name"),
        ("old-acme.com", "acme.com", "hard:redirect"),
    ]
    built = build_orgs(owners, result, existing={}, seen={}, run_id=7)
    assert built.orgs.column("confidence").to_pylist() == [0.6]  # the name edge: 1.0 x the weaker owner
    edges = built.edges.to_pylist()
    assert {(e["kind"], e["confidence"], e["run_id"]) for e in edges} == {
        ("name", 0.6, 7),
        ("hard:redirect", HARD_CONFIDENCE["redirect"], 7),
    }


def test_spanning_tree_keeps_the_chain_whose_weakest_edge_is_strongest() -> None:
    edges = [
        MergeEdge("a", "b", "name", 91, 0.5, ""),
        MergeEdge("b", "c", "hard:redirect", 100, 0.98, ""),
        MergeEdge("a", "c", "hard:hreflang", 100, 0.95, ""),
    ]
    tree = spanning_tree(edges)
    assert sorted(e.kind for e in tree) == ["hard:hreflang", "hard:redirect"]
    assert [e.kind for e in merge_paths(tree, "a")["b"]] == ["hard:hreflang", "hard:redirect"]


def test_domains_of_one_reference_org_are_joined_by_reference_edges() -> None:
    owners = [owner("acme.com", "Acme", confidence=0.9), owner("acme.de", "Acme", confidence=0.7)]
    result = cluster_owners(owners, [], 90.0, ref_links={"acme.com": "r1", "acme.de": "r1"})
    assert result.clusters == {"acme.com": "ref:r1", "acme.de": "ref:r1"}
    assert [(e.a, e.b, e.kind, e.confidence) for e in result.edges] == [("acme.com", "acme.de", "reference", 0.7)]


# -- stable ids -----------------------------------------------------------------------------------------------
def _keys_of(built) -> dict[tuple[str, str], str]:  # noqa: ANN001 - Orgs
    keys = built.keys.to_pylist()
    return {(k["name_key"], k["country"]): k["org_id"] for k in keys}


def test_org_ids_survive_a_rerun_when_two_orgs_share_a_name_key() -> None:
    """Apex Solutions Ltd and Apex Solutions Inc. are two orgs of one name key: each keeps its id."""
    owners = [
        owner("apexsolutions.com", "Apex Solutions Ltd", confidence=0.8),
        owner("apex-solutions.com", "Apex Solutions Inc.", confidence=0.7),
        owner("apexsolutionsgroup.com", "Apex Solutions Group Inc.", confidence=0.9),
    ]
    clusters = cluster_owners(owners, [], 90.0)
    assert len(groups(clusters)) == 2
    first = build_orgs(owners, clusters, existing={}, seen={}, run_id=1)
    assert first.keys.num_rows == len(_keys_of(first))  # each (key, country) claimed by one org
    again = build_orgs(owners, clusters, existing=_keys_of(first), previous=first.domain_to_org, seen={}, run_id=2)
    assert again.domain_to_org == first.domain_to_org
    keys_only = build_orgs(owners, clusters, existing=_keys_of(first), seen={}, run_id=2)
    assert keys_only.domain_to_org == first.domain_to_org


def test_org_ids_do_not_depend_on_the_order_of_owners() -> None:
    owners = [owner(f"site{i}.com", name) for i, name in enumerate(["Acme", "Acme", "Globex", "Initech", "Acme Group"])]
    clusters = cluster_owners(owners, [], 90.0)
    first = build_orgs(owners, clusters, existing={}, seen={}, run_id=1)
    shuffled = owners[:]
    random.Random(3).shuffle(shuffled)
    again = build_orgs(shuffled, clusters, existing=_keys_of(first), previous=first.domain_to_org, seen={}, run_id=2)
    assert again.domain_to_org == first.domain_to_org
