"""Owner scoring over candidate names, with simple stand-ins for name normalization and fit.

The stand-ins keep these tests about scoring; resolver.names has its own tests.
"""

import re

import pytest

from resolver.linking import LinkingParams, clean_candidate, is_subsite_address, score_domain, trim_tagline
from resolver.records import NameKey, OrgCandidate

FORMS = {"gmbh", "ltd", "inc", "ag", "sas"}


def normalize(name: str) -> NameKey:
    words = re.findall(r"\w+", name.lower())
    form = next((w for w in words if w in FORMS), None)
    key_words = [w for w in words if w not in FORMS]
    return NameKey(name, " ".join(key_words), form, "".join(w[0] for w in key_words), tuple(key_words))


def fits(key: NameKey, domain: str) -> float:
    label = re.sub(r"[^a-z0-9]", "", domain.split(".")[0])
    compact = key.key.replace(" ", "")
    if compact == label or key.acronym == label:
        return 1.0
    return 0.5 if any(t in label for t in key.tokens if len(t) > 3) else 0.0


def cand(domain: str, page: str, name: str, signal: str, weight: float) -> OrgCandidate:
    return OrgCandidate(domain, page, name, signal, weight)


def test_legal_name_beats_title_and_ner_decoys() -> None:
    dom = "acme-widgets.co.uk"
    cands = [
        cand(dom, "p1", "Welcome to our shop", "title", 0.5),
        cand(dom, "p1", "PayPal", "ner_org", 0.35),
        cand(dom, "p2", "Acme Widgets Ltd", "legal_entity", 0.9),
        cand(dom, "p1", "Acme Widgets", "copyright", 0.75),
    ]
    owner = score_domain(dom, cands, n_pages=2, normalize=normalize, fits=fits)
    assert owner.status == "linked"
    assert owner.name == "Acme Widgets Ltd"
    assert owner.legal_form == "ltd"
    assert owner.confidence > 0.8
    assert {e.signal for e in owner.evidence} == {"legal_entity", "copyright"}


def test_no_candidates_is_unknown() -> None:
    owner = score_domain("empty.de", [], n_pages=1, normalize=normalize, fits=fits)
    assert owner.status == "unknown" and owner.name is None and owner.confidence == 0.0


def test_weak_unfitting_name_stays_unknown() -> None:
    cands = [cand("random-blog.net", "p1", "Google", "ner_org", 0.35)]
    owner = score_domain("random-blog.net", cands, n_pages=1, normalize=normalize, fits=fits)
    assert owner.status == "unknown"
    assert owner.confidence < LinkingParams().min_confidence


def test_platform_name_is_not_the_owner_of_a_private_suffix_site() -> None:
    cands = [cand("alice.github.io", "p1", "GitHub", "copyright", 0.75)]
    owner = score_domain("alice.github.io", cands, n_pages=1, normalize=normalize, fits=fits, platform="github.io")
    assert owner.status == "platform"


def test_names_on_many_unrelated_domains_are_discounted() -> None:
    cands = [cand("shop-one.com", "p1", "Stripe Payments", "copyright", 0.75)]
    alone = score_domain("shop-one.com", cands, n_pages=1, normalize=normalize, fits=fits)
    common = score_domain(
        "shop-one.com", cands, n_pages=1, normalize=normalize, fits=fits, name_domain_freq={"stripe payments": 50}
    )
    assert common.confidence < alone.confidence / 2


def test_acronym_domain_and_close_runner_up_lowers_confidence() -> None:
    dom = "bbc.co.uk"
    cands = [cand(dom, "p1", "British Broadcasting Corporation", "og_site_name", 0.7)]
    alone = score_domain(dom, cands, n_pages=1, normalize=normalize, fits=fits)
    assert alone.status == "linked" and alone.fit == 1.0
    rival = [*cands, cand(dom, "p1", "Bright Blue Company", "title", 0.5)]
    contested = score_domain(dom, rival, n_pages=1, normalize=normalize, fits=fits)
    assert contested.name == "British Broadcasting Corporation"
    assert contested.confidence < alone.confidence
    assert contested.runner_up == "Bright Blue Company"


def test_variants_group_into_one_owner() -> None:
    dom = "acme.de"
    cands = [
        cand(dom, "p1", "ACME GmbH", "legal_entity", 0.9),
        cand(dom, "p2", "Acme", "title", 0.5),
        cand(dom, "p3", "acme", "og_site_name", 0.7),
    ]
    owner = score_domain(dom, cands, n_pages=3, normalize=normalize, fits=fits)
    assert owner.name == "ACME GmbH"
    assert set(owner.aliases) == {"Acme", "acme"}
    assert owner.runner_up is None


def test_brand_and_legal_name_of_one_jsonld_node_are_one_owner() -> None:
    dom = "kalanly.net"
    cands = [
        cand(dom, "p1", "Kalanly", "jsonld_name", 0.85),
        cand(dom, "p1", "Spreewind Holding GmbH", "jsonld_legal_name", 0.95),
        cand(dom, "p2", "Kalanly", "og_site_name", 0.7),
    ]
    owner = score_domain(dom, cands, n_pages=2, normalize=normalize, fits=fits)
    assert owner.name == "Spreewind Holding GmbH"
    assert "Kalanly" in owner.aliases
    assert owner.runner_up is None


