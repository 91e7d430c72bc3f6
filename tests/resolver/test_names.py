"""Organization-name keys, legal forms, acronyms, name ~ domain fit, and the is-it-a-name filter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolver.names import is_acronym_of, looks_like_org_name, name_acronyms, name_fits_domain, normalize_name
from resolver.records import NameKey


@pytest.mark.parametrize(
    ("name", "key", "legal_form"),
    [
        # German
        ("Acme Widgets GmbH", "acme widgets", "GmbH"),
        ("The Acme Widgets GmbH & Co. KG", "acme widgets", "GmbH & Co. KG"),
        ("Heise Medien GmbH und Co. KG", "heise medien", "GmbH & Co. KG"),
        ("Foo Bar UG (haftungsbeschränkt)", "foo bar", "UG (haftungsbeschränkt)"),
        ("Förderverein Musikschule e.V.", "forderverein musikschule", "e.V."),
        ("Müller Bäckerei GmbH", "muller backerei", "GmbH"),
        ("Deutsche Telekom AG", "deutsche telekom", "AG"),
        ("Axel Springer SE", "axel springer", "SE"),
        ("Die Zeit", "zeit", None),
        ("Lebenshilfe gGmbH", "lebenshilfe", "gGmbH"),
        # English
        ("Acme Widgets Ltd.", "acme widgets", "Ltd"),
        ("Acme Widgets Limited", "acme widgets", "Ltd"),
        ("Barclays PLC", "barclays", "PLC"),
        ("Acme, LLC", "acme", "LLC"),
        ("Apple Inc.", "apple", "Inc."),
        ("Microsoft Corporation", "microsoft", "Corp."),
        ("The Coca-Cola Company", "coca cola", "Co."),
        ("JPMorgan Chase & Co.", "jpmorgan chase", "& Co."),
        ("Samsung Electronics Co., Ltd.", "samsung electronics", "Co., Ltd."),
        ("Acme Pty Ltd", "acme", "Pty Ltd"),
        ("Amazon.com, Inc.", "amazon", "Inc."),
        ("McDonald's Corporation", "mcdonalds", "Corp."),
        ("Acme Holdings Group", "acme holdings group", None),
        # French
        ("Danone S.A.", "danone", "SA"),
        ("Société Générale SA", "societe generale", "SA"),
        ("Acme S.A.S.", "acme", "SAS"),
        ("Boulangerie Dupont SARL", "boulangerie dupont", "SARL"),
        ("Acme S.à r.l.", "acme", "SARL"),
        ("Le Monde", "monde", None),
        ("L'Oréal S.A.", "loreal", "SA"),
        # Dutch, Nordic, Southern Europe
        ("Koninklijke Philips N.V.", "koninklijke philips", "N.V."),
        ("Acme B.V.", "acme", "B.V."),
        ("Het Financieele Dagblad B.V.", "financieele dagblad", "B.V."),
        ("De Persgroep", "de persgroep", None),
        ("A.P. Møller - Mærsk A/S", "ap moller maersk", "A/S"),
        ("Volvo AB", "volvo", "AB"),
        ("Nokia Oyj", "nokia", "Oyj"),
        ("Ferrari S.p.A.", "ferrari", "S.p.A."),
        ("Acme S.r.l.", "acme", "SRL"),
        # Non-Latin scripts stay intact
        ("삼성전자주식회사", "삼성전자", "주식회사"),
        ("株式会社ソニー", "ソニー", "株式会社"),
        ("ООО Газпром", "газпром", "OOO"),
        ("OOO Gazprom Export", "gazprom export", "OOO"),
        ("Ao Nang Tours", "ao nang tours", None),  # prefix forms only in capitals
        ("CV Writing", "cv writing", None),
        ("Газпром нефть", "газпром нефть", None),
        # A legal form alone is not stripped to nothing
        ("AG", "ag", None),
        ("", "", None),
    ],
)
def test_keys_and_legal_forms(name: str, key: str, legal_form: str | None) -> None:
    nk = normalize_name(name)
    assert (nk.key, nk.legal_form) == (key, legal_form)
    assert nk.tokens == tuple(key.split())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Johnson & Johnson", "Johnson and Johnson"),
        ("Procter & Gamble", "Procter and Gamble Co."),
        ("Apple Inc.", "APPLE INC"),
        ("General Electric Company", "General Electric Co."),
        ("Coca-Cola Company", "The Coca-Cola Company"),
        ("Acme GmbH", "ACME G.m.b.H."),
        ("Acme GmbH (Germany)", "Acme GmbH"),
        ("Müller", "MÜLLER"),
        ("ＡＣＭＥ Ltd", "ACME Ltd"),  # full-width letters (NFKC)
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert normalize_name(a).key == normalize_name(b).key


def test_acronyms() -> None:
    assert normalize_name("International Business Machines Corp.").acronym == "ibm"
    assert normalize_name("Bundesministerium für Bildung und Forschung").acronym == "bbf"
    assert normalize_name("Acme").acronym is None
    assert "bbc" in name_acronyms("British Broadcasting Corporation")
    assert "boa" in name_acronyms("Bank of America")
    assert is_acronym_of(normalize_name("BBC"), normalize_name("British Broadcasting Corporation"))
    assert is_acronym_of(normalize_name("P&G"), normalize_name("Procter & Gamble"))
    assert not is_acronym_of(normalize_name("IBM"), normalize_name("Intel Business"))
    assert not is_acronym_of(normalize_name("Acme"), normalize_name("Acme"))


@pytest.mark.parametrize(
    ("name", "domain", "low", "high"),
    [
        ("Acme Widgets Ltd", "acme-widgets.co.uk", 1.0, 1.0),
        ("Acme Widgets Ltd", "acmewidgets.com", 1.0, 1.0),
        ("British Broadcasting Corporation", "bbc.co.uk", 0.85, 1.0),
        ("Bank of America", "bankofamerica.com", 1.0, 1.0),
        ("Müller Bäckerei GmbH", "müller-bäckerei.de", 1.0, 1.0),
        ("Müller Bäckerei GmbH", "xn--mller-bckerei-hfb76a.de", 1.0, 1.0),
        ("Müller Bäckerei GmbH", "mueller-baeckerei.de", 1.0, 1.0),
        ("Müller Bäckerei GmbH", "muller-backerei.de", 1.0, 1.0),
        ("Deutsche Telekom AG", "telekom.de", 0.6, 0.9),
        ("Heise Medien GmbH & Co. KG", "heise.de", 0.7, 0.95),
        ("Acme", "acmewidgets.com", 0.5, 0.9),
        ("Acme Widget", "acme-widgets.co.uk", 0.8, 0.99),
        ("Stripe, Inc.", "acme-widgets.co.uk", 0.0, 0.2),
        ("Powered by WordPress", "acme.de", 0.0, 0.2),
        ("Acme", "acne.com", 0.0, 0.3),
        ("Axel Springer SE", "bild.de", 0.0, 0.2),
        # initials plus a word the label adds about the business ("legal", "shop")
        ("Katz, Marshall & Banks", "kmblegal.com", 0.45, 0.8),
        ("Associated Production Tools Ltd", "shop-apt.co.uk", 0.45, 0.8),
        ("Acme Bank", "kmblegal.com", 0.0, 0.2),
    ],
)
def test_name_fits_domain(name: str, domain: str, low: float, high: float) -> None:
    assert low <= name_fits_domain(normalize_name(name), domain) <= high


def test_fit_prefers_the_matching_domain() -> None:
    nk = normalize_name("Deutsche Telekom AG")
    assert name_fits_domain(nk, "telekom.de") > name_fits_domain(nk, "vodafone.de")
    assert name_fits_domain(nk, "deutsche-telekom.com") > name_fits_domain(nk, "telekom.de")


def test_fit_on_odd_domains_does_not_raise() -> None:
    nk = normalize_name("Acme")
    for dom in ("", "localhost", "192.168.0.1", "...", "co.uk", "a" * 300):
        assert 0.0 <= name_fits_domain(nk, dom) <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Acme Widgets GmbH",
        "BBC",
        "heise online",
        "Spiegel Online",
        "Stadt München",
        "University of Oxford",
        "Bundesministerium für Bildung und Forschung",
        "Booking.com",
        "삼성전자",
        "Газпром",
    ],
)
def test_looks_like_org_name(text: str) -> None:
    assert looks_like_org_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Home",
        "Welcome",
        "Login",
        "Cookie settings",
        "Cookie-Einstellungen",
        "Impressum",
        "12.03.2024",
        "March 3, 2024",
        "2024",
        "https://acme.de/about",
        "www.acme.de",
        "info@acme.de",
        "We use cookies to improve your experience.",
        "Willkommen auf unserer Webseite",
        "Click here to learn more about our products",
        "Alle Rechte vorbehalten",
        "x" * 200,
    ],
)
def test_not_org_names(text: str) -> None:
    assert not looks_like_org_name(text)


# -- properties ---------------------------------------------------------------------------------------

_names = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                "Acme",
                "GmbH",
                "&",
                "Co.",
                "KG",
                "The",
                "und",
                "S.A.",
                "e.V.",
                "Ltd",
                "(",
                ")",
                "Müller",
                "株式会社",
                "ООО",
            ]
        ),
        max_size=8,
    ).map(" ".join),
)


@settings(max_examples=400, deadline=None)
@given(_names)
def test_normalize_never_raises_and_key_is_idempotent(name: str) -> None:
    nk = normalize_name(name)
    assert isinstance(nk, NameKey)
    assert normalize_name(nk.key).key == nk.key
    assert nk.key == nk.key.strip() and "  " not in nk.key


@settings(max_examples=200, deadline=None)
@given(_names, st.sampled_from(["acme.de", "acme-widgets.co.uk", "xn--mller-bckerei-hfb76a.de", "bbc.co.uk", ""]))
def test_fit_is_a_probability(name: str, domain: str) -> None:
    assert 0.0 <= name_fits_domain(normalize_name(name), domain) <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_looks_like_org_name_never_raises(text: str) -> None:
    assert looks_like_org_name(text) in (True, False)
