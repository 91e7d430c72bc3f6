"""The resolve stage end to end on the committed sample crawl: quality, idempotency, incremental batches.

Real parts: the DuckDB file, the real spaCy model, the real signal extraction and ER.
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from orgmap.config import load_settings
from orgmap.evaluation import evaluate_links, load_truth, predictions_from_store
from orgmap.pipeline import run
from orgmap.store.database import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
STAGES_AFTER = ("classify", "graph", "export")

pytestmark = pytest.mark.slow


def _settings(tmp: Path, name: str = "t.duckdb", **extra: object):
    return load_settings(None, {"db": str(tmp / name), **extra}, environ={})


def _rows(db: str, sql: str) -> list[tuple]:
    with Store(db, read_only=True) as store:
        return store.con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("resolve")
    settings = _settings(tmp)
    run(settings, [str(SAMPLE / "pages.jsonl.gz")], skip=STAGES_AFTER)
    return settings.db


def test_sample_quality_meets_the_bar(sample_db: str) -> None:
    with Store(sample_db, read_only=True) as store:
        result = evaluate_links(load_truth(SAMPLE), predictions_from_store(store), 0.4)
    assert result.f1 >= 0.95, result.errors
    assert result.bcubed[2] >= 0.95


def test_every_domain_has_an_owner_row_with_confidence_and_evidence(sample_db: str) -> None:
    n_domains = _rows(sample_db, "select count(*) from domains")[0][0]
    rows = _rows(sample_db, "select status, confidence, evidence, org_id, org_name from domain_org")
    assert len(rows) == n_domains
    assert "person" in {status for status, *_ in rows}
    for status, confidence, evidence, org_id, org_name in rows:
        assert 0.0 <= confidence <= 1.0
        assert (org_id is not None) == (status == "linked")
        assert (org_name is not None) == (status == "linked")  # never the string 'unknown'
        if status == "linked":
            assert json.loads(evidence)["items"], "a link without evidence"


def test_orgs_have_domains_aliases_and_legal_forms(sample_db: str) -> None:
    rows = _rows(sample_db, "select org_id, canonical_name, legal_form, domains, n_domains from orgs")
    assert rows
    assert all(len(domains) == n for _, _, _, domains, n in rows)
    assert any(form == "GmbH" for _, _, form, _, _ in rows)
    linked = _rows(sample_db, "select count(distinct org_id) from domain_org where org_id is not null")[0][0]
    assert linked == len(rows)


def test_rerun_changes_nothing(sample_db: str, tmp_path: Path) -> None:
    before = _rows(sample_db, "select * exclude (updated_run) from domain_org order by 1")
    orgs_before = _rows(sample_db, "select * from orgs order by 1")
    signals_before = _rows(sample_db, "select count(*) from page_signals")[0][0]
    settings = load_settings(None, {"db": sample_db}, environ={})
    run(settings, [str(SAMPLE / "pages.jsonl.gz")], skip=STAGES_AFTER)
    assert _rows(sample_db, "select * exclude (updated_run) from domain_org order by 1") == before
    assert _rows(sample_db, "select * from orgs order by 1") == orgs_before
    assert _rows(sample_db, "select count(*) from page_signals")[0][0] == signals_before


def test_second_batch_links_to_existing_orgs_with_stable_ids(sample_db: str, tmp_path: Path) -> None:
    records = [json.loads(line) for line in gzip.open(SAMPLE / "pages.jsonl.gz", "rt", encoding="utf-8")]
    first = tmp_path / "first.jsonl"
    second = tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[::2]), encoding="utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in records[1::2]), encoding="utf-8")
    settings = _settings(tmp_path, "inc.duckdb")
    run(settings, [str(first)], skip=STAGES_AFTER)
    ids_first = dict(_rows(settings.db, "select registered_domain, org_id from domain_org where org_id is not null"))
    run(settings, [str(second)], skip=STAGES_AFTER)
    ids_second = dict(_rows(settings.db, "select registered_domain, org_id from domain_org where org_id is not null"))
    kept = [d for d in ids_first if d in ids_second]
    assert len(kept) >= 0.9 * len(ids_first)
    assert sum(ids_first[d] == ids_second[d] for d in kept) >= 0.9 * len(kept)
    # the two batches together resolve like the whole sample at once
    full = dict(_rows(sample_db, "select registered_domain, org_name from domain_org"))
    both = dict(_rows(settings.db, "select registered_domain, org_name from domain_org"))
    agree = sum(full[d] == both.get(d) for d in full)
    assert agree >= 0.95 * len(full)
    assert _rows(settings.db, "select count(*) - count(distinct page_id) from pages")[0][0] == 0


def test_a_batch_rescores_only_the_domains_it_touched_and_cached_owners_equal_fresh_ones(tmp_path: Path) -> None:
    """``_owner_cache``: a second batch scores only its domains; clearing the cache gives the same owners."""
    records = [json.loads(line) for line in gzip.open(SAMPLE / "pages.jsonl.gz", "rt", encoding="utf-8")]
    by_domain: dict[str, list[dict]] = {}
    for r in records:
        by_domain.setdefault(r["url"].split("/")[2].removeprefix("www."), []).append(r)
    late = sorted(d for d, rs in by_domain.items() if len(rs) >= 3)[:2]  # two domains get a page later
    held = [by_domain[d].pop() for d in late]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for rs in by_domain.values() for r in rs), encoding="utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in held), encoding="utf-8")
    settings = _settings(tmp_path, "cache.duckdb")
    one = run(settings, [str(first)], skip=STAGES_AFTER).stages["resolve"]
    assert one.owners_reused == 0 and one.owners_scored == one.domains
    two = run(settings, [str(second)], skip=STAGES_AFTER).stages["resolve"]
    assert two.owners_reused > 0 and two.owners_scored < 0.2 * two.domains
    assert two.owners_scored >= 1
    query = "select * exclude (updated_run) from domain_org order by 1"
    cached = _rows(settings.db, query)
    with Store(settings.db) as store:
        store.con.execute("delete from _owner_cache").fetchall()
    cold = run(settings, [], skip=STAGES_AFTER).stages["resolve"]
    assert cold.owners_reused == 0
    assert _rows(settings.db, query) == cached


def test_reference_list_links_domains_without_pages(tmp_path: Path) -> None:
    ref = tmp_path / "orgs.csv"
    with ref.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "aliases", "domains", "country", "class"])
        w.writerow(["g1", "City of Twentynine Palms", "", "", "US", "government"])
        w.writerow(["g2", "West Millard Mosquito Abatement District", "", "", "US", "government"])
        w.writerow(["g3", "Acme Widgets Ltd", "Acme", "acme-widgets.co.uk", "GB", "company"])
    urls = tmp_path / "domains.txt"
    urls.write_text("29palms.gov\nwmillardmosquitout.gov\nhttps://shop.acme-widgets.co.uk/x\nunrelated-thing.org\n")
    settings = _settings(tmp_path, **{"resolve.orgs_file": str(ref)})
    first = run(settings, [str(urls)], skip=STAGES_AFTER).stages["resolve"]
    assert first.labels_matched == 3  # every domain without a page owner but the listed one
    query = "select * exclude (updated_run) from domain_org order by 1"
    before = _rows(settings.db, query)
    again = run(settings, [], skip=STAGES_AFTER).stages["resolve"]
    assert again.labels_matched == 0 and _rows(settings.db, query) == before  # label matches reused
    owners = dict(_rows(settings.db, "select registered_domain, org_name from domain_org"))
    assert owners["29palms.gov"] == "City of Twentynine Palms"
    assert owners["wmillardmosquitout.gov"] == "West Millard Mosquito Abatement District"
    assert owners["acme-widgets.co.uk"] == "Acme Widgets Ltd"
    assert owners["unrelated-thing.org"] is None
    refs = _rows(settings.db, "select reference_id, source from orgs order by 1")
    assert refs == [("g1", "reference"), ("g2", "reference"), ("g3", "reference")]
    # another reference list: its own matches (the old ones are dropped from the cache)
    ref.write_text(ref.read_text(encoding="utf-8") + "g4,Town of Unrelated Thing,,,US,government\n", encoding="utf-8")
    third = run(settings, [], skip=STAGES_AFTER).stages["resolve"]
    assert third.labels_matched == 3
    assert _rows(settings.db, "select count(distinct reference) from _label_cache") == [(1,)]


def test_explain_and_eval_commands(sample_db: str) -> None:
    domain = _rows(sample_db, "select registered_domain from domain_org where status = 'linked' limit 1")[0][0]
    out = subprocess.run(
        [sys.executable, "-m", "orgmap", "explain", domain, "--db", sample_db, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["domain"] == domain and data["evidence"]["items"] and data["evidence"]["why"]
    missing = subprocess.run(
        [sys.executable, "-m", "orgmap", "explain", "not-in-the-db.com", "--db", sample_db],
        capture_output=True,
        text=True,
    )
    assert missing.returncode != 0 and "not in" in missing.stderr
    ev = subprocess.run(
        [sys.executable, "-m", "orgmap", "eval", "--truth", str(SAMPLE), "--db", sample_db, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(ev.stdout)
    assert figures["f1"] >= 0.95 and len(figures["curve"]) == 20


def _resolve_records(tmp: Path, records: list[dict[str, object]]):  # noqa: ANN202 - Settings
    """Resolve crawl records (pages and redirects) written as JSON Lines; returns the run's settings."""
    src = tmp / "pages.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    settings = _settings(tmp)
    run(settings, [str(src)], skip=STAGES_AFTER)
    return settings