def test_two_jsonld_nodes_on_one_page_are_not_fused() -> None:
    dom = "news-site.com"
    cands = [
        cand(dom, "p1", "News Site", "jsonld_name", 0.85),
        cand(dom, "p1", "Other Publisher", "jsonld_name", 0.85),
        cand(dom, "p1", "News Site Ltd", "jsonld_legal_name", 0.95),
    ]
    owner = score_domain(dom, cands, n_pages=1, normalize=normalize, fits=fits)
    assert owner.runner_up == "Other Publisher"


def test_a_sub_site_address_is_not_an_owner_name() -> None:
    """Microdata ``Store`` named "zebra.imprint-e.com": the address of a sub-site, not who owns it."""
    dom = "imprint-e.com"
    cands = [
        cand(dom, "p1", "zebra.imprint-e.com", "jsonld_name", 0.85),
        cand(dom, "p1", "zebra.imprint-e.com", "title", 0.3),
        cand(dom, "p1", "Imprint Enterprises, Inc.", "copyright", 0.65),
    ]
    owner = score_domain(dom, cands, n_pages=1, normalize=normalize, fits=fits)
    assert owner.name == "Imprint Enterprises, Inc"  # trailing punctuation cleaned
    assert is_subsite_address("Zebra.Imprint-E.com", dom)
    assert not is_subsite_address("www.imprint-e.com", dom) and not is_subsite_address("Imprint-e.com", dom)
    assert not is_subsite_address("imprint-e.com", dom) and not is_subsite_address("Visit shop.imprint-e.com", dom)


def test_a_domain_named_brand_loses_its_tagline() -> None:
    dom = "motoclassifieds.us"
    assert trim_tagline("MotoClassifieds.US Free Automotive Advertising", dom) == "MotoClassifieds.US"
    assert trim_tagline("www.MotoClassifieds.us: Auto Classifieds", dom) == "www.MotoClassifieds.us"
    assert trim_tagline("MotoClassifieds Auto", dom) == "MotoClassifieds Auto"  # not the domain itself
    assert trim_tagline("Acme.com", "acme.com") == "Acme.com"
    # a first segment spelling the domain's label is the brand; what follows is the tagline
    assert trim_tagline("Herz und Blut - Interior | Design | Travel Blog", "herzundblut.com") == "Herz und Blut"
    assert trim_tagline("SHE works! - Das Magazin für Gründerinnen", "she-works.de") == "SHE works!"
    assert trim_tagline("Tierheim Berlin - Tierschutz seit 1841", "tierschutz-berlin.de") == (
        "Tierheim Berlin - Tierschutz seit 1841"
    )  # the head does not spell the domain: nothing is cut
    cands = [
        cand(dom, "p1", "MotoClassifieds.US Free Automotive Advertising", "copyright", 0.65),
        cand(dom, "p2", "MotoClassifieds.US Auto Classifieds", "title_brand", 0.5),
    ]
    owner = score_domain(dom, cands, n_pages=2, normalize=normalize, fits=fits)
    assert owner.name == "MotoClassifieds.US" and {e.signal for e in owner.evidence} == {"copyright", "title_brand"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Independent Broker D.B.A. Amenta Real Estate", "Amenta Real Estate"),
        ("Acme Holdings LLC dba Widget World", "Widget World"),
        ("John Smith t/a Smith Plumbing", "Smith Plumbing"),
        ("Jones Ltd trading as Jones & Co", "Jones & Co"),
        ("© 2024 Acme, d/b/a: Acme Shop", "Acme Shop"),
        ("The DBA Group", "The DBA Group"),  # an article is no holder
        ("DBA Consulting", "DBA Consulting"),
        ("Spider&#039;s Web", "Spider's Web"),  # escaped twice by the CMS
        ("Boing Boing", "Boing Boing"),  # a doubled word is a name
        ("Acme GmbH Acme GmbH", "Acme GmbH"),  # a doubled name is not
        ("MyCorp ©", "MyCorp"),
        ("Lidl Insider &", "Lidl Insider"),
        ("AT&T", "AT&T"),
    ],
)
def test_candidate_names_are_cleaned(raw: str, expected: str) -> None:
    """Behind "d/b/a" is the name the site goes by; the holder before it is a person or a shell."""
    assert clean_candidate(raw) == expected


def test_a_domain_written_as_a_brand_is_the_sites_name_a_parked_domain_is_not() -> None:
    """A brand written "MinorityJobs.net" names the site; "minorityjobs.net" is how parking pages print domains."""
    dom = "minorityjobs.net"
    legal = [cand(dom, p, "Minority Resources, Inc", "copyright", 0.65) for p in ("p1", "p2")]

    def owner_with(title: str):  # noqa: ANN202 - the real name normalization and fit: they read "Jobs.net"
        from resolver.names import name_fits_domain, normalize_name

        titles = [cand(dom, "p1", title, "title_brand", 0.5), cand(dom, "p2", title, "title", 0.3)]
        return score_domain(dom, [*titles, *legal], n_pages=2, normalize=normalize_name, fits=name_fits_domain)

    styled = owner_with("MinorityJobs.net")
    assert styled.status == "linked" and styled.name == "MinorityJobs.net"
    assert owner_with("minorityjobs.net").name != "minorityjobs.net"
