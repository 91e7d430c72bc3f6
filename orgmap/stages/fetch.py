"""The fetch stage: domains and URLs → ``fetch_queue`` → pages (source ``fetch``), redirects, queue statuses.

For each domain the home page is fetched, then the pages on it that name the owner (Impressum, legal
notice, about, contact). Every URL is queued before it is fetched and marked done only after its page is
stored, so the stage is safe to kill and a re-run fetches only what is pending (docs/fetch.md).

Example::

    with Store("orgmap.duckdb") as store:
        summary = fetch(store, domains="unknown-owner", settings=Settings(), max_pages=500)
        print(summary.by_status)
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from orgmap.config import Settings
from orgmap.sources.discovery import owner_page_links
from orgmap.sources.fetch import FetchConfig, Fetcher, FetchResult, Resolve
from orgmap.sources.netguard import AddressPolicy, parse_allow
from orgmap.sources.page_rows import decode_content
from orgmap.sources.records import RawRecord
from orgmap.store import schemas
from orgmap.store.database import Store
from orgmap.store.pages import RecordCounts, refresh_hosts_and_domains, store_records
from resolver.domains import normalize_url, registered_domain
from resolver.errors import ConfigError, InputError, InvalidURLError
from resolver.sql import load_queries, now, table_schema

__all__ = ["DOMAIN_SETS", "URL_ONLY", "FetchSummary", "QueueRow", "fetch", "fetch_config", "read_targets"]

Q = load_queries("orgmap.store.queries", "fetch.sql")

DOMAIN_SETS = {"unknown-owner": "unknown_owner_domains", "all-without-pages": "domains_without_pages"}
"""Named domain selections for ``--domains`` (anything else is a file of domains or home-page URLs)."""

URL_ONLY = "url-only"
"""``--urls url-only``: the URL-only rows ingested from URL lists (``has_content`` false), fetched as given."""

_RETRY_HTTP = ("connect_error", "connect_timeout", "tls_error")
"""Home-page failures after which ``http://`` is tried (sites without working https)."""


@dataclass(frozen=True)
class QueueRow:
    """One URL to fetch, as queued."""

    url_norm: str
    url_id: int
    url: str
    domain: str
    kind: str
    is_fallback: bool = False


@dataclass(frozen=True)
class FetchSummary:
    """What one fetch run did; saved as the run's ``counts`` and printed by ``orgmap fetch``."""

    run_id: int
    domains: int
    """Target domains (and URL-list domains) this run considered."""
    fetched: int
    """URLs fetched (one per queue row, retries not counted)."""
    by_status: dict[str, int]
    """Fetched URLs by final status (done, failed, skipped_*)."""
    by_reason: dict[str, int]
    """Failures and skips by reason (http_404, timeout, robots, loopback...)."""
    pages_stored: int
    """New page rows (new content; a page fetched again unchanged stores nothing)."""
    redirects: int
    """New redirect rows."""
    cross_domain_redirects: int
    """Of the redirects followed: those to another registered domain (ownership evidence)."""
    still_pending: int
    """URLs of the targets left pending (``--max`` reached, or interrupted)."""
    requests: int
    """HTTP requests sent (robots.txt, redirects and retries included)."""
    retries: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        """URLs fetched per second of wall time."""
        return self.fetched / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        """JSON-able form for ``runs.counts``."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "run_id"}
        out["seconds"] = round(self.seconds, 3)
        return out


def fetch_config(settings: Settings, *, allow_loopback: bool | None = None) -> FetchConfig:
    """The fetcher's configuration: ``settings.fetch.client`` with the address policy the settings ask for."""
    f = settings.fetch
    try:
        allow = parse_allow(a for a in f.allow.split(",") if a.strip())
    except ValueError as exc:
        raise ConfigError(f"fetch.allow: {exc}") from None
    loopback = f.allow_loopback if allow_loopback is None else allow_loopback
    return dataclasses.replace(f.client, policy=AddressPolicy(allow_loopback=loopback, allow=allow))


def default_home_urls(domain: str) -> list[str]:
    """Where a domain's home page is tried: https first, then http when https does not connect."""
    host = f"[{domain}]" if ":" in domain else domain
    return [f"https://{host}/", f"http://{host}/"]