def _site(url: str, name: str, same_as: list[str]) -> dict[str, str]:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsMediaOrganization", "name": name,
                     "url": url, "sameAs": same_as})  # fmt: skip
    html = (
        f"<html><head><title>{name}</title><script type='application/ld+json'>{ld}</script></head>"
        f"<body><p>News of the day from {name}.</p><footer>© 2024 {name}</footer></body></html>"
    )
    return {"url": url, "html": html}


BLOGS = ("Garden Notes", "Harbor Kitchen", "Quiet Miles", "Ferris Lab", "Copper Kettle", "Nordlicht Reisen")


def test_profiles_on_crawled_platforms_do_not_fuse_their_sites(tmp_path: Path) -> None:
    """JSON-LD sameAs lists profiles (twitter.com/nzz); with the platforms crawled too, they once fused every site.

    A sibling's home page is still hard evidence ("Acme Media" sameAs https://acme-verlag.de/ → one org).
    """
    pages = [
        _site("https://www.nzz.ch/", "Neue Zürcher Zeitung", ["https://twitter.com/nzz", "https://www.facebook.com/nzz"]),
        _site("https://www.cbsnews.com/", "CBS News", ["https://twitter.com/cbsnews", "https://de.wikipedia.org/wiki/CBS"]),
        _site("https://www.theplanetarypress.com/", "The Planetary Press", ["https://twitter.com/planetarypress"]),
        _site("https://www.acme-media.com/", "Acme Media", ["https://acme-verlag.de/", "https://twitter.com/acme"]),
        _site("https://acme-verlag.de/", "Acme Verlag", ["https://twitter.com/acmeverlag"]),
        *(_site(f"https://{d}/", n, []) for d, n in [("twitter.com", "Twitter"), ("facebook.com", "Facebook"),
                                                     ("wikipedia.org", "Wikipedia")]),
        # themes fill empty social fields with the platform's home page: a hub, not a sibling
        *(_site(f"https://{n.lower().replace(' ', '')}.net/", n, ["https://twitter.com/"]) for n in BLOGS),
    ]  # fmt: skip
    settings = _resolve_records(tmp_path, pages)
    org_of = dict(_rows(settings.db, "select registered_domain, org_id from domain_org where org_id is not null"))
    news = ["nzz.ch", "cbsnews.com", "theplanetarypress.com", "twitter.com", "facebook.com", "wikipedia.org"]
    assert len({org_of[d] for d in news}) == len(news), org_of
    assert org_of["acme-media.com"] == org_of["acme-verlag.de"]
    blogs = [f"{n.lower().replace(' ', '')}.net" for n in BLOGS]
    assert len({org_of[d] for d in blogs} | {org_of["twitter.com"]}) == len(BLOGS) + 1


