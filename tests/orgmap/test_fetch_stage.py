"""The fetch stage and command against a loopback server: discovery, storage, resume, idempotency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.config import FetchSettings, Settings
from orgmap.sources.fetch import FetchConfig
from orgmap.sources.records import RawRecord
from orgmap.stages.fetch import fetch
from orgmap.store.database import Store
from orgmap.store.pages import store_records
from tests.support.http_server import Reply, TestServer, map_hosts

pytestmark = pytest.mark.integration

HTML = {"Content-Type": "text/html; charset=utf-8"}
HOSTS = ["alpha-site.com", "www.alpha-site.com", "beta-site.com", "gamma-site.com"]
SETTINGS = Settings(
    fetch=FetchSettings(client=FetchConfig(delay=0.0, backoff=0.01, retries=1), allow_loopback=True, batch_size=3)
)


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer({"/robots.txt": Reply(404, b"", {"Content-Type": "text/plain"})}) as srv:
        p = srv.port
        home = f"""<html><head><title>Alpha</title></head><body>
            <a href="/produkte">Produkte</a>
            <a href="/de/impressum">Impressum</a>
            <a href="/ueber-uns">Über uns</a>
            <a href="http://beta-site.com:{p}/">Partner</a>
            <a href="/brochure.pdf">Brochure</a>
        </body></html>"""
        latin = (
            "<html><head><title>Über uns</title></head><body><p>Die Müller Maschinenbau GmbH ist ein "
            "Familienunternehmen aus Süddeutschland. Wir fertigen Präzisionsteile für Kunden in ganz Europa, "
            "größtenteils für die Automobilindustrie und den Maschinenbau.</p></body></html>"
        ).encode("cp1252")
        srv.routes.update(
            {
                "alpha-site.com/": Reply(301, headers={"Location": f"http://www.alpha-site.com:{p}/"}),
                "www.alpha-site.com/": Reply(body=home.encode(), headers=HTML),
                "www.alpha-site.com/de/impressum": Reply(
                    body=b"<title>Impressum</title><p>Alpha GmbH</p>", headers=HTML
                ),
                "www.alpha-site.com/ueber-uns": Reply(body=latin, headers=HTML),  # wrong charset header
                "www.alpha-site.com/contact": Reply(
                    body=b"%PDF-1.4 contact card", headers={"Content-Type": "application/pdf"}
                ),
                "gamma-site.com/": Reply(302, headers={"Location": f"http://beta-site.com:{p}/"}),
                "beta-site.com/": Reply(body=b"<title>Beta</title><a href='/imprint'>Imprint</a>", headers=HTML),
                "beta-site.com/imprint": Reply(body=b"<title>Imprint</title><p>Beta Ltd</p>", headers=HTML),
            }
        )
        yield srv


def run(store: Store, server: TestServer, **kw: Any) -> Any:
    kw.setdefault("settings", SETTINGS)
    return fetch(
        store,
        progress=False,
        resolve=map_hosts(HOSTS),
        home_urls=lambda d: [f"http://{d}:{server.port}/"],
        **kw,
    )


def domains_file(tmp_path: Path, *names: str) -> str:
    path = tmp_path / "domains.txt"
    path.write_text("# targets\n" + "\n".join(names) + "\n", "utf-8")
    return str(path)


def test_domains_home_and_owner_pages(tmp_path: Path, server: TestServer) -> None:
    with Store(tmp_path / "o.duckdb") as store:
        summary = run(store, server, domains=domains_file(tmp_path, "alpha-site.com", "gamma-site.com", "not a domain"))
        con = store.con
        queue = {
            (r[0], r[1]): r[2:]
            for r in con.execute(
                "select domain, regexp_replace(url, ':[0-9]+', ''), kind, status, reason from fetch_queue"
            ).fetchall()
        }
        assert queue[("alpha-site.com", "http://alpha-site.com/")] == ("home", "done", None)
        assert queue[("alpha-site.com", "http://www.alpha-site.com/de/impressum")] == ("legal", "done", None)
        assert queue[("alpha-site.com", "http://www.alpha-site.com/ueber-uns")] == ("about", "done", None)
        # no contact link on the home page: the common path is tried; a PDF is kept as metadata only
        assert queue[("alpha-site.com", "http://www.alpha-site.com/contact")] == (
            "contact",
            "skipped_content_type",
            "content_type",
        )
        assert not any("produkte" in u or "brochure" in u for _, u in queue)
        assert queue[("gamma-site.com", "http://gamma-site.com/")] == ("home", "done", None)
        assert queue[("gamma-site.com", "http://beta-site.com/imprint")][:2] == ("legal", "done")

        ids = dict(
            con.execute(
                "select regexp_replace(url, ':[0-9]+', ''), page_id from pages where source = 'fetch' and has_content"
            ).fetchall()
        )
        pages = {url: store.page_html(pid) or "" for url, pid in ids.items()}  # titles come with the signals stage
        assert "<title>Impressum" in pages["http://www.alpha-site.com/de/impressum"]
        assert "<title>Über uns" in pages["http://www.alpha-site.com/ueber-uns"]  # cp1252 body under a UTF-8 header
        assert "<title>Imprint" in pages["http://beta-site.com/imprint"]
        meta = con.execute("select has_content, content_type, status from pages where url like '%/contact'").fetchone()
        assert meta == (False, "application/pdf", 200)

        redirects = con.execute("select from_domain, to_domain, status, source from redirects order by 1").fetchall()
        assert ("gamma-site.com", "beta-site.com", 302, "fetch") in redirects
        assert ("alpha-site.com", "alpha-site.com", 301, "fetch") in redirects
        assert summary.cross_domain_redirects == 1
        assert summary.by_reason.get("bad_target") == 1
        assert summary.still_pending == 0
        domains = {r[0] for r in con.execute("select registered_domain from domains").fetchall()}
        assert {"alpha-site.com", "beta-site.com"} <= domains
        run_row = con.execute("select command, status from runs where run_id = ?", [summary.run_id]).fetchone()
        assert run_row == ("fetch", "ok")
        assert con.execute("select count(*) from fetch_status where page_id is not null").fetchone()[0] >= 5


def test_second_run_fetches_nothing_and_refresh_fetches_again(tmp_path: Path, server: TestServer) -> None:
    target = domains_file(tmp_path, "gamma-site.com")
    with Store(tmp_path / "o.duckdb") as store:
        first = run(store, server, domains=target)
        n_requests = len(server.requests)
        again = run(store, server, domains=target)
        assert first.fetched == 5  # home, imprint (linked), about + contact (fallbacks, 404)
        assert again.fetched == 0 and again.pages_stored == 0
        assert len(server.requests) == n_requests
        refreshed = run(store, server, domains=target, refresh=True)
        assert refreshed.fetched == first.fetched
        assert refreshed.pages_stored == 0  # same content: nothing new stored
        n_pages = store.con.execute("select count(*) from pages").fetchone()[0]
        assert n_pages == first.pages_stored


def test_max_pages_then_resume(tmp_path: Path, server: TestServer) -> None:
    target = domains_file(tmp_path, "alpha-site.com")
    with Store(tmp_path / "o.duckdb") as store:
        part = run(store, server, domains=target, max_pages=2)
        assert part.fetched == 2 and part.still_pending > 0
        rest = run(store, server, domains=target)
        assert rest.fetched == part.still_pending and rest.still_pending == 0
        statuses = store.con.execute("select status, count(*) from fetch_queue group by 1").fetchall()
        assert "pending" not in dict(statuses)


def test_unknown_owner_selects_unresolved_and_contentless_domains(tmp_path: Path, server: TestServer) -> None:
    with Store(tmp_path / "o.duckdb") as store:
        run_id = store.start_run("ingest", [], {})
        store_records(
            store,
            run_id,
            [
                RawRecord("list.txt", 0, "http://gamma-site.com/", None, "url"),  # URL only: no content
                RawRecord("crawl.jsonl", 1, "http://beta-site.com/", b"<title>Beta</title>"),
            ],
            "urllist",
        )
        store.con.execute(
            "insert into domain_org (registered_domain, org_name, confidence, status) "
            "values ('alpha-site.com', 'unknown', 0.0, 'unknown'), ('beta-site.com', 'Beta Ltd', 0.9, 'linked')"
        )
        summary = run(store, server, domains="unknown-owner")
        queued = {r[0] for r in store.con.execute("select distinct domain from fetch_queue").fetchall()}
        assert summary.domains == 2
        assert {"alpha-site.com", "gamma-site.com"} <= queued
        assert "beta-site.com" not in {
            r[0] for r in store.con.execute("select domain from fetch_queue where kind = 'home'").fetchall()
        }
        without = run(store, server, domains="all-without-pages")
        # gamma's home redirected to beta: the page is beta's, so gamma still has none (and is not refetched)
        assert (without.domains, without.fetched) == (1, 0)


def test_urls_file_is_fetched_as_given(tmp_path: Path, server: TestServer) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{server.url('/de/impressum', 'www.alpha-site.com')}\nmailto:x@y.z\n", "utf-8")
    with Store(tmp_path / "o.duckdb") as store:
        summary = run(store, server, urls=urls)
        assert summary.by_status == {"done": 1} and summary.by_reason == {"bad_target": 1}
        assert store.con.execute("select kind, status from fetch_queue").fetchall() == [("url", "done")]


def test_unsafe_targets_are_skipped_not_fetched(tmp_path: Path, server: TestServer) -> None:
    settings = Settings(fetch=FetchSettings(client=FetchConfig(delay=0.0, backoff=0.01), allow_loopback=False))
    with Store(tmp_path / "o.duckdb") as store:
        summary = run(store, server, domains=domains_file(tmp_path, "alpha-site.com"), settings=settings)
        assert summary.by_status == {"skipped_unsafe": 1}
        assert store.con.execute("select status, reason from fetch_queue").fetchall() == [
            ("skipped_unsafe", "loopback")
        ]
    assert server.connections == 0


@pytest.mark.slow
def test_killed_run_loses_nothing(tmp_path: Path) -> None:
    n = 40
    with TestServer({"*": Reply(body=b"<title>p</title>", headers=HTML, delay=0.1)}) as srv:
        urls = tmp_path / "urls.txt"
        urls.write_text("".join(f"{srv.url(f'/p{i}')}\n" for i in range(n)), "utf-8")
        db = tmp_path / "o.duckdb"
        script = textwrap.dedent(
            f"""
            from orgmap.store.database import Store
            from orgmap.config import FetchSettings, Settings
            from orgmap.sources.fetch import FetchConfig
            from orgmap.stages.fetch import fetch
            client = FetchConfig(delay=0.0, per_host=1, concurrency=1)
            s = Settings(fetch=FetchSettings(client=client, allow_loopback=True, batch_size=2))
            with Store({str(db)!r}) as store:
                fetch(store, urls={str(urls)!r}, settings=s, progress=False)
            """
        )
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=os.getcwd())
        deadline = time.monotonic() + 60
        while len([p for _, p in srv.requests if p != "/robots.txt"]) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with Store(db) as store:
            statuses = dict(store.con.execute("select status, count(*) from fetch_queue group by 1").fetchall())
            assert sum(statuses.values()) == n  # every URL still queued
            done_before = statuses.get("done", 0)
            assert done_before < n
            pages_before = store.con.execute("select count(*) from pages").fetchone()[0]
            assert pages_before >= done_before
            fetched_before = {p for _, p in srv.requests if p != "/robots.txt"}
            done_paths = {
                r[0].rsplit("/", 1)[1]
                for r in store.con.execute("select url from fetch_queue where status = 'done'").fetchall()
            }
            seen = len(srv.requests)
            summary = fetch(
                store,
                urls=urls,
                settings=Settings(
                    fetch=FetchSettings(client=FetchConfig(delay=0.0, concurrency=8, per_host=8), allow_loopback=True)
                ),
                progress=False,
            )
            assert summary.fetched == n - done_before and summary.still_pending == 0
            refetched = {p.lstrip("/") for _, p in srv.requests[seen:] if p != "/robots.txt"}
            assert not refetched & done_paths  # done URLs are not fetched again
            assert fetched_before  # the first run did work before it was killed
            assert store.con.execute("select count(*) from pages").fetchone()[0] == n


def test_cli_fetch_urls_and_errors(tmp_path: Path, server: TestServer) -> None:
    server.routes["/"] = Reply(body=b"<title>Local</title>", headers=HTML)
    urls = tmp_path / "urls.txt"
    urls.write_text(server.url("/") + "\n", "utf-8")
    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    ok = runner.invoke(
        app, ["fetch", "--urls", str(urls), "--allow-loopback", "--delay", "0", "--db", db, "--no-progress"]
    )
    assert ok.exit_code == 0, ok.output
    assert "orgmap fetch" in ok.output and "pages stored" in ok.output
    refused = runner.invoke(app, ["fetch", "--urls", str(urls), "--db", db, "--refresh"])  # with the progress bar
    assert refused.exit_code == 0 and "skipped_unsafe" in refused.output
    nothing = runner.invoke(app, ["fetch", "--db", db])
    assert nothing.exit_code == 2 and "nothing to fetch" in nothing.output
    missing = runner.invoke(app, ["fetch", "--domains", str(tmp_path / "nope.txt"), "--db", db])
    assert missing.exit_code == 2 and "no such file" in missing.output
    helped = runner.invoke(app, ["fetch", "--help"])
    assert "Example:" in helped.output


def test_url_only_pages_from_ingestion_are_fetched(tmp_path: Path, server: TestServer) -> None:
    server.routes["/listed"] = Reply(body=b"<title>Listed</title>", headers=HTML)
    with Store(tmp_path / "o.duckdb") as store:
        run_id = store.start_run("ingest", [], {})
        store_records(store, run_id, [RawRecord("urls.txt", 0, server.url("/listed"), None, "url")], "urllist")
        first = run(store, server, urls="url-only")
        assert first.by_status == {"done": 1} and first.pages_stored == 1
        pid = store.con.execute("select page_id from pages_latest where url like '%/listed'").fetchone()[0]
        assert store.page_html(pid) == "<title>Listed</title>"
        again = run(store, server, urls="url-only")
        assert again.fetched == 0 and again.domains == 0  # the URL has content now
