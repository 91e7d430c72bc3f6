"""The synthetic crawl generator: contract, determinism, streaming, honest truth, shifts, the committed sample."""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.synth import ORG_CLASSES, PAGE_CLASSES, generate, iter_pages, make_world
from orgmap.synth.vocab import SHIFTED, TERMS
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


def test_owned_domains_name_their_owner(crawl: Path) -> None:
    """Honest truth: a domain with an owner names it (legal name) on at least one of its pages."""
    orgs = {r["org_id"]: r for r in _read_csv(crawl / "truth" / "orgs.csv")}
    domains = _read_csv(crawl / "truth" / "domains.csv")
    named: set[str] = set()
    for rec in _records(crawl):
        if rec["status"] != 200 or not rec["html"]:
            continue
        dom = registered_domain(rec["url"])
        row = next((d for d in domains if d["registered_domain"] == dom), None)
        if row and row["org_id"]:
            name = orgs[row["org_id"]]["name"]
            if name in rec["html"] or html.escape(name) in rec["html"]:
                named.add(dom)
    owned = {d["registered_domain"] for d in domains if d["org_id"] and d["domain_kind"] != "redirect"}
    assert owned and owned <= named


def test_redirect_domains_point_at_their_owner(crawl: Path) -> None:
    domains = {r["registered_domain"]: r for r in _read_csv(crawl / "truth" / "domains.csv")}
    cross = 0
    for rec in _records(crawl):
        if rec["status"] == 301:
            src, dst = registered_domain(rec["url"]), registered_domain(rec["redirect_to"])
            assert domains[src]["org_id"] == domains[dst]["org_id"]
            cross += src != dst
    assert cross > 0


def test_traps_are_present(crawl: Path) -> None:
    """The cases that make the task hard exist in an ordinary crawl."""
    orgs = _read_csv(crawl / "truth" / "orgs.csv")
    domains = _read_csv(crawl / "truth" / "domains.csv")
    kinds = Counter(d["domain_kind"] for d in domains)
    assert all(kinds[k] > 0 for k in DOMAIN_KINDS), kinds
    assert any(o["parent_org_id"] for o in orgs)
    # the same name for unrelated orgs in different countries
    by_short = Counter(o["aliases"].split("|")[0] for o in orgs if o["legal_form"] and o["aliases"])
    assert any(n > 1 for n in by_short.values())
    urls = [r["url"] for r in _records(crawl)]
    assert any("xn--" in u for u in urls) and any(not u.isascii() for u in urls), "IDNs in both forms"
    assert any(registered_domain(u).endswith(".github.io") for u in urls if ".github.io" in u)
    assert any(u.startswith("http://") for u in urls)
    multi = {d["registered_domain"].split(".", 1)[1] for d in domains}
    assert multi & {"co.uk", "com.au", "gov.uk", "ac.uk", "gouv.fr", "org.uk"}


def test_iter_pages_is_lazy() -> None:
    it = iter_pages(n_pages=1_000_000, seed=1, n_orgs=50)  # returns at once: nothing is rendered ahead
    first = [next(it) for _ in range(20)]
    assert all(p.record["url"].startswith("http") for p in first)
    assert all(p.page_class in PAGE_CLASSES for p in first if not p.is_redirect)


