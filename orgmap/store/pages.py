"""How pages enter the store: checked, keyed and written in batches; hosts and domains kept current.

Ingest calls :func:`store_records` for files and the fetch stage for fetched pages, so a fetched page is
stored exactly like an ingested one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import pyarrow as pa

from orgmap.sources.page_rows import IngestBatch, PreparedPage, PreparedRedirect, batch_tables, prepare_record
from orgmap.sources.records import IngestProblem, RawRecord
from orgmap.store.database import Store, compress_html
from resolver.domains import parse_host
from resolver.sql import load_queries, now

if TYPE_CHECKING:
    from orgmap.engine import Engine

Q = load_queries("orgmap.store.queries", "pages.sql")
T = TypeVar("T")


@dataclass
class RecordCounts:
    """Running totals of :func:`store_records` (mutable: it grows batch by batch)."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    redirects: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    hosts: set[str] = field(default_factory=set)
    """Hosts of the pages read (stored or already there): what the batch covers, not the database."""
    domains: set[str] = field(default_factory=set)
    """Registered domains of the pages and redirects read."""


def store_records(
    store: Store,
    run_id: int | None,
    records: Iterable[RawRecord | IngestProblem],
    source: str | Callable[[RawRecord], str],
    *,
    max_page_bytes: int = 5_000_000,
    batch_size: int = 2_000,
    batch_bytes: int = 32_000_000,
    store_html: bool = True,
    counts: RecordCounts | None = None,
    on_batch: Callable[[RecordCounts, int], None] | None = None,
    engine: Engine | None = None,
) -> RecordCounts:
    """Check, key and store records, one transaction per batch of records; return the totals.

    A batch is ``batch_size`` records, or fewer once their content passes ``batch_bytes``.

    This is how any page enters the database: ingest calls it for files, the fetcher for fetched pages
    (``source="fetch"``, ``RawRecord(content=bytes, encoding=<charset header>, status=..., fetched_at=...)``;
    a 3xx with ``redirect_to`` becomes a ``redirects`` row). Problems (``IngestProblem`` values from a reader,
    or bad records found here) go to ``ingest_errors``. Re-storing the same records changes nothing.
    Call :func:`refresh_hosts_and_domains` when done.

    ``source`` is the ``pages.source`` value, or a function of the record giving it. ``on_batch`` is
    called after each committed batch with the totals and the batch's size (for progress bars). With an
    ``engine`` of several workers (and ``source`` a value), the batches are checked, parsed and compressed in
    its worker processes; the writes stay here, in order.
    """
    totals = counts if counts is not None else RecordCounts()
    chunks = batched(records, batch_size, max_weight=batch_bytes, weight=_content_size)
    options = {"run_id": run_id, "max_page_bytes": max_page_bytes, "store_html": store_html}
    prepared: Iterable[PreparedChunk]
    if engine is not None and engine.workers > 1 and isinstance(source, str):
        prepared = engine.map_batches(prepare_chunk, chunks, source=source, **options)  # type: ignore[arg-type]
    else:
        prepared = (prepare_chunk(chunk, source=source, **options) for chunk in chunks)  # type: ignore[arg-type]
    for done in prepared:
        batch = done.batch
        with store.transaction():
            new_pages = store.insert_new("pages", batch.pages, ["page_id"])
            new_redirects = store.insert_new("redirects", batch.redirects, ["from_url", "to_url"])
            store.insert_new("ingest_errors", batch.errors, ["source_file", "record_no", "reason"])
        totals.read += done.n_records
        totals.stored += new_pages
        totals.duplicates += batch.pages.num_rows - new_pages
        totals.redirects += new_redirects
        totals.skipped.update(done.skipped)
        totals.hosts.update(done.hosts)
        totals.domains.update(done.domains)
        if on_batch is not None:
            on_batch(totals, done.n_records)
    return totals


@dataclass(frozen=True)
class PreparedChunk:
    """One batch of records made ready to store (picklable: built in worker processes too)."""

    n_records: int
    batch: IngestBatch
    skipped: Counter[str]
    hosts: frozenset[str]
    domains: frozenset[str]


def prepare_chunk(
    chunk: list[RawRecord | IngestProblem],
    *,
    source: str | Callable[[RawRecord], str],
    run_id: int | None,
    max_page_bytes: int,
    store_html: bool,
) -> PreparedChunk:
    """Check, key, parse and compress one batch of records (pure: an engine task)."""
    source_of = source if callable(source) else (lambda _rec, s=source: s)
    items: list[PreparedPage | PreparedRedirect | IngestProblem] = [
        item
        if isinstance(item, IngestProblem)
        else prepare_record(item, source=source_of(item), max_bytes=max_page_bytes)
        for item in chunk
    ]
    batch = _batch(items, run_id=run_id, compress=compress_html if store_html else None)
    hosts: set[str] = set()
    domains: set[str] = set()
    for item in items:
        if isinstance(item, PreparedPage):
            hosts.add(item.host)
            domains.add(item.registered_domain)
        elif isinstance(item, PreparedRedirect):
            domains.update((item.from_domain, item.to_domain))
    skipped = Counter(e.reason for e in items if isinstance(e, IngestProblem))
    return PreparedChunk(len(chunk), batch, skipped, frozenset(hosts), frozenset(domains))


def _batch(
    items: list[PreparedPage | PreparedRedirect | IngestProblem],
    *,
    run_id: int | None,
    compress: Callable[[str], bytes] | None,
) -> IngestBatch:
    """The batch's tables; an item no column can hold becomes a ``bad_record`` in place (the rest go on)."""
    at = now()
    try:
        return batch_tables(items, run_id=run_id, now=at, compress=compress)
    except Exception:  # noqa: BLE001 - find the item that cannot be stored; the others must not pay for it
        pass
    for i, item in enumerate(items):
        try:
            batch_tables([item], run_id=run_id, now=at, compress=compress)
        except Exception as exc:  # noqa: BLE001
            source_file, record_no, url = _origin(item)
            items[i] = IngestProblem(source_file, record_no, "bad_record", f"cannot be stored: {exc}"[:500], url)
    return batch_tables(items, run_id=run_id, now=at, compress=compress)


def _origin(item: PreparedPage | PreparedRedirect | IngestProblem) -> tuple[str, int | None, str | None]:
    if isinstance(item, PreparedRedirect):
        return item.source, None, item.from_url
    return item.source_file, item.record_no, item.url


def batched(
    items: Iterable[T], size: int, *, max_weight: int = 0, weight: Callable[[T], int] | None = None
) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter); ``itertools.batched`` from 3.12.

    With ``max_weight`` and ``weight``, a list also ends once its items weigh ``max_weight`` together.

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    >>> list(batched([5, 1, 9, 2], 10, max_weight=6, weight=int))
    [[5, 1], [9], [2]]
    """
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        if max_weight and weight is not None:
            total += weight(item)
        if len(chunk) >= size or (max_weight and total >= max_weight):
            yield chunk
            chunk = []
            total = 0
    if chunk:
        yield chunk


def _content_size(item: RawRecord | IngestProblem) -> int:
    content = getattr(item, "content", None)
    return len(content) if content is not None else 0


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
