"""Owners of all domains: scoring with the cache, redirects, personal sites, reference links, org ids."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from resolver.linking import DomainOwner, Evidence, LinkingParams
from resolver.orgs import build_orgs, cluster_owners, new_org_id, org_relations
from resolver.owners import (
    DomainFacts,
    apply_redirects,
    demote_persons,
    owner_from_json,
    owner_to_json,
    score_owners,
    why_status,
)
from resolver.records import OrgCandidate
from resolver.reference_linking import LabelMatcher, RefOrg, link_to_reference, refs_from_table


def owner(domain: str, name: str | None, status: str = "linked", confidence: float = 0.8, **kw: object) -> DomainOwner:
    """An owner; its name is the site's own (og:site_name) unless ``evidence`` says otherwise."""
    key = name.lower() if name else None
    if name and "evidence" not in kw:
        kw["evidence"] = (Evidence("og_site_name", name, "p1", 0.7),)
    return DomainOwner(domain, status, name, key, None, confidence, 0.5, **kw)  # type: ignore[arg-type]


def cand(domain: str, name: str, kind: str = "og_site_name", weight: float = 0.6, page: str = "p1") -> OrgCandidate:
    return OrgCandidate(domain, page, name, kind, weight, "")


def test_cached_owners_equal_scored_ones_and_a_changed_domain_is_rescored() -> None:
    candidates = {
        "acme-widgets.com": [
            cand("acme-widgets.com", "Acme Widgets"),
            cand("acme-widgets.com", "Acme Widgets Ltd", "copyright"),
        ],
        "blue-river.org": [cand("blue-river.org", "Blue River Trust", "jsonld_name", 0.8)],
    }
    facts = {"acme-widgets.com": DomainFacts(3), "blue-river.org": DomainFacts(1)}
    first = score_owners(candidates, facts, LinkingParams(), {})
    assert first.reused == 0 and set(first.fresh) == {"acme-widgets.com", "blue-river.org"}
    again = score_owners(candidates, facts, LinkingParams(), first.fresh)
    assert again.reused == 2 and again.owners == first.owners
    candidates["blue-river.org"].append(cand("blue-river.org", "Blue River Trust", "legal_entity", 0.9, "p2"))
    third = score_owners(candidates, facts, LinkingParams(), first.fresh)
    assert set(third.fresh) == {"blue-river.org"} and third.reused == 1


def test_an_owner_survives_its_json_form() -> None:
    o = owner("acme.com", "Acme", evidence=(Evidence("og_site_name", "Acme", "p1", 0.6, "ctx", 2),), aliases=("ACME",))
    assert owner_from_json(owner_to_json(o)) == o


def test_a_domain_that_only_redirects_inherits_its_targets_owner() -> None:
    owners = [owner("acme.com", "Acme Widgets", confidence=0.9), owner("acme-widgets.net", None, "unknown", 0.0)]
    out, changed = apply_redirects(owners, [("acme-widgets.net", "acme.com", 3)])
    by = {o.registered_domain: o for o in out}
    assert changed == 1
    assert by["acme-widgets.net"].name == "Acme Widgets" and by["acme-widgets.net"].confidence == 0.81
    assert by["acme-widgets.net"].signal_kinds == ("redirect",)
    assert "redirects to a site" in why_status(by["acme-widgets.net"], 0.4)


def test_a_linked_domain_keeps_its_own_owner_despite_a_redirect() -> None:
    owners = [owner("acme.com", "Acme"), owner("other.com", "Other Co")]
    out, changed = apply_redirects(owners, [("other.com", "acme.com", 1)])
    assert changed == 0 and out == sorted(owners, key=lambda o: o.registered_domain)


def test_a_person_named_site_is_personal_unless_it_has_an_organizations_page() -> None:
    owners = [owner("annahorn.de", "Anna Horn"), owner("michaelkors.com", "Michael Kors")]
    out, kept = demote_persons(owners, frozenset({"michaelkors.com"}))
    by = {o.registered_domain: o for o in out}
    assert by["annahorn.de"].status == "person" and by["michaelkors.com"].status == "linked"
    assert kept == {"michaelkors.com"}
    assert "personal site" in why_status(by["annahorn.de"], 0.4)


