"""The ingest stage and command on real files and a real DuckDB file: counts, idempotency, kills, bad paths."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.config import IngestSettings, Settings
from orgmap.runs import recorded
from orgmap.sources.records import RawRecord
from orgmap.stages.ingest import IngestSummary, ingest
from orgmap.store.database import Store
from orgmap.store.pages import RecordCounts, refresh_hosts_and_domains, store_records
from tests.support.processes import kill_after_progress

REPO = Path(__file__).resolve().parents[2]


def page(title: str, body: str = "Widgets and services for customers.") -> str:
    return f"<html><head><title>{title}</title></head><body><p>{body}</p></body></html>"


@pytest.fixture
def crawl(tmp_path: Path) -> list[Path]:
    jsonl = tmp_path / "crawl.jsonl.gz"
    rows = [
        {"url": "https://www.acme-widgets.co.uk/", "html": page("Acme Widgets"), "fetched_at": "2024-03-01T00:00:00Z"},
        {"url": "https://shop.acme-widgets.co.uk/cart", "html": page("Cart")},
        {"url": "https://shop.acme-widgets.co.uk/cart", "html": page("Cart")},  # repeated in the input
        {"url": "https://alice.github.io/", "html": page("Alice's blog")},
        {"url": "https://bob.github.io/", "html": page("Bob's blog")},
        {"url": "http://bücher.de/", "html": page("Bücher")},
        {"url": "http://10.0.0.1:8080/admin", "html": page("Router")},
        {"html": page("No URL")},
        {"url": "ftp://files.example.com/", "html": page("FTP")},
        {"url": "https://empty.example.com/", "html": ""},
        {"url": "https://big.example.com/", "html": "x" * 3000},
    ]
    jsonl.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    csv = tmp_path / "more.csv"
    csv.write_text(
        'link,body\nhttps://acme-widgets.co.uk/about,<p>About Acme</p>\nhttps://news.example.org/,"<p>caf\xe9</p>"\n'
    )
    urls = tmp_path / "seeds.txt"
    urls.write_text("acme-widgets.co.uk/contact\nexample.net\nnot a url at all\n")
    return [jsonl, csv, urls]


def settings(**kw: int) -> Settings:
    return Settings(ingest=IngestSettings(max_page_bytes=2000, batch_size=kw.get("batch_size", 4)))


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in
            ("pages", "hosts", "domains", "redirects", "ingest_errors")}  # fmt: skip


def run_ingest(store: Store, s: Settings, paths: list[Path]) -> IngestSummary:
    with recorded(store, "ingest", s, [str(p) for p in paths]) as (run, counts):
        summary = ingest(store, s, run)
        counts.update(summary.counts())
    return summary


def test_ingest_counts_and_derived_tables(tmp_path: Path, crawl: list[Path]) -> None:
    with Store(tmp_path / "o.duckdb") as store:
        s = run_ingest(store, settings(), crawl)
        con = store.con
        assert (s.files, s.pages_read, s.stored, s.to_fetch, s.duplicates) == (3, 16, 10, 2, 1)
        assert s.skipped == {"bad_url": 2, "empty": 1, "no_url": 1, "too_large": 1}
        assert table_counts(con) == {"pages": 10, "hosts": 8, "domains": 7, "redirects": 0, "ingest_errors": 5}
        assert (s.hosts, s.registered_domains) == (8, 7)
        rows = con.execute(
            "select registered_domain, domain_unicode, suffix, is_private_suffix, is_ip, n_pages, n_urls, n_hosts"
            " from domains order by 1"
        ).fetchall()
        assert rows == [
            ("10.0.0.1", "10.0.0.1", "", False, True, 1, 1, 1),
            ("acme-widgets.co.uk", "acme-widgets.co.uk", "co.uk", False, False, 3, 4, 2),
            ("alice.github.io", "alice.github.io", "github.io", True, False, 1, 1, 1),
            ("bob.github.io", "bob.github.io", "github.io", True, False, 1, 1, 1),
            ("example.net", "example.net", "net", False, False, 0, 1, 1),
            ("example.org", "example.org", "org", False, False, 1, 1, 1),
            ("xn--bcher-kva.de", "bücher.de", "de", False, False, 1, 1, 1),
        ]
        first = con.execute("select first_seen from domains where registered_domain = 'acme-widgets.co.uk'").fetchone()
        assert str(first[0]) == "2024-03-01 00:00:00"
        pid = con.execute("select page_id from pages where url = 'https://www.acme-widgets.co.uk/'").fetchone()[0]
        assert store.page_html(pid) == page("Acme Widgets")
        assert con.execute("select encoding from pages where url_norm = 'https://news.example.org/'").fetchone() == (
            "utf-8",
        )
        errors = con.execute("select source_file, record_no, reason from ingest_errors order by 1, 2").fetchall()
        assert (str(crawl[0]), 7, "no_url") in errors and (str(crawl[2]), 2, "bad_url") in errors
        run = con.execute("select command, status, counts from runs").fetchall()
        assert run[0][:2] == ("ingest", "ok") and json.loads(run[0][2])["stored"] == 10


FIXTURES = REPO / "tests" / "fixtures" / "ingest"


def test_html_directory_with_index_and_hard_encodings(tmp_path: Path) -> None:
    with Store(tmp_path / "o.duckdb") as store:
        s = run_ingest(store, Settings(), [FIXTURES / "html_dir"])
        assert (s.files, s.pages_read, s.stored) == (1, 5, 3)
        assert s.skipped == {"binary": 1, "empty": 1}
        from orgmap.runs import Run
        from orgmap.stages.signals import extract_signals

        extract_signals(store, Settings(), Run(2))  # the one parse of each page: title and language
        rows = store.con.execute("select url_norm, title, encoding, lang, source from pages order by 1").fetchall()
        assert rows == [
            ("http://creme.example.fr/recette", "Crème brûlée à la française", "cp1252", "fr", "html_dir"),
            ("https://cafe-mueller.de/ueber-uns", "Café Müller – Über uns", "cp1252", "de", "html_dir"),
            ("https://sakura-shoji.co.jp/", "株式会社サクラ商事", "shift_jis", "ja", "html_dir"),
        ]
        errors = store.con.execute("select reason, url from ingest_errors order by 1").fetchall()
        assert errors == [("binary", "https://acme.example.com/logo.png"), ("empty", "https://blank.example.com/")]


def test_ingest_twice_stores_nothing_twice(tmp_path: Path, crawl: list[Path]) -> None:
    db = tmp_path / "o.duckdb"
    with Store(db) as store:
        first = run_ingest(store, settings(), crawl)
        before = table_counts(store.con)
        second = run_ingest(store, settings(batch_size=100), crawl)
        assert table_counts(store.con) == before
        assert second.stored == 0 and second.duplicates == first.stored + first.duplicates
        assert second.skipped == first.skipped
        assert store.con.execute("select count(*), count(distinct status) from runs").fetchone() == (2, 1)


def test_store_records_is_the_fetchers_entry(tmp_path: Path) -> None:
    with Store(tmp_path / "o.duckdb") as store:
        run_id = store.start_run("fetch", [], {})
        records = [
            RawRecord("fetch", 0, "https://acme.de/impressum", page("Impressum").encode("cp1252"), status=200,
                      content_type="text/html; charset=windows-1252", encoding="windows-1252",
                      fetched_at="2024-06-01T12:00:00Z"),
            RawRecord("fetch", 1, "http://acme-old.de/", None, status=301, redirect_to="https://acme.de/"),
        ]  # fmt: skip
        counts = store_records(store, run_id, records, "fetch", batch_size=10)
        assert (counts.read, counts.stored, counts.redirects) == (2, 1, 1)
        assert isinstance(counts, RecordCounts)
        assert store.con.execute("select source, encoding, status from pages").fetchall() == [("fetch", "cp1252", 200)]
        assert store.con.execute("select from_domain, to_domain, status from redirects").fetchall() == [
            ("acme-old.de", "acme.de", 301)
        ]
        # the redirect target is a domain of the crawl too
        assert refresh_hosts_and_domains(store) == (1, 2)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "orgmap", "ingest", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_prints_summary_and_refuses_missing_paths(tmp_path: Path, crawl: list[Path]) -> None:
    runner = CliRunner()
    db = str(tmp_path / "o.duckdb")
    ok = runner.invoke(app, ["ingest", *map(str, crawl), "--db", db, "--max-page-bytes", "2000", "--no-progress"])
    assert ok.exit_code == 0, ok.output
    assert "registered domains" in ok.output and "stored" in ok.output
    before = Path(db).read_bytes()
    bad = runner.invoke(app, ["ingest", str(crawl[0]), str(tmp_path / "missing.jsonl"), "--db", db])
    assert bad.exit_code != 0
    assert "missing.jsonl: no such file or directory" in bad.output
    assert "Traceback" not in bad.output
    assert Path(db).read_bytes() == before
    fresh = tmp_path / "never.duckdb"
    assert runner.invoke(app, ["ingest", str(tmp_path / "nope.csv"), "--db", str(fresh)]).exit_code != 0
    assert not fresh.exists()


def test_cli_url_col_flag(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("where,markup\nhttps://odd.example.com/,<title>Odd</title>\n")
    db = str(tmp_path / "o.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path), "--db", db]).exit_code != 0
    result = runner.invoke(app, ["ingest", str(path), "--db", db, "--url-col", "where", "--html-col", "markup"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(db, read_only=True)
    assert con.execute("select url from pages").fetchall() == [("https://odd.example.com/",)]
    con.close()


def test_killed_run_is_completed_by_the_next(tmp_path: Path) -> None:
    n, batch = 6000, 200
    path = tmp_path / "big.jsonl"
    with path.open("w") as fh:
        for i in range(n):
            row = {"url": f"https://www.site{i % 300}.com/p/{i}", "html": f"<title>Page {i}</title><p>{i}</p>"}
            if i % 1000 == 999:
                row.pop("url")  # 6 records without URL: ingest_errors must hold exactly 6 rows in the end
            fh.write(json.dumps(row) + "\n")
    db = tmp_path / "kill.duckdb"
    committed = kill_after_progress(  # one progress line per committed batch
        ["ingest", str(path), "--db", str(db)],
        prefix="ingest: ",
        lines=3,
        cwd=tmp_path,
        env={"ORGMAP_INGEST__BATCH_SIZE": str(batch)},
        seconds=90,
    )
    assert committed >= 3, "the ingest subprocess never reported committed batches"

    con = duckdb.connect(str(db), read_only=True)
    partial = con.execute("select count(*) from pages").fetchone()[0]
    assert partial >= 3 * (batch - 1) and partial < n - 6  # committed batches survived, the rest is missing
    assert con.execute("select status from runs").fetchall() == [("running",)]
    con.close()

    rerun = run_cli(str(path), "--db", str(db), cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*), count(distinct page_id), count(distinct url_norm) from pages").fetchone() == (
        n - 6,
        n - 6,
        n - 6,
    )
    assert con.execute("select count(*) from ingest_errors").fetchone() == (6,)
    assert con.execute("select count(*), sum(n_pages) from domains").fetchone() == (300, n - 6)
    assert con.execute("select run_id, status from runs order by run_id").fetchall() == [(1, "interrupted"), (2, "ok")]
    counts = json.loads(con.execute("select counts from runs where run_id = 2").fetchone()[0])
    assert counts["stored"] == n - 6 - partial and counts["duplicates"] == partial and counts["pages_read"] == n
    con.close()


def test_hosts_and_domains_count_the_batch_like_pages_read(tmp_path: Path, crawl: list[Path]) -> None:
    with Store(tmp_path / "o.duckdb") as store:
        run_ingest(store, settings(), crawl)
        more = run_ingest(store, settings(), [crawl[1]])  # acme-widgets.co.uk/about, news.example.org
        assert (more.pages_read, more.hosts, more.registered_domains) == (2, 2, 2)
        again = run_ingest(store, settings(), [crawl[1]])  # all already stored: still what the batch covers
        assert (again.duplicates, again.hosts, again.registered_domains) == (2, 2, 2)


class RecordingProgress:
    """A progress sink that keeps every call (what a bar or a log line would be given)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def task(self, label: str, total: float | None = None, unit: str = "items") -> RecordingProgress:
        self.calls.append(("task", (label, total, unit)))
        return self

    def advance(self, n: float = 1) -> None:
        self.calls.append(("advance", n))

    def set_total(self, total: float | None) -> None:
        self.calls.append(("total", total))

    def describe(self, text: str) -> None:
        self.calls.append(("describe", text))

    def close(self) -> None:
        self.calls.append(("close", None))


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="reads the readers' file offsets from /proc")
def test_ingest_progress_counts_bytes_of_the_input_so_one_big_file_moves(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    rows = [{"url": f"https://site{i}.example.com/", "html": page(f"Site {i}", "x " * 2000)} for i in range(600)]
    big.write_text("".join(json.dumps(r) + "\n" for r in rows))
    progress = RecordingProgress()
    with Store(tmp_path / "o.duckdb") as store, recorded(store, "ingest", settings(), [str(big)]) as (run, _):
        ingest(store, Settings(ingest=IngestSettings(batch_size=50)), run, progress)
    assert progress.calls[0] == ("task", ("ingest", big.stat().st_size, "bytes"))
    steps = [n for what, n in progress.calls if what == "advance"]
    assert sum(steps) == big.stat().st_size
    assert len(steps) > 3 and steps[0] < big.stat().st_size / 2  # movement while the one file is read
    assert any(what == "describe" and "records" in str(text) for what, text in progress.calls)