def read_targets(path: Path) -> list[str]:
    """Lines of a domains/URLs file: blank lines and ``#`` comments skipped; the first CSV column taken."""
    if not path.is_file():
        raise InputError(f"{path} is not a file: give a file with one domain or URL per line", path=str(path))
    out = []
    for line in path.read_text("utf-8", errors="replace").splitlines():
        item = line.split("#", 1)[0].split(",", 1)[0].strip()
        if item:
            out.append(item)
    return out


def fetch(
    store: Store,
    *,
    domains: str | None = None,
    urls: Path | str | None = None,
    settings: Settings | None = None,
    max_pages: int | None = None,
    refresh: bool = False,
    retry_failed: bool = False,
    progress: Any = True,
    resolve: Resolve | None = None,
    home_urls: Callable[[str], Sequence[str]] = default_home_urls,
    run_id: int | None = None,
) -> FetchSummary:
    """Queue the targets, fetch what is pending (at most ``max_pages`` URLs), store pages; return a summary.

    ``domains``: ``unknown-owner``, ``all-without-pages``, or a file of domains / home-page URLs (a line with
    ``://`` is used as the home page as given, port included). ``urls``: a file of URLs fetched as given, or
    ``url-only`` for the URL-only pages ingestion stored "to fetch later".
    ``resolve`` and ``home_urls`` are hooks for tests (map names to loopback, use the test server's port).
    """
    settings = settings or Settings()
    if not domains and not urls:
        raise InputError(
            "nothing to fetch: give --domains unknown-owner|all-without-pages|FILE or --urls FILE|url-only"
        )
    t0 = time.perf_counter()
    homes, url_rows, n_bad = _targets(store, domains, urls, home_urls)
    own_run = run_id is None
    if own_run:
        inputs = {"domains": domains, "urls": str(urls) if urls else None, "max": max_pages, "refresh": refresh}
        run_id = store.start_run("fetch", inputs, settings.to_dict())
    assert run_id is not None
    try:
        pending, known = _enqueue(store, homes, url_rows, refresh=refresh, retry_failed=retry_failed)
        runner = _Runner(store, run_id, settings, known, home_urls, max_pages, progress)
        asyncio.run(runner.run(pending, resolve))
        with store.transaction():
            refresh_hosts_and_domains(store)
            left = _count_pending(store)
            summary = runner.summary(
                domains=len({d for d, _ in homes} | {r.domain for r in url_rows}),
                still_pending=left,
                seconds=time.perf_counter() - t0,
                bad_targets=n_bad,
            )
            if own_run:
                store.finish_run(run_id, "ok", summary.counts())
    except BaseException as exc:
        if own_run and not isinstance(exc, KeyboardInterrupt):
            store.finish_run(run_id, "failed", {}, error=f"{type(exc).__name__}: {exc}")
        raise
    return summary


def _count_pending(store: Store) -> int:
    row = store.con.execute(Q["count_pending"]).fetchone()
    return int(row[0]) if row else 0


# -- targets and the queue -------------------------------------------------------------------------


def _targets(
    store: Store, domains: str | None, urls: Path | str | None, home_urls: Callable[[str], Sequence[str]]
) -> tuple[list[tuple[str, str]], list[QueueRow], int]:
    """(domain, first home URL) pairs, URL rows, and how many input lines were unusable."""
    names: list[str] = []
    given_homes: dict[str, str] = {}
    bad = 0
    if domains:
        if domains in DOMAIN_SETS:
            names = [r[0] for r in store.con.execute(Q[DOMAIN_SETS[domains]]).fetchall()]
        else:
            path = Path(domains)
            if not path.exists():
                raise InputError(
                    f"--domains {domains!r}: not {' or '.join(DOMAIN_SETS)} and no such file", path=domains
                )
            for item in read_targets(path):
                d = registered_domain(item)
                if d is None:
                    bad += 1
                    continue
                if "://" in item and d not in given_homes:
                    given_homes[d] = item
                names.append(d)
    homes: list[tuple[str, str]] = []
    for d in dict.fromkeys(names):
        first = given_homes.get(d) or next(iter(home_urls(d)), None)
        if first:
            homes.append((d, first))
    rows: list[QueueRow] = []
    if urls:
        items = (
            [r[0] for r in store.con.execute(Q["url_only_pages"]).fetchall()]
            if str(urls) == URL_ONLY
            else read_targets(Path(urls))
        )
        for item in items:
            try:
                norm = normalize_url(item)
            except InvalidURLError:
                bad += 1
                continue
            url = item if "://" in item else norm.url
            rows.append(QueueRow(norm.url, 0, url, norm.parts.registered_domain, "url"))
    return homes, rows, bad


