"""The ingest stage: input files → ``pages``, ``redirects``, ``ingest_errors``; then ``hosts`` and ``domains``.

How a run stays safe to kill: inputs are validated before anything is written; records are written one
batch per transaction (``settings.ingest.batch_size``), keyed so that re-reading a record stores nothing
(``pages.page_id``, ``redirects (from_url, to_url)``, ``ingest_errors (source_file, record_no, reason)``);
``hosts`` and ``domains`` are recomputed from all pages at the end. A run killed mid-way keeps its
committed batches and stays ``running`` in ``runs`` until the next run marks it ``interrupted``; running
the same command again stores the rest.

Other stages that bring pages in (``orgmap fetch``) call :func:`store_records` and then
:func:`refresh_hosts_and_domains`, so a fetched page is stored exactly like an ingested one.

Example::

    with Store("orgmap.duckdb") as store, recorded(store, "ingest", settings, ["crawl.jsonl.gz"]) as (run, _):
        summary = ingest(store, settings, run)
        print(summary.stored, summary.skipped)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.sources.page_rows import PreparedPage, PreparedRedirect, batch_tables, prepare_record
from orgmap.sources.readers import plan_inputs, read_input
from orgmap.sources.records import IngestProblem, RawRecord
from orgmap.store.database import Store, compress_html
from resolver.domains import parse_host
from resolver.sql import load_queries, now

__all__ = ["IngestSummary", "RecordCounts", "ingest", "refresh_hosts_and_domains", "store_records"]

Q = load_queries("orgmap.store.queries", "ingest.sql")


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did; saved as the run's ``counts`` and printed by ``orgmap ingest``."""

    run_id: int | None
    files: int
    """Input files read (a directory of HTML files counts as one)."""
    pages_read: int
    """Records read from the inputs: pages, redirects and skipped records."""
    stored: int
    """New page rows (with content, or URL-only rows to fetch later)."""
    to_fetch: int
    """Of ``stored``: URL-only rows (from URL lists), no content yet."""
    duplicates: int
    """Pages already stored (same normalized URL and content), or repeated within the input."""
    redirects: int
    """New redirect rows."""
    skipped: Mapping[str, int]
    """Records not stored, by reason (``no_url``, ``bad_url``, ``binary``, ``corrupt_file``...)."""
    hosts: int
    """Hosts in the database after the run."""
    registered_domains: int
    """Registered domains in the database after the run."""
    seconds: float

    @property
    def pages_per_second(self) -> float:
        """Records read per second of wall time."""
        return self.pages_read / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        """JSON-able form for ``runs.counts``."""
        return {
            "files": self.files,
            "pages_read": self.pages_read,
            "stored": self.stored,
            "to_fetch": self.to_fetch,
            "duplicates": self.duplicates,
            "redirects": self.redirects,
            "skipped": dict(self.skipped),
            "hosts": self.hosts,
            "registered_domains": self.registered_domains,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class RecordCounts:
    """Running totals of :func:`store_records` (mutable: it grows batch by batch)."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    redirects: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def store_records(
    store: Store,
    run_id: int | None,
    records: Iterable[RawRecord | IngestProblem],
    source: str | Callable[[RawRecord], str],
    *,
    max_page_bytes: int = 5_000_000,
    batch_size: int = 2_000,
    store_html: bool = True,
    counts: RecordCounts | None = None,
    on_batch: Callable[[RecordCounts, int], None] | None = None,
) -> RecordCounts:
    """Check, key and store records, one transaction per ``batch_size`` records; return the totals.

    This is how any page enters the database: ingest calls it for files, the fetcher for fetched pages
    (``source="fetch"``, ``RawRecord(content=bytes, encoding=<charset header>, status=..., fetched_at=...)``;
    a 3xx with ``redirect_to`` becomes a ``redirects`` row). Problems (``IngestProblem`` values from a reader,
    or bad records found here) go to ``ingest_errors``. Re-storing the same records changes nothing.
    Call :func:`refresh_hosts_and_domains` when done.

    ``source`` is the ``pages.source`` value, or a function of the record giving it. ``on_batch`` is
    called after each committed batch with the totals and the batch's size (for progress bars).
    """
    totals = counts if counts is not None else RecordCounts()
    compress = compress_html if store_html else None
    source_of = source if callable(source) else (lambda _rec, s=source: s)
    for chunk in _chunks(records, batch_size):
        items: list[PreparedPage | PreparedRedirect | IngestProblem] = [
            item
            if isinstance(item, IngestProblem)
            else prepare_record(item, source=source_of(item), max_bytes=max_page_bytes)
            for item in chunk
        ]
        batch = batch_tables(items, run_id=run_id, now=now(), compress=compress)
        with store.transaction():
            new_pages = store.insert_new("pages", batch.pages, ["page_id"])
            new_redirects = store.insert_new("redirects", batch.redirects, ["from_url", "to_url"])
            store.insert_new("ingest_errors", batch.errors, ["source_file", "record_no", "reason"])
        totals.read += len(chunk)
        totals.stored += new_pages
        totals.duplicates += batch.pages.num_rows - new_pages
        totals.redirects += new_redirects
        totals.skipped.update(e.reason for e in items if isinstance(e, IngestProblem))
        if on_batch is not None:
            on_batch(totals, len(chunk))
    return totals


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def refresh_hosts_and_domains(store: Store) -> tuple[int, int]:
    """Recompute ``hosts`` and ``domains`` from all pages (upserts, in the caller's transaction if any).

    Returns (hosts, registered domains) after the refresh.
    """
    con = store.con
    names = [r[0] for r in con.execute(Q["distinct_domains"]).fetchall()]
    parts = [parse_host(n) for n in names]
    table = pa.table(
        {
            "registered_domain": names,
            "domain_unicode": [p.registered_domain_unicode for p in parts],
            "suffix": [p.suffix for p in parts],
            "is_private_suffix": [p.is_private for p in parts],
            "is_ip": [p.is_ip for p in parts],
        }
    )
    con.execute(Q["upsert_hosts"]).fetchall()
    con.register("_ingest_domain_parts", table)
    try:
        con.execute(Q["upsert_domains"]).fetchall()
    finally:
        con.unregister("_ingest_domain_parts")
    hosts = con.execute(Q["count_hosts"]).fetchone()
    domains = con.execute(Q["count_domains"]).fetchone()
    return int(hosts[0]) if hosts else 0, int(domains[0]) if domains else 0


def ingest(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> IngestSummary:
    """Read ``run.inputs`` into the store and return what happened.

    Every path is checked first (InputError before anything is written). ``run.columns`` maps fields
    (``url``, ``html``, ``text``, ``fetched_at``, ``status``, ``content_type``, ``encoding``) to column names
    where auto-detection would not find them.
    """
    plan = plan_inputs(run.inputs, columns=run.columns, fmt=run.fmt)
    t0 = time.perf_counter()
    totals = RecordCounts()
    task = progress.task("ingest", unit="records")
    for item in plan:
        task.describe(item.path.name)
        store_records(
            store,
            run.run_id,
            read_input(item, max_bytes=settings.ingest.max_page_bytes),
            item.format,
            max_page_bytes=settings.ingest.max_page_bytes,
            batch_size=settings.ingest.batch_size,
            store_html=settings.ingest.store_html,
            counts=totals,
            on_batch=lambda _totals, n: task.advance(n),
        )
    task.close()
    with store.transaction():
        hosts, domains = refresh_hosts_and_domains(store)
        row = store.con.execute(Q["count_url_only"], [run.run_id]).fetchone()
    return IngestSummary(
        run_id=run.run_id,
        files=len(plan),
        pages_read=totals.read,
        stored=totals.stored,
        to_fetch=int(row[0]) if row and row[0] else 0,
        duplicates=totals.duplicates,
        redirects=totals.redirects,
        skipped=dict(sorted(totals.skipped.items())),
        hosts=hosts,
        registered_domains=domains,
        seconds=time.perf_counter() - t0,
    )
