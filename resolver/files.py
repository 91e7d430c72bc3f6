"""Input files as text, and JSON arrays read one element at a time.

Every text file orgmap reads (a crawl's JSON Lines, CSV or URL list; a reference list) is decoded the
same way: UTF-8 with a leading byte-order mark dropped, line ends kept as written, gunzipped when the name
ends in ``.gz``. What happens to bytes that are not UTF-8 is the caller's choice (``errors``): a crawl
keeps going (``"replace"``), a reference list stops with an error (``"strict"``).

Example::

    with open_text(Path("orgs.json.gz")) as handle:
        for line, org in json_array(handle):
            ...
"""

from __future__ import annotations

import gzip
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

import ijson

__all__ = ["JSONArrayError", "json_array", "open_text", "text_stream"]

PIECE = 1 << 16
"""Characters handed to the JSON parser at a time (a line, or a piece of a longer one)."""


def text_stream(raw: IO[bytes] | gzip.GzipFile, *, errors: str = "strict") -> io.TextIOWrapper:
    """``raw`` decoded as orgmap reads every text file: UTF-8, a leading BOM dropped, line ends as written."""
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors=errors, newline="")


def open_text(path: Path, *, errors: str = "strict") -> io.TextIOWrapper:
    """``path`` as text (see :func:`text_stream`), gunzipped when its name ends in ``.gz``."""
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    return text_stream(raw, errors=errors)


class JSONArrayError(ValueError):
    """A JSON array that cannot be read on (an array cannot be resynchronised: the rest is lost)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        """The line where reading stopped."""
        self.reason = reason


def json_array(handle: TextIO, *, head: str = "", line: int = 1) -> Iterator[tuple[int, Any]]:
    """The elements of the JSON array in ``handle``, each with the line it starts on, one at a time.

    ``head`` is text already read from ``handle`` (the ``[`` that told the format), ``line`` the line it is
    on. Only one element is held in memory, so a 250 MB dump streams. Text after the closing ``]`` is not
    read. Raises :class:`JSONArrayError` when the text is not an array, is malformed, or ends before the
    array closes; the elements before the damage have been yielded by then.

    >>> list(json_array(io.StringIO('[{"id": 1},\\n 2.5, ["x"]]')))
    [(1, {'id': 1}), (2, 2.5), (2, ['x'])]
    """
    events = ijson.sendable_list()
    parser = ijson.parse_coro(events, use_float=True)
    builder: ijson.ObjectBuilder | None = None
    start, opened = line, False
    for piece in itertools.chain([head] if head else [], iter(lambda: handle.readline(PIECE), "")):
        error = None
        try:
            parser.send(piece.encode("utf-8"))
        except ijson.JSONError as exc:  # the events before the damage are still delivered
            error = str(exc).splitlines()[0].removeprefix("parse error: ")
        for prefix, event, value in events:
            if builder is not None:
                builder.event(event, value)
                if prefix == "item" and event in ("end_map", "end_array"):
                    yield start, builder.value
                    builder = None
            elif prefix == "item" and event in ("start_map", "start_array"):
                builder, start = ijson.ObjectBuilder(), line
                builder.event(event, value)
            elif prefix == "item":
                yield line, value
            elif event == "start_array" and not opened:
                opened = True
            elif event == "end_array":
                return
            else:
                raise JSONArrayError(line, "not a JSON array (does not start with '[')")
        del events[:]
        if error is not None:
            raise JSONArrayError(line, f"not JSON ({error})")
        line += piece.count("\n")
    if not opened:
        raise JSONArrayError(line, "not a JSON array (does not start with '[')")
    raise JSONArrayError(line, "the JSON array is not closed with ']': the file is cut short")
