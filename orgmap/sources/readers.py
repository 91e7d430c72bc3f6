"""Input readers: every supported crawl format streamed as ``RawRecord | IngestProblem``.

Why one module per concern: a crawl arrives in whatever shape the scraper wrote, and each shape fails
differently (a bad JSON line, a truncated WARC, a corrupt gzip). A reader turns its format into the
same stream of :class:`~resolver.records.RawRecord` values and turns per-record or per-file damage into
:class:`~resolver.records.IngestProblem` values, so the run goes on and the report names what was lost.

Formats (``detect_format`` picks one from the name, ``--format`` overrides):

=========  ==========================================  ==========================================
format     files                                       how it is read
=========  ==========================================  ==========================================
jsonl      ``.jsonl`` ``.ndjson`` (``.json`` of lines)  line by line (exact line numbers for bad lines)
json       ``.json`` holding one array                 element by element (files.json_array)
csv        ``.csv`` ``.tsv``                           csv module, row by row (one ragged row spoils nothing)
parquet    ``.parquet`` ``.pq``                        pyarrow, row group by row group
warc       ``.warc`` ``.arc`` ``.wet``                 warcio: response/resource records (3xx → redirect), WET text
html_dir   a directory of ``.html``/``.htm`` files     URL from ``index.csv``/``index.jsonl`` or canonical/og:url
urllist    ``.txt`` ``.urls`` ``.lst``                 one URL or domain per line: pages to fetch later
=========  ==========================================  ==========================================

Any of them may be gzip-compressed (``.gz``); text is decoded by :func:`resolver.files.open_text` (UTF-8,
a BOM dropped, undecodable bytes replaced). Nothing here loads a whole file: tabular readers pull Arrow
record batches, line readers read lines.

Example::

    plan = plan_inputs(["crawl.jsonl.gz", "pages/"], columns={"url": "link"})
    for item in read_input(plan[0]):
        ...
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from orgmap.sources.bounded import CsvRecord, CsvRecords, bounded_lines
from orgmap.sources.records import IngestProblem, RawRecord, absolute_url, http_status
from orgmap.sources.warc import WarcTruncated, warc_items
from resolver.errors import InputError
from resolver.files import JSONArrayError, Skipped, json_array, open_text

__all__ = [
    "COLUMN_ALIASES",
    "FORMATS",
    "InputFile",
    "detect_format",
    "plan_inputs",
    "read_input",
    "resolve_columns",
]

FORMATS = ("jsonl", "json", "csv", "parquet", "warc", "html_dir", "urllist")
"""The input formats ``--format`` accepts."""

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "url": (
        "url",
        "page_url",
        "uri",
        "link",
        "href",
        "target_uri",
        "warc_target_uri",
        "final_url",
        "address",
        "website",
        "domain",
        "host",
    ),
    "html": ("html", "raw_html", "html_content", "page_html", "content", "body", "html_body", "response_body"),
    "text": ("text", "body_text", "plain_text", "content_text", "clean_text", "main_text"),
    "fetched_at": (
        "fetched_at",
        "timestamp",
        "crawled_at",
        "fetch_time",
        "crawl_date",
        "retrieved_at",
        "scraped_at",
        "downloaded_at",
        "warc_date",
        "date",
        "time",
    ),
    "status": ("status", "status_code", "http_status", "response_status"),
    "content_type": ("content_type", "mime", "mime_type", "mimetype", "media_type"),
    "encoding": ("encoding", "charset"),
    "redirect_to": ("redirect_to", "redirect_url", "redirected_to", "location", "redirect"),
}
"""Column spellings recognised per field, in order of preference (matched case-insensitively, ``-``/space as ``_``)."""

_EXT_FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".warc": "warc",
    ".arc": "warc",
    ".txt": "urllist",
    ".urls": "urllist",
    ".lst": "urllist",
    ".html": "html_dir",
    ".htm": "html_dir",
}
_HTML_EXTS = (".html", ".htm", ".xhtml")
_INDEX_NAMES = ("index.csv", "index.jsonl")
_BATCH_ROWS = 1_000
_PEEK_LINES = 200


@dataclass(frozen=True)
class InputFile:
    """One input to read, after validation: its path, format, and the columns it will be read with."""

    path: Path
    """The file (or, for ``html_dir``, the directory or single ``.html`` file)."""
    format: str
    """One of :data:`FORMATS`."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """Field → column name for tabular formats (resolved from the header and the user's flags)."""
    url_only: bool = False
    """True when the input carries no content at all (a URL list): its rows are pages to fetch later."""
    flags: Mapping[str, str] = field(default_factory=dict)
    """The column names the user gave (``--url-col``...), before auto-detection."""

    @property
    def name(self) -> str:
        """The path as stored in ``pages.source_file`` / ``ingest_errors.source_file``."""
        return str(self.path)


# -- planning: validate everything before anything is written ------------------------------------


def detect_format(path: Path) -> str:
    """The format of ``path`` from its name (``.gz`` looked through); directories are ``html_dir``."""
    if path.is_dir():
        return "html_dir"
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".warc", ".arc")) or ".warc." in name:
        return "warc"
    fmt = _EXT_FORMATS.get(Path(name).suffix)
    if fmt is None:
        raise InputError(
            f"cannot tell the format of {path} from its name; pass --format (one of {', '.join(FORMATS)})",
            path=str(path),
        )
    if fmt == "json" and _first_char(path) == "{":
        return "jsonl"  # a .json file of one object per line
    return fmt