def test_a_company_named_like_a_person_keeps_its_owner(tmp_path: Path) -> None:
    """A personal site's owner is a person; a site with a leadership or careers page belongs to an org."""

    def page(url: str, title: str, owner: str) -> dict[str, str]:
        body = f"<p>Welcome.</p><footer><p>© 2024 {owner}</p></footer>"
        return {"url": url, "html": f"<html><head><title>{title}</title></head><body>{body}</body></html>"}

    pages = [
        page("https://www.fanniemae.com/", "Fannie Mae", "Fannie Mae"),
        page(
            "https://www.fanniemae.com/about-us/executive-leadership", "Executive Leadership | Fannie Mae", "Fannie Mae"
        ),
        page("https://www.annahorn.de/", "Anna Horn", "Anna Horn"),
        page("https://www.annahorn.de/about", "About | Anna Horn", "Anna Horn"),
    ]
    settings = _resolve_records(tmp_path, pages)
    status = dict(_rows(settings.db, "select registered_domain, status from domain_org"))
    assert status == {"fanniemae.com": "linked", "annahorn.de": "person"}
    why = dict(_rows(settings.db, "select registered_domain, evidence->>'why' from domain_org"))
    assert why["annahorn.de"].startswith("a personal site: 'Anna Horn' is a person's name")
    assert "organization's page" in why["fanniemae.com"]


