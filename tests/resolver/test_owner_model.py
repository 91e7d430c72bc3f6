"""The learned owner model: features of hand-made candidate groups, the shipped artifact, calibration, thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resolver.errors import InputError
from resolver.linking import DomainOwner, LinkingParams
from resolver.orgs import build_orgs, cluster_owners
from resolver.owner_model import (
    ARTIFACT,
    FEATURES,
    Calibration,
    OwnerModel,
    PageInfo,
    group_features,
    load_model,
    page_info,
)
from resolver.owners import (
    DomainFacts,
    Scorer,
    fits,
    group_domain,
    normalize,
    owner_from_json,
    owner_to_json,
    score_owners,
    site_alias,
)
from resolver.records import OrgCandidate

PARAMS = LinkingParams()


def cand(domain: str, page: str, name: str, kind: str, weight: float, context: str = "") -> OrgCandidate:
    return OrgCandidate(domain, page, name, kind, weight, context)


def features_of(domain: str, cands: list[OrgCandidate], pages: dict[str, PageInfo], **facts: object):
    """Group name → feature dict, as the resolve stage computes them."""
    fact = DomainFacts(n_pages=len(pages) or 1, **facts)  # type: ignore[arg-type]
    found = group_domain(domain, cands, fact, {}, PARAMS, domain_name=True)
    vectors = group_features(found, n_pages=fact.n_pages, pages=pages, normalize=normalize, fits=fits)
    out = {}
    for i, x in vectors:
        names = sorted({nk.original for nk in found.groups[i].group.names})
        out[names[0]] = dict(zip(FEATURES, x, strict=True))
    return out


IMPRESSUM = [
    cand("acme-widgets.de", "home", "Acme Widgets", "og_site_name", 0.7),
    cand("acme-widgets.de", "home", "Acme Widgets", "title_brand", 0.5, "Start | Acme Widgets"),
    cand("acme-widgets.de", "legal", "Acme Widgets GmbH", "legal_entity", 0.9),
    cand("acme-widgets.de", "news", "PayPal", "ner_org", 0.4),
    cand("acme-widgets.de", "news", "Bundesliga", "ner_org", 0.4),
]
PAGES = {
    "home": page_info("https://acme-widgets.de/"),
    "legal": page_info("https://acme-widgets.de/impressum", is_legal=True),
    "news": page_info("https://acme-widgets.de/news/x", og_type="article"),
}


def test_features_say_which_signals_on_which_pages_carry_a_group() -> None:
    f = features_of("acme-widgets.de", IMPRESSUM, PAGES)
    acme, paypal = f["Acme Widgets"], f["PayPal"]
    assert acme["has:legal_entity"] == acme["has:og_site_name"] == 1.0
    assert acme["coverage:legal_entity"] == pytest.approx(1 / 3)
    assert acme["on_home"] == acme["on_legal"] == acme["legal_on_legal_page"] == 1.0
    assert acme["on_article"] == 0.0 and paypal["only_articles"] == 1.0
    assert acme["title_last"] == 1.0 and acme["title_first"] == 0.0
    assert acme["legal_form"] == 1.0 and acme["fit_exact"] == 1.0 and acme["is_domain"] == 1.0
    assert acme["structured_and_text"] == 1.0 and acme["site_name"] == 1.0
    assert paypal["ner_only"] == 1.0 and paypal["fit_none"] == 1.0 and paypal["noisy_or_gap"] > 0.5
    assert "acme-widgets.de" not in f, "a page name spells the domain: no bare-domain group"


def test_a_domain_no_page_name_spells_gets_its_own_name_as_a_group() -> None:
    cands = [cand("pocketpc.ch", "p1", "Seite 34", "title_brand", 0.5, "Forum - Seite 34")]
    f = features_of("pocketpc.ch", cands, {"p1": PageInfo()})
    assert f["pocketpc.ch"]["domain_only"] == 1.0 and f["pocketpc.ch"]["self_named"] == 1.0
    assert f["Seite 34"]["has_digits"] == 1.0 and f["Seite 34"]["is_domain"] == 0.0


def test_a_sections_name_beside_the_sites_own_is_flagged() -> None:
    dom = "example-retail.com"
    cands = [
        OrgCandidate(dom, "p1", "Example Retail", "copyright", 0.75, "", "site"),
        OrgCandidate(dom, "p2", "Two For Fashion", "title_brand", 0.5, "Dresses | Two For Fashion", "section"),
    ]
    f = features_of(dom, cands, {"p1": PageInfo(home=True), "p2": PageInfo()})
    assert f["Example Retail"]["scope_site"] == 1.0 and f["Example Retail"]["narrow_beside_site"] == 0.0
    assert f["Two For Fashion"]["scope_site"] == 0.0 and f["Two For Fashion"]["narrow_beside_site"] == 1.0


def test_person_names_and_decoys_are_features() -> None:
    cands = [
        cand("anna-horn.de", "p1", "Anna Horn", "title_brand", 0.5, "Blog | Anna Horn"),
        cand("anna-horn.de", "p1", "WordPress", "ner_org", 0.4),
    ]
    group = group_domain("anna-horn.de", cands, DomainFacts(), {"wordpress": 9}, PARAMS, domain_name=True)
    f = {
        found_names: dict(zip(FEATURES, x, strict=True))
        for i, x in group_features(group, n_pages=1, pages={}, normalize=normalize, fits=fits)
        for found_names in [group.groups[i].group.names[0].original]
    }
    assert f["Anna Horn"]["person_name"] == 1.0
    assert f["WordPress"]["decoy"] == 1.0 and f["WordPress"]["log_spread"] == 3.0
    assert f["Anna Horn"]["decoy_beside"] == 1.0


def test_the_shipped_model_prefers_the_legal_owner_to_an_ner_mention() -> None:
    owner = _owner("acme-widgets.de", IMPRESSUM, PAGES)
    assert owner.status == "linked" and owner.name == "Acme Widgets GmbH"
    assert owner.site_name == "Acme Widgets"
    assert owner.confidence > 0.8
    assert owner.contributions and all(name in FEATURES for name, _ in owner.contributions)


def test_a_name_on_many_unrelated_domains_is_not_a_confident_owner() -> None:
    mentions = {f"blog-{i}.net": [cand(f"blog-{i}.net", "p1", "Google", "ner_org", 0.4)] for i in range(8)}
    owner = _owner("blog-0.net", mentions["blog-0.net"], {"p1": PageInfo(article=True)}, others=mentions)
    assert owner.name != "Google" or owner.status == "unknown"
    assert owner.confidence < _owner("acme-widgets.de", IMPRESSUM, PAGES).confidence


def _owner(
    domain: str,
    cands: list[OrgCandidate],
    pages: dict[str, PageInfo],
    others: dict[str, list[OrgCandidate]] | None = None,
    **facts: object,
) -> DomainOwner:
    """The owner the shipped model gives ``domain`` (``others``: more domains, for the names' spread)."""
    model = load_model()
    scored = score_owners(
        {**(others or {}), domain: cands},
        {domain: DomainFacts(n_pages=max(1, len(pages)), **facts)},  # type: ignore[arg-type]
        PARAMS,
        {},
        scorer=Scorer("model", model, model.threshold_for(0.95)),
        pages=pages,
    )
    return next(o for o in scored.owners if o.registered_domain == domain)


def test_the_shipped_artifact_loads_and_its_checksum_is_verified(tmp_path: Path) -> None:
    model = load_model()
    assert model.features == FEATURES and len(model.coef) == len(FEATURES)
    assert model.training["dev_domains"] > 300 and model.code_version
    doc = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    doc["coef"][0] += 1.0
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="checksum"):
        load_model(str(edited))
    copy = tmp_path / "copy.json"
    copy.write_text(model.to_json(), encoding="utf-8")
    assert OwnerModel.from_json(copy.read_text(encoding="utf-8")).sha256 == model.sha256