def _queue_table(rows: Iterable[QueueRow], queued_at: Any) -> pa.Table:
    rows = list(rows)
    return schemas.rows(
        "fetch_queue",
        {
            "url_norm": [r.url_norm for r in rows],
            "url": [r.url for r in rows],
            "domain": [r.domain for r in rows],
            "kind": [r.kind for r in rows],
            "is_fallback": [r.is_fallback for r in rows],
            "status": ["pending"] * len(rows),
            "queued_at": [queued_at] * len(rows),
        },
    )


def _enqueue(
    store: Store, homes: list[tuple[str, str]], url_rows: list[QueueRow], *, refresh: bool, retry_failed: bool
) -> tuple[list[QueueRow], set[str]]:
    """Queue the targets; return the pending rows and the queued URLs per domain."""
    home_rows = []
    for d, url in homes:
        try:
            home_rows.append(QueueRow(normalize_url(url).url, 0, url, d, "home"))
        except InvalidURLError:
            continue
    con = store.con
    # a plain table, not a registered view: the writer thread and later queries read it too
    con.execute(Q["create_targets"]).fetchall()
    targets = pa.table(
        {
            "domain": [d for d, _ in homes] + [None] * len(url_rows),
            "url_norm": [None] * len(homes) + [r.url_norm for r in url_rows],
        },
        schema=table_schema(con, "_fetch_targets"),
    )
    store.append("_fetch_targets", targets)
    with store.transaction():
        store.insert_new("fetch_queue", _queue_table(home_rows + url_rows, now()), ["url_norm"])
        if refresh:
            con.execute(Q["requeue_all"]).fetchall()
        elif retry_failed:
            con.execute(Q["requeue_failed"]).fetchall()
    pending = [QueueRow(*r) for r in con.execute(Q["pending"]).fetchall()]
    known = {u for (u,) in con.execute(Q["known_urls"]).fetchall()}
    return pending, known


# -- the run ----------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One fetched queue row, on its way to the writer, with the URLs it made us queue."""

    row: QueueRow
    result: FetchResult
    new_rows: list[QueueRow] = field(default_factory=list)


