"""The ingest stage: input files → ``pages``, ``redirects``, ``ingest_errors``; then ``hosts`` and ``domains``.

Records are written one batch per transaction, keyed so that reading a record again stores nothing: a run
killed mid-way keeps its batches, and the same command again stores the rest (docs/ingest.md). Stages that
bring pages in another way call :func:`store_records`, so a fetched page is stored like an ingested one.

Example::

    with Store("orgmap.duckdb") as store, recorded(store, "ingest", settings, ["crawl.jsonl.gz"]) as (run, _):
        summary = ingest(store, settings, run)
        print(summary.stored, summary.skipped)
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgmap.config import Settings
from orgmap.engine import LocalEngine, workers_for
from orgmap.progress import SILENT, Progress, Task
from orgmap.runs import Run
from orgmap.sources.readers import InputFile, plan_inputs, read_input
from orgmap.store.database import Store
from orgmap.store.pages import RecordCounts, refresh_hosts_and_domains, store_records
from resolver.errors import InputError
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
    """Hosts of the pages the batch read (stored or already there), like ``pages_read``."""
    registered_domains: int
    """Registered domains of the pages and redirects the batch read."""
    seconds: float

    @property
    def pages_per_second(self) -> float:
        """Records read per second of wall time."""
        return self.pages_read / self.seconds if self.seconds > 0 else 0.0

    @property
    def bad(self) -> int:
        """Records not stored because they were unusable (every ``skipped`` reason), listed in ``ingest_errors``."""
        return sum(self.skipped.values())

    @property
    def all_bad(self) -> bool:
        """True when the batch had records and not one of them was usable: the run has failed."""
        return self.bad > 0 and self.stored + self.duplicates + self.redirects == 0

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
    sizes = [_input_bytes(item.path) for item in plan]
    task = progress.task("ingest", total=sum(sizes), unit="bytes")
    # local processes whatever the engine (the files are here); about 100 KB a page: the work is in pages
    engine = LocalEngine(workers_for(settings, sum(sizes) // 100_000))
    try:
        for item, size in zip(plan, sizes, strict=True):
            _store_input(store, settings, run, item, _ReadPosition(item.path, size, task), totals, engine)
    finally:
        engine.close()
    task.close()
    with store.transaction():
        refresh_hosts_and_domains(store)
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
        hosts=len(totals.hosts),
        registered_domains=len(totals.domains),
        seconds=time.perf_counter() - t0,
    )


def _store_input(
    store: Store,
    settings: Settings,
    run: Run,
    item: InputFile,
    position: _ReadPosition,
    totals: RecordCounts,
    engine: LocalEngine,
) -> None:
    """One input file into the store; its records are parsed in the engine's worker processes."""

    def on_batch(counts: RecordCounts, _n: int) -> None:
        position.update()
        position.task.describe(f"{counts.read:,} records · {position.name}")

    store_records(
        store,
        run.run_id,
        read_input(item, max_bytes=settings.ingest.max_page_bytes, max_record_chars=settings.ingest.max_record_chars),
        item.format,
        max_page_bytes=settings.ingest.max_page_bytes,
        batch_size=settings.ingest.batch_size,
        batch_bytes=settings.ingest.batch_bytes,
        store_html=settings.ingest.store_html,
        counts=totals,
        on_batch=on_batch,
        engine=engine,
    )
    position.finish()


def require_usable_records(summary: IngestSummary) -> None:
    """Raise InputError when every record of the batch was bad: the run fails, its errors stay listed."""
    if not summary.all_bad:
        return
    reasons = ", ".join(f"{reason} {n:,}" for reason, n in summary.skipped.items())
    raise InputError(
        f"none of the {summary.bad:,} records read was usable ({reasons}); is the input in a format orgmap "
        f"reads (--format, --url-col, --html-col)? {WHERE_TO_LOOK.format(run_id=summary.run_id)}"
    )


WHERE_TO_LOOK = (
    'Each bad record is in the ingest_errors table: orgmap sql "select reason, detail, source_file, record_no '
    "from ingest_errors order by logged_at desc limit 20\"; run {run_id}'s counts are in runs.counts."
)
"""Where a user finds the records a batch skipped (the ingest and resolve summaries print it)."""


def _input_bytes(path: Path) -> int:
    """Bytes of an input: the file's size, or the total of the files in a directory."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


class _ReadPosition:
    """How far the readers are into one input file, as progress in bytes.

    The readers open the file themselves; on Linux the offset of the descriptor they hold tells how far
    they are (a compressed file's offset counts compressed bytes, so the bar still ends at the file's size).
    Where that cannot be read (another OS, a directory, a memory-mapped Parquet file), the file counts at
    once when it is done.
    """

    def __init__(self, path: Path, size: int, task: Task) -> None:
        self.path, self.size, self.task, self.done = path.resolve(), size, task, 0
        self.name = path.name

    def update(self) -> None:
        """Advance the task to the readers' current offset in the file."""
        offset = _open_offset(self.path)
        if offset is not None and self.done < offset <= self.size:
            self.task.advance(offset - self.done)
            self.done = offset

    def finish(self) -> None:
        """The file is read: count what is left of it."""
        self.task.advance(self.size - self.done)
        self.done = self.size


def _open_offset(path: Path) -> int | None:
    """The largest offset of a descriptor this process holds on ``path`` (Linux ``/proc``), or None."""
    fds = Path("/proc/self/fd")
    if path.is_dir() or not fds.is_dir():
        return None
    offsets = []
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd) == str(path):
                info = (Path("/proc/self/fdinfo") / fd.name).read_text()
                offsets.append(int(info.split("pos:", 1)[1].split()[0]))
    return max(offsets, default=None)
