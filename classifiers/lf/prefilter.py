"""Prefilters: which rows of a column *can* match a Python regex, found by one RE2 pass in Arrow's C++.

A rule's exact test is Python's ``re`` on each row; it is slow on long text. :func:`re2_superset` turns
the pattern into an RE2 pattern that matches every string the Python pattern matches (and maybe more):
character classes are spelled out code point by code point as Python's ``re`` defines them, zero-width
assertions (``\\b``, lookarounds, ``$``) are dropped. :func:`candidates` runs it over a whole column at
once; only the rows it flags are tested in Python, so the label matrix is that of the row-wise test.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

C: Any = importlib.import_module("re._constants")  # the parser of Python's own re module (Python ≥ 3.11)
P: Any = importlib.import_module("re._parser")

_MAX_CHAR = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)
_RE2_MAX_REPEAT = 1000


class _Untranslatable(Exception):
    """The pattern uses something RE2 has no superset for (back-references, flags): no prefilter."""


def re2_superset(pattern: str) -> str | None:
    """An RE2 pattern matching a superset of what Python's ``re.compile(pattern)`` matches; None if unsure.

    >>> re2_superset(r"\\bshop\\b")
    '(?:shop)'
    """
    try:
        parsed = P.parse(pattern)
        if parsed.state.flags & ~C.SRE_FLAG_UNICODE:
            return None
        return "(?:" + _seq(parsed, at_end=True) + ")"
    except (_Untranslatable, re.error, RecursionError):
        return None


def literal_alternation(literals: Iterable[str]) -> str | None:
    """An RE2 pattern that matches exactly the strings containing one of ``literals`` (None: no literals)."""
    alts = sorted({s for s in literals if s}, key=lambda s: (-len(s), s))
    if not alts:
        return None
    return "(?:" + "|".join("".join(_char(ord(c)) for c in s) for s in alts) + ")"


def to_arrow(texts: Sequence[str]) -> pa.Array | None:
    """``texts`` as an Arrow string array (None when a string is not valid Unicode, e.g. a lone surrogate)."""
    try:
        return pa.array(texts, type=pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):
        return None


def candidates(column: pa.Array | None, pattern: str | None) -> np.ndarray | None:
    """Rows of ``column`` where the RE2 ``pattern`` matches (bool array); None: every row is a candidate."""
    if column is None or pattern is None:
        return None
    try:
        mask = pc.match_substring_regex(column, pattern)
    except pa.ArrowException:  # RE2 could not compile it (size limits): test every row
        return None
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _seq(items: Any, at_end: bool = False) -> str:
    """``at_end``: nothing of the whole pattern follows this sequence (an end anchor in last place is kept)."""
    items = list(items)
    return "".join(_item(op, av, at_end and i == len(items) - 1) for i, (op, av) in enumerate(items))


def _item(op: Any, av: Any, at_end: bool = False) -> str:
    if op is C.LITERAL:
        return _char(av)
    if op is C.NOT_LITERAL:
        return _class(_complement([(av, av)]))
    if op is C.ANY:
        return _class(_complement([(10, 10)]))
    if op is C.IN:
        return _class(_in_ranges(av))
    if op is C.BRANCH:
        return "(?:" + "|".join(_seq(alt, at_end) for alt in av[1]) + ")"
    if op is C.SUBPATTERN:
        _group, add, remove, sub = av
        if add or remove:
            raise _Untranslatable("inline flags")
        return "(?:" + _seq(sub, at_end) + ")"
    if op is getattr(C, "ATOMIC_GROUP", None):
        return "(?:" + _seq(av, at_end) + ")"
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) or op is getattr(C, "POSSESSIVE_REPEAT", None):
        lo, hi, sub = av
        body = "(?:" + _seq(sub) + ")"
        if lo > _RE2_MAX_REPEAT or (hi is not C.MAXREPEAT and hi > _RE2_MAX_REPEAT):
            return body + "*"
        return body + (f"{{{lo},}}" if hi is C.MAXREPEAT else f"{{{lo},{hi}}}")
    if op is C.AT:
        # Python's ^ (no MULTILINE) is RE2's ^; its $ is the end or a last "\n", kept where nothing follows it
        if av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
            return "^"
        if at_end and av == C.AT_END:
            return "(?:\\n?\\z)"
        if at_end and av == C.AT_END_STRING:
            return "\\z"
        return ""
    if op in (C.ASSERT, C.ASSERT_NOT):
        return ""
    raise _Untranslatable(str(op))


def _char(code: int) -> str:
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    if _SURROGATES[0] <= code <= _SURROGATES[1]:
        return "[^\\x00-\\x{10FFFF}]"  # cannot occur in an Arrow string
    return f"\\x{{{code:X}}}"


def _in_ranges(items: Any) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    negate = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            ranges.append((av, av))
        elif op is C.RANGE:
            ranges.append(av)
        elif op is C.CATEGORY:
            ranges.extend(_category(str(av)))
        else:
            raise _Untranslatable(str(op))
    merged = _merge(ranges)
    return _complement(merged) if negate else merged


@cache
def _category(name: str) -> tuple[tuple[int, int], ...]:
    """The code points Python's ``re`` puts in a category (``\\w``, ``\\d``, ``\\s`` and their negations)."""
    probe = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
             "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}.get(name)  # fmt: skip
    if probe is None:
        raise _Untranslatable(name)
    return tuple((m.start(), m.end() - 1) for m in re.finditer(probe + "+", _all_chars()))


