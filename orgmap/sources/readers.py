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
json       ``.json`` holding one array                 element by element (ijson)
csv        ``.csv`` ``.tsv``                           csv module, row by row (one ragged row spoils nothing)
parquet    ``.parquet`` ``.pq``                        DuckDB ``read_parquet``, streamed
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

import contextlib
import csv
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import duckdb

from orgmap.sources.records import IngestProblem, RawRecord
from resolver.errors import InputError
from resolver.files import json_array, open_text

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
                for n, line in enumerate(fh):
                    if n >= _PEEK_LINES:
                        break
                    with contextlib.suppress(ValueError):
                        obj = json.loads(line) if line.strip() else None
                        if isinstance(obj, dict):
                            keys.update(dict.fromkeys(obj))
            return list(keys)
        if fmt == "json":
            keys = {}
            with open_text(path, errors="replace") as fh:  # the keys of the first elements, as for JSONL
                for n, (_, obj) in enumerate(json_array(fh)):
                    if n >= _PEEK_LINES:
                        break
                    if isinstance(obj, dict):
                        keys.update(dict.fromkeys(obj))
            return list(keys)
        if fmt == "csv":
            with open_text(path, errors="replace") as fh:
                dialect_delim = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
                return next(csv.reader(fh, delimiter=dialect_delim), [])
        con = duckdb.connect()
        try:
            rel = con.sql(_relation_sql(path, fmt, {}) + " limit 0", params=[str(path)])
            return list(rel.columns)
        finally:
            con.close()
    except (OSError, EOFError, zlib.error, UnicodeError, ValueError, duckdb.Error):
        return None


# -- reading ---------------------------------------------------------------------------------------


def read_input(item: InputFile, *, max_bytes: int = 5_000_000) -> Iterator[RawRecord | IngestProblem]:
    """Stream one planned input as records and problems; a corrupt file ends in one ``corrupt_file`` problem.

    ``max_bytes`` lets readers of large binary containers (WARC) stop reading a payload early: the
    record is still yielded, truncated to ``max_bytes + 1`` bytes, so the size check reports it.
    """
    reader = _READERS[item.format]
    try:
        yield from reader(item, max_bytes)
    except (OSError, EOFError, zlib.error, duckdb.Error, ValueError, UnicodeError, csv.Error) as exc:
        yield IngestProblem(item.name, None, "corrupt_file", f"{type(exc).__name__}: {exc}"[:500])
    except Exception as exc:  # warcio's ArchiveLoadFailed and other format-library errors
        if type(exc).__module__.startswith(("warcio", "gzip", "zlib")):
            yield IngestProblem(item.name, None, "corrupt_file", f"{type(exc).__name__}: {exc}"[:500])
        else:
            raise


def _record_from_row(item: InputFile, record_no: int, row: Mapping[str, Any]) -> RawRecord | IngestProblem:
    """One row as a record; a row that cannot be read is a ``bad_record`` problem, not the end of the file."""
    try:
        return _row_to_record(item, record_no, row)
    except (ValueError, TypeError, UnicodeError) as exc:
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
    status = _as_int(row.get(cols["status"])) if "status" in cols else None
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
            redirect_to=_join(url, target),
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


def _join(base: str | None, target: str) -> str:
    """A redirect target made absolute against the URL it came from (kept as is if the base is unusable)."""
    try:
        return urljoin(base or "", target)
    except ValueError:
        return target


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    s = str(value).strip()
    return s or None


def _as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _record_from_object(
    item: InputFile, layouts: dict[tuple[str, ...], InputFile], record_no: int, obj: Any
) -> RawRecord | IngestProblem:
    """One decoded JSON value as a record; ``layouts`` caches the column mapping per key set."""
    if not isinstance(obj, dict):
        return IngestProblem(item.name, record_no, "bad_record", f"expected an object, got {type(obj).__name__}")
    keys = tuple(obj)
    layout = layouts.get(keys)
    if layout is None:
        layout = layouts[keys] = _record_layout(item, keys)
    return _record_from_row(layout, record_no, obj)