def test_only_domain_level_redirects_join_owners(tmp_path: Path) -> None:
    """A home page that redirects moves the domain; a deep link that redirects (/donate → PayPal) does not."""
    pages = [
        _site("https://www.acme-widgets.com/", "Acme Widgets", []),
        _site("https://www.harbor-kitchen.com/", "Harbor Kitchen", []),
        _site("https://www.paypal.com/", "PayPal", []),
        {"url": "https://www.harbor-kitchen.com/donate", "status": 302, "redirect_to": "https://www.paypal.com/donate?x=1"},
        {"url": "https://www.acme-widgets.com/login", "status": 302, "redirect_to": "https://www.paypal.com/signin"},
        {"url": "https://old-acme.de/", "status": 301, "redirect_to": "https://www.acme-widgets.com/"},
        {"url": "https://acme-typo.com/products", "status": 301, "redirect_to": "https://www.acme-widgets.com/products"},
    ]  # fmt: skip
    settings = _resolve_records(tmp_path, pages)
    org_of = dict(_rows(settings.db, "select registered_domain, org_id from domain_org where org_id is not null"))
    assert len({org_of["acme-widgets.com"], org_of["harbor-kitchen.com"], org_of["paypal.com"]}) == 3
    # a home page redirect, and a domain with no page of its own whose every redirect goes to one site
    assert org_of["old-acme.de"] == org_of["acme-typo.com"] == org_of["acme-widgets.com"]


def test_domains_redirected_to_a_sale_service_are_not_its_own(tmp_path: Path) -> None:
    """Expired domains redirect to a marketplace with their name in the URL: the marketplace owns none of them."""
    for_sale = [f"{w}-shop.com" for w in ("amber", "birch", "cedar", "dune", "elm")]
    pages = [
        _site("https://www.domainmarket.com/", "DomainMarket", []),
        _site("https://www.acme-widgets.com/", "Acme Widgets", []),
        *({"url": f"https://{d}/", "status": 302, "redirect_to": f"https://domainmarket.com/{d}"} for d in for_sale),
        {"url": "https://old-acme.de/", "status": 301, "redirect_to": "https://www.acme-widgets.com/"},
    ]  # fmt: skip
    settings = _resolve_records(tmp_path, pages)
    status = dict(_rows(settings.db, "select registered_domain, status from domain_org"))
    assert all(status[d] == "unknown" for d in for_sale), status
    assert status["old-acme.de"] == "linked"
