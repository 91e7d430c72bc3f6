"""Label-only links: the facts of a match, the shipped model's confidence, the precision target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resolver.domain_match import ReferenceIndex, label_facts
from resolver.errors import InputError
from resolver.label_confidence import FEATURES, LabelModel, label_features, load_label_model
from resolver.linking import DomainOwner
from resolver.reference_linking import LabelMatcher, RefOrg, link_to_reference

REFS = [
    RefOrg("c1", "City of Harrowgate Springs", country="OR"),
    RefOrg("c2", "Harrowgate County", country="OR"),
    RefOrg("u1", "Blackmere Technical Institute", country="US"),
    RefOrg("u2", "Bellwood Teachers Institute", country="US"),
    RefOrg("u3", "Brookfield Trade Institute", country="US"),
    RefOrg("u4", "Quillon Polytechnic University", country="FR"),
]


def _index() -> ReferenceIndex:
    return ReferenceIndex.build((r.ref_id, r.name, r.country) for r in REFS)


def test_a_match_records_what_the_confidence_reads() -> None:
    m = _index().match("harrowgatesprings.gov")
    assert m is not None and m.ref_id == "c1"
    assert m.candidates == 2 and m.word_orgs == 1  # its rarest word, "springs", is in one name
    assert m.label_part > 0.99 and m.token_part == 1.0 and m.wider == 0
    county = _index().match("harrowgatecounty.gov")
    assert county is not None and county.ref_id == "c2" and county.word_orgs == 2  # "harrowgate": in two
    acr = _index().match("bti.edu")
    assert acr is not None and acr.acronym_orgs == 3  # three institutes share the initials
    assert label_facts("bti.edu", acr.name, acr.region) == (0.0, True)


def test_a_label_spelled_whole_is_surer_than_initials_many_names_share() -> None:
    model = load_label_model()
    whole = _index().match("harrowgatesprings.gov")
    initials = _index().match("bti.edu")
    assert whole is not None and initials is not None
    assert len(label_features(whole)) == len(FEATURES)
    assert 0.0 <= model.confidence(initials) < model.confidence(whole) <= 1.0


def test_the_precision_target_sets_the_label_threshold() -> None:
    model = LabelModel(
        coef=(0.0,) * len(FEATURES),
        intercept=0.0,
        mean=(0.0,) * len(FEATURES),
        scale=(1.0,) * len(FEATURES),
        points=((0.95, True), (0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.55, False), (0.3, False)),
    )
    assert model.threshold_for(1.0) == 0.8  # the top three are all right
    assert model.threshold_for(0.8) == 0.6  # 4 of 5 right from 0.6 on
    assert model.threshold_for(0.0) == 0.5  # never below the floor: a link more likely wrong than right
    assert LabelModel.from_json(model.to_json()) == model


def test_an_edited_artifact_is_refused(tmp_path: Path) -> None:
    doc = json.loads(load_label_model().to_json())
    doc["intercept"] += 1
    bad = tmp_path / "label_model.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="checksum"):
        load_label_model(str(bad))


def _unknown(domain: str) -> DomainOwner:
    return DomainOwner(
        registered_domain=domain, status="unknown", name=None, key=None, legal_form=None, confidence=0.0, fit=0.0
    )


def test_label_links_carry_the_models_confidence_and_respect_its_threshold() -> None:
    model = load_label_model()
    owners = [_unknown("harrowgatesprings.gov"), _unknown("bti.edu")]
    out, links = link_to_reference(owners, REFS, match_label=LabelMatcher(REFS), label_model=model)
    by_domain = {o.registered_domain: o for o in out}
    sure = by_domain["harrowgatesprings.gov"]
    assert links["harrowgatesprings.gov"] == "c1" and sure.status == "linked"
    match = _index().match("harrowgatesprings.gov")
    assert match is not None and sure.confidence == model.confidence(match)
    strict = model.confidence(match) + 1e-4  # a target above this link's confidence leaves it unknown
    out, links = link_to_reference(
        owners, REFS, match_label=LabelMatcher(REFS), label_model=model, min_label_confidence=strict
    )
    assert "harrowgatesprings.gov" not in links
    assert {o.registered_domain: o.status for o in out}["harrowgatesprings.gov"] == "unknown"
