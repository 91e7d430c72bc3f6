"""Hard same-owner evidence between domains (``resolver.same_site``)."""

from __future__ import annotations

import pytest

from resolver.same_site import SAME_AS_HUB, hard_links, is_site_home


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("https://acme.de", True),
        ("https://www.acme.com/en-gb/", True),
        ("acme.com/index.html", True),
        ("https://twitter.com/acme", False),
        ("https://de.wikipedia.org/wiki/Acme", False),
        ("https://plus.google.com/+acme/", False),
        ("https://acme.com/?utm_source=x", False),
    ],
)
def test_a_home_page_names_a_site_a_profile_does_not(url: str, home: bool) -> None:
    assert is_site_home(url) is home


def test_hard_links_keep_redirects_and_hreflang_but_not_canonicals_profiles_or_hubs() -> None:
    signals = [
        ("acme.de", "jsonld_same_as", "https://acme-group.com/", "p1", "Acme"),
        ("acme.de", "jsonld_same_as", "https://twitter.com/acme", "p1", "Acme"),
        ("acme.de", "hreflang", "https://acme.fr/produits/x", "p1", "fr"),
        ("news.de", "canonical", "https://original-publisher.com/story/1", "p2", ""),
        *((f"site{i}.net", "jsonld_same_as", "https://twitter.com/", f"q{i}", "") for i in range(SAME_AS_HUB)),
        # a directory describes each listed business by its own url
        *(("reviews.com", "jsonld_url", f"https://shop{i}.com/", f"r{i}", "") for i in range(SAME_AS_HUB)),
    ]
    pairs = hard_links([("old-acme.de", "acme.de", 301)], signals)
    assert pairs == [
        ("acme.de", "acme-group.com", "jsonld_same_as"),
        ("acme.de", "acme.fr", "hreflang"),
        ("old-acme.de", "acme.de", "redirect"),
    ]
