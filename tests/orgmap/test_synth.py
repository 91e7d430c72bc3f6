"""The synthetic crawl generator: contract, determinism, streaming, honest truth, shifts, the committed sample."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from orgmap.synth import ORG_CLASSES, PAGE_CLASSES, generate, iter_pages
from resolver.domains import registered_domain
from resolver.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
DOMAIN_KINDS = {"main", "brand", "acronym", "idn", "redirect", "parked", "shared_hosting", "personal"}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _records(path: Path) -> list[dict]:
    with gzip.open(path / "pages.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "crawl"
    generate(out, n_pages=3000, seed=11)
    return out


def check_consistent(out: Path) -> None:
    """Every invariant the truth files promise, checked against the records themselves."""
    orgs = {r["org_id"]: r for r in _read_csv(out / "truth" / "orgs.csv")}
    domains = {r["registered_domain"]: r for r in _read_csv(out / "truth" / "domains.csv")}
    pages = _read_csv(out / "truth" / "pages.csv")
    records = _records(out)
    manifest = json.loads((out / "truth" / "manifest.json").read_text("utf-8"))
    assert manifest["n_pages"] == len(records)
    assert manifest["n_orgs"] == len(orgs)
    assert manifest["n_domains"] == len(domains)
    for o in orgs.values():
        assert o["org_class"] in ORG_CLASSES
        assert len(o["country"]) == 2 and o["country"].isupper()
        assert o["parent_org_id"] == "" or o["parent_org_id"] in orgs
        assert o["parent_org_id"] != o["org_id"]
        if o["legal_form"]:
            assert o["name"].endswith(o["legal_form"])
    for d, row in domains.items():
        assert row["domain_kind"] in DOMAIN_KINDS
        assert row["domain_class"] in PAGE_CLASSES
        assert row["org_id"] == "" or row["org_id"] in orgs
        assert d.isascii(), "registered domains are punycode"
        if row["domain_kind"] in ("parked", "personal", "shared_hosting"):
            assert row["org_id"] == ""
    by_url = {p["url"]: p for p in pages}
    assert len(by_url) == len(pages), "page URLs are unique"
    n_html = 0
    for rec in records:
        dom = registered_domain(rec["url"])
        assert dom in domains, rec["url"]
        if rec["status"] == 200:
            n_html += 1
            assert set(rec) == {"url", "html", "fetched_at", "status", "content_type"}
            truth = by_url[rec["url"]]
            assert truth["registered_domain"] == dom
            assert truth["page_class"] in PAGE_CLASSES
            assert truth["org_id"] == domains[dom]["org_id"]
        else:
            assert rec["status"] == 301 and set(rec) == {"url", "status", "redirect_to", "fetched_at"}
            assert registered_domain(rec["redirect_to"]) in domains
        assert rec["fetched_at"].endswith("Z")
    assert n_html == len(pages)


def test_contract_and_consistency(crawl: Path) -> None:
    check_consistent(crawl)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", n_pages=600, seed=5)
    generate(tmp_path / "b", n_pages=600, seed=5)
    generate(tmp_path / "c", n_pages=600, seed=6)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["pages.jsonl.gz"] != _digest(tmp_path / "c")["pages.jsonl.gz"]


def test_exact_page_count() -> None:
    for n in (1, 7, 50, 333):
        assert sum(1 for _ in iter_pages(n_pages=n, seed=n)) == n


def test_invalid_arguments(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown shift"):
        generate(tmp_path / "x", n_pages=10, seed=1, shift="nope")
    assert not (tmp_path / "x").exists()
    with pytest.raises(InputError, match="too few"):
        generate(tmp_path / "y", n_pages=10, seed=1, n_orgs=50)
    with pytest.raises(InputError, match="language"):
        generate(tmp_path / "z", n_pages=10, seed=1, languages=("xx",))