def test_an_artifact_for_other_features_is_refused(tmp_path: Path) -> None:
    model = load_model()
    doc = json.loads(model.to_json())
    doc["features"] = doc["features"][:-1]
    doc.pop("sha256")
    from resolver.owner_model import _checksum

    doc["sha256"] = _checksum(doc)
    with pytest.raises(InputError, match="other features"):
        OwnerModel.from_json(json.dumps(doc))


@pytest.mark.parametrize(
    "calibration",
    [
        Calibration("isotonic", (-2.0, 0.0, 1.0, 3.0), (0.1, 0.4, 0.4, 0.95)),
        Calibration("platt", a=0.7, b=0.3),
        load_model().calibration,
    ],
    ids=["isotonic", "platt", "shipped"],
)
def test_calibration_is_monotone_and_a_probability(calibration: Calibration) -> None:
    raws = [x / 4 for x in range(-40, 41)]
    probs = [calibration(r) for r in raws]
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert all(a <= b for a, b in zip(probs, probs[1:], strict=False))


def test_a_higher_precision_target_never_lowers_the_threshold() -> None:
    model = load_model()
    targets = [0.5, 0.8, 0.9, 0.93, 0.95, 0.97, 0.99, 1.0]
    thresholds = [model.threshold_for(t) for t in targets]
    assert thresholds == sorted(thresholds)
    assert thresholds[0] < thresholds[-2]
    t95 = model.threshold_for(0.95)
    at = next(p for p in model.operating_points() if p.threshold >= t95)
    assert at.precision >= 0.95