def plan_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    columns: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> list[InputFile]:
    """Check every path and say how each file will be read; raise InputError before anything is written.

    A missing path, an unreadable file, an unknown format or a table without a URL column stops the run
    here, so a typo in the last of ten paths does not leave nine half-ingested. A directory holding
    ``.html`` files is one ``html_dir`` input; any other directory is expanded to the data files in it
    (files or folders with ``truth`` in their name, ground truth next to a crawl, are left out).
    """
    columns = {k: v for k, v in (columns or {}).items() if v}
    unknown = set(columns) - set(COLUMN_ALIASES)
    if unknown:
        raise InputError(f"unknown column field(s) {sorted(unknown)}; known: {', '.join(COLUMN_ALIASES)}")
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    given = [Path(p) for p in paths]
    if not given:
        raise InputError("no input paths given; pass files or directories to ingest")
    plan: list[InputFile] = []
    for path in given:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory; check the path", path=str(path))
        _check_readable(path)
        if path.is_dir() and fmt in (None, "html_dir") and _has_html(path):
            plan.append(InputFile(path, "html_dir"))
        elif path.is_dir():
            files = _data_files(path)
            if not files:
                raise InputError(
                    f"{path}: no input files in this directory (looked for {', '.join(sorted(_EXT_FORMATS))})",
                    path=str(path),
                )
            for f in files:
                _check_readable(f)
                plan.append(_plan_file(f, fmt, columns))
        else:
            plan.append(_plan_file(path, fmt, columns))
    return plan


def _plan_file(path: Path, fmt: str | None, columns: Mapping[str, str]) -> InputFile:
    fmt = fmt or detect_format(path)
    if fmt in ("warc", "html_dir", "urllist"):
        return InputFile(path, fmt, url_only=fmt == "urllist")
    header = _peek_columns(path, fmt)
    if not header:  # unreadable (reported as corrupt_file when read) or empty: the run goes on
        return InputFile(path, fmt, dict(columns), flags=dict(columns))
    resolved = resolve_columns(header, columns, where=str(path))
    url_only = "html" not in resolved and "text" not in resolved
    return InputFile(path, fmt, resolved, url_only=url_only, flags=dict(columns))


