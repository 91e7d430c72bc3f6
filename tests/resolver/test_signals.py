"""Page signals on small real-looking pages, broken input, decoys, and the signals stage on a DuckDB store."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmap.config import EngineSettings, Settings, SignalsSettings
from orgmap.progress import SILENT
from orgmap.runs import Run
from orgmap.stages.signals import extract_signals
from orgmap.store.database import Store, compress_html
from resolver.errors import ConfigError
from resolver.jsonld import organizations_from_jsonld, parse_jsonld
from resolver.legal import address_block_entities, copyright_names, legal_entities, page_kind, split_parent
from resolver.signals import SIGNAL_WEIGHTS, PageSignals, extract_page, ownership_text


def _signals_settings(**kw: object) -> Settings:
    return Settings(signals=SignalsSettings(**kw))  # type: ignore[arg-type]


PAGES = Path(__file__).parent.parent / "fixtures" / "pages"

FIXTURES = {
    "impressum_de.html": ("https://www.acme-widgets.de/impressum", "acme-widgets.de"),
    "home_en.html": ("https://www.acme-widgets.co.uk/", "acme-widgets.co.uk"),
    "mentions_legales_fr.html": ("https://www.boulangerie-dupont.fr/mentions-legales", "boulangerie-dupont.fr"),
    "broken_jsonld.html": ("https://www.tagesblick.de/wirtschaft/lyft-waymo", "tagesblick.de"),
    "no_signals.html": ("http://example.org/x", "example.org"),
    "decoys.html": ("https://kuchenblog.de/apfelkuchen/", "kuchenblog.de"),
    "microdata_nl.html": ("https://www.bakkerijjansen.nl/over-ons", "bakkerijjansen.nl"),
}


def page(name: str) -> PageSignals:
    url, domain = FIXTURES[name]
    return extract_page((PAGES / name).read_text("utf-8"), url, registered_domain=domain)


def names(ps: PageSignals, kind: str) -> list[str]:
    return [s.value for s in ps.signals() if s.kind == kind]


# -- each signal ----------------------------------------------------------------------------------------


def test_impressum_names_the_legal_entity_not_agency_host_or_cookie_vendor() -> None:
    ps = page("impressum_de.html")
    assert ps.is_legal_page and not ps.is_about_page
    assert [e.name for e in ps.legal_entities] == ["Acme Widgets GmbH"]
    assert ps.legal_entities[0].weight == pytest.approx(0.9)
    assert names(ps, "copyright") == ["Acme Widgets GmbH"]  # the footer's, not the Usercentrics banner's
    assert ps.og_site_name == "Acme Widgets" and ps.title_brand == "Acme Widgets"
    assert ps.email_domains == ("acme-widgets.de",)  # mailto and "info(at)..." in the text
    assert ps.lang == "de" and ps.og_type == "website"
    assert ps.canonical == "https://www.acme-widgets.de/impressum"
    assert ps.legal_forms == ("GmbH",)
    all_names = {s.value for s in ps.signals() if s.kind in ("legal_entity", "copyright")}
    assert not any(n.startswith(("Strato", "Pixelwerk", "Usercentrics")) for n in all_names)
    assert "Usercentrics" not in ps.text and "Alle akzeptieren" not in ps.text


def test_home_page_jsonld_copyright_links_and_hreflang() -> None:
    ps = page("home_en.html")
    assert names(ps, "jsonld_legal_name") == ["Acme Widgets Ltd"]
    assert names(ps, "jsonld_name") == ["Acme Widgets"]
    assert names(ps, "jsonld_alternate_name") == ["ACME", "Acme Widgets UK"]
    assert names(ps, "jsonld_parent") == ["Acme Holdings plc"]
    assert "https://www.acme-widgets.de/" in names(ps, "jsonld_same_as")
    assert names(ps, "jsonld_url") == ["https://www.acme-widgets.co.uk/"]
    assert names(ps, "copyright") == ["Acme Widgets Ltd"]
    assert names(ps, "legal_entity") == ["Acme Widgets Ltd"]  # "registered in England" in the footer
    assert names(ps, "application_name") == ["Acme Widgets"]
    assert ps.title_brand == "Acme Widgets"
    assert ("de-de", "https://www.acme-widgets.de/") in ps.hreflang
    links = dict(ps.link_domains)
    assert links["siemens.com"] == 1 and "acme-widgets.co.uk" not in links
    assert ps.n_links_internal >= 5  # relative links and the shop subdomain
    assert ps.email_domains == ("acme-widgets.co.uk",)
    assert {"Corporation", "Organization"} <= set(ps.jsonld_types)
    # Payment providers and the CMS are links, never names.
    assert not {"PayPal", "Stripe", "WordPress"} & {s.value for s in ps.signals() if s.kind not in ("link_domain",)}


def test_the_site_menu_is_the_short_texts_of_links_within_the_site() -> None:
    html = """<html><body>
    <header><a href="/">Home</a> <a href="/produkte">Produkte</a> <a href="https://www.werkzeug-huber.de/karriere">Karriere</a>
      <a href="https://partner.example.com/">Unser Partner</a> <a href="#top">Nach oben</a></header>
    <main><a href="/blog/2024/neue-saege">Unsere neue Säge schneidet jetzt doppelt so schnell wie die alte</a>
      <a href="/seite/2">2</a> <a href="/produkte">PRODUKTE</a>
      <a href="mailto:info@werkzeug-huber.de">Schreiben Sie uns</a></main>
    <footer><a href="/ueber-uns">Über   uns</a> <a href="/impressum">Impressum</a></footer></body></html>"""
    ps = extract_page(html, "https://www.werkzeug-huber.de/", registered_domain="werkzeug-huber.de")
    # in page order, lower case, once each; not the other site's link, anchors, headlines, numbers or mail
    assert ps.menu == ("home", "produkte", "karriere", "über uns", "impressum")


def test_the_language_is_the_texts_and_the_lang_attribute_only_when_the_text_is_short() -> None:
    body = " ".join(["Nous fabriquons des meubles en bois massif dans notre atelier de Lyon depuis trente ans."] * 6)
    ps = extract_page(f'<html lang="en"><body><p>{body}</p></body></html>', "https://a.fr/", registered_domain="a.fr")
    assert ps.lang == "en" and ps.text_lang == "fr"  # a template's lang attribute is often wrong
    short = extract_page('<html lang="de"><body><p>Hallo</p></body></html>', "https://b.de/", registered_domain="b.de")
    assert short.text_lang == "de"


def test_mentions_legales() -> None:
    ps = page("mentions_legales_fr.html")
    assert ps.is_legal_page
    assert [e.name for e in ps.legal_entities][:1] == ["Boulangerie Dupont SARL"]
    assert not any("OVH" in e.name or "Lumière" in e.name for e in ps.legal_entities)
    assert names(ps, "copyright") == ["Boulangerie Dupont"]
    assert ps.email_domains == ("boulangerie-dupont.fr",)


def test_broken_html_and_jsonld_still_give_the_publisher() -> None:
    ps = page("broken_jsonld.html")
    assert "jsonld_repaired" in ps.errors and "jsonld_unparsable" in ps.errors
    assert names(ps, "jsonld_legal_name") == ["Tagesblick Medien GmbH & Co. KG"]  # via publisher @id
    assert names(ps, "jsonld_name") == ["Tagesblick"]
    assert "Waymo LLC" not in {s.value for s in ps.signals()}  # its script is truncated
    assert "dpa" not in {s.value for s in ps.signals()}  # an author, and a photo credit
    assert names(ps, "copyright") == ["Tagesblick"]  # not "dpa" / "Getty Images"
    assert ps.og_type == "article" and ps.title_brand == "Tagesblick"


def test_page_without_signals() -> None:
    ps = page("no_signals.html")
    assert [s for s in ps.signals() if s.kind in SIGNAL_WEIGHTS and s.weight > 0] == []
    assert ps.title is None and ps.errors == ()
    assert ps.text.startswith("lorem ipsum") and ps.n_words == 12


def test_decoys_are_not_owners() -> None:
    ps = page("decoys.html")
    name_kinds = {"copyright", "legal_entity", "jsonld_name", "og_site_name", "title_brand", "title"}
    assert [s for s in ps.signals() if s.kind in name_kinds] == []
    assert ps.legal_entities == () and ps.copyright == ()


def test_microdata_organization() -> None:
    ps = page("microdata_nl.html")
    assert ps.is_about_page
    assert names(ps, "jsonld_legal_name") == ["Bakkerij Jansen B.V."]
    assert "Bakkerij Jansen" in names(ps, "copyright")
    assert ps.orgs[0].source == "microdata" and "Bakery" in ps.jsonld_types
    assert ps.legal_forms[:1] == ("B.V.",)


def test_ownership_text_is_capped_and_carries_the_owner() -> None:
    ps = page("impressum_de.html")
    text = ownership_text(ps, max_chars=300)
    assert len(text) <= 300 and "Acme Widgets GmbH" in text
    long_body = extract_page(
        "<html><body><main>" + "<p>word word word.</p>" * 5000 + "</main></body></html>",
        "https://x.de/",
        registered_domain="x.de",
    )
    assert len(ownership_text(long_body)) <= 2_000
    assert len(long_body.text) <= 5_000 and long_body.n_words == 15_000


def test_weights_are_probabilities_and_ordered() -> None:
    w = SIGNAL_WEIGHTS
    assert all(0.0 <= v <= 1.0 for v in w.values())
    assert w["jsonld_legal_name"] > w["legal_entity"] > w["jsonld_name"] > w["copyright"] > w["og_site_name"]
    assert w["og_site_name"] > w["title_brand"] > w["ner_org"]


# -- parts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("© 2024 Acme Widgets GmbH", "Acme Widgets GmbH"),
        ("Copyright © 2019-2024 Acme Inc. All rights reserved", "Acme Inc"),
        ("(c) Acme", "Acme"),
        ("© Motor Presse Hamburg GmbH & Co. KG. Alle Rechte vorbehalten", "Motor Presse Hamburg GmbH & Co. KG"),
        ("Copyright 2024 Acme SAS. Tous droits réservés.", "Acme SAS"),
        ("© 2024 Acme Ltd · Powered by WordPress", "Acme Ltd"),
        ("Acme GmbH © 2024", "Acme GmbH"),
        ("© 2019 Flawless Food on the Foodie Pro Theme", "Flawless Food"),
        ("Foto: © dpa", None),
        ("© Bild: REUTERS", None),
        ("Bildnachweis © Getty Images", None),
        ("© siehe Impressum", None),
        ("© 2024 Cookiebot", None),
        ("Proudly powered by WordPress", None),
        # a licence is no part of the holder's name
        ("© 2020 Levente J. Dobszay, einige Rechte vorbehalten", "Levente J. Dobszay"),
        ("© The Anarcat CC-BY-SA", "The Anarcat"),
        # a quoted brand or an address after the legal name is no part of it
        ("© Hafenblick Verlag AG «Hafenbote» | Hafenblick Verlag AG | Seestrasse 4", "Hafenblick Verlag AG"),
        ("Copyright © 2023 Quayside Media, Inc. PO Box 4410, Portland, OR 97208", "Quayside Media, Inc."),
        ("© 2024 Acme GmbH & Co. KG", "Acme GmbH & Co. KG"),
        # a link in another script after a Latin name is no part of it
        ("©2024 Acme 使用前必读 | 隐私政策", "Acme"),
        # a link to a page about copyright names nobody
        ("Copyright Information", None),
        ("Copyright, Trademark and Patent Information", None),
        ("Copyright Policy", None),
    ],
)
def test_copyright_lines(line: str, expected: str | None) -> None:
    found = copyright_names([line], "acme.de")
    assert (found[0].name if found else None) == expected


def test_a_brand_quoted_after_the_legal_name_is_named_too() -> None:
    found = copyright_names(["© Hafenblick Verlag AG «Hafenbote» | Seestrasse 4 | 8000 Zürich"], "hafenbote.ch")
    assert [n.name for n in found] == ["Hafenblick Verlag AG", "Hafenbote"]


def test_copyright_of_a_platform_on_its_own_domain_counts() -> None:
    assert [n.name for n in copyright_names(["© 2024 WordPress"], "wordpress.org")] == ["WordPress"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Impressum", "Angaben gemäß § 5 TMG", "Acme GmbH", "Hauptstr. 1", "10115 Berlin"], "Acme GmbH"),
        (["Herausgeber: Verlag Müller KG, Hauptstr. 1, 10115 Berlin"], "Verlag Müller KG"),
        (["Medieninhaber und Herausgeber", "Wiener Zeitung GmbH"], "Wiener Zeitung GmbH"),
        (["Legal notice", "Company name: Acme Widgets Limited", "Company number 01234567"], "Acme Widgets Limited"),
        (["Acme Widgets Ltd is a company registered in England and Wales (No. 1234)."], "Acme Widgets Ltd"),
        (["Raison sociale : Dupont et Fils SAS", "SIRET 12345678900012"], "Dupont et Fils SAS"),
        (["Kontakt", "Beispiel Verein e.V.", "Vereinsregister VR 1234, Amtsgericht Köln"], "Beispiel Verein e.V"),
        (["Webdesign: Pixel GmbH", "Hosting: Strato AG"], None),
        (["Company", "About", "Work Here"], None),
    ],
)
def test_legal_entities(lines: list[str], expected: str | None) -> None:
    found = legal_entities(lines, "acme.de")
    assert (found[0].name if found else None) == expected


def test_page_kind() -> None:
    assert page_kind("/impressum", []) == (True, False)
    assert page_kind("/de/mentions-legales.html", []) == (True, False)
    assert page_kind("/", ["Legal Notice"]) == (True, False)
    assert page_kind("/ueber-uns/", []) == (False, True)
    assert page_kind("/about-us", []) == (False, True)
    assert page_kind("/2024/01/some-article", ["Some article"]) == (False, False)
    assert page_kind("/de/impressum.html", []) == (True, False)
    assert page_kind("/legal-notice/", []) == (True, False)
    assert page_kind("/services/paralegal-support", []) == (False, False)
    assert page_kind("/news/eu-legal-reform-passes", []) == (False, False)
    assert page_kind("/sport/our-team-wins-the-cup", []) == (False, False)
    assert page_kind("/kontakt.php", []) == (False, True)


def test_jsonld_tolerant_parse() -> None:
    assert parse_jsonld('{"a": 1,}')[0] == [{"a": 1}]
    assert parse_jsonld('<!-- {"a": 1} -->')[0] == [{"a": 1}]
    assert parse_jsonld('{"a": "x\ny"}')[0] == [{"a": "x\ny"}]
    assert parse_jsonld('{"a": 1}{"b": 2}')[0] == [{"a": 1}, {"b": 2}]
    assert parse_jsonld("{not json") == ([], "unparsable")
    orgs, types, _ = organizations_from_jsonld(
        [
            '{"@type": "Article", "author": {"@type": "Organization", "name": "Agency"}, '
            '"publisher": {"@type": "NewsMediaOrganization", "name": "Daily"}}'
        ]
    )
    assert [(o.name, o.role) for o in orgs] == [("Daily", "publisher")]
    assert types == ["Article", "Organization", "NewsMediaOrganization"]


@pytest.mark.parametrize(
    "html",
    ["", "<<<>>>", "<html><head><title>", "\x00\x01\x02", "<div>" * 5000, "<a href='http://[::1'>x</a>", "<p>© ©"],
)
def test_never_raises_on_junk(html: str) -> None:
    ps = extract_page(html, "https://x.de/", registered_domain="x.de")
    assert isinstance(ps, PageSignals)
    ps.signals()
    ownership_text(ps)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=40))
def test_never_raises_property(html: str, url: str) -> None:
    ps = extract_page(html, url, registered_domain="x.de")
    assert isinstance(ps, PageSignals)
    assert all(0.0 <= s.weight <= 1.0 for s in ps.signals())


# -- the stage ----------------------------------------------------------------------------------------------


def _pages_table(rows: list[tuple[str, str, str | bytes | None]]) -> pa.Table:
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "page_id",
            "url",
            "url_norm",
            "host",
            "registered_domain",
            "has_content",
            "source",
            "source_file",
            "html_z",
            "run_id",
            "ingested_at",
        )
    }
    for url, domain, html in rows:
        cols["page_id"].append(hashlib.sha1(url.encode()).hexdigest())
        cols["url"].append(url)
        cols["url_norm"].append(url)
        cols["host"].append(url.split("/")[2])
        cols["registered_domain"].append(domain)
        cols["has_content"].append(True)
        cols["source"].append("html_dir")
        cols["source_file"].append("fixtures")
        cols["html_z"].append(html if isinstance(html, bytes) else compress_html(html or ""))
        cols["run_id"].append(1)
        cols["ingested_at"].append(dt.datetime(2024, 1, 1))
    return pa.table(cols)


def test_stage_writes_signals_features_links_idempotently(tmp_path: Path) -> None:
    rows: list[tuple[str, str, str | bytes | None]] = [
        (url, domain, (PAGES / name).read_text("utf-8")) for name, (url, domain) in FIXTURES.items()
    ]
    rows.append(("https://corrupt.example.com/", "example.com", b"not zlib"))
    with Store(tmp_path / "t.duckdb") as store:
        store.append("pages", _pages_table(rows))
        run_id = store.start_run("signals", [], {})
        first = extract_signals(store, _signals_settings(batch_size=3), Run(run_id))
        assert first.pages == len(rows) and first.unreadable == 1
        assert any("unreadable" in p["error"] for p in first.problems)
        con = store.con
        n_signals = con.execute("select count(*) from page_signals").fetchone()
        assert n_signals is not None and n_signals[0] == first.signals > 0
        owner = con.execute(
            "select value from page_signals where registered_domain = 'acme-widgets.de' and kind = 'legal_entity'"
        ).fetchall()
        assert owner == [("Acme Widgets GmbH",)]
        scopes = dict(
            con.execute(
                "select kind, scope from page_signals where registered_domain = 'acme-widgets.co.uk' "
                "and kind in ('copyright', 'og_site_name', 'link_domain')"
            ).fetchall()
        )
        assert scopes == {"copyright": "site", "og_site_name": "site", "link_domain": None}
        feat = con.execute(
            "select is_legal_page, legal_forms, n_ent_org, owner_text like '%Acme Widgets GmbH%' "
            "from page_features where registered_domain = 'acme-widgets.de'"
        ).fetchone()
        assert feat == (True, ["GmbH"], None, True)
        links = con.execute(
            "select n_links, n_pages from links where from_domain = 'acme-widgets.co.uk' and to_domain = 'siemens.com'"
        ).fetchone()
        assert links == (1, 1)
        # Nothing new: nothing to do. Re-extracting everything replaces rows, never duplicates them.
        assert extract_signals(store, _signals_settings(), Run(run_id)).pages == 0
        again = extract_signals(store, _signals_settings(), Run(run_id), SILENT, page_ids="all")
        assert again.signals == first.signals
        n_after = con.execute("select count(*) from page_signals").fetchone()
        n_feat = con.execute("select count(*) from page_features").fetchone()
        assert n_after == n_signals and n_feat == (len(rows),)


def test_stage_keeps_ner_rows_of_other_stages(tmp_path: Path) -> None:
    url, domain = FIXTURES["impressum_de.html"]
    with Store(tmp_path / "t.duckdb") as store:
        store.append("pages", _pages_table([(url, domain, (PAGES / "impressum_de.html").read_text("utf-8"))]))
        extract_signals(store, _signals_settings(), Run(1))
        page_id = hashlib.sha1(url.encode()).hexdigest()
        store.append(
            "page_signals",
            pa.table(
                {
                    "page_id": [page_id],
                    "registered_domain": [domain],
                    "kind": ["ner_org"],
                    "value": ["Acme Widgets GmbH"],
                    "weight": [0.4],
                    "context": [""],
                    "run_id": [1],
                }
            ),
        )
        extract_signals(store, _signals_settings(), Run(2), SILENT, page_ids=[page_id])
        row = store.con.execute("select count(*) from page_signals where kind = 'ner_org'").fetchone()
        assert row == (1,)


def test_compressed_html_roundtrip_used_by_stage() -> None:
    assert zlib.decompress(compress_html("<p>ü</p>")).decode() == "<p>ü</p>"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Macmillan Publishers Limited, part of Springer Nature", ("Macmillan Publishers Limited", "Springer Nature")),
        ("Eurosport, a Discovery Company", ("Eurosport", "Discovery")),
        ("Acme GmbH – ein Unternehmen der Beispiel Gruppe", ("Acme GmbH", "Beispiel Gruppe")),
        ("Acme Partner Company", ("Acme Partner Company", None)),
    ],
)
def test_split_parent(name: str, expected: tuple[str, str | None]) -> None:
    assert split_parent(name) == expected


def test_jsonld_name_with_parent_gives_a_parent_signal() -> None:
    html = (
        '<script type="application/ld+json">{"@type": "Organization", '
        '"name": "Macmillan Publishers Limited, part of Springer Nature"}</script>'
    )
    ps = extract_page(html, "https://www.nature.com/x", registered_domain="nature.com")
    assert names(ps, "jsonld_name") == ["Macmillan Publishers Limited"]
    assert names(ps, "jsonld_parent") == ["Springer Nature"]


def test_one_piece_title_is_a_name_only_on_home_pages() -> None:
    html = "<html><head><title>Latest News</title></head><body></body></html>"
    inner = extract_page(html, "https://www.pilkington.com/news/latest", registered_domain="pilkington.com")
    home = extract_page(
        "<title>Pilkington Glass</title>", "https://www.pilkington.com/", registered_domain="pilkington.com"
    )
    assert names(inner, "title") == []
    assert names(home, "title") == ["Pilkington Glass"]


@pytest.mark.parametrize(
    ("title", "domain", "brand"),
    [
        ("Industrial Widgets | Acme Widgets", "acme-widgets.co.uk", "Acme Widgets"),
        ("Acme Widgets – Home", "acme-widgets.co.uk", "Acme Widgets"),
        ("Barenz Builders, custom home builder, WI, Wisconsin", "barenzbuilders.com", "Barenz Builders"),
        ("Dentist in Goodyear AZ | A SoftCare Dental", "scdentalgroup.com", "A SoftCare Dental"),
        ("Rezept: Apfelkuchen vom Blech", "kuchenblog.de", None),
        ("Apfelkuchen vom Blech", "kuchenblog.de", None),
    ],
)
def test_title_brand(title: str, domain: str, brand: str | None) -> None:
    ps = extract_page(f"<title>{title}</title>", f"https://www.{domain}/x/y", registered_domain=domain)
    assert ps.title_brand == brand


def test_meta_refresh_is_a_redirect_signal() -> None:
    html = '<html><head><meta http-equiv="Refresh" content="0; URL=https://www.acme-widgets.de/start"></head></html>'
    ps = extract_page(html, "http://acme-widgets.com/", registered_domain="acme-widgets.com")
    assert ps.meta_refresh == "https://www.acme-widgets.de/start"
    assert names(ps, "redirect") == ["https://www.acme-widgets.de/start"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_jsonld_parse_never_raises(text: str) -> None:
    values, note = parse_jsonld(text)
    assert isinstance(values, list) and note in (None, "repaired", "unparsable")
    organizations_from_jsonld([text])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("© 2024 POLITYKA Sp. z o.o. Wszelkie prawa zastrzeżone", "POLITYKA Sp. z o.o"),
        ("© 2022 C.A. Últimas Noticias RIF J-00037398-1", "C.A. Últimas Noticias"),
        ("© 2024 Acme S.A. de C.V. Todos los derechos reservados", "Acme S.A. de C.V"),
        ("© We are GrapeAlliance", None),
        ("© 2024 Kasaon is a brand of Star Outdoor Ltd. All rights reserved", "Star Outdoor Ltd"),
        ("© 2024 Acme – eine Marke der Beispiel GmbH", "Beispiel GmbH"),
        ("© bei der Autorin und bei literaturkritik.de", None),
    ],
)
def test_copyright_lines_in_other_languages_and_sentences(line: str, expected: str | None) -> None:
    found = copyright_names([line], "example.com")
    assert (found[0].name if found else None) == expected


def test_photo_credits_in_the_body_are_not_copyright_owners() -> None:
    html = (
        "<html><body><article><p>Text.</p><div class='image-credit'>© Noah Addis</div><p>© Britta Radike</p>"
        "</article><div class='site-info'>© 2024 Daily Planet Media GmbH</div></body></html>"
    )
    ps = extract_page(html, "https://dailyplanet.de/a/b", registered_domain="dailyplanet.de")
    assert [c.name for c in ps.copyright] == ["Daily Planet Media GmbH"]
    bare = extract_page(
        "<html><body><p>Text.</p><p>© Britta Radike</p></body></html>", "https://x.de/a", registered_domain="x.de"
    )
    assert bare.copyright == ()


def test_stage_in_worker_processes_matches_one_process(tmp_path: Path) -> None:
    rows: list[tuple[str, str, str | bytes | None]] = [
        (url, domain, (PAGES / name).read_text("utf-8")) for name, (url, domain) in FIXTURES.items()
    ]
    out = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.duckdb") as store:
            store.append("pages", _pages_table(rows))
            extract_signals(store, Settings(engine=EngineSettings(workers=workers)), Run(1))
            out.append(store.con.execute("select * exclude (run_id) from page_signals order by all").fetchall())
    assert out[0] == out[1] and out[0]


def test_stage_reads_text_only_pages(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        table = _pages_table([("https://www.acme-widgets.de/about", "acme-widgets.de", None)])
        table = table.set_column(table.column_names.index("html_z"), "html_z", pa.nulls(1, pa.binary()))
        table = table.append_column("text", pa.array(["Über uns\n© 2024 Acme Widgets GmbH"]))
        store.append("pages", table)
        summary = extract_signals(store, _signals_settings(), Run(1))
        assert summary.pages == 1
        rows = store.con.execute("select kind, value from page_signals where kind = 'copyright'").fetchall()
        assert rows == [("copyright", "Acme Widgets GmbH")]


def test_stage_rejects_an_unknown_text_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store, pytest.raises(ConfigError, match="main_text"):
        extract_signals(store, _signals_settings(main_text="readability"), Run(1))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the registry phrase on the name's own line, behind a "Web Shop for" role
        (["© 2014 shop-apt.co.uk - Web Shop for Associated Production Tools Ltd - Registered in Scotland No 1"],
         "Associated Production Tools Ltd"),
        # a registry heading with the name below it
        (["Registered Office and Warehouse", "Associated Production Tools Ltd", "Unit 7, 28 Queen Elizabeth Avenue"],
         "Associated Production Tools Ltd"),
        # "of" belongs to names: never cut there
        (["Bank of America Ltd - Registered in England No 1"], "Bank of America Ltd"),
        (["Design by Pixel Works Ltd - Company No 123"], None),
    ],
)  # fmt: skip
def test_registry_lines_name_the_entity(lines: list[str], expected: str | None) -> None:
    found = legal_entities(lines, "shop-apt.co.uk", fallback=False)
    assert (found[0].name if found else None) == expected


def test_a_legal_form_name_heading_an_address_is_the_business() -> None:
    html = (
        "<html><head><title>Aphrodite</title></head><body><p>Olive oil soap from Greece.</p>"
        "<p>Aphrodite Cosmetics, LLC<br>602 Athens Blvd.<br>Tarpon Springs, FL 34689</p></body></html>"
    )
    ps = extract_page(html, "http://www.aphroditecosmetics.net/", registered_domain="aphroditecosmetics.net")
    assert [(e.name, e.rule) for e in ps.legal_entities] == [("Aphrodite Cosmetics, LLC", "address")]
    # someone else's block, introduced as hosting or design, is not
    assert not address_block_entities(["Hosted by:", "Strato AG", "Pascalstraße 10, 10587 Berlin"], "x.de")


def test_a_branch_list_names_the_company_its_blocks_share() -> None:
    """Each block heads with its place and the company on one line; the shared words are the company."""
    lines = [
        "Salford Pilkington United Kingdom Limited", "Cromwell Road", "Manchester",
        "Crawley Pilkington Automotive Limited", "Unit 17", "RH10 9RX",
        "Kings Norton Pilkington Automotive Limited", "Eckersall Road", "Birmingham",
        "Redditch Pilkington Automotive Limited", "7 Old Forge Drive", "B98 7AU",
    ]  # fmt: skip
    found = address_block_entities(lines, "pilkington.com")
    assert [e.name for e in found] == ["Pilkington Automotive Limited", "Salford Pilkington United Kingdom Limited"]
    # a shared legal-form word alone is no name: "Holdings Limited" stays inside each block's name
    blocks = ["Acme Holdings Limited", "1 High Street", "Beta Holdings Limited", "2 Low Road"]
    other = address_block_entities(blocks, "x.uk")
    assert [e.name for e in other] == ["Acme Holdings Limited", "Beta Holdings Limited"]


def test_a_component_wrapper_is_not_a_cookie_banner() -> None:
    """CMS wrappers named "ls-cmp-wrap" (component) once matched the consent-manager rule with the footer inside."""
    html = (
        "<html><body><p>Mortgage news.</p><div class='ls-cmp-wrap'><footer>"
        "<p class='copyright'>© 2014 Fannie Mae</p></footer></div>"
        "<div id='cmpbox'>We use cookies. © Consentmanager GmbH</div></body></html>"
    )
    ps = extract_page(html, "https://www.fanniemae.com/", registered_domain="fanniemae.com")
    assert [c.name for c in ps.copyright] == ["Fannie Mae"]
