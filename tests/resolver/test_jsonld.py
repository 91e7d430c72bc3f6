"""JSON-LD publishers wherever the page's graph puts them, on pages written for these tests."""

from __future__ import annotations

from pathlib import Path

from resolver.jsonld import organizations_from_jsonld
from resolver.signals import PageSignals, extract_page

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def _page(name: str, url: str, domain: str) -> PageSignals:
    return extract_page((PAGES / name).read_text("utf-8"), url, registered_domain=domain)


def _names(ps: PageSignals, kind: str) -> list[str]:
    return [s.value for s in ps.signals() if s.kind == kind]


def test_publisher_of_the_main_entity_of_a_web_page() -> None:
    """WebPage → mainEntity → NewsArticle → publisher; the article's subject (``about``) is not the owner."""
    ps = _page(
        "jsonld_nested_webpage.html",
        "https://www.northwind-courier.co.uk/news/harbour-bridge",
        "northwind-courier.co.uk",
    )
    assert _names(ps, "jsonld_legal_name") == ["Northwind Courier Media Limited"]
    assert _names(ps, "jsonld_name") == ["Northwind Courier"]
    assert [o.role for o in ps.orgs] == ["publisher"]


def test_publisher_through_graph_references_and_is_part_of() -> None:
    """@graph: Recipe → isPartOf → WebPage → isPartOf → WebSite → publisher, all by @id, across two scripts."""
    ps = _page("jsonld_graph_ispartof.html", "https://www.kornfeld-kueche.de/dinkelbrot/", "kornfeld-kueche.de")
    assert _names(ps, "jsonld_legal_name") == ["Kornfeld Medien GmbH"]
    assert "Kornfeld Küche" in _names(ps, "jsonld_name")
    assert "Jana Korn" not in _names(ps, "jsonld_name")


def test_nested_is_part_of_chain_and_review_publisher_but_not_a_mentioned_book() -> None:
    ps = _page("jsonld_article_ispartof_website.html", "https://www.littoral-info.fr/carnet/marees", "littoral-info.fr")
    assert _names(ps, "jsonld_legal_name") == ["Littoral Presse SAS"]
    names = _names(ps, "jsonld_name")
    assert "Littoral Info" in names and "Vérif Littoral" in names  # a ClaimReview's publisher is the site's
    assert "Éditions du Large" not in names  # the publisher of a book the post mentions is not
    assert "Institut des Rumeurs" not in names  # the author of the claim reviewed is not


def test_a_products_or_books_own_publisher_is_not_the_sites() -> None:
    """A shop's page of a book: the book's publisher is not who runs the shop."""
    orgs, _types, _notes = organizations_from_jsonld(
        [
            '{"@type": "WebPage", "mainEntity": {"@type": "Book", "name": "Tides",'
            ' "publisher": {"@type": "Organization", "name": "Large House Press"}},'
            ' "isPartOf": {"@type": "WebSite", "publisher": {"@type": "Organization", "name": "Quayside Books"}}}'
        ]
    )
    assert [o.name for o in orgs] == ["Quayside Books"]


def test_a_reference_cycle_ends() -> None:
    orgs, _types, _notes = organizations_from_jsonld(
        [
            '{"@graph": [{"@type": "WebPage", "@id": "#p", "isPartOf": {"@id": "#s"}, "name": "x"},'
            ' {"@type": "WebSite", "@id": "#s", "hasPart": {"@id": "#p"}, "mainEntityOfPage": {"@id": "#p"},'
            ' "publisher": {"@type": "Organization", "name": "Loop Ltd"}}]}'
        ]
    )
    assert [o.name for o in orgs] == ["Loop Ltd"]