def resolve_columns(header: Iterable[str], flags: Mapping[str, str], *, where: str = "input") -> dict[str, str]:
    """Map each field to a column of ``header``: the user's flag if given, else the first known spelling.

    Raises InputError when a flagged column is absent or no URL column can be found.

    Example::

        >>> resolve_columns(["Link", "raw_html", "crawled_at"], {})
        {'url': 'Link', 'html': 'raw_html', 'fetched_at': 'crawled_at'}
    """
    header = list(header)
    by_key = {}
    for col in header:
        by_key.setdefault(_key(col), col)
    out: dict[str, str] = {}
    for fld, col in flags.items():
        if col not in header:
            found = by_key.get(_key(col))
            if found is None:
                raise InputError(f"{where}: no column {col!r} (for {fld}); columns are: {', '.join(header)}")
            col = found
        out[fld] = col
    taken = set(out.values())
    for fld, aliases in COLUMN_ALIASES.items():
        if fld in out:
            continue
        for alias in aliases:
            col = by_key.get(alias)
            if col is not None and col not in taken:
                out[fld] = col
                taken.add(col)
                break
    if "url" not in out:
        raise InputError(
            f"{where}: no URL column among {', '.join(header) or '(none)'}; name it with --url-col",
            path=where,
        )
    return {k: out[k] for k in COLUMN_ALIASES if k in out}


def _key(col: str) -> str:
    return re.sub(r"[\s\-]+", "_", col.strip().lower())


def _check_readable(path: Path) -> None:
    if not os.access(path, os.R_OK) or (path.is_dir() and not os.access(path, os.X_OK)):
        raise InputError(f"{path}: permission denied; make it readable or leave it out", path=str(path))
    if path.is_file():
        try:
            with path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})", path=str(path)) from None


def _has_html(path: Path) -> bool:
    return any(p.suffix.lower() in _HTML_EXTS for p in path.rglob("*") if p.is_file())


def _data_files(directory: Path) -> list[Path]:
    out = []
    for p in sorted(directory.rglob("*")):
        rel = p.relative_to(directory).parts
        if not p.is_file() or any("truth" in part.lower() or part.startswith(".") for part in rel):
            continue
        try:
            detect_format(p)
        except InputError:
            continue
        out.append(p)
    return out


def _first_char(path: Path) -> str:
    try:
        with open_text(path, errors="replace") as fh:
            while True:
                chunk = fh.read(4096)
                if not chunk:
                    return ""
                stripped = chunk.lstrip(" \t\r\n")
                if stripped:
                    return stripped[0]
    except (OSError, EOFError, zlib.error, UnicodeError):
        return ""


def _peek_columns(path: Path, fmt: str) -> list[str] | None:
    """The column names of a tabular file, or None if its content cannot be read (reported later)."""
    try:
        if fmt == "jsonl":  # the keys of the first records (they need not all have the same)
            keys: dict[str, None] = {}
            with open_text(path, errors="replace") as fh:
                for n, line in bounded_lines(fh, RECORD_CHARS):
                    if n > _PEEK_LINES:
                        break
                    try:
                        obj = json.loads(line) if line and line.strip() else None
                    except (ValueError, RecursionError):
                        continue
                    if isinstance(obj, dict):
                        keys.update(dict.fromkeys(obj))
            return list(keys)
        if fmt == "json":
            keys = {}
            with open_text(path, errors="replace") as fh:  # the keys of the first elements, as for JSONL
                for n, (_, obj) in enumerate(json_array(fh, max_chars=RECORD_CHARS, skip_bad=True)):
                    if n >= _PEEK_LINES:
                        break
                    if isinstance(obj, dict):
                        keys.update(dict.fromkeys(obj))
            return list(keys)
        if fmt == "csv":
            _allow_fields(RECORD_CHARS)
            with open_text(path, errors="replace") as fh:
                delim = _csv_delimiter(path)
                first = next(iter(CsvRecords(fh, delimiter=delim, cap=RECORD_CHARS)), None)
                return next(csv.reader([first.text], delimiter=delim), []) if first and first.text else []
        return list(pq.read_schema(path).names)
    except (OSError, EOFError, zlib.error, UnicodeError, ValueError, csv.Error):
        return None


# -- reading ---------------------------------------------------------------------------------------


RECORD_CHARS = 20_000_000
"""Default cap on the text of one record (a JSON Lines line, a JSON array element, a CSV record): what a
5 MB page takes once escaped, with room to spare. A longer record is skipped as ``too_large`` unread."""


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    """A page's content cap (WARC payloads are read no further than this)."""
    max_record_chars: int
    """The text cap of one record (see :data:`RECORD_CHARS`)."""