_MAXRSS = """
import resource, sys
from orgmap.synth import generate
generate(sys.argv[1], n_pages=int(sys.argv[2]), seed=3, n_orgs=150)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_memory_does_not_grow_with_pages(tmp_path: Path) -> None:
    """Streaming: writing 20k pages over a fixed world takes no more memory than 2k pages (peak RSS)."""

    def peak_kb(n: int) -> int:
        out = subprocess.run(
            [sys.executable, "-c", _MAXRSS, str(tmp_path / str(n)), str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.split()[-1])

    small, large = peak_kb(2_000), peak_kb(20_000)
    assert large < small + 20_000, (small, large)  # kB: 10x the pages, < 20 MB more


def _class_shares(**kw: object) -> Counter[str]:
    counts = Counter(p.page_class for p in iter_pages(n_pages=3000, **kw) if not p.is_redirect)  # type: ignore[arg-type]
    total = sum(counts.values())
    return Counter({k: v / total for k, v in counts.items()})


def test_no_shift_same_distribution_across_seeds() -> None:
    a, b = _class_shares(seed=1), _class_shares(seed=2)
    tv = sum(abs(a[c] - b[c]) for c in PAGE_CLASSES) / 2
    assert tv < 0.12, tv


def test_shift_new_class() -> None:
    base, shifted = _class_shares(seed=4), _class_shares(seed=4, shift="new_class")
    assert shifted["gambling"] + shifted["adult"] > 4 * (base["gambling"] + base["adult"])


def test_shift_class_mix() -> None:
    base, shifted = _class_shares(seed=4), _class_shares(seed=4, shift="class_mix")
    assert shifted["news"] > 1.5 * base["news"] and shifted["company"] < 0.7 * base["company"]


def test_shift_language() -> None:
    base = Counter(p.lang for p in iter_pages(n_pages=3000, seed=4) if p.lang)
    shifted = Counter(p.lang for p in iter_pages(n_pages=3000, seed=4, shift="language") if p.lang)
    assert base["es"] == base["it"] == 0
    assert shifted["es"] + shifted["it"] > 0.25 * sum(shifted.values())


def test_shift_vocab() -> None:
    new_terms = [t for terms in SHIFTED.values() for t in terms]
    old_terms = [t for c, terms in TERMS["en"].items() if c not in ("parked",) for t in terms]

    def share(shift: str | None) -> tuple[float, float]:
        pages = [p for p in iter_pages(n_pages=1500, seed=4, shift=shift) if p.lang == "en" and p.record["html"]]
        new = sum(any(t in p.record["html"] for t in new_terms) for p in pages) / len(pages)
        old = sum(sum(t in p.record["html"] for t in old_terms) for p in pages) / len(pages)
        return new, old

    (base_new, base_old), (shift_new, shift_old) = share(None), share("vocab")
    assert shift_new > base_new + 0.5
    assert shift_old < 0.6 * base_old


def test_cli_writes_crawl(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "-o", str(tmp_path / "c"), "--pages", "120", "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    assert "wrote 120 records" in result.output
    check_consistent(tmp_path / "c")
    bad = CliRunner().invoke(app, ["synth", "-o", str(tmp_path / "d"), "--pages", "10", "--shift", "weather"])
    assert bad.exit_code == 2 and "unknown shift" in bad.output


def test_sample_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    """data/sample is regenerated by the command in docs/synth.md, byte for byte."""
    doc = (ROOT / "docs" / "synth.md").read_text("utf-8")
    cmd = next(line.strip() for line in doc.splitlines() if line.strip().startswith("orgmap synth -o data/sample"))
    args = cmd.split()[1:]
    args[args.index("data/sample")] = str(tmp_path / "sample")
    result = CliRunner().invoke(app, [*args, "-q"])
    assert result.exit_code == 0, result.output
    check_consistent(SAMPLE)
    assert _digest(tmp_path / "sample") == _digest(SAMPLE)


def test_languages_choose_the_countries() -> None:
    pages = list(iter_pages(n_pages=800, seed=2, languages=("de",)))
    langs = Counter(p.lang for p in pages if p.lang)
    assert langs["fr"] == 0 and langs["de"] > 0.8 * sum(langs.values())


@pytest.mark.slow
def test_names_and_domains_unique_at_scale() -> None:
    """20,000 orgs: no two share a name in one country, no two sites a base host (one world, no rendering)."""
    world, _ = make_world(n_pages=60_000, seed=8, n_orgs=20_000)
    names = Counter((o.name, o.country) for o in world.orgs)
    assert names.most_common(1)[0][1] == 1
    hosts = Counter(s.host for s in world.sites)
    assert hosts.most_common(1)[0][1] == 1
    same_name_elsewhere = Counter(o.short for o in world.orgs if o.legal_form)
    assert 0 < sum(n > 1 for n in same_name_elsewhere.values()) < 0.1 * len(world.orgs)


def test_world_seed_gives_batches_of_one_web(tmp_path: Path) -> None:
    """Same world seed, other page seed: same orgs and domains (a second batch), different pages."""
    generate(tmp_path / "a", n_pages=800, seed=1)
    generate(tmp_path / "b", n_pages=800, seed=2, world_seed=1)
    da, db = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert da["truth/orgs.csv"] == db["truth/orgs.csv"]
    assert da["truth/domains.csv"] == db["truth/domains.csv"]
    assert da["truth/pages.csv"] != db["truth/pages.csv"]
    check_consistent(tmp_path / "b")
    explicit = tmp_path / "c"
    generate(explicit, n_pages=800, seed=1, world_seed=1)
    assert _digest(explicit) == da
