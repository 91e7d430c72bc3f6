"""Training the owner model: silver labels, fallback labels and the fit, on hand-made candidate groups."""

from __future__ import annotations

import numpy as np

from benchmarks.train_owner_model import (
    Rows,
    Weights,
    fallback_labels,
    fit,
    fit_calibration,
    logits,
    silver_labels,
    surfaces,
)
from resolver.linking import LinkingParams
from resolver.owners import DomainFacts, group_domain
from resolver.records import OrgCandidate


def groups_of(domain: str, *cands: tuple[str, str, str]):
    """The groups of ``domain`` from (page, name, kind) triples, as training sees them."""
    rows = [OrgCandidate(domain, page, name, kind, 0.5, "") for page, name, kind in cands]
    return group_domain(domain, rows, DomainFacts(n_pages=2), {}, LinkingParams(), domain_name=True)


def index_of(found, name: str) -> int:
    return next(i for i in range(len(found.groups)) if name in surfaces(found, i))


def test_silver_labels_need_two_independent_strong_sources() -> None:
    found = groups_of(
        "blue-river.org",
        ("p1", "Blue River Trust", "og_site_name"),
        ("p2", "Blue River Trust", "legal_entity"),
        ("p1", "Weather Service", "ner_org"),
        ("p2", "Sponsor Bank AG", "copyright"),
    )
    labels = silver_labels(found)
    assert labels[index_of(found, "Blue River Trust")] == 1
    assert labels[index_of(found, "Weather Service")] == 0
    assert index_of(found, "Sponsor Bank AG") not in labels, "one strong source: abstain"


def test_silver_labels_abstain_where_sources_disagree_or_only_one_speaks() -> None:
    two = groups_of(
        "x.org",
        ("p1", "Alpha Verein", "og_site_name"),
        ("p2", "Alpha Verein", "copyright"),
        ("p1", "Beta GmbH", "jsonld_name"),
        ("p2", "Beta GmbH", "legal_entity"),
    )
    assert silver_labels(two) == {}
    alone = groups_of("y.org", ("p1", "Gamma", "og_site_name"))
    assert silver_labels(alone) == {}


def test_the_bare_domain_is_right_only_where_no_page_name_is() -> None:
    found = groups_of("pocketpc.ch", ("p1", "Pocket Forum", "title_brand"), ("p2", "Seite 34", "title"))
    bare = index_of(found, "pocketpc.ch")
    forum = index_of(found, "Pocket Forum")
    assert fallback_labels(found, {bare: True, forum: True}) == {bare: 0, forum: 1}
    assert fallback_labels(found, {bare: True, forum: False}) == {bare: 1, forum: 0}


def test_the_fit_ranks_and_calibration_is_monotone() -> None:
    rows = Rows()
    rng = np.random.default_rng(0)
    for i in range(200):
        good = i % 2 == 0
        x = [float(good) + rng.normal(0, 0.3), rng.normal(0, 1.0)]
        rows.add(x, int(good), "dev" if i < 100 else "synth", f"d{i}", ())
    w = np.asarray([Weights().of(s) for s in rows.source])
    model = fit(np.asarray(rows.x), np.asarray(rows.y), w, 1.0)
    scores = logits(np.asarray(rows.x), model)
    assert scores[np.asarray(rows.y) == 1].mean() > scores[np.asarray(rows.y) == 0].mean()
    for method in ("isotonic", "platt"):
        cal = fit_calibration(scores, np.asarray(rows.y), method)
        probs = [cal(s) for s in sorted(scores)]
        assert all(a <= b + 1e-12 for a, b in zip(probs, probs[1:], strict=False))