def test_operating_points_count_precision_coverage_and_accuracy() -> None:
    model = OwnerModel(
        FEATURES,
        (0.0,) * len(FEATURES),
        0.0,
        (0.0,) * len(FEATURES),
        (1.0,) * len(FEATURES),
        Calibration("platt"),
        points=((0.2, False, True), (0.5, True, False), (0.9, True, False), (0.9, False, False)),
    )
    first, second, third = model.operating_points()
    assert (first.threshold, first.precision, first.coverage, first.accuracy) == (0.2, 0.5, 1.0, 0.5)
    assert (second.precision, second.coverage, second.accuracy) == (2 / 3, 0.75, 0.75)
    assert (third.threshold, third.precision, third.coverage) == (0.9, 0.5, 0.5)
    assert model.threshold_for(0.6) == 0.5
    assert model.threshold_for(0.99) > 0.9


def test_a_user_site_on_a_hosting_platform_is_the_publications_and_the_platform_is_recorded() -> None:
    blog = "alice.github.io"
    cands = [
        cand(blog, "p1", "Alice's Garden Notes", "og_site_name", 0.7),
        cand(blog, "p1", "Alice's Garden Notes", "title_brand", 0.5, "Roses | Alice's Garden Notes"),
        cand(blog, "p1", "GitHub", "ner_org", 0.4),
    ]
    owner = _owner(blog, cands, {"p1": PageInfo(home=True)}, suffix="github.io", is_private=True)
    assert owner.status == "platform"
    assert owner.site_name == "Alice's Garden Notes" and owner.platform == "github.io"
    legal = [*cands, cand(blog, "p2", "Alice Garden Tools GmbH", "legal_entity", 0.9)]
    pages = {"p1": PageInfo(home=True), "p2": PageInfo(legal=True)}
    company = _owner(blog, legal, pages, suffix="github.io", is_private=True)
    assert company.platform == "github.io"
    assert company.status == "linked" or company.name != "Alice Garden Tools GmbH"


def test_the_brand_and_the_legal_name_are_one_orgs_aliases() -> None:
    legal = DomainOwner(
        "example-daily.co.uk",
        "linked",
        "Example Media Group Limited",
        "example media group",
        "Limited",
        0.9,
        0.3,
        signal_kinds=("legal_entity",),
        site_name="The Daily Example",
    )
    brand = DomainOwner("other.com", "linked", "Other News", "other news", None, 0.9, 1.0, site_name="Sports Section")
    assert site_alias(legal) == "The Daily Example"
    assert site_alias(brand) is None, "a site name beside a brand owner may be a section, not the org"
    built = build_orgs([legal], cluster_owners([legal], [], 90.0), existing={}, seen={}, run_id=1)
    assert "The Daily Example" in built.orgs.column("aliases").to_pylist()[0]


def test_an_owner_with_site_name_platform_and_contributions_survives_its_json_form() -> None:
    o = DomainOwner(
        "a.github.io",
        "platform",
        "A Blog",
        "a blog",
        None,
        0.7,
        0.2,
        site_name="A Blog",
        platform="github.io",
        contributions=(("fit", 0.5), ("ner_only", -0.25)),
    )
    assert owner_from_json(owner_to_json(o)) == o
