"""Input files as text, and JSON arrays read one element at a time.

Every text file orgmap reads is UTF-8 with a leading byte-order mark dropped, gunzipped when its first
bytes say gzip (not its name). Bytes that are not UTF-8 are the caller's choice (``errors``): a crawl
keeps going (``"replace"``), a reference list stops (``"strict"``).

Example::

    with open_text(Path("orgs.json.gz")) as handle:
        for line, org in json_array(handle):
            ...
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

__all__ = ["JSONArrayError", "Skipped", "json_array", "open_text", "text_stream"]

PIECE = 1 << 16
"""Characters read at a time (a line, or a piece of a longer one)."""

MAX_DEPTH = 200
"""Nesting depth beyond which an array element is not read (hostile input; Python's JSON stops near 1,000)."""

MAX_MARKS = 1_000_000
"""Brackets and strings one element may hold before the array is given up as hostile (each costs a step in
Python; a real record holds a few hundred)."""

_GZIP_MAGIC = b"\x1f\x8b"


def text_stream(raw: IO[bytes] | gzip.GzipFile, *, errors: str = "strict") -> io.TextIOWrapper:
    """``raw`` decoded as orgmap reads every text file: UTF-8, a leading BOM dropped, line ends as written."""
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors=errors, newline="")


def open_text(path: Path, *, errors: str = "strict") -> io.TextIOWrapper:
    """``path`` as text (see :func:`text_stream`), gunzipped when it is gzip (whatever its name says).

    A gzip stream that is cut short or damaged gives all the text before the damage first; the read after
    it raises (``EOFError``, ``zlib.error``, ``gzip.BadGzipFile``), so a reader keeps every line it got.
    """
    with path.open("rb") as probe:
        gzipped = probe.read(2) == _GZIP_MAGIC
    if not gzipped:
        return text_stream(path.open("rb"), errors=errors)
    guard = _GzipGuard(gzip.GzipFile(path, "rb"))
    return _GuardedText(io.BufferedReader(guard), guard, errors=errors)


class _GzipGuard(io.RawIOBase):
    """A gzip stream that ends, instead of raising, where it is damaged; the damage is kept in ``fault``.

    ``io.TextIOWrapper`` drops the text it decoded in a read when the stream below raises during it.
    """

    def __init__(self, raw: gzip.GzipFile) -> None:
        super().__init__()
        self.raw = raw
        self.fault: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.fault is not None:
            return 0
        try:
            data = self.raw.read1(len(buffer))
        except (EOFError, OSError, zlib.error) as exc:
            self.fault = exc
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


class _GuardedText(io.TextIOWrapper):
    """Text over a :class:`_GzipGuard`: raises its fault once the text before it has been read."""

    def __init__(self, buffer: IO[bytes], guard: _GzipGuard, *, errors: str) -> None:
        super().__init__(buffer, encoding="utf-8-sig", errors=errors, newline="")
        self._guard = guard

    def read(self, size: int | None = -1) -> str:
        text = super().read(size)
        if not text:
            self._raise()
        return text

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline(-1 if size is None else size)
        if not line.endswith("\n") and (size is None or size < 0 or len(line) < size):
            self._raise()  # a line the damage cut (or the end): the damage, if any, comes first
        return line

    def _raise(self) -> None:
        if self._guard.fault is not None:
            raise self._guard.fault


class JSONArrayError(ValueError):
    """A JSON array that cannot be read on (the array's structure is broken: the rest is lost)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        """The line where reading stopped."""
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Skipped:
    """An array element left unread, in place of its value (only with ``skip_bad=True``); the array reads on."""

    reason: str
    """``too_large`` (over ``max_chars``), ``too_deep`` (nested deeper than ``MAX_DEPTH``) or ``bad_json``."""
    detail: str


def match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` (one that also matches the empty string) stops matching from ``pos``."""
    found = pattern.match(text, pos)
    assert found is not None, pattern.pattern
    return found.end()


