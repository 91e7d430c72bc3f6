"""From raw records to page rows: decoding, size and content checks, normalization, keys (title and language: signals).

Separate from the readers so that a page fetched by ``orgmap fetch`` and one read from a crawl file get the same
checks and keys: the fetcher calls :func:`prepare_record` too. Pure functions of one record or batch (no store,
no settings); batches take their column types from the tables' DDL (``orgmap.store.schemas``). The decoding
order and the keys: docs/ingest.md ("What happens to each record").

Example::

    item = prepare_record(RawRecord("crawl.jsonl", 0, "https://Example.com/", b"<title>Hi</title>..."))
    item.page_id, item.registered_domain
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import email.utils
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import charset_normalizer
import pyarrow as pa

from orgmap.sources.records import IngestProblem, RawRecord
from orgmap.store import schemas
from resolver.domains import normalize_url
from resolver.errors import InvalidURLError, RecordError
from resolver.language import guess_language

__all__ = [
    "ContentError",
    "Decoded",
    "IngestBatch",
    "PreparedPage",
    "PreparedRedirect",
    "batch_tables",
    "clean_text",
    "decode_content",
    "make_page_id",
    "parse_timestamp",
    "prepare_record",
]

SKIP_REASONS = ("no_url", "bad_url", "binary", "undecodable", "too_large", "empty", "bad_record", "corrupt_file")
"""Reasons a record is skipped (``ingest_errors.reason``); stable, for grouping."""

_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/json", "application/ld+json")
_SNIFF_BYTES = 4096
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_META_CHARSET = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)",
    re.I,
)
_WHATWG_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252", "iso8859_9": "cp1254"}
# The legacy encodings of the WHATWG Encoding Standard (what browsers decode), by Python codec name.
_WEB_ENCODINGS = (
    "utf_8", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp874", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "cp866",
    "mac_roman", "mac_cyrillic", "gb18030", "gbk", "big5", "euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr",
)  # fmt: skip
_SINGLE_BYTE = frozenset(e for e in _WEB_ENCODINGS if e.startswith(("cp1", "iso8859", "mac_", "cp8")))
_CP1252_TIE = 0.1
_WINDOWS_SINGLE_BYTE = frozenset(e for e in _SINGLE_BYTE if e.startswith(("cp1", "iso8859")))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ContentError(RecordError):
    """Content that cannot become a page: ``reason`` is ``binary``, ``undecodable`` or ``empty``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Decoded:
    """Content as text, and the charset it was decoded with (``None`` when a reader handed over text)."""

    text: str
    encoding: str | None


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """One page ready to store: the columns of ``pages`` that do not depend on the run."""

    page_id: str
    url: str
    url_norm: str
    host: str
    registered_domain: str
    fetched_at: dt.datetime | None
    content_hash: str | None
    has_content: bool
    source: str
    source_file: str
    record_no: int | None
    html: str | None
    """Decoded HTML (the stage compresses it into ``html_z``)."""
    text: str | None
    """Plain text, when the input was text rather than HTML."""
    title: str | None
    lang: str | None
    encoding: str | None
    status: int | None
    content_type: str | None
    n_bytes: int | None


@dataclass(frozen=True, slots=True)
class PreparedRedirect:
    """A redirect seen in the input (a WARC 3xx, a fetcher's chain): ownership evidence across domains."""

    from_url: str
    to_url: str
    from_domain: str
    to_domain: str
    status: int | None
    source: str
    seen_at: dt.datetime | None


def make_page_id(url_norm: str, content_hash: str | None) -> str:
    """The page key: one id per (normalized URL, content) pair; URL-only rows hash an empty content."""
    return hashlib.sha1(f"{url_norm}\n{content_hash or ''}".encode()).hexdigest()[:24]


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None
    return _WHATWG_ALIASES.get(name.replace("-", "_"), name)


def _is_text_type(content_type: str | None) -> bool:
    if not content_type:
        return True
    mime = content_type.split(";", 1)[0].strip().lower()
    return not mime or mime.startswith(_TEXT_TYPES) or mime.endswith(("+xml", "+json"))


