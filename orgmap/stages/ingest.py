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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.sources.readers import plan_inputs, read_input
from orgmap.store.database import Store
from orgmap.store.pages import RecordCounts, refresh_hosts_and_domains, store_records
from resolver.sql import load_queries

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
            read_input(
                item, max_bytes=settings.ingest.max_page_bytes, max_record_chars=settings.ingest.max_record_chars
            ),
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