_WS = re.compile(r"[ \t\r\n]*")
_WS_COMMAS = re.compile(r"[ \t\r\n,]*")
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.S)
"""The rest of a JSON string up to its closing quote (escapes skipped), or to the end of the text."""
_STRUCTURE = re.compile(r'["\[\]{}]')
_SCALAR = re.compile(r'[^,\]\[{}"\s]*')


class _Element:
    """The text of one array element, kept up to a size cap (beyond it only counted)."""

    __slots__ = ("chars", "depth", "deepest", "escape", "kind", "line", "marks", "parts", "string")

    def __init__(self, kind: str, line: int) -> None:
        self.kind = kind  # "{" or "[" (a container), '"' (a string) or "s" (a number, true, false, null)
        self.line = line
        self.parts: list[str] = []
        self.chars = 0
        self.depth = 0
        self.deepest = 0
        self.marks = 0
        self.string = False
        self.escape = False

    def keep(self, text: str, cap: int | None) -> None:
        self.chars += len(text)
        if cap is None or self.chars <= cap:
            self.parts.append(text)
        elif self.parts:
            self.parts = []

    def value(self, cap: int | None) -> tuple[Any, Skipped | None]:
        if cap is not None and self.chars > cap:
            return None, Skipped("too_large", f"{self.chars:,} characters > cap {cap:,}")
        if self.deepest > MAX_DEPTH:
            return None, Skipped("too_deep", f"nested {self.deepest:,} deep > {MAX_DEPTH}")
        text = "".join(self.parts)
        try:
            return json.loads(text, parse_constant=_not_json), None
        except (ValueError, RecursionError) as exc:
            return None, Skipped("bad_json", str(exc).splitlines()[0][:200])


def json_array(
    handle: TextIO,
    *,
    head: str = "",
    line: int = 1,
    max_chars: int | None = None,
    skip_bad: bool = False,
) -> Iterator[tuple[int, Any]]:
    """The elements of the JSON array in ``handle``, each with the line it starts on, one at a time.

    ``head`` is text already read from ``handle`` (the ``[`` that told the format), ``line`` the line it is
    on. Only one element is held in memory (and at most ``max_chars`` of it), so a 250 MB dump streams and
    a gigabyte string costs no more memory than the cap. Text after the closing ``]`` is not read.

    An element that is not JSON, nested deeper than :data:`MAX_DEPTH` or over ``max_chars`` raises
    :class:`JSONArrayError`, or with ``skip_bad`` comes as a :class:`Skipped` value and the array reads
    on (a missing comma between elements is then let pass). A text that is not an array, or ends before
    the array closes, raises :class:`JSONArrayError`; the elements before the damage have been yielded.

    >>> list(json_array(io.StringIO('[{"id": 1},\\n 2.5, ["x"]]')))
    [(1, {'id': 1}), (2, 2.5), (2, ['x'])]
    """
    scan = _ArrayScan(line, max_chars, skip_bad)
    piece = head or handle.read(PIECE)
    while piece:
        yield from scan.feed(piece)
        if scan.closed:
            return
        piece = handle.read(PIECE)
    scan.finish()