def decode_content(content: bytes | str, *, declared: str | None = None, content_type: str | None = None) -> Decoded:
    """Bytes → text following the order in the module docstring; raises :class:`ContentError` (binary/undecodable).

    Example::

        >>> decode_content("café".encode("cp1252")).text
        'café'
    """
    if not _is_text_type(content_type):
        raise ContentError("binary", f"content type {content_type.split(';')[0].strip()}" if content_type else "")
    if isinstance(content, str):
        if "\x00" in content[:_SNIFF_BYTES]:
            raise ContentError("binary", "NUL characters in content")
        return Decoded(content, None)
    data = bytes(content)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec.removesuffix("-sig"))
            except UnicodeDecodeError:
                raise ContentError("undecodable", f"invalid {codec} after byte-order mark") from None
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise ContentError("binary", "NUL bytes in content")
    tried: list[str] = []
    meta = _META_CHARSET.search(head)
    for candidate in (_codec(declared), _codec(meta.group(1).decode("ascii")) if meta else None, "utf-8"):
        if not candidate or candidate in tried or candidate.startswith(("utf-16", "utf-32")):
            continue  # a <meta> saying UTF-16 in an ASCII-compatible document is wrong by definition
        tried.append(candidate)
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return Decoded(_check_text(text), candidate)
    best = _guess(data)
    if best is None:
        raise ContentError("undecodable", f"not valid {' / '.join(tried)}, and no charset fits")
    text, encoding = str(best), best.encoding
    if encoding not in _WINDOWS_SINGLE_BYTE and _isolated_high_bytes(data):
        # Every non-ASCII byte stands alone: no multi-byte encoding writes text like that, and Mac Roman is
        # a guess charset-normalizer makes on short Western text ("© 2024 Acme" read as cp932 "ｩ 2024").
        with contextlib.suppress(UnicodeDecodeError):
            text, encoding = data.decode("cp1252"), "cp1252"
    if encoding in _SINGLE_BYTE and encoding != "cp1252":
        with contextlib.suppress(UnicodeDecodeError):
            if data.decode("cp1252") == text:  # same text either way: name the encoding browsers would
                encoding = "cp1252"
    return Decoded(_check_text(text), _codec(encoding) or encoding)


def _guess(data: bytes) -> charset_normalizer.CharsetMatch | None:
    """charset-normalizer's guess among the encodings browsers support, windows-1252 on a near tie.

    Undeclared single-byte pages are overwhelmingly windows-1252 (the browsers' default); on short Western
    text charset-normalizer rates cp1257 or cp1250 a hair better, which turns "été" into "ťtť".
    """
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(_WEB_ENCODINGS))
    best = matches.best()
    if best is None or best.encoding not in _SINGLE_BYTE:
        return best
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + _CP1252_TIE:
            return match
    return best


_HIGH_PAIR = re.compile(rb"[\x80-\xff]{2}")


def _isolated_high_bytes(data: bytes) -> bool:
    """True when the content has non-ASCII bytes and no two of them are adjacent."""
    return not data.isascii() and _HIGH_PAIR.search(data) is None


