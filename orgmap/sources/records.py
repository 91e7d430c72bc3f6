"""Records as read from input files, before they become page rows (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One page as read from an input file, before decoding and normalization."""

    source_file: str
    """The input file (or directory entry) this record came from."""
    record_no: int
    """0-based position of the record in its file: with ``source_file`` it names the record."""
    url: str | None
    """The URL as given; None when the input had none."""
    content: bytes | str | None = None
    """The page body: bytes when the encoding is unknown, str when the reader already decoded it."""
    content_kind: str = "html"
    """``html`` or ``text``: what ``content`` holds; ``url`` for URL-list rows, ``redirect`` for redirects."""
    fetched_at: str | None = None
    """When the page was fetched, ISO 8601 if the input said so."""
    status: int | None = None
    """HTTP status when the input carries it (WARC, fetcher)."""
    content_type: str | None = None
    """The Content-Type header when the input carries it."""
    encoding: str | None = None
    """A declared charset (header or input column), tried first when decoding."""
    redirect_to: str | None = None
    """For a redirect record: where it pointed (WARC 3xx responses, fetcher chains)."""


@dataclass(frozen=True, slots=True)
class IngestProblem:
    """A record skipped during ingestion, and why: written to ``ingest_errors``."""

    source_file: str
    record_no: int | None
    reason: str
    """Short and stable, for grouping: ``no_url``, ``bad_url``, ``binary``, ``undecodable``, ``too_large``,
    ``corrupt_file``, ``empty``, ``duplicate``, ``bad_record``."""
    detail: str = ""
    """Human-readable specifics (the bad URL, the exception message)."""
    url: str | None = None


def http_status(value: object) -> int | None:
    """An HTTP status as an int; None when absent or not a number; ValueError when no status is that number.

    A crawl's status column holds "200", 200, 200.0 or junk; a number outside 0-999 (``1e30``) is not a
    status but a damaged record, reported as such rather than stored.

    >>> http_status("301"), http_status(200.0), http_status("OK")
    (301, 200, None)
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number != number:  # NaN
        return None
    if not 0 <= number <= 999:
        raise ValueError(f"status {str(value)[:40]} is not an HTTP status (0-999)")
    return int(number)


def absolute_url(base: str | None, target: str) -> str:
    """A redirect target made absolute against the URL it came from (kept as is if the base is unusable).

    >>> absolute_url("http://a.example/x/y", "../z")
    'http://a.example/z'
    """
    try:
        return urljoin(base or "", target)
    except ValueError:
        return target
