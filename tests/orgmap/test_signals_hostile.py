"""Hostile pages (issue 16): each finishes in bounded work, is kept, and ``page_errors`` says why it was cut.

The pages are generated here. No timed assertion: each test must complete under pytest-timeout (before the
bounds, 100,000 nested ``<footer>`` ran for minutes); what is asserted is the recorded truncation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgmap.config import IngestSettings, Settings, SignalsSettings
from orgmap.runs import Run
from orgmap.sources.records import RawRecord
from orgmap.stages.signals import extract_signals
from orgmap.store.database import Store
from orgmap.store.pages import store_records
from resolver.bounds import PageLimits, Truncation, bound_html, nesting_depth
from resolver.jsonld import organizations_from_jsonld
from resolver.signals import extract_page

N = 100_000
HEAD = "<html><head><title>Acme Widgets</title></head><body>"


def hostile_pages() -> dict[str, str]:
    graph = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "Organization", "name": f"Org {i} GmbH"} for i in range(N)],
    }
    return {
        "footers": HEAD + "<footer>© 2024 Acme Widgets GmbH " * N + "</body></html>",
        "divs": HEAD + "<div>Acme " * N + "</div>" * N + "<footer>© 2024 Acme Widgets GmbH</footer></body></html>",
        "jsonld": HEAD.replace("</head>", f'<script type="application/ld+json">{json.dumps(graph)}</script></head>')
        + "<p>Widgets.</p></body></html>",
        "text": HEAD + "<p>" + "Acme Widgets GmbH sells widgets, see info@acme-widgets.de. " * N + "</p></body></html>",
    }


WANT = {
    "footers": {"too_deep"},
    "divs": {"too_deep"},
    "jsonld": {"too_many_nodes", "html_too_large"},
    "text": {"html_too_large"},
}


def store_pages(store: Store, pages: dict[str, str]) -> dict[str, str]:
    records = [
        RawRecord("hostile", i, f"https://{name}.acme-widgets.de/", html)
        for i, (name, html) in enumerate(pages.items())
    ]
    store_records(store, 1, records, "html_dir", max_page_bytes=50_000_000)
    rows = store.con.execute("select page_id, host from pages").fetchall()
    return {host.split(".")[0]: page_id for page_id, host in rows}


def page_errors(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for host, reason in store.con.execute(
        "select p.host, e.reason from page_errors e join pages p using (page_id) where e.stage = 'signals'"
    ).fetchall():
        out.setdefault(host.split(".")[0], set()).add(reason)
    return out


@pytest.mark.timeout(300)
def test_hostile_pages_finish_and_are_recorded_as_truncated(tmp_path: Path) -> None:
    settings = Settings(ingest=IngestSettings(max_page_bytes=50_000_000))
    with Store(tmp_path / "h.duckdb") as store:
        ids = store_pages(store, hostile_pages())
        summary = extract_signals(store, settings, Run(2))
        assert summary.pages == 4 and summary.truncated == 4
        got = page_errors(store)
        assert {name: got.get(name, set()) & set(WANT[name]) for name in WANT} == WANT
        # Kept, not dropped: every page has its features and the signals read within the bounds.
        n = store.con.execute("select count(*) from page_features").fetchone()
        assert n == (4,)
        names = store.con.execute(
            "select count(*) from page_signals where page_id = ? and kind = 'jsonld_name'", [ids["jsonld"]]
        ).fetchone()
        assert names is not None and 0 < names[0] <= PageLimits().max_names
        copyright_ = store.con.execute(
            "select value from page_signals where page_id = ? and kind = 'copyright'", [ids["divs"]]
        ).fetchall()
        assert copyright_ == [("Acme Widgets GmbH",)]
        # Re-extracting replaces the page's rows: no duplicates.
        extract_signals(store, settings, Run(3), page_ids="all")
        assert page_errors(store) == got


@pytest.mark.timeout(300)
def test_a_page_past_the_time_limit_is_read_again_within_tight_bounds(tmp_path: Path) -> None:
    # Without bounds the parse of 100,000 nested <div> runs for half a minute: the worker is killed at 1 s.
    unbounded = PageLimits(max_html_chars=10**9, max_depth=10**9)
    settings = Settings(signals=SignalsSettings(limits=unbounded, page_seconds=1.0))
    pages = {"slow": hostile_pages()["divs"], "fine": HEAD + "<footer>© 2024 Acme Widgets GmbH</footer></body></html>"}
    with Store(tmp_path / "t.duckdb") as store:
        ids = store_pages(store, pages)
        summary = extract_signals(store, settings, Run(2))
        assert summary.truncated_by == {"timeout": 1, "too_deep": 1, "html_too_large": 1}  # the last two: tight
        detail = store.con.execute(
            "select detail from page_errors where page_id = ? and reason = 'timeout'", [ids["slow"]]
        ).fetchone()
        assert detail == ("over 1 s; read again within tight bounds",)
        titles = dict(store.con.execute("select page_id, title from page_features").fetchall())
        assert titles == {ids["slow"]: "Acme Widgets", ids["fine"]: "Acme Widgets"}


# -- the bounds themselves ---------------------------------------------------------------------------


def test_nesting_is_counted_without_what_does_not_nest() -> None:
    assert nesting_depth("<div><div><span>x</span></div></div>") == 3
    assert nesting_depth("<ul><li>a<li>b<li>c</ul><p>one<p>two<br><img src=x>") == 1
    assert nesting_depth("<script>" + "<div>" * 50 + "</script><!-- <div><div> --><svg><g><path/></g></svg>") == 0
    assert nesting_depth("</div></div><div>x") == 1
    assert nesting_depth("<script>" + "<script>" * 1_000) == 0  # unclosed: the rest is its text, one scan


def test_deep_pages_are_flattened_and_keep_their_text() -> None:
    html = "<div>word " * 5_000 + "end"
    bounded, cut = bound_html(html, PageLimits(max_depth=100))
    assert nesting_depth(bounded) == 100 and [t.reason for t in cut] == ["too_deep"]
    assert bounded.count("word") == 5_000 and bounded.endswith("end")
    big, cut = bound_html("<title>T</title>" + "x" * 1_000 + "<footer>end</footer>", PageLimits(max_html_chars=200))
    assert len(big) == 200 and big.startswith("<title>T</title>") and big.endswith("<footer>end</footer>")
    assert cut == (Truncation("html_too_large", "1,036 characters; the first 150 and the last 50 were read"),)


def test_jsonld_nodes_and_names_are_capped() -> None:
    graph = json.dumps(
        {"@graph": [{"@type": "Organization", "name": f"Org {i}", "alternateName": [f"O{i}"]} for i in range(50)]}
    )
    orgs, _, notes = organizations_from_jsonld([graph], max_nodes=20)
    assert len(orgs) <= 20 and notes == ["too_many_nodes: more than 20 JSON-LD nodes; the first 20 were read"]
    html = f'<html><head><script type="application/ld+json">{graph}</script></head><body></body></html>'
    ps = extract_page(
        html, "https://orgs.example.com/", registered_domain="example.com", limits=PageLimits(max_names=10)
    )
    assert len(ps.orgs) == 5 and [t.reason for t in ps.truncated] == ["too_many_names"]


def test_unreadable_jsonld_costs_no_time() -> None:
    for script in ("{" * 200_000, "[" * 100_000 + "]" * 100_000, '{"a": "x' * 20_000):
        orgs, _, notes = organizations_from_jsonld([script])
        assert orgs == [] and notes == ["jsonld_unparsable"]