def _check_text(text: str) -> str:
    sample = text[:_SNIFF_BYTES]
    if sample and len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise ContentError("binary", "control characters in content")
    if sample.count("\ufffd") > 0.1 * len(sample) + 2:
        raise ContentError("undecodable", "mostly replacement characters")
    return text


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """ISO 8601, RFC 2822 (HTTP dates), 14-digit Wayback stamps or epoch seconds/ms → naive UTC; else None."""
    if not value:
        return None
    s = value.strip()
    parsed: dt.datetime | None = None
    try:
        if re.fullmatch(r"\d{14}", s):
            parsed = dt.datetime.strptime(s, "%Y%m%d%H%M%S")
        elif re.fullmatch(r"\d{9,13}(\.\d+)?", s):
            num = float(s)
            parsed = dt.datetime.fromtimestamp(num / 1000 if num > 1e11 else num, dt.UTC)
        else:
            try:
                parsed = dt.datetime.fromisoformat(s.replace(" UTC", "+00:00"))
            except ValueError:
                parsed = email.utils.parsedate_to_datetime(s)
    except (ValueError, TypeError, OverflowError, OSError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    if not 1990 <= parsed.year <= 2200:
        return None
    return parsed


def prepare_record(
    rec: RawRecord, *, source: str, max_bytes: int = 5_000_000
) -> PreparedPage | PreparedRedirect | IngestProblem:
    """Check, decode and key one record; per-record failures come back as an ``IngestProblem`` value.

    ``source`` names the input kind stored in ``pages.source`` (``jsonl``, ``warc``, ``fetch``, ...).
    A record whose ``content`` is None and whose ``content_kind`` is ``url`` is a page to fetch later
    (``has_content`` false); any other record with no content is ``empty``.
    """
    try:
        return _prepare(rec, source=source, max_bytes=max_bytes)
    except Exception as exc:  # noqa: BLE001 - whatever one record does to the code costs that record, not the batch
        url = rec.url if isinstance(rec.url, str) else None
        return IngestProblem(rec.source_file, rec.record_no, "bad_record", f"{type(exc).__name__}: {exc}"[:500], url)


def _prepare(
    rec: RawRecord, *, source: str, max_bytes: int = 5_000_000
) -> PreparedPage | PreparedRedirect | IngestProblem:
    if not rec.url or not rec.url.strip():
        return IngestProblem(rec.source_file, rec.record_no, "no_url", "record has no URL", None)
    try:
        norm = normalize_url(rec.url)
    except InvalidURLError as exc:
        return IngestProblem(rec.source_file, rec.record_no, "bad_url", exc.reason, rec.url[:2000])
    fetched_at = parse_timestamp(rec.fetched_at)
    if rec.redirect_to is not None:
        try:
            target = normalize_url(rec.redirect_to)
        except InvalidURLError as exc:
            return IngestProblem(rec.source_file, rec.record_no, "bad_url", f"redirect target: {exc.reason}", rec.url)
        return PreparedRedirect(
            norm.url,
            target.url,
            norm.parts.registered_domain,
            target.parts.registered_domain,
            rec.status,
            source,
            fetched_at,
        )
    parts = norm.parts
    if rec.content is None and rec.content_kind == "url":
        return PreparedPage(
            make_page_id(norm.url, None), rec.url, norm.url, parts.host, parts.registered_domain, fetched_at,
            None, False, source, rec.source_file, rec.record_no, None, None, None, None, None, rec.status,
            rec.content_type, None,
        )  # fmt: skip
    content = rec.content if rec.content is not None else b""
    n_bytes = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
    if n_bytes > max_bytes:
        return IngestProblem(
            rec.source_file, rec.record_no, "too_large", f"{n_bytes:,} bytes > cap {max_bytes:,}", rec.url
        )
    if not content.strip():
        return IngestProblem(rec.source_file, rec.record_no, "empty", "no content", rec.url)
    try:
        decoded = decode_content(content, declared=rec.encoding, content_type=rec.content_type)
        text = decoded.text
        if not text.strip():
            raise ContentError("empty", "only whitespace after decoding")
        try:
            utf8 = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (JSON "\ud800" escapes): not storable as UTF-8
            text = clean_text(text)
            utf8 = text.encode("utf-8")
    except ContentError as skip:
        return IngestProblem(rec.source_file, rec.record_no, skip.reason, skip.detail, rec.url)
    content_hash = hashlib.sha1(utf8).hexdigest()
    if rec.content_kind == "text":
        html, plain, title, lang = None, text, None, guess_language(text)
    else:  # the signals stage parses the page (once) and fills its title and language
        html, plain, title, lang = text, None, None, None
    encoding = decoded.encoding or ("utf-8" if isinstance(content, str) else None)
    return PreparedPage(
        make_page_id(norm.url, content_hash), rec.url, norm.url, parts.host, parts.registered_domain, fetched_at,
        content_hash, True, source, rec.source_file, rec.record_no, html, plain, title, lang, encoding, rec.status,
        rec.content_type, n_bytes,
    )  # fmt: skip


def clean_text(value: str) -> str:
    """``value`` with lone surrogates replaced, so it can be stored as UTF-8 (input text can carry them)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


# -- batches -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestBatch:
    """One batch as Arrow tables matching ``pages``, ``redirects`` and ``ingest_errors`` column for column."""

    pages: pa.Table
    redirects: pa.Table
    errors: pa.Table


def batch_tables(
    items: Iterable[PreparedPage | PreparedRedirect | IngestProblem],
    *,
    run_id: int,
    now: dt.datetime,
    compress: Callable[[str], bytes] | None,
) -> IngestBatch:
    """Arrow tables for one batch; ``compress`` turns HTML into ``html_z`` (None: do not keep HTML)."""
    pages: list[PreparedPage] = []
    redirects: list[PreparedRedirect] = []
    errors: list[IngestProblem] = []
    for item in items:
        if isinstance(item, PreparedPage):
            pages.append(item)
        elif isinstance(item, PreparedRedirect):
            redirects.append(item)
        else:
            errors.append(item)
    page_cols = {
        "page_id": [p.page_id for p in pages],
        "url": [clean_text(p.url) for p in pages],
        "url_norm": [p.url_norm for p in pages],
        "host": [p.host for p in pages],
        "registered_domain": [p.registered_domain for p in pages],
        "fetched_at": [p.fetched_at for p in pages],
        "content_hash": [p.content_hash for p in pages],
        "has_content": [p.has_content for p in pages],
        "source": [p.source for p in pages],
        "source_file": [p.source_file for p in pages],
        "record_no": [p.record_no for p in pages],
        "html_z": [compress(p.html) if compress and p.html is not None else None for p in pages],
        "text": [p.text for p in pages],
        "title": [p.title for p in pages],
        "lang": [p.lang for p in pages],
        "encoding": [p.encoding for p in pages],
        "status": [p.status for p in pages],
        "content_type": [p.content_type for p in pages],
        "n_bytes": [p.n_bytes for p in pages],
        "run_id": [run_id] * len(pages),
        "ingested_at": [now] * len(pages),
    }
    redirect_cols = {
        "from_url": [r.from_url for r in redirects],
        "to_url": [r.to_url for r in redirects],
        "from_domain": [r.from_domain for r in redirects],
        "to_domain": [r.to_domain for r in redirects],
        "status": [r.status for r in redirects],
        "source": [r.source for r in redirects],
        "run_id": [run_id] * len(redirects),
        "seen_at": [r.seen_at or now for r in redirects],
    }
    error_cols = {
        "run_id": [run_id] * len(errors),
        "source_file": [clean_text(e.source_file) for e in errors],
        "record_no": [e.record_no for e in errors],
        "url": [clean_text(e.url[:2000]) if e.url else None for e in errors],
        "reason": [e.reason for e in errors],
        "detail": [clean_text(e.detail[:1000]) if e.detail else None for e in errors],
        "logged_at": [now] * len(errors),
    }
    return IngestBatch(
        schemas.rows("pages", page_cols),
        schemas.rows("redirects", redirect_cols),
        schemas.rows("ingest_errors", error_cols),
    )