class _ArrayScan:
    """The state of :func:`json_array` between pieces of text: where in the array, and the element so far."""

    def __init__(self, line: int, cap: int | None, skip_bad: bool) -> None:
        self.line = line
        self.cap = cap
        self.skip_bad = skip_bad
        self.opened = False
        self.closed = False
        self.expect_value = True
        """True after ``[`` or ``,``: an element (or, after ``[``, the closing ``]``) comes next."""
        self.after_comma = False
        self.element: _Element | None = None

    def feed(self, text: str) -> Iterator[tuple[int, Any]]:
        pos, n = 0, len(text)
        counted = 0
        while pos < n:
            el = self.element
            if el is not None:
                start = pos
                pos, done = self._element_step(el, text, pos)
                el.keep(text[start:pos], self.cap)
                if done:
                    self.line += text.count("\n", counted, pos)
                    counted = pos
                    yield from self._emit(el)
                continue
            pos = match_end(_WS_COMMAS if self.skip_bad and self.opened else _WS, text, pos)
            if pos >= n:
                break
            self.line += text.count("\n", counted, pos)
            counted = pos
            ch = text[pos]
            if not self.opened:
                if ch != "[":
                    raise JSONArrayError(self.line, "not a JSON array (does not start with '[')")
                self.opened, pos = True, pos + 1
            elif ch == "]" and (not self.after_comma or self.skip_bad):
                self.closed = True
                return
            elif ch == "," and (not self.expect_value or self.skip_bad):
                self.expect_value, self.after_comma, pos = True, True, pos + 1
            elif self.expect_value or self.skip_bad:
                if ch in ",]":
                    raise JSONArrayError(self.line, f"not JSON (a value is missing before {ch!r})")
                self.element = _Element(ch if ch in '{["' else "s", self.line)
                self.expect_value = self.after_comma = False
                if ch in "{[":
                    self.element.depth = self.element.deepest = 1
                    self.element.keep(ch, self.cap)
                    pos += 1
                elif ch == '"':
                    self.element.string = True
                    self.element.keep(ch, self.cap)
                    pos += 1
            else:
                raise JSONArrayError(self.line, f"not JSON (expected ',' or ']' after an element, found {ch!r})")
        self.line += text.count("\n", counted, n)

    def _element_step(self, el: _Element, text: str, pos: int) -> tuple[int, bool]:
        """Scan the element from ``pos``: (where the scan stopped, whether the element ended there)."""
        n = len(text)
        if el.kind == "s":
            end = match_end(_SCALAR, text, pos)
            return end, end < n
        while pos < n:
            if el.string:
                if el.escape:
                    el.escape, pos = False, pos + 1
                    continue
                end = match_end(_STRING_REST, text, pos)
                if end >= n:
                    return n, False
                if text[end] == "\\":  # an escape cut by the end of the piece
                    el.escape = True
                    return n, False
                el.string, pos = False, end + 1
                if el.kind == '"':
                    return pos, True
                continue
            m = _STRUCTURE.search(text, pos)
            if m is None:
                return n, False
            ch, pos = m.group(), m.end()
            el.marks += 1
            if el.marks > MAX_MARKS:
                raise JSONArrayError(
                    el.line, f"an element holds more than {MAX_MARKS:,} brackets and strings: the array is not read on"
                )
            if ch == '"':
                el.string = True
            elif ch in "[{":
                el.depth += 1
                el.deepest = max(el.deepest, el.depth)
            else:
                el.depth -= 1
                if el.depth == 0:
                    return pos, True
        return pos, False

    def _emit(self, el: _Element) -> Iterator[tuple[int, Any]]:
        self.element = None
        value, skipped = el.value(self.cap)
        if skipped is None:
            yield el.line, value
        elif self.skip_bad:
            yield el.line, skipped
        elif skipped.reason == "bad_json":
            raise JSONArrayError(el.line, f"not JSON ({skipped.detail})")
        else:
            raise JSONArrayError(el.line, f"element {skipped.reason.replace('_', ' ')}: {skipped.detail}")

    def finish(self) -> None:
        """At the end of the text: an array not opened, or not closed, is an error."""
        if not self.opened:
            raise JSONArrayError(self.line, "not a JSON array (does not start with '[')")
        el = self.element
        if el is not None and el.kind == "s":  # a number at the very end: complete, but the array is not
            value, skipped = el.value(self.cap)
            if skipped is not None and skipped.reason == "bad_json":
                raise JSONArrayError(el.line, f"not JSON ({skipped.detail})")
        if el is not None and el.kind != "s" and not (self.cap is not None and el.chars > self.cap):
            reason = _cut_short(el)
            if reason:
                raise JSONArrayError(el.line, f"not JSON ({reason})")
        where = f"; the element that starts on line {el.line} is cut short" if el is not None else ""
        raise JSONArrayError(self.line, f"the JSON array is not closed with ']': the file is cut short{where}")


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _cut_short(el: _Element) -> str | None:
    """Why an element the text ended inside is malformed, or None when it is only cut short."""
    text = "".join(el.parts)
    try:
        json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        pos = getattr(exc, "pos", None)
        if isinstance(pos, int) and pos < len(text.rstrip()):
            return str(exc).splitlines()[0][:200]
    return None