@dataclass
class _Cursor:
    """Where a reader is in its file, for the report of a fault that ends the file (mutable: readers move it)."""

    line: int | None = None
    """The line being read (text formats)."""
    byte: int | None = None
    """The byte offset of the record being read (WARC)."""
    record_no: int = 0
    """The number the next record gets."""
    read: int = 0
    """Records and problems yielded so far."""


def read_input(
    item: InputFile, *, max_bytes: int = 5_000_000, max_record_chars: int = RECORD_CHARS
) -> Iterator[RawRecord | IngestProblem]:
    """Stream one planned input as records and problems, each record's text held only up to a cap.

    A record that cannot be read (bad JSON, a row with a stray quote, an over-long line, a WARC record
    without a target URI) is a problem of its own and the file reads on. Damage that ends the file (a
    truncated gzip, a JSON array broken mid-file, a WARC cut short) is one ``corrupt_file`` problem that
    says where it is and how many records were read before it; those records are kept.

    ``max_bytes`` lets readers of large binary containers (WARC) stop reading a payload early: the
    record is still yielded, truncated to ``max_bytes + 1`` bytes, so the size check reports it.
    ``max_record_chars`` caps the text of one record (:data:`RECORD_CHARS`).
    """
    cursor = _Cursor()
    try:
        for out in _READERS[item.format](item, _Limits(max_bytes, max_record_chars), cursor):
            cursor.read += 1
            yield out
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises ends that file, reported; others go on
        yield _fault(item, cursor, exc)


def _fault(item: InputFile, cursor: _Cursor, exc: Exception) -> IngestProblem:
    """The ``corrupt_file`` problem of a fault that ends a file: what, where, and what was kept."""
    if isinstance(exc, JSONArrayError):
        cursor.line, what = exc.line, exc.reason
    elif isinstance(exc, EOFError) and "end-of-stream marker" in str(exc):
        what = "the gzip stream ends early: the file is truncated"
    elif isinstance(exc, gzip.BadGzipFile | zlib.error):
        what = f"the gzip data is damaged ({exc})"
    else:
        what = f"{type(exc).__name__}: {exc}"
    if cursor.line is not None:
        where = f"line {cursor.line:,}"
    elif cursor.byte is not None:
        where = f"byte {cursor.byte:,}"
    else:
        where = "the start"
    detail = (
        f"{what[:600]} (at {where}); {cursor.read:,} record(s) before it are kept, the rest of the file is not read"
    )
    return IngestProblem(item.name, cursor.record_no, "corrupt_file", detail)


def _record_from_row(item: InputFile, record_no: int, row: Mapping[str, Any]) -> RawRecord | IngestProblem:
    """One row as a record; a row that cannot be read is a ``bad_record`` problem, not the end of the file."""
    try:
        return _row_to_record(item, record_no, row)
    except Exception as exc:  # noqa: BLE001 - any value a row holds must cost that row only
        return IngestProblem(item.name, record_no, "bad_record", f"{type(exc).__name__}: {exc}"[:500])


def _row_to_record(item: InputFile, record_no: int, row: Mapping[str, Any]) -> RawRecord:
    cols = item.columns
    url = _as_text(row.get(cols["url"])) if "url" in cols else None
    content: bytes | str | None
    kind = "html"
    if item.url_only:
        content, kind = None, "url"
    else:
        content = row.get(cols["html"]) if "html" in cols else None
        if content is None or content == "":
            text = row.get(cols["text"]) if "text" in cols else None
            if text is not None and text != "":
                content, kind = text, "text"
        if content is None:
            content = ""
        elif not isinstance(content, str | bytes):
            content = json.dumps(content, ensure_ascii=False) if isinstance(content, dict | list) else str(content)
    status = http_status(row.get(cols["status"])) if "status" in cols else None
    target = _as_text(row.get(cols["redirect_to"])) if "redirect_to" in cols else None
    if target and (status is None or 300 <= status < 400) and not content:
        return RawRecord(
            item.name,
            record_no,
            url,
            None,
            content_kind="redirect",
            fetched_at=_as_text(row.get(cols["fetched_at"])) if "fetched_at" in cols else None,
            status=status,
            redirect_to=absolute_url(url, target),
        )
    return RawRecord(
        source_file=item.name,
        record_no=record_no,
        url=url,
        content=content,
        content_kind=kind,
        fetched_at=_as_text(row.get(cols["fetched_at"])) if "fetched_at" in cols else None,
        status=status,
        content_type=_as_text(row.get(cols["content_type"])) if "content_type" in cols else None,
        encoding=_as_text(row.get(cols["encoding"])) if "encoding" in cols else None,
    )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    s = str(value).strip()
    return s or None