@cache
def _all_chars() -> str:
    """Every code point, in order; surrogates replaced by NUL (never in a category run that matters)."""
    return "".join(chr(c) if not _SURROGATES[0] <= c <= _SURROGATES[1] else "\x00" for c in range(_MAX_CHAR + 1))


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, start = [], 0
    for lo, hi in _merge(ranges):
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= _MAX_CHAR:
        out.append((start, _MAX_CHAR))
    return out


def _class(ranges: list[tuple[int, int]]) -> str:
    parts = []
    for lo, hi in ranges:
        for a, b in _split_surrogates(lo, hi):
            parts.append(_char(a) if a == b else f"{_char(a)}-{_char(b)}")
    return "[" + "".join(parts) + "]" if parts else "[^\\x00-\\x{10FFFF}]"


def _split_surrogates(lo: int, hi: int) -> list[tuple[int, int]]:
    s0, s1 = _SURROGATES
    if hi < s0 or lo > s1:
        return [(lo, hi)]
    return [r for r in ((lo, s0 - 1), (s1 + 1, hi)) if r[0] <= r[1]]


def word_split_pattern(ascii_only: bool = False) -> str:
    """RE2 pattern of a run of characters that Python's ``\\w`` does not match (what separates ``\\w+`` tokens).

    ``ascii_only``: the texts hold ASCII only, where ``\\w`` is ``[0-9A-Za-z_]`` (a much smaller automaton).
    """
    if ascii_only:
        return "[^0-9A-Za-z_]+"
    return _class(list(_category("CATEGORY_NOT_WORD"))) + "+"


def any_case_alternation(literals: Iterable[str]) -> str | None:
    """Like :func:`literal_alternation` for lower-case ``literals``, but run on text that is *not* lower-cased.

    Each character becomes the class of every code point whose ``str.lower()`` contains it, so a row whose
    lower-cased text contains a literal matches (a superset: no lower-cased copy of the column is needed).
    """
    alts = sorted({s for s in literals if s}, key=lambda s: (-len(s), s))
    if not alts:
        return None
    inverse = _lower_inverse()
    return (
        "(?:"
        + "|".join("".join(_class(_merge([(x, x) for x in inverse.get(c, (ord(c),))])) for c in s) for s in alts)
        + ")"
    )


@cache
def _lower_inverse() -> dict[str, tuple[int, ...]]:
    """Character → the code points whose lower-case form contains it (``"k"`` → k, K and the Kelvin sign)."""
    chars = _all_chars()
    special = {0x130: "i\u0307", 0x3A3: "σς"}  # İ lowers to two characters; Σ to σ or (word-final) ς
    lowered = np.frombuffer(chars.replace("\u0130", "\x00").lower().encode("utf-32-le"), dtype=np.uint32)
    codes = np.arange(len(lowered), dtype=np.uint32)
    changed = np.flatnonzero(lowered != codes)
    out: dict[str, list[int]] = {}
    for code, low in zip(changed.tolist(), lowered[changed].tolist(), strict=True):
        if code not in special and not _SURROGATES[0] <= code <= _SURROGATES[1]:
            out.setdefault(chr(low), [low]).append(code)
    for code, lows in special.items():
        for ch in lows:
            out.setdefault(ch, [ord(ch)]).append(code)
    return {ch: tuple(codes_) for ch, codes_ in out.items()}


def arrow_column(values: Any) -> pa.Array | pa.ChunkedArray | None:
    """A pandas string column as Arrow, without a copy when pandas already stores it in Arrow (None: not possible)."""
    try:
        return (
            pa.chunked_array(values.array.__arrow_array__())
            if hasattr(values.array, "__arrow_array__")
            else (pa.array(values.to_numpy(dtype=object), type=pa.large_string()))
        )
    except (pa.ArrowException, UnicodeEncodeError, TypeError):
        return None
