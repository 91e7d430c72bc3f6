"""Title parts that become candidate names: page-type words, greetings and page numbers are not names.

Every page here is written for the test; the domains do not spell the names, so no fit to the domain helps.
"""

from __future__ import annotations

import pytest

from resolver.names import is_page_type, looks_like_org_name, strip_greeting
from resolver.signals import extract_page


def _title_names(title: str, path: str = "/x/y", domain: str = "hgs-online.co.uk") -> list[str]:
    html = f"<html><head><title>{title}</title></head><body><p>Garden tools.</p></body></html>"
    ps = extract_page(html, f"https://www.{domain}{path}", registered_domain=domain)
    return [s.value for s in ps.signals() if s.kind in ("title", "title_brand")]


@pytest.mark.parametrize(
    ("title", "path"),
    [
        ("Home – Harlow Garden Supplies", "/"),
        ("About us | Harlow Garden Supplies", "/about-us"),
        ("Shipping information – Harlow Garden Supplies", "/shipping"),
        ("Harlow Garden Supplies – Shipping information", "/shipping"),
        ("Harlow Garden Supplies – Delivery & Returns", "/delivery"),
        ("Welcome to Harlow Garden Supplies", "/"),
        ("Harlow Garden Supplies – Startseite", "/"),
        ("Harlow Garden Supplies | Kontakt", "/kontakt"),
        ("Kontakt – Harlow Garden Supplies", "/kontakt"),
        ("Herzlich willkommen bei Harlow Garden Supplies!", "/"),
        ("Harlow Garden Supplies Homepage", "/"),
        ("Harlow Garden Supplies – Mentions légales", "/mentions-legales"),
        ("Harlow Garden Supplies - Sobre nosotros", "/sobre-nosotros"),
    ],
)
def test_page_type_words_are_not_part_of_the_name(title: str, path: str) -> None:
    assert _title_names(title, path) == ["Harlow Garden Supplies"]


@pytest.mark.parametrize(
    "title",
    ["Neues Update für das Handy verfügbar - Seite 3", "Home Page", "Versand & Zahlung", "Über uns - Seite 2"],
)
def test_page_numbers_and_page_kinds_alone_give_no_name(title: str) -> None:
    assert _title_names(title, "/forum/thread-12-3.html") == []
    assert _title_names(title, "/") == []


def test_the_page_type_lexicon_reads_several_languages() -> None:
    kinds = ("Frequently Asked Questions", "Versandinformationen", "Unser Team", "Qui sommes-nous ?",
             "Preguntas frecuentes", "Chi siamo", "Page 2 of 9", "Seite 34")  # fmt: skip
    for text in kinds:
        assert is_page_type(text) and not looks_like_org_name(text), text
    for name in ("Harlow Garden Supplies", "Home Depot", "About You", "People", "Shop Apotheke"):
        assert not is_page_type(name), name
    assert strip_greeting("Bienvenue chez Jardinerie Lemoine") == "Jardinerie Lemoine"
    assert strip_greeting("Welcome Break") == "Welcome Break"