def _read_jsonl(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    layouts: dict[tuple[str, ...], InputFile] = {}
    with open_text(item.path, errors="replace") as fh:
        for record_no, line in enumerate(fh):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield IngestProblem(item.name, record_no, "bad_record", f"invalid JSON: {exc}")
                continue
            yield _record_from_object(item, layouts, record_no, obj)


def _read_json_array(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    """A JSON array of objects, one object at a time (DuckDB's ``read_json`` buffers about the whole file).

    Malformed JSON ends the file (``corrupt_file``): an array cannot be resynchronised; the elements before
    it are kept.
    """
    layouts: dict[tuple[str, ...], InputFile] = {}
    with open_text(item.path, errors="replace") as fh:
        for record_no, (_, obj) in enumerate(json_array(fh)):
            yield _record_from_object(item, layouts, record_no, obj)


def _record_layout(item: InputFile, keys: tuple[str, ...]) -> InputFile:
    """The columns of one JSON record shape: JSONL records need not all carry the same keys."""
    try:
        columns = resolve_columns(keys, item.flags, where=item.name)
    except InputError:  # no URL key in this record: it is reported as no_url
        columns = {k: v for k, v in resolve_columns([*keys, "\0url"], {"url": "\0url"}).items() if k != "url"}
    return InputFile(item.path, item.format, columns, url_only=item.url_only, flags=item.flags)


def _relation_sql(path: Path, fmt: str, columns: Mapping[str, str]) -> str:
    """A SELECT over DuckDB's reader for ``fmt``; the path is bound as the only parameter."""
    if fmt == "parquet":
        return "select * from read_parquet(?)"
    raise ValueError(f"no DuckDB reader for {fmt}")


def _read_duckdb(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    con = duckdb.connect()
    try:
        con.execute("set threads = 1")
        wanted = list(dict.fromkeys(item.columns.values()))
        select = ", ".join('"' + c.replace('"', '""') + '"' for c in wanted) or "*"
        sql = _relation_sql(item.path, item.format, item.columns).replace("select *", f"select {select}", 1)
        reader = con.sql(sql, params=[str(item.path)]).to_arrow_reader(_BATCH_ROWS)
        record_no = 0
        for batch in reader:
            cols = {c: batch.column(c).to_pylist() for c in wanted if c in batch.schema.names}
            for i in range(batch.num_rows):
                row = {c: values[i] for c, values in cols.items()}
                yield _record_from_row(item, record_no, row)
                record_no += 1
    finally:
        con.close()


def _read_csv(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    """CSV/TSV with Python's csv module: DuckDB's sniffer rejects a whole file over one ragged row.

    Cells are read as UTF-8 with undecodable bytes kept (surrogateescape); such a content cell is handed
    on as bytes, so the page's own charset (meta, guess) decides, as for any other input.
    """
    csv.field_size_limit(2**31 - 1)
    delim = "\t" if item.path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
    with open_text(item.path, errors="surrogateescape") as fh:
        rows = csv.reader(fh, delimiter=delim)
        header = next(rows, None)
        if header is None:
            return
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        wanted = {col: index[col] for col in item.columns.values() if col in index}
        for record_no, cells in enumerate(rows):
            if not cells:
                continue
            row = {col: _unescape(cells[i]) if i < len(cells) else None for col, i in wanted.items()}
            yield _record_from_row(item, record_no, row)


def _unescape(cell: str) -> str | bytes:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return cell.encode("utf-8", "surrogateescape")
    return cell


def _read_urllist(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    with open_text(item.path, errors="replace") as fh:
        for record_no, line in enumerate(fh):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            url = text.split()[0] if "\t" in text or " " in text else text
            yield RawRecord(item.name, record_no, url, None, content_kind="url")


_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def _read_warc(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    from warcio.archiveiterator import ArchiveIterator

    with item.path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        archive = ArchiveIterator(fh, arc2warc=True)
        for record_no, rec in enumerate(archive):
            if rec.rec_type not in ("response", "resource", "conversion"):
                continue  # requests, metadata, revisits: no page of their own
            url = rec.rec_headers.get_header("WARC-Target-URI")
            if url:
                url = url.strip("<> ")
            fetched = rec.rec_headers.get_header("WARC-Date")
            status: int | None = None
            ctype = rec.rec_headers.get_header("Content-Type")
            location = None
            if rec.http_headers is not None:
                status = _as_int(rec.http_headers.get_statuscode())
                ctype = rec.http_headers.get_header("Content-Type") or None
                location = rec.http_headers.get_header("Location")
            m = _CHARSET.search(ctype or "")
            charset = m.group(1) if m else None
            if status is not None and 300 <= status < 400 and location:
                yield RawRecord(
                    item.name,
                    record_no,
                    url,
                    None,
                    content_kind="redirect",
                    fetched_at=fetched,
                    status=status,
                    content_type=ctype,
                    redirect_to=_join(url, location.strip()),
                )
                continue
            body = rec.content_stream().read(max_bytes + 1)
            if len(body) <= max_bytes and getattr(rec.raw_stream, "limit", 0) > 0:
                raise EOFError(f"WARC record {record_no} ({url}) is cut short: the file is truncated")
            yield RawRecord(
                item.name,
                record_no,
                url,
                body,
                content_kind="text" if rec.rec_type == "conversion" else "html",  # WET: extracted text
                fetched_at=fetched,
                status=status,
                content_type=ctype,
                encoding=charset,
            )
        # warcio stops quietly at a truncated gzip member or record: bytes left over mean a damaged file.
        if archive.offset < size:
            raise EOFError(f"unreadable data at byte {archive.offset:,} of {size:,}: the WARC file is truncated")


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


def _read_html_dir(item: InputFile, max_bytes: int) -> Iterator[RawRecord | IngestProblem]:
    root = item.path
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix.lower() in _HTML_EXTS)
    index = _load_index(root) if root.is_dir() else {}
    for path in files:
        rel = path.relative_to(root).as_posix() if root.is_dir() else path.name
        try:
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            yield IngestProblem(str(path), 0, "corrupt_file", f"cannot read: {exc}")
            continue
        url = index.get(rel) or index.get(path.name)
        if url is None:
            url = page_url_from_html(data[:131072].decode("utf-8", "replace"))
        yield RawRecord(str(path), 0, url, data, content_kind="html")


def _load_index(root: Path) -> dict[str, str]:
    """``index.csv`` / ``index.jsonl`` in an HTML directory: file (relative path) → URL."""
    out: dict[str, str] = {}
    for name in _INDEX_NAMES:
        path = root / name
        if not path.exists():
            continue
        rows: Iterable[Mapping[str, Any]]
        with open_text(path, errors="replace") as fh:
            if name.endswith(".csv"):
                rows = list(csv.DictReader(fh))
            else:
                rows = [json.loads(line) for line in fh if line.strip()]
        for row in rows:
            keys = {_key(k): v for k, v in row.items() if isinstance(k, str)}
            file = keys.get("file") or keys.get("path") or keys.get("filename") or keys.get("name")
            url = next((keys[a] for a in COLUMN_ALIASES["url"] if keys.get(a)), None)
            if file and url:
                out[str(file).strip().removeprefix("./")] = str(url).strip()
    return out


_READERS = {
    "jsonl": _read_jsonl,
    "json": _read_json_array,
    "csv": _read_csv,
    "parquet": _read_duckdb,
    "warc": _read_warc,
    "html_dir": _read_html_dir,
    "urllist": _read_urllist,
}
