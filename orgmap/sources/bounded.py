"""Lines and CSV records of a text stream, each held in memory only up to a size cap.

``for line in handle`` and ``csv.reader`` hold a whole line or quoted cell before its size can be seen, so
a megabyte of gzip that unpacks to a gigabyte-long line costs a gigabyte. Here a record over the cap is
counted, not held, and comes back without its text (``too_large``). A stray CSV quote costs one row, not
the rest of the file (docs/ingest.md says how).

Example::

    records = CsvRecords(handle, delimiter=",", cap=20_000_000)
    for rec in records:
        rec.line, rec.text, rec.problem          # text is None when the record was not kept
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from resolver.files import match_end

__all__ = ["CsvRecord", "CsvRecords", "bounded_lines"]

PIECE = 1 << 16
"""Characters read at a time."""


def bounded_lines(handle: TextIO, cap: int) -> Iterator[tuple[int, str | None]]:
    """``(line number, line)`` from 1; a line longer than ``cap`` characters comes as ``None``, its text skipped.

    >>> import io
    >>> list(bounded_lines(io.StringIO("ab\\n" + "x" * 9 + "\\ncd"), cap=5))
    [(1, 'ab\\n'), (2, None), (3, 'cd')]
    """
    number = 0
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        number += 1
        if len(line) > cap and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = handle.readline(PIECE)
            yield number, None
        else:
            yield number, line


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One record of a CSV file: where it is, its text, and what is wrong with it if anything."""

    line: int
    """The line the record starts on (1-based; the header is line 1)."""
    n_lines: int
    """Lines the record spans (more than one when a quoted cell holds line ends)."""
    text: str | None
    """The record as written, line end included; ``None`` when not kept (see ``problem``)."""
    chars: int
    """Its length in characters."""
    problem: str | None = None
    """``too_large`` (over the cap), ``stray_quote`` (its quote swallowed rows, which are read again) or
    ``unclosed_quote`` (the file ends inside its quoted cell)."""


_QUOTED_REST = re.compile(r'[^"]*(?:""[^"]*)*')
"""The rest of a quoted cell up to its closing quote (doubled quotes are part of the cell), or to the end."""
_LINE_END_OR_QUOTE = re.compile(r'[\r\n"]')


