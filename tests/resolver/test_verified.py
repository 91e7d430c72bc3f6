"""People's answers in the resolver: verified owners replace the scorer's, pair answers bind the clusters."""

from __future__ import annotations

import json

import pytest

from resolver.linking import DomainOwner, Evidence
from resolver.orgs import (
    MergeEdge,
    OwnerClusters,
    VerifiedPair,
    cluster_owners,
    org_relations,
    pair_links,
    split_cannot_links,
)
from resolver.owners import VerifiedOwner, apply_redirects, apply_verified, why_status


def owner(dom: str, name: str | None, conf: float = 0.9, status: str = "linked") -> DomainOwner:
    key = name.lower() if name else None
    ev = (Evidence("og_site_name", name, "p1", 0.8),) if name else ()
    return DomainOwner(
        dom, status, name, key, None, conf, 0.5, evidence=ev, signal_kinds=("og_site_name",), site_name=name
    )


def test_a_verified_owner_replaces_the_scorers_answer_whatever_it_was() -> None:
    owners = [owner("a.de", "Wrong Name"), owner("b.de", None, 0.2, "unknown"), owner("c.de", "Alice Smith")]
    verified = {
        "a.de": VerifiedOwner("a.de", "linked", "Right Name GmbH", "alice@example.com", "2026-01-02 10:00:00", "t 3"),
        "b.de": VerifiedOwner("b.de", "platform"),
        "c.de": VerifiedOwner("c.de", "person", "Alice Smith"),
    }
    a, b, c = apply_verified(owners, verified)
    assert (a.status, a.name, a.legal_form, a.confidence, a.signal_kinds) == (
        "linked",
        "Right Name GmbH",
        "GmbH",
        1.0,
        ("verified",),
    )
    assert a.runner_up == "Wrong Name" and a.site_name == "Wrong Name"
    assert "alice@example.com at 2026-01-02 10:00:00 (t 3)" in a.evidence[0].context
    assert (b.status, b.name, b.key) == ("platform", None, None)
    assert (c.status, c.name, c.key) == ("person", "Alice Smith", None)
    assert "verified" in why_status(a, 0.5) and "personal site" in why_status(c, 0.5)
    assert apply_verified(apply_verified(owners, verified), verified) == [a, b, c]  # idempotent


def test_a_verified_unknown_is_not_overwritten_by_a_redirect_once_applied_again() -> None:
    owners = [owner("old.de", None, 0.1, "unknown"), owner("new.de", "New AG")]
    verified = {"old.de": VerifiedOwner("old.de", "unknown")}
    moved, _ = apply_redirects(apply_verified(owners, verified), [("old.de", "new.de", 1)])
    assert {o.registered_domain: o.status for o in moved}["old.de"] == "linked"  # the rule acts...
    final = {o.registered_domain: o for o in apply_verified(moved, verified)}
    assert final["old.de"].status == "unknown" and final["old.de"].confidence == 1.0  # ...the person's answer wins


def test_bad_answers_are_refused() -> None:
    with pytest.raises(ValueError, match="needs a name"):
        VerifiedOwner("a.de", "linked", " ")
    with pytest.raises(ValueError, match="unknown verified status"):
        VerifiedOwner("a.de", "org")
    with pytest.raises(ValueError, match="unknown pair decision"):
        VerifiedPair("a.de", "b.de", "maybe")


def test_same_forces_a_merge_and_different_forbids_one() -> None:
    owners = [
        owner("acme.com", "Acme Widgets"),
        owner("acmewidgets.com", "Acme Widgets"),
        owner("zeta.com", "Zeta Tools"),
    ]
    plain = cluster_owners(owners, [], 90.0)
    assert plain.clusters["acme.com"] == plain.clusters["acmewidgets.com"] != plain.clusters["zeta.com"]
    must, cannot = pair_links(
        [VerifiedPair("acme.com", "acmewidgets.com", "different"), VerifiedPair("acmewidgets.com", "zeta.com", "same")]
    )
    bound = cluster_owners(owners, [], 90.0, must_link=must, cannot_link=cannot)
    assert bound.clusters["acme.com"] != bound.clusters["acmewidgets.com"] == bound.clusters["zeta.com"]
    kinds = {(e.a, e.b): (e.kind, e.confidence) for e in bound.edges}
    assert kinds[("acmewidgets.com", "zeta.com")] == ("hard:verified", 1.0)
    assert ("acme.com", "acmewidgets.com") not in kinds


def test_a_chain_of_same_answers_beats_a_contradicting_different() -> None:
    edges = [
        MergeEdge("a.de", "b.de", "hard:verified", 100, 1.0, "verified"),
        MergeEdge("b.de", "c.de", "hard:verified", 100, 1.0, "verified"),
    ]
    c = OwnerClusters({"a.de": "x", "b.de": "x", "c.de": "x"}, edges)
    assert split_cannot_links(c, [("a.de", "c.de")]).clusters == c.clusters


def test_a_cannot_link_keeps_the_strongest_chain_on_each_side() -> None:
    edges = [
        MergeEdge("a.de", "b.de", "name", 99, 0.95, ""),
        MergeEdge("b.de", "c.de", "name", 91, 0.6, ""),
        MergeEdge("c.de", "d.de", "hard:redirect", 100, 0.98, "redirect"),
    ]
    c = OwnerClusters({d: "x" for d in ("a.de", "b.de", "c.de", "d.de")}, edges)
    out = split_cannot_links(c, [("a.de", "d.de")])
    assert out.clusters == {"a.de": "x", "b.de": "x", "c.de": "x/c.de", "d.de": "x/c.de"}
    assert {(e.a, e.b) for e in out.edges} == {("a.de", "b.de"), ("c.de", "d.de")}


def test_parent_subsidiary_answers_become_relations() -> None:
    pairs = [
        VerifiedPair("holding.com", "brand.de", "parent_subsidiary", "holding.com", "bob", "2026-01-01 00:00:00"),
        VerifiedPair("x.com", "y.com", "parent_subsidiary"),  # no parent given: a
        VerifiedPair("p.com", "q.com", "different"),
    ]
    orgs = {"holding.com": "org-h", "brand.de": "org-b", "x.com": "org-x", "y.com": "org-y", "p.com": "org-p"}
    rel = org_relations([], orgs, {}, pairs).to_pylist()
    got = {(r["org_id"], r["other_id"], r["kind"], r["confidence"]) for r in rel}
    assert got == {
        ("org-h", "org-b", "parent_of", 1.0),
        ("org-b", "org-h", "subsidiary_of", 1.0),
        ("org-x", "org-y", "parent_of", 1.0),
        ("org-y", "org-x", "subsidiary_of", 1.0),
    }
    assert json.loads(rel[0]["evidence"])[0]["annotator"] == "bob"
