"""WARC (and ARC, WET) files read record by record; a damaged record costs that record, not the rest.

warcio ends its iterator at what it cannot parse, so after a damaged record a new one starts at the next
record boundary; headers and payloads are read within caps (docs/ingest.md). A file that ends inside a
record raises :class:`WarcTruncated` after the records before it.

Example::

    for offset, item in warc_items(Path("crawl.warc.gz"), "crawl.warc.gz", max_bytes=5_000_000):
        ...
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecordLoader

from orgmap.sources.records import IngestProblem, RawRecord, absolute_url, http_status

__all__ = ["WarcTruncated", "warc_items"]

HEADER_LINE = 1 << 16
"""Bytes of a header line read at a time (a longer line is read in pieces)."""
HEADER_BYTES = 1 << 20
"""Bytes of header lines one record may have (WARC and HTTP headers together)."""
_SCAN = 1 << 20
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"\nWARC/\d\.\d+\r?\n")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_PAGE_TYPES = ("response", "resource", "conversion")


class WarcTruncated(EOFError):
    """The file ends inside a record: the records before it were read."""

    def __init__(self, message: str, offset: int, record_no: int) -> None:
        super().__init__(message)
        self.offset = offset
        """The byte where the cut-short record starts."""
        self.record_no = record_no
        """The number that record would have had."""


class _Loader(ArcWarcRecordLoader):
    """warcio's loader, reading a record without ``WARC-Target-URI`` instead of failing on it."""

    def _ensure_target_uri_format(self, rec_headers: Any) -> str:
        return super()._ensure_target_uri_format(rec_headers) or ""


class _HeaderBudget:
    """Caps warcio's ``readline`` (which header parsing uses) per call and per record."""

    def __init__(self, reader: Any) -> None:
        self.used = 0
        self.on = True
        self._readline: Callable[..., bytes] = reader.readline
        reader.readline = self.readline

    def readline(self, length: int | None = None) -> bytes:
        size = HEADER_LINE if length is None or length <= 0 else min(length, HEADER_LINE)
        line = self._readline(size)
        if self.on:
            self.used += len(line)
            if self.used > HEADER_BYTES:
                raise ValueError(f"record headers longer than {HEADER_BYTES:,} bytes")
        return line


def warc_items(path: Path, source_file: str, *, max_bytes: int) -> Iterator[tuple[int, RawRecord | IngestProblem]]:
    """``(byte offset of the record, record or problem)`` for every page-bearing record of the file.

    Responses, resources and WET conversions are pages (a 3xx with a ``Location`` is a redirect); requests,
    metadata and revisits are skipped but counted in the record numbers. Raises :class:`WarcTruncated`
    when the file ends inside a record.
    """
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        gzipped = fh.read(2) == _GZIP_MEMBER[:2]
        start, record_no = 0, 0
        while start < size:
            fh.seek(start)
            archive = ArchiveIterator(fh, arc2warc=True)
            archive.loader = _Loader(verify_http=False, arc2warc=True)
            budget = _HeaderBudget(archive.reader)
            records = iter(archive)
            while True:
                try:
                    rec = next(records)
                except StopIteration:
                    damaged: Exception | None = None
                except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a damaged record
                    damaged = exc
                else:
                    damaged = _unbounded(rec)
                    if damaged is None:
                        budget.on = False
                        item = _item(rec, source_file, record_no, max_bytes, archive.offset)
                        if item is not None:
                            yield archive.offset, item
                        budget.used, budget.on = 0, True
                        record_no += 1
                        continue
                # A record warcio cannot read, or bytes left over after the last one it could read.
                offset = archive.offset
                if damaged is None and offset >= size:
                    return
                nxt = _next_record(fh, offset + 1, gzipped)
                if nxt is None:
                    what = f": {type(damaged).__name__}: {damaged}" if damaged is not None else ""
                    raise WarcTruncated(
                        f"the WARC file ends inside the record at byte {offset:,} of {size:,}{what}"[:500],
                        offset,
                        record_no,
                    )
                reason = f"{type(damaged).__name__}: {damaged}" if damaged is not None else "no WARC record here"
                detail = f"unreadable WARC record at bytes {offset:,}-{nxt:,} ({reason})"
                yield offset, IngestProblem(source_file, record_no, "bad_record", detail[:500])
                record_no += 1
                start = nxt
                break


def _unbounded(rec: Any) -> Exception | None:
    """A WARC record without a length (or a type) would swallow the rest of the file: it is damaged."""
    if rec.format != "warc":
        return None
    if not rec.rec_type:
        return ValueError("no WARC-Type")
    if rec.rec_headers.get_header("Content-Length") is None:
        return ValueError("no Content-Length")
    return None


def _next_record(fh: IO[bytes], start: int, gzipped: bool) -> int | None:
    """The offset of the next record boundary at or after ``start``, or None (read in 1 MiB steps)."""
    fh.seek(start)
    offset, tail = start, b""
    while True:
        chunk = fh.read(_SCAN)
        if not chunk:
            return None
        data = tail + chunk
        base = offset - len(tail)
        if gzipped:
            i = data.find(_GZIP_MEMBER)
            if i >= 0:
                return base + i
        else:
            m = _WARC_LINE.search(data)
            if m is not None:
                return base + m.start() + 1
        offset += len(chunk)
        tail = data[-16:]


def _item(rec: Any, source_file: str, record_no: int, max_bytes: int, offset: int) -> RawRecord | IngestProblem | None:
    """One warcio record as a page, a redirect, a problem, or None (no page: a request, metadata, a revisit).

    Raises :class:`WarcTruncated` when the payload is shorter than the record says: the file ends in it.
    """
    if rec.rec_type not in _PAGE_TYPES:
        return None
    url = None
    try:
        url = (rec.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ") or None
        fetched = rec.rec_headers.get_header("WARC-Date")
        status: int | None = None
        ctype = rec.rec_headers.get_header("Content-Type")
        location = None
        if rec.http_headers is not None:
            status = http_status(rec.http_headers.get_statuscode())
            ctype = rec.http_headers.get_header("Content-Type") or None
            location = rec.http_headers.get_header("Location")
        m = _CHARSET.search(ctype or "")
        if status is not None and 300 <= status < 400 and location:
            return RawRecord(
                source_file, record_no, url, None, content_kind="redirect", fetched_at=fetched, status=status,
                content_type=ctype, redirect_to=absolute_url(url, location.strip()),
            )  # fmt: skip
        body = rec.content_stream().read(max_bytes + 1)
        if len(body) <= max_bytes and getattr(rec.raw_stream, "limit", 0) > 0:
            raise WarcTruncated(
                f"WARC record {record_no} ({url}) at byte {offset:,} is cut short: the file is truncated",
                offset,
                record_no,
            )
        return RawRecord(
            source_file, record_no, url, body,
            content_kind="text" if rec.rec_type == "conversion" else "html",  # WET: extracted text
            fetched_at=fetched, status=status, content_type=ctype, encoding=m.group(1) if m else None,
        )  # fmt: skip
    except WarcTruncated:
        raise
    except Exception as exc:  # noqa: BLE001 - a record's odd headers or payload cost that record only
        return IngestProblem(source_file, record_no, "bad_record", f"{type(exc).__name__}: {exc}"[:500], url)