class _Runner:
    """Runs domain jobs on one event loop and writes their results in batches from a worker thread."""

    def __init__(
        self,
        store: Store,
        run_id: int,
        settings: Settings,
        known: set[str],
        home_urls: Callable[[str], Sequence[str]],
        max_pages: int | None,
        progress: Any,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.settings = settings
        self.known = known
        self.home_urls = home_urls
        self.budget = max_pages if max_pages is not None else -1
        self.by_status: Counter[str] = Counter()
        self.by_reason: Counter[str] = Counter()
        self.cross_domain = 0
        self.records = RecordCounts()
        self.fetched = 0
        self.stats: dict[str, int] = {}
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue()
        self._bar = _Bar(progress)

    # -- scheduling -------------------------------------------------------------------------------
    async def run(self, pending: list[QueueRow], resolve: Resolve | None) -> None:
        by_domain: dict[str, list[QueueRow]] = defaultdict(list)
        for row in pending:
            by_domain[row.domain].append(row)
        config = fetch_config(self.settings)
        self._bar.start(len(pending))
        writer = asyncio.create_task(self._writer())
        try:
            async with Fetcher(config, resolve=resolve) as fetcher:
                self.fetcher = fetcher
                active = asyncio.Semaphore(max(4, config.concurrency * 2))  # domain jobs alive at once

                async def job(domain: str, rows: list[QueueRow]) -> None:
                    try:
                        await self._domain(domain, rows)
                    finally:
                        active.release()

                tasks = []
                for domain, rows in by_domain.items():
                    if self.budget == 0:
                        break
                    await active.acquire()
                    tasks.append(asyncio.create_task(job(domain, rows)))
                await asyncio.gather(*tasks)
                self.stats = dict(fetcher.stats)
        finally:
            await self._queue.put(None)
            await writer
            self._bar.stop()

    async def _domain(self, domain: str, rows: list[QueueRow]) -> None:
        homes = [r for r in rows if r.kind == "home"]
        others = [r for r in rows if r.kind != "home"]
        for home in homes:
            result = await self._fetch(home)
            if result is None:
                return
            item = _Item(home, result)
            if result.status == "done" or result.http_status is not None or result.status == "skipped_robots":
                item.new_rows = self._discover(domain, result)
                others.extend(item.new_rows)
                self._bar.grow(len(item.new_rows))
            elif result.reason in _RETRY_HTTP and home.url.startswith("https://"):
                alt = self._next_home(domain, home.url)
                if alt is not None:
                    item.new_rows = [alt]
                    homes.append(alt)
                    self._bar.grow(1)
            await self._queue.put(item)
        await asyncio.gather(*(self._fetch_and_write(r) for r in others))

    async def _fetch_and_write(self, row: QueueRow) -> None:
        result = await self._fetch(row)
        if result is not None:
            await self._queue.put(_Item(row, result))

    async def _fetch(self, row: QueueRow) -> FetchResult | None:
        if self.budget == 0:
            return None
        if self.budget > 0:
            self.budget -= 1
        result = await self.fetcher.fetch(row.url)
        self.fetched += 1
        self.by_status[result.status] += 1
        if result.reason:
            self.by_reason[result.reason] += 1
        for hop in result.redirects:
            if registered_domain(hop.from_url) != registered_domain(hop.to_url):
                self.cross_domain += 1
        self._bar.advance(result, self.fetcher.stats)
        return result

    def _next_home(self, domain: str, failed_url: str) -> QueueRow | None:
        candidates = list(self.home_urls(domain))
        if failed_url in candidates:
            candidates = candidates[candidates.index(failed_url) + 1 :]
        for url in candidates:
            try:
                norm = normalize_url(url).url
            except InvalidURLError:
                continue
            if norm not in self.known:
                self.known.add(norm)
                return QueueRow(norm, 0, url, domain, "home")
        return None

    def _discover(self, domain: str, result: FetchResult) -> list[QueueRow]:
        """Owner pages linked from a home page (fallback paths when it links none), not queued before."""
        html = ""
        if result.content and (result.content_type or "text/html").lower().startswith(
            ("text/html", "application/xhtml")
        ):
            try:
                html = decode_content(result.content, declared=result.charset, content_type=result.content_type).text
            except Exception:  # noqa: BLE001 - undecodable home page: fall back to common paths
                html = ""
        pages = owner_page_links(html, result.final_url, max_pages=self.settings.fetch.pages_per_domain)
        out = []
        for page in pages:
            try:
                norm = normalize_url(page.url).url
            except InvalidURLError:
                continue
            if norm in self.known:
                continue  # queued already, maybe by another domain redirecting here
            self.known.add(norm)
            out.append(QueueRow(norm, 0, page.url, domain, page.kind, page.fallback))
        return out

    # -- writing ----------------------------------------------------------------------------------
    async def _writer(self) -> None:
        """Collect results and write them in batches off the event loop (one writer: one DuckDB user)."""
        size = max(1, self.settings.fetch.batch_size)
        done = False
        while not done:
            batch: list[_Item] = []
            item = await self._queue.get()
            if item is None:
                break
            batch.append(item)
            deadline = time.monotonic() + 1.0
            while len(batch) < size:
                try:
                    nxt = await asyncio.wait_for(self._queue.get(), max(0.0, deadline - time.monotonic()))
                except TimeoutError:
                    break
                if nxt is None:
                    done = True
                    break
                batch.append(nxt)
            await asyncio.to_thread(self._write, batch)

    def _write(self, batch: list[_Item]) -> None:
        store = self.store
        new_rows = [r for item in batch for r in item.new_rows]
        with store.transaction():
            store.insert_new("fetch_queue", _queue_table(new_rows, now()), ["url_norm"])
        ids = dict(store.con.execute(Q["url_ids"], [[i.row.url_norm for i in batch]]).fetchall())
        records: list[RawRecord] = []
        for item in batch:
            records.extend(_records(item, ids.get(item.row.url_norm, 0)))
        store_records(
            store,
            self.run_id,
            records,
            "fetch",
            max_page_bytes=self.settings.fetch.client.max_bytes,
            batch_size=max(len(records), 1),
            store_html=self.settings.ingest.store_html,
            counts=self.records,
        )
        results = _results_table(batch, self.run_id)
        with store.transaction() as con:
            con.register("_fetch_results", results)
            try:
                con.execute(Q["apply_results"]).fetchall()
            finally:
                con.unregister("_fetch_results")

    def summary(self, *, domains: int, still_pending: int, seconds: float, bad_targets: int) -> FetchSummary:
        by_reason = dict(self.by_reason.most_common())
        if bad_targets:
            by_reason["bad_target"] = bad_targets
        return FetchSummary(
            run_id=self.run_id,
            domains=domains,
            fetched=self.fetched,
            by_status=dict(self.by_status.most_common()),
            by_reason=by_reason,
            pages_stored=self.records.stored,
            redirects=self.records.redirects,
            cross_domain_redirects=self.cross_domain,
            still_pending=still_pending,
            requests=self.stats.get("requests", 0),
            retries=self.stats.get("retries", 0),
            seconds=seconds,
        )


def _records(item: _Item, url_id: int) -> list[RawRecord]:
    """The page and redirect records of one result, as ``store_records`` takes them."""
    r = item.result
    when = r.fetched_at.isoformat()
    out = [
        RawRecord("fetch", url_id, hop.from_url, status=hop.status, fetched_at=when, redirect_to=hop.to_url)
        for hop in r.redirects
    ]
    if r.status == "done" and r.content is not None and r.http_status is not None and r.http_status < 400:
        kind = "text" if (r.content_type or "").lower().startswith("text/plain") else "html"
        out.append(
            RawRecord("fetch", url_id, r.final_url, r.content, kind, when, r.http_status, r.content_type, r.charset)
        )
    elif r.status == "skipped_content_type":  # metadata only: status and type, no body
        out.append(RawRecord("fetch", url_id, r.final_url, None, "url", when, r.http_status, r.content_type))
    return out


def _norm_or_none(url: str) -> str | None:
    try:
        return normalize_url(url).url
    except InvalidURLError:
        return None


def _results_table(batch: list[_Item], run_id: int) -> pa.Table:
    rs = [i.result for i in batch]
    return schemas.rows(
        "fetch_queue",
        {
            "url_norm": [i.row.url_norm for i in batch],
            "status": [r.status for r in rs],
            "reason": [r.reason for r in rs],
            "detail": [r.detail[:1000] or None for r in rs],
            "transient": [r.transient for r in rs],
            "attempts": [r.attempts for r in rs],
            "http_status": [r.http_status for r in rs],
            "final_url": [r.final_url for r in rs],
            "final_url_norm": [_norm_or_none(r.final_url) for r in rs],
            "content_type": [r.content_type for r in rs],
            "n_bytes": [r.n_bytes if r.content is not None else None for r in rs],
            "ip": [r.ip for r in rs],
            "n_redirects": [len(r.redirects) for r in rs],
            "fetched_at": [r.fetched_at for r in rs],
            "run_id": [run_id] * len(rs),
        },
    )


class _Bar:
    """A rich progress bar: URLs done of queued, pages/s, failures and skips; or nothing."""

    def __init__(self, progress: Any) -> None:
        self._own = progress is True
        self._progress: Any = None
        self._task: Any = None
        self._t0 = time.perf_counter()
        self._errors = 0
        self._skipped = 0
        self._done = 0
        if self._own:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("fetch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(
                    "{task.fields[rate]:,.1f} pages/s · {task.fields[done]:,} done · "
                    "[red]{task.fields[errors]:,} failed[/] · {task.fields[skipped]:,} skipped · "
                    "{task.fields[requests]:,} requests"
                ),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
        elif progress:
            self._progress = progress

    def start(self, total: int) -> None:
        if self._progress is not None:
            if self._own:
                self._progress.start()
            self._task = self._progress.add_task(
                "fetch", total=total, rate=0.0, done=0, errors=0, skipped=0, requests=0
            )

    def grow(self, n: int) -> None:
        if self._task is not None and n:
            task = next(t for t in self._progress.tasks if t.id == self._task)
            total = task.total or 0
            self._progress.update(self._task, total=total + n)

    def advance(self, result: FetchResult, stats: dict[str, int]) -> None:
        if result.status == "done":
            self._done += 1
        elif result.status == "failed":
            self._errors += 1
        else:
            self._skipped += 1
        if self._task is not None:
            n = self._done + self._errors + self._skipped
            rate = n / max(time.perf_counter() - self._t0, 1e-9)
            self._progress.update(
                self._task,
                advance=1,
                rate=rate,
                done=self._done,
                errors=self._errors,
                skipped=self._skipped,
                requests=stats.get("requests", 0),
            )

    def stop(self) -> None:
        if self._progress is not None and self._own:
            self._progress.stop()