def test_legal_or_structured_evidence_vetoes_the_person_rule() -> None:
    legal = owner("annahorn.de", "Anna Horn", signal_kinds=("legal_entity",))
    out, _ = demote_persons([legal])
    assert out[0].status == "linked"


def test_why_names_the_threshold_for_a_weak_candidate() -> None:
    weak = owner("x.com", "Xyz", "unknown", 0.3)
    assert why_status(weak, 0.4) == "the best candidate 'Xyz' scores 0.30, below the threshold 0.40"


def test_reference_links_by_listed_domain_by_name_and_by_label() -> None:
    refs = [
        RefOrg("r1", "Acme Widgets Limited", domains=("acme.co.uk",), country="GB"),
        RefOrg("r2", "Blue River Trust"),
        RefOrg("r3", "City of Twentynine Palms", country="US"),
    ]
    owners = [
        owner("acme.co.uk", "Acme"),
        owner("blueriver.org", "Blue River Trust", confidence=0.5),
        owner("29palms.gov", None, "unknown", 0.0),
        owner("unrelated.com", "Something Else"),
    ]
    out, links = link_to_reference(owners, refs, match_label=LabelMatcher(refs))
    by = {o.registered_domain: o for o in out}
    assert links == {"acme.co.uk": "r1", "blueriver.org": "r2", "29palms.gov": "r3"}
    assert by["acme.co.uk"].name == "Acme Widgets Limited" and by["acme.co.uk"].confidence == 0.99
    assert by["29palms.gov"].status == "linked" and by["29palms.gov"].signal_kinds[0] == "reference"
    assert by["unrelated.com"] == owners[3]


def test_reference_rows_become_ref_orgs_and_nameless_rows_are_dropped() -> None:
    table = pa.table(
        {
            "ref_id": ["1", "2"],
            "name": ["Acme", None],
            "aliases": [["ACME"], None],
            "domains": [["acme.com"], None],
            "country": ["", "DE"],
            "class": [None, None],
        }
    )
    assert refs_from_table(table) == [RefOrg("1", "Acme", ("ACME",), ("acme.com",), None, None)]


def test_org_ids_are_stable_across_runs_through_known_keys() -> None:
    owners = [owner("acme.com", "Acme Widgets"), owner("acme-widgets.de", "Acme Widgets")]
    clusters = cluster_owners(owners, [], 90.0)
    assert clusters.clusters["acme.com"] == clusters.clusters["acme-widgets.de"]  # same name, compatible countries
    first = build_orgs(owners, clusters, existing={}, seen={}, run_id=1)
    first_id = first.domain_to_org["acme.com"]
    assert first.orgs.num_rows == 1 and first_id == new_org_id("acme widgets", "DE")
    keys = first.keys
    known = dict(zip(zip(keys.column("name_key").to_pylist(), keys.column("country").to_pylist(), strict=True),
                     keys.column("org_id").to_pylist(), strict=True))  # fmt: skip
    renamed = [dataclasses.replace(o, name="Acme Widgets", key="acme widgets") for o in owners]
    again = build_orgs(renamed, clusters, existing=known, seen={}, run_id=2)
    assert again.domain_to_org == first.domain_to_org and again.keys.num_rows == 0


def test_parent_organization_becomes_two_relations() -> None:
    rel = org_relations(
        [("acme-shop.com", "jsonld_parent", "Acme Holding", "p1", "Acme Shop")],
        {"acme-shop.com": "org-child", "acme.com": "org-parent"},
        {"acme holding": "org-parent"},
    )
    assert sorted(zip(rel.column("org_id").to_pylist(), rel.column("kind").to_pylist(), strict=True)) == [
        ("org-child", "subsidiary_of"),
        ("org-parent", "parent_of"),
    ]
