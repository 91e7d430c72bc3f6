"""Section, sub-brand and sub-host names do not speak for the whole registered domain (page_signals.scope)."""

from __future__ import annotations

from pathlib import Path

from resolver.signals import SCOPES, SIGNAL_WEIGHTS, PageSignals, Signal, extract_page

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def _by_name(ps: PageSignals) -> dict[tuple[str, str], Signal]:
    return {(s.kind, s.value): s for s in ps.signals()}


def test_a_retailers_fashion_label_is_a_section_and_the_footer_names_the_site() -> None:
    html = (PAGES / "section_brand_retailer.html").read_text("utf-8")
    ps = extract_page(
        html, "https://www.harlow-stores.co.uk/twoforfashion/straw-bag/", registered_domain="harlow-stores.co.uk"
    )
    sig = _by_name(ps)
    for kind in ("og_site_name", "title_brand", "jsonld_name"):
        s = sig[(kind, "Two For Fashion")]
        assert s.scope == "section", kind
    assert sig[("copyright", "Harlow Stores Ltd")].scope == "site"


def test_a_networks_site_on_its_own_host_is_host_scoped() -> None:
    html = (PAGES / "subhost_network_site.html").read_text("utf-8")
    ps = extract_page(html, "https://gardening.askwell.net/questions/812/prune-roses", registered_domain="askwell.net")
    sig = _by_name(ps)
    assert sig[("og_site_name", "Gardening Answers")].scope == "host"
    assert sig[("title_brand", "Gardening Answers")].scope == "host"
    assert sig[("og_site_name", "Gardening Answers")].weight == SIGNAL_WEIGHTS["og_site_name"]  # scored later
    assert sig[("copyright", "Askwell Network Inc")].scope == "site"


def test_a_breadcrumb_item_is_a_section_of_a_portal() -> None:
    html = """<html><head><title>Annual reports | Water Quality Agency</title></head><body>
    <nav aria-label="Breadcrumb"><ul><li><a href="/">Home</a></li><li><a href="/ministry">Ministry of Water</a></li>
    <li><a href="/ministry/wqa">Water Quality Agency</a></li><li>Annual reports</li></ul></nav>
    <main><h1>Annual reports</h1></main><footer>© 2024 Ministry of Water and Rivers</footer></body></html>"""
    ps = extract_page(html, "https://www.water-rivers.example/a/b/reports", registered_domain="water-rivers.example")
    assert ps.breadcrumbs[:2] == ("Home", "Ministry of Water")
    sig = _by_name(ps)
    assert sig[("title_brand", "Water Quality Agency")].scope == "section"
    assert sig[("copyright", "Ministry of Water and Rivers")].scope == "site"


def test_home_page_names_are_site_wide_and_deep_title_parts_are_page_level() -> None:
    page = "<html><head><title>{}</title></head><body><p>Hello</p></body></html>"
    home = extract_page(
        page.format("Bluebell Studio – Home"), "https://www.xyz-design.com/", registered_domain="xyz-design.com"
    )
    deep = extract_page(
        page.format("Ceramic vases | Bluebell Studio"),
        "https://www.xyz-design.com/shop/vases",
        registered_domain="xyz-design.com",
    )
    assert [(s.kind, s.scope) for s in home.signals() if s.kind == "title_brand"] == [("title_brand", "site")]
    assert [(s.kind, s.scope) for s in deep.signals() if s.kind == "title_brand"] == [("title_brand", "page")]
    assert all(s.scope == "" for s in deep.signals() if s.kind not in ("title_brand",))  # links, types
    assert set(SCOPES) == {"site", "host", "section", "page"}


def test_a_brands_section_name_also_gives_the_brand() -> None:
    """A section name on `/magazin/` of harlow.de is recorded, and the brand "Harlow" beside it."""
    html = "<html><head><title>Zehn Tipps für den Frühling | Harlow ♥ Magazin</title></head><body></body></html>"
    ps = extract_page(html, "https://www.harlow.de/magazin/tipps/fruehling/", registered_domain="harlow.de")
    brands = [(s.value, s.scope) for s in ps.signals() if s.kind == "title_brand"]
    assert brands == [("Harlow ♥ Magazin", "section"), ("Harlow", "page")]
