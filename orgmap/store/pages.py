"""How pages enter the store: checked, keyed and written in batches; hosts and domains kept current.

Ingest calls :func:`store_records` for files and the fetch stage for fetched pages, so a fetched page is
stored exactly like an ingested one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import pyarrow as pa

from orgmap.sources.page_rows import IngestBatch, PreparedPage, PreparedRedirect, batch_tables, prepare_record
from orgmap.sources.records import IngestProblem, RawRecord
from orgmap.store.database import Store, compress_html
from resolver.domains import parse_host
from resolver.sql import load_queries, now

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
    for chunk in batched(records, batch_size):
        items: list[PreparedPage | PreparedRedirect | IngestProblem] = [
            item
            if isinstance(item, IngestProblem)
            else prepare_record(item, source=source_of(item), max_bytes=max_page_bytes)
            for item in chunk
        ]
        batch = _batch(items, run_id=run_id, compress=compress)
        with store.transaction():
            new_pages = store.insert_new("pages", batch.pages, ["page_id"])
            new_redirects = store.insert_new("redirects", batch.redirects, ["from_url", "to_url"])
            store.insert_new("ingest_errors", batch.errors, ["source_file", "record_no", "reason"])
        totals.read += len(chunk)
        totals.stored += new_pages
        totals.duplicates += batch.pages.num_rows - new_pages
        totals.redirects += new_redirects
        totals.skipped.update(e.reason for e in items if isinstance(e, IngestProblem))
        for item in items:
            if isinstance(item, PreparedPage):
                totals.hosts.add(item.host)
                totals.domains.add(item.registered_domain)
            elif isinstance(item, PreparedRedirect):
                totals.domains.update((item.from_domain, item.to_domain))
        if on_batch is not None:
            on_batch(totals, len(chunk))
    return totals


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


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter); ``itertools.batched`` from 3.12.

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    chunk: list[T] = []
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
