"""Topic words and taglines are not names: pages written for these tests, read by extract_page."""

from __future__ import annotations

from resolver.names import is_tagline, looks_like_org_name
from resolver.signals import PageSignals, extract_page


def _page(url: str, domain: str, title: str, *, site_name: str = "", h1: str = "", footer: str = "") -> PageSignals:
    meta = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    html = (
        f"<html><head><title>{title}</title>{meta}</head><body><main><h1>{h1}</h1><p>Text.</p></main>"
        f"<footer><p>{footer}</p></footer></body></html>"
    )
    return extract_page(html, url, registered_domain=domain)


def _names(ps: PageSignals) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in ps.signals():
        if s.kind in ("title", "title_brand", "og_site_name"):
            out.setdefault(s.kind, []).append(s.value)
    return out


def test_the_pages_topic_in_the_title_is_not_a_name() -> None:
    ps = _page(
        "https://www.garten-insekten.de/insekten/hummeln/steinhummel",
        "garten-insekten.de",
        "Steinhummel und Erdhummel | Hummeln",
        h1="Hummeln im Garten",
    )
    assert _names(ps) == {}


def test_the_same_word_is_a_name_when_the_site_repeats_it() -> None:
    ps = _page(
        "https://www.garten-insekten.de/insekten/hummeln/steinhummel",
        "garten-insekten.de",
        "Steinhummel und Erdhummel | Hummeln",
        h1="Hummeln im Garten",
        footer="© 2024 Hummeln",
    )
    assert _names(ps) == {"title_brand": ["Hummeln"]}


def test_a_tagline_in_the_title_is_not_a_name() -> None:
    ps = _page(
        "https://www.spielwelt-db.de/spiele/cs2", "spielwelt-db.de", "Counter-Strike 2 – Datenbank für Multiplayergames"
    )
    assert _names(ps) == {}
    home = _page("https://www.sunshine-rentals.de/", "sunshine-rentals.de", "Ferienvilla in Florida")
    assert _names(home) == {}


def test_a_lower_case_topic_word_as_site_name_is_not_a_name() -> None:
    ps = _page("https://www.smalljoys.net/2024/tea", "smalljoys.net", "Ten small joys", site_name="things")
    assert _names(ps) == {}
    brand = _page("https://www.sheego-like.de/magazin/x", "sheego-like.de", "Tipps", site_name="sheegolike")
    assert _names(brand) == {"og_site_name": ["sheegolike"]}


def test_the_name_part_of_a_site_name_with_a_tagline() -> None:
    ps = _page(
        "https://www.deal-portal.de/angebote/kopfhoerer",
        "deal-portal.de",
        "Kopfhörer im Angebot",
        site_name="Schnäppchen Blog mit Doktortitel • DealDoktor",
    )
    assert _names(ps)["og_site_name"] == ["DealDoktor"]
    news = _page(
        "https://www.wxyz7.com/news/local/crash",
        "wxyz7.com",
        "Crash on I-95",
        site_name="WXYZ 7 News | Weather, Traffic and Sports | Harbor City",
    )
    assert _names(news)["og_site_name"] == ["WXYZ 7 News"]


def test_names_with_prepositions_stay_names() -> None:
    for name in (
        "Institut für Demoskopie Allensbach",
        "Center for American Progress",
        "Gesellschaft für Informatik e.V.",
    ):
        assert not is_tagline(name), name
    ps = _page("https://www.umfragen-xy.de/studien/2024", "umfragen-xy.de", "Studie 2024 | Institut für Demoskopie")
    assert _names(ps) == {"title_brand": ["Institut für Demoskopie"]}


def test_a_headline_ending_in_a_legal_looking_idiom_is_no_company() -> None:
    """German "& Co." also means "and the like": "Die besten Tipps für Garten & Co." names nobody."""
    assert not looks_like_org_name("Die besten Tipps für Balkon, Garten & Co.")
    for name in ("Müller & Co.", "Gesellschaft für angewandte Forschung mbH", "Verlag für Kunst GmbH"):
        assert looks_like_org_name(name), name


def test_a_headline_that_names_the_brand_gives_the_brand() -> None:
    ps = _page("https://blog.wrapwerk.com/messe-2018", "wrapwerk.com", "Take C.A.R.E. - wrapwerk auf der Messe 2018")
    assert _names(ps) == {"title_brand": ["wrapwerk"]}