class CsvRecords:
    """The records of a CSV text, each held only up to ``cap`` characters (see the module docstring).

    Set :attr:`looks_like_row` once the header is known: a record whose quoted cell runs over line ends
    and swallows a line that is a row of this file on its own, or runs to the end of the file, comes back
    as ``stray_quote`` (``text`` None) and the lines after its first are split again.

    The text is scanned with regular expressions, so the work in Python is per line end and per quoted
    cell, never per character or per delimiter.
    """

    def __init__(self, handle: TextIO, *, delimiter: str = ",", cap: int = 20_000_000) -> None:
        self.handle = handle
        self.delimiter = delimiter
        self.cap = cap
        self.looks_like_row: Callable[[str], bool] | None = None
        """Whether one line is a row of the file on its own (set by the reader after the header)."""
        bounds = re.escape(delimiter) + r"\r\n"
        self._special = re.compile(rf'[\r\n]|(?<=[{bounds}])"')
        """A line end, or a quote that opens a cell (one right after a delimiter or a line end)."""
        self._bounds = (delimiter, "\r", "\n")
        self._pushed: list[str] = []
        """Text to split before reading on: a stray quote's lines, then the rest of the piece it ended in."""
        self._reset(1)

    def _reset(self, line: int) -> None:
        self._parts: list[str] = []
        self._held = True  # False once the record passed the cap: counted, no longer kept
        self._chars = 0
        self._newlines = 0
        self._ends_line = False
        self._start = line
        self._quoted = False
        self._quote_pending = False  # a quote ended the last piece inside a quoted cell: closing or doubled?
        self._cr_pending = False  # a CR ended the last piece outside quotes: the line end, or half of CRLF?
        self._at_boundary = True  # the last character seen was a delimiter or a line end (or there was none)

    def __iter__(self) -> Iterator[CsvRecord]:
        while True:
            if self._pushed:
                yield from self._split(self._pushed.pop())
                continue
            text = self.handle.read(PIECE)
            if text:
                yield from self._split(text)
            elif self._chars:  # the end of the file ends the last record
                yield from self._complete(unclosed=self._quoted and not self._quote_pending)
            else:
                return

    def _split(self, text: str) -> Iterator[CsvRecord]:
        pos, n, begin = 0, len(text), 0
        if not text:
            return
        if self._cr_pending:
            self._cr_pending = False
            if text[0] != "\n":  # a lone CR (old Mac line ends) ended the record
                yield from self._complete()
                if self._pushed:
                    self._pushed.insert(-1, text)
                    return
        if not self._quoted and not self._quote_pending and text[0] == '"' and self._at_boundary:
            self._quoted, pos = True, 1  # a cell opened by the first character of this piece
        while pos < n:
            if self._quote_pending:
                self._quote_pending = False
                if text[pos] == '"':
                    pos += 1
                    continue
                self._quoted = False
            if self._quoted:
                end = match_end(_QUOTED_REST, text, pos)
                if end + 1 >= n:  # the cell goes on, or its last quote is the piece's last character
                    self._quote_pending = end < n
                    pos = n
                else:
                    self._quoted, pos = False, end + 1
                continue
            m = _LINE_END_OR_QUOTE.search(text, pos)
            if m is not None and m.group() == '"' and (m.start() == 0 or text[m.start() - 1] not in self._bounds):
                m = self._special.search(text, m.start() + 1)  # a quote inside a cell is text: look on, in C
            if m is None:
                break
            i, ch = m.start(), m.group()
            if ch == '"':
                self._quoted, pos = True, i + 1
            elif ch == "\r" and i + 1 >= n:
                self._cr_pending, pos = True, n
            elif ch == "\r" and text[i + 1] == "\n":
                pos = i + 1  # CRLF: the LF ends the record
            else:  # the record's line end (LF, or a CR alone)
                self._keep(text[begin : i + 1])
                begin = pos = i + 1
                yield from self._complete()
                if self._pushed:  # a stray quote: its lines are split again, then the rest of this piece
                    self._pushed.insert(-1, text[pos:])
                    return
        if begin < n:
            self._keep(text[begin:n])
        self._at_boundary = not self._quoted and not self._quote_pending and text[-1] in self._bounds
        if self._held and self._chars > self.cap:
            yield from self._at_cap()

    def _keep(self, piece: str) -> None:
        self._newlines += piece.count("\n")
        self._chars += len(piece)
        self._ends_line = piece.endswith("\n")
        if self._held:
            self._parts.append(piece)

    def _at_cap(self) -> Iterator[CsvRecord]:
        """The record passed the cap: a stray quote if it swallowed rows, else too large (skipped to its end)."""
        held = "".join(self._parts)
        self._parts, self._held = [], False
        if self._quoted and self._swallowed(held):
            yield from self._stray(held)

    def _complete(self, unclosed: bool = False) -> Iterator[CsvRecord]:
        lines = self._newlines + (0 if self._ends_line else 1)
        line, chars = self._start, self._chars
        if not self._held or chars > self.cap:
            yield CsvRecord(line, lines, None, chars, "too_large")
        else:
            text = "".join(self._parts)
            if lines >= 2 and self.looks_like_row is not None and (unclosed or self._swallowed(text)):
                yield from self._stray(text)
                return
            yield CsvRecord(line, lines, text, chars, "unclosed_quote" if unclosed else None)
        self._reset(line + self._newlines)

    def _swallowed(self, text: str) -> bool:
        rest = text.partition("\n")[2]
        return self.looks_like_row is not None and any(self.looks_like_row(ln) for ln in rest.splitlines())

    def _stray(self, text: str) -> Iterator[CsvRecord]:
        first, _, rest = text.partition("\n")
        yield CsvRecord(self._start, text.count("\n") + 1, None, len(first) + 1, "stray_quote")
        self._pushed.append(rest)
        self._reset(self._start + 1)
