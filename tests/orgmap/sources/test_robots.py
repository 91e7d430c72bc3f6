"""robots.txt parsing (RFC 9309) and owner-page discovery: pure functions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmap.sources.discovery import owner_page_links
from orgmap.sources.robots import ALLOW_ALL, DISALLOW_ALL, _normalize_path, parse_robots, product_token

UA = "orgmap/0.1 (+https://github.com/orgmap/orgmap)"


def test_product_token() -> None:
    assert product_token(UA) == "orgmap"
    assert product_token("My-Bot/2.0") == "my-bot"


def test_longest_match_wins_and_allow_wins_ties() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /\nAllow: /impressum\nAllow: /a\nDisallow: /a", UA)
    assert rules.allowed("/impressum")
    assert not rules.allowed("/shop")
    assert rules.allowed("/a")  # same length: allow wins


def test_our_group_beats_star_and_groups_merge() -> None:
    text = """
    # comment
    User-agent: *
    Disallow: /

    User-agent: googlebot
    Allow: /

    User-agent: orgmap
    Disallow: /private
    Crawl-delay: 3

    user-agent: ORGMAP
    disallow: /tmp/
    """
    rules = parse_robots(text, UA)
    assert rules.allowed("/")
    assert not rules.allowed("/private/x")
    assert not rules.allowed("/tmp/x")
    assert rules.crawl_delay == 3.0


def test_consecutive_user_agent_lines_share_a_group() -> None:
    rules = parse_robots("User-agent: other\nUser-agent: orgmap\nDisallow: /x\n", UA)
    assert not rules.allowed("/x")


@pytest.mark.parametrize(
    ("pattern", "path", "allowed"),
    [
        ("/*.pdf$", "/docs/a.pdf", False),
        ("/*.pdf$", "/docs/a.pdf?x=1", True),
        ("/*.pdf", "/docs/a.pdfx", False),
        ("/fish*", "/fishheads", False),
        ("/fish$", "/fish/", True),
        ("/*?sessionid=", "/page?sessionid=1", False),
        ("/über", "/%C3%BCber/x", False),
    ],
)
def test_wildcards(pattern: str, path: str, allowed: bool) -> None:
    assert parse_robots(f"User-agent: *\nDisallow: {pattern}", UA).allowed(path) is allowed


def test_empty_disallow_and_junk() -> None:
    rules = parse_robots("garbage line\nUser-agent: *\nDisallow:\nCrawl-delay: soon\n\x00\x01", UA)
    assert rules.allowed("/anything")
    assert rules.crawl_delay is None


def test_no_group_for_us_means_allowed() -> None:
    assert parse_robots("User-agent: googlebot\nDisallow: /", UA).allowed("/")


def test_status_verdicts() -> None:
    assert ALLOW_ALL.allowed("/x")
    assert not DISALLOW_ALL.allowed("/x")


def test_owner_links_by_text_and_href() -> None:
    html = """
    <a href="/">Home</a>
    <a href="/produkte">Produkte</a>
    <a href="/de/impressum.html">Impressum</a>
    <a href="https://www.acme.de/rechtliches/datenschutz">Datenschutz</a>
    <a href="/ueber-uns/">Über uns</a>
    <a href="mailto:info@acme.de">Kontakt per Mail</a>
    <a href="/kontakt">Kontakt</a>
    <a href="https://facebook.com/acme/about">About us on Facebook</a>
    <a href="/docs/impressum.pdf">Impressum (PDF)</a>
    """
    pages = owner_page_links(html, "https://www.acme.de/")
    assert [(p.kind, p.url) for p in pages] == [
        ("legal", "https://www.acme.de/de/impressum.html"),
        ("about", "https://www.acme.de/ueber-uns/"),
        ("contact", "https://www.acme.de/kontakt"),
    ]
    assert not any(p.fallback for p in pages)


def test_french_legal_notice_and_fallbacks() -> None:
    html = '<a href="/mentions-legales">Mentions légales</a><a href="/x">Qui sommes-nous ?</a>'
    pages = owner_page_links(html, "https://exemple.fr/", max_pages=5)
    assert pages[0].url == "https://exemple.fr/mentions-legales"
    assert pages[1].kind == "about" and pages[1].url == "https://exemple.fr/x"
    assert [p.url for p in pages if p.fallback] == ["https://exemple.fr/contact"]


def test_fallback_paths_round_robin_and_cap() -> None:
    pages = owner_page_links("<p>no links</p>", "https://acme.com/", max_pages=4)
    assert [p.url for p in pages] == [
        "https://acme.com/impressum",
        "https://acme.com/about",
        "https://acme.com/contact",
        "https://acme.com/imprint",
    ]
    assert owner_page_links("", "https://acme.com/", fallbacks=False) == []


def test_combined_contact_legal_link_is_legal_and_headlines_are_not() -> None:
    html = """
    <a href="/contact/">Contact</a>
    <a href="/contact/#impressum">Impressum</a>
    <a href="/kontakt.html">Kontakt/Impressum</a>
    <a href="/news/legal-cannabis">Legal marijuana use still costs people jobs in California</a>
    """
    pages = owner_page_links(html, "https://acme.de/blog/post/", fallbacks=False)
    assert [(p.kind, p.url) for p in pages] == [
        ("legal", "https://acme.de/contact/"),
        ("legal", "https://acme.de/kontakt.html"),
    ]
    headline = '<a href="/news/legal-cannabis-ruling">Legal marijuana use still costs people jobs in California</a>'
    assert owner_page_links(headline, "https://acme.com/", fallbacks=False) == []


# -- hostile robots.txt (issue 16) -------------------------------------------------------------------

BACKTRACKING = "/*a*a*a*a*a*a*a*a*a*a*a*a*b$"
"""Compiled to a backtracking regex (``.*a.*a…b$``), this pattern takes hours on a path of a few hundred ``a``."""


@pytest.mark.timeout(60)  # a guard against the hang, not a timing assertion: the fixed matcher takes microseconds
def test_a_backtracking_pattern_cannot_hang() -> None:
    rules = parse_robots(f"User-agent: *\nDisallow: {BACKTRACKING}", UA)
    assert rules.allowed("/" + "a" * 5_000)
    assert not rules.allowed("/" + "a" * 5_000 + "b")
    assert rules.allowed("/" + "a" * 5_000 + "b/")


def _regex_match(pattern: str, path: str) -> bool:
    """The RFC's meaning spelled as a regular expression: the reference the linear matcher must agree with."""
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*")) + ("$" if anchored else "")
    return re.match(regex, path, re.DOTALL) is not None


@settings(max_examples=400, deadline=None)
@given(st.text("ab/*$", max_size=8), st.text("ab/$", max_size=10))
def test_linear_matcher_agrees_with_the_regex_meaning(pattern: str, path: str) -> None:
    pattern = "/" + pattern
    rules = parse_robots(f"User-agent: *\nDisallow: {pattern}", UA)
    assert rules.allowed("/" + path) is not _regex_match(_normalize_path(pattern), _normalize_path("/" + path))


def test_a_large_crawl_delay_is_kept_for_the_fetcher_to_cap() -> None:
    assert parse_robots("User-agent: *\nCrawl-delay: 100000", UA).crawl_delay == 100_000.0
    assert parse_robots("User-agent: *\nCrawl-delay: 1e400", UA).crawl_delay == float("inf")
    for junk in ("nan", "-1", "soon"):
        assert parse_robots(f"User-agent: *\nCrawl-delay: {junk}", UA).crawl_delay is None