def _record_from_object(
    item: InputFile, layouts: dict[tuple[str, ...], InputFile], record_no: int, obj: Any
) -> RawRecord | IngestProblem:
    """One decoded JSON value as a record; ``layouts`` caches the column mapping per key set."""
    if not isinstance(obj, dict):
        return IngestProblem(item.name, record_no, "bad_record", f"expected an object, got {type(obj).__name__}")
    keys = tuple(obj)
    layout = layouts.get(keys)
    if layout is None:
        try:
            layout = layouts[keys] = _record_layout(item, keys)
        except Exception as exc:  # noqa: BLE001 - odd keys cost their record only
            return IngestProblem(item.name, record_no, "bad_record", f"{type(exc).__name__}: {exc}"[:500])
    return _record_from_row(layout, record_no, obj)


def _too_large(item: InputFile, record_no: int, line: int, what: str, cap: int) -> IngestProblem:
    return IngestProblem(item.name, record_no, "too_large", f"line {line:,}: {what} longer than {cap:,} characters")


def _read_jsonl(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    layouts: dict[tuple[str, ...], InputFile] = {}
    cap = limits.max_record_chars
    with open_text(item.path, errors="replace") as fh:
        cursor.line = 1
        for number, line in bounded_lines(fh, cap):
            record_no = number - 1
            cursor.line, cursor.record_no = number + 1, number
            if line is None:
                yield _too_large(item, record_no, number, "a line", cap)
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield IngestProblem(item.name, record_no, "bad_record", f"invalid JSON: {exc}"[:500])
                continue
            except RecursionError:
                yield IngestProblem(item.name, record_no, "bad_record", "JSON nested too deep to read")
                continue
            yield _record_from_object(item, layouts, record_no, obj)


def _read_json_array(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    """A JSON array of objects, one object at a time (DuckDB's ``read_json`` buffers about the whole file).

    A bad element (not JSON, too large, nested too deep) is a problem and the array reads on; damage to
    the array itself (text that is no array, or ends before ``]``) ends the file, the elements before it kept.
    """
    layouts: dict[tuple[str, ...], InputFile] = {}
    cap = limits.max_record_chars
    with open_text(item.path, errors="replace") as fh:
        cursor.line = 1
        for record_no, (line, obj) in enumerate(json_array(fh, max_chars=cap, skip_bad=True)):
            cursor.line, cursor.record_no = line, record_no + 1
            if isinstance(obj, Skipped):
                reason = "too_large" if obj.reason == "too_large" else "bad_record"
                yield IngestProblem(item.name, record_no, reason, f"line {line:,}: {obj.reason}: {obj.detail}")
            else:
                yield _record_from_object(item, layouts, record_no, obj)


def _record_layout(item: InputFile, keys: tuple[str, ...]) -> InputFile:
    """The columns of one JSON record shape: JSONL records need not all carry the same keys."""
    try:
        columns = resolve_columns(keys, item.flags, where=item.name)
    except InputError:  # no URL key in this record: it is reported as no_url
        columns = {k: v for k, v in resolve_columns([*keys, "\0url"], {"url": "\0url"}).items() if k != "url"}
    return InputFile(item.path, item.format, columns, url_only=item.url_only, flags=item.flags)


def _read_parquet(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    """Parquet row groups streamed as Arrow batches of the mapped columns only."""
    parquet = pq.ParquetFile(item.path)
    wanted = [c for c in dict.fromkeys(item.columns.values()) if c in parquet.schema_arrow.names]
    record_no = 0
    for batch in parquet.iter_batches(batch_size=_BATCH_ROWS, columns=wanted):
        cols = {c: batch.column(c).to_pylist() for c in wanted}
        for i in range(batch.num_rows):
            cursor.record_no = record_no + 1
            yield _record_from_row(item, record_no, {c: values[i] for c, values in cols.items()})
            record_no += 1


def _csv_delimiter(path: Path) -> str:
    return "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","


def _allow_fields(chars: int) -> None:
    """Let the ``csv`` module parse cells as long as a record may be (records are capped before it sees them)."""
    if csv.field_size_limit() < chars:
        csv.field_size_limit(chars)


_URLISH = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+$|[\w-]+(?:\.[\w-]+)+/?$", re.I)


def _read_csv(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    """CSV/TSV, record by record (``orgmap.sources.bounded``), each record parsed by the ``csv`` module.

    Not DuckDB: its sniffer rejects a whole file over one ragged row. Not the ``csv`` module alone: it holds
    a runaway cell in memory and lets a stray quote swallow the rows after it without a word.

    Cells are read as UTF-8 with undecodable bytes kept (surrogateescape); such a content cell is handed
    on as bytes, so the page's own charset (meta, guess) decides, as for any other input.
    """
    cap = limits.max_record_chars
    _allow_fields(cap)
    delim = _csv_delimiter(item.path)
    with open_text(item.path, errors="surrogateescape") as fh:
        records = CsvRecords(fh, delimiter=delim, cap=cap)
        stream = iter(records)
        cursor.line = 1
        first = next(stream, None)
        if first is None:
            return
        if first.text is None:
            raise ValueError(f"the header (line 1) cannot be read: {first.problem}")
        header = next(csv.reader([first.text], delimiter=delim), [])
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        wanted = {col: index[col] for col in item.columns.values() if col in index}
        records.looks_like_row = _row_shape(header, index.get(item.columns.get("url", "")), delim)
        for record_no, rec in enumerate(stream):
            cursor.line, cursor.record_no = rec.line + rec.n_lines, record_no + 1
            if rec.text is None or rec.problem:
                yield _csv_problem(item, record_no, rec, cap)
                if rec.text is None:
                    continue
            try:
                cells = next(csv.reader([rec.text], delimiter=delim), [])
            except csv.Error as exc:
                yield IngestProblem(item.name, record_no, "bad_record", f"line {rec.line:,}: {exc}")
                continue
            if not cells or rec.problem:
                continue
            row = {col: _unescape(cells[i]) if i < len(cells) else None for col, i in wanted.items()}
            yield _record_from_row(item, record_no, row)


def _row_shape(header: list[str], url_index: int | None, delim: str) -> Callable[[str], bool]:
    """Whether one line is a row of this file on its own: as many cells as the header, a URL in its column."""
    n = len(header)

    def looks_like_row(line: str) -> bool:
        if n < 2 or line.count(delim) < n - 1:
            return False
        try:
            cells = next(csv.reader([line], delimiter=delim), [])
        except csv.Error:
            return False
        if len(cells) != n:
            return False
        return url_index is None or bool(_URLISH.match(cells[url_index].strip()))

    return looks_like_row


def _csv_problem(item: InputFile, record_no: int, rec: CsvRecord, cap: int) -> IngestProblem:
    if rec.problem == "too_large":
        what = f"a record of {rec.n_lines:,} line(s)"
        return _too_large(item, record_no, rec.line, what, cap)
    if rec.problem == "stray_quote":
        detail = (
            f"line {rec.line:,}: a quote opened in this row runs over the next {rec.n_lines - 1:,} line(s), "
            "which are rows of their own: this row is skipped and they are read as rows; close or double the quote"
        )
    else:
        detail = f"line {rec.line:,}: a quote opened in this row is never closed (the file ends inside it)"
    return IngestProblem(item.name, record_no, "bad_record", detail)


def _unescape(cell: str) -> str | bytes:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return cell.encode("utf-8", "surrogateescape")
    return cell


def _read_urllist(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    with open_text(item.path, errors="replace") as fh:
        cursor.line = 1
        for number, line in bounded_lines(fh, limits.max_record_chars):
            record_no = number - 1
            cursor.line, cursor.record_no = number + 1, number
            if line is None:
                yield _too_large(item, record_no, number, "a line", limits.max_record_chars)
                continue
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            url = text.split()[0] if "\t" in text or " " in text else text
            yield RawRecord(item.name, record_no, url, None, content_kind="url")


def _read_warc(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    try:
        for offset, record in warc_items(item.path, item.name, max_bytes=limits.max_bytes):
            cursor.byte, cursor.record_no = offset, (record.record_no or 0) + 1
            yield record
    except WarcTruncated as exc:
        cursor.byte, cursor.record_no = exc.offset, exc.record_no
        raise


_CANONICAL = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url[\"']?[^>]*>",
    re.I,
)
_HREF = re.compile(r"\b(?:href|content)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


def page_url_from_html(html: str) -> str | None:
    """The page's own URL as it declares it: ``<link rel=canonical>``, else ``<meta property=og:url>``.

    Only absolute http(s) URLs count: a relative canonical says nothing about the host.
    """
    found: dict[str, str] = {}
    for m in _CANONICAL.finditer(html):
        tag = m.group(0)
        h = _HREF.search(tag)
        if not h:
            continue
        value = (h.group(1) or h.group(2) or h.group(3) or "").strip()
        if not value.lower().startswith(("http://", "https://")):
            continue
        kind = "canonical" if "canonical" in tag.lower() else "og"
        found.setdefault(kind, value)
    return found.get("canonical") or found.get("og")


def _read_html_dir(item: InputFile, limits: _Limits, cursor: _Cursor) -> Iterator[RawRecord | IngestProblem]:
    root = item.path
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix.lower() in _HTML_EXTS)
    index = _load_index(root) if root.is_dir() else {}
    for path in files:
        rel = path.relative_to(root).as_posix() if root.is_dir() else path.name
        try:
            with path.open("rb") as fh:
                data = fh.read(limits.max_bytes + 1)
        except OSError as exc:
            yield IngestProblem(str(path), 0, "corrupt_file", f"cannot read: {exc}")
            continue
        url = index.get(rel) or index.get(path.name)
        if url is None:
            url = page_url_from_html(data[:131072].decode("utf-8", "replace"))
        yield RawRecord(str(path), 0, url, data, content_kind="html")


def _load_index(root: Path) -> dict[str, str]:
    """``index.csv`` / ``index.jsonl`` in an HTML directory: file (relative path) → URL.

    An index row that cannot be read is left out (its page falls back to the URL the HTML declares).
    """
    out: dict[str, str] = {}
    for name in _INDEX_NAMES:
        path = root / name
        if path.exists():
            for row in _index_rows(path):
                keys = {_key(k): v for k, v in row.items() if isinstance(k, str)}
                file = keys.get("file") or keys.get("path") or keys.get("filename") or keys.get("name")
                url = next((keys[a] for a in COLUMN_ALIASES["url"] if keys.get(a)), None)
                if file and url:
                    out[str(file).strip().removeprefix("./")] = str(url).strip()
    return out


def _index_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    with open_text(path, errors="replace") as fh:
        if path.name.endswith(".csv"):
            _allow_fields(RECORD_CHARS)
            header: list[str] | None = None
            for rec in CsvRecords(fh, cap=RECORD_CHARS):
                try:
                    cells = next(csv.reader([rec.text]), []) if rec.text is not None else []
                except csv.Error:
                    continue
                if header is None:
                    header = cells
                elif cells:
                    yield dict(zip(header, cells, strict=False))
            return
        for _, line in bounded_lines(fh, RECORD_CHARS):
            try:
                obj = json.loads(line) if line and line.strip() else None
            except (ValueError, RecursionError):
                continue
            if isinstance(obj, dict):
                yield obj


_READERS = {
    "jsonl": _read_jsonl,
    "json": _read_json_array,
    "csv": _read_csv,
    "parquet": _read_parquet,
    "warc": _read_warc,
    "html_dir": _read_html_dir,
    "urllist": _read_urllist,
}
