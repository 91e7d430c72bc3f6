"""How much work one page may cost: its size, how deep its elements nest, how much structured data it holds.

One crafted page can stall a batch of millions (parsing slows quadratically with nesting; a JSON-LD graph
of 100,000 organizations makes 100,000 candidates). Each bound a page hits is a :class:`Truncation`: the
page is kept as read within the bounds, and ``page_errors`` says why. docs/signals.md has the details.

>>> html, cut = bound_html("<div>" * 3_000 + "deep", PageLimits(max_depth=1_000))
>>> nesting_depth(html), [t.reason for t in cut]
(1000, ['too_deep'])
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from itertools import accumulate, repeat

__all__ = ["TRUNCATION_REASONS", "PageLimits", "Truncation", "bound_html", "nesting_depth"]

TRUNCATION_REASONS = {
    "html_too_large": "the HTML is longer than max_html_chars: its start and its end were read",
    "too_deep": "elements nest deeper than max_depth: the deeper ones were read as text",
    "too_many_nodes": "the JSON-LD holds more than max_jsonld_nodes nodes: the first ones were read",
    "too_many_names": "more than max_names organization names in structured data: the first ones were kept",
    "timeout": "extraction took longer than the time limit: the page was read again with tight bounds",
}
"""Why a page's signals come from part of it (``page_errors.reason``), and what was read instead."""


@dataclass(frozen=True)
class PageLimits:
    """Bounds on the work one page may cost (``[signals.limits]`` in ``orgmap.toml``)."""

    max_html_chars: int = 2_000_000
    """HTML read per page; a longer page is read from its first three quarters and its last quarter of that."""
    max_depth: int = 1_000
    """Element nesting read as elements; deeper tags are dropped and their text kept."""
    max_jsonld_nodes: int = 2_000
    """JSON-LD / microdata nodes walked per page."""
    max_names: int = 200
    """Organization names (name, legal name, alternate names) kept from a page's structured data."""
    max_line_chars: int = 2_000
    """Characters of one text line read for copyright and legal-entity rules (they look for short lines)."""


@dataclass(frozen=True, slots=True)
class Truncation:
    """A bound one page hit: which (a key of :data:`TRUNCATION_REASONS`) and by how much."""

    reason: str
    detail: str

    def note(self) -> str:
        """As one string (for error lists): ``reason: detail``."""
        return f"{self.reason}: {self.detail}"

    @classmethod
    def from_note(cls, note: str) -> Truncation | None:
        """The truncation a :meth:`note` string describes, or None for any other note."""
        reason, _, detail = note.partition(": ")
        return cls(reason, detail) if reason in TRUNCATION_REASONS else None


_VOID = """area base br col embed hr img input link meta param source track wbr frame keygen basefont bgsound
p li dt dd option optgroup tr td th tbody thead tfoot rb rt rp colgroup caption html head body""".split()
"""Tags that never nest: void elements, and those the parser closes itself (``<li>`` closes the open ``<li>``)."""
_STEP = {"/": -1, **{v: 0 for name in _VOID for v in (name, name.upper(), name.title())}}
_TAG = re.compile(r"<(/|[A-Za-z][^\s/>]*)")
_REGION_START = re.compile(r"<(script|style|svg|math)\b|<!--", re.IGNORECASE)
_REGION_END = {
    name: re.compile(rf"</{name}\s*>" if name else "-->", re.IGNORECASE)
    for name in ("script", "style", "svg", "math", "")
}


def _regions(html: str) -> list[tuple[int, int]]:
    """Where the tags do not nest the page: script and style text, comments, SVG and MathML (self-closing).

    Each region's end is searched once from its start, so an unclosed ``<script>`` costs one scan, not one
    per start (the parser reads the rest of the page as its text, and so does this count).
    """
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _REGION_START.search(html, pos)
        if m is None:
            return out
        end = _REGION_END[(m.group(1) or "").lower()].search(html, m.end())
        if end is None:
            out.append((m.start(), len(html)))
            return out
        out.append((m.start(), end.end()))
        pos = end.end()


def _gaps(html: str) -> list[tuple[int, int]]:
    """The spans of ``html`` outside :func:`_regions`."""
    out, pos = [], 0
    for start, end in _regions(html):
        out.append((pos, start))
        pos = end
    out.append((pos, len(html)))
    return out


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, counted from its tags without parsing (see the module docstring).

    >>> nesting_depth("<html><body><div><p>One<p>Two<div><br>x</div></div></body></html>")
    2
    """
    if "<" not in html:
        return 0
    text = "".join(html[a:b] for a, b in _gaps(html))
    levels = list(accumulate(map(_STEP.get, _TAG.findall(text), repeat(1))))
    if not levels:
        return 0
    # Stray closing tags do not take the count below zero: depth is the level over the lowest point so far.
    return max(0, *map(operator.sub, levels, accumulate(levels, min, initial=0)))


def _flatten(html: str, max_depth: int) -> str:
    """``html`` with the tags nested below ``max_depth`` (by :func:`nesting_depth`'s count) replaced by a space."""
    out: list[str] = []
    depth, kept = 0, 0
    for a, b in _gaps(html):
        for m in _TAG.finditer(html, a, b):
            step = _STEP.get(m.group(1), 1)
            drop = (step > 0 and depth + 1 > max_depth) or (step < 0 and depth > max_depth)
            depth = max(0, depth + step)
            if drop:
                end = html.find(">", m.end())
                end = len(html) if end < 0 else end + 1
                out.append(html[kept : m.start()])
                out.append(" ")
                kept = end
    out.append(html[kept:])
    return "".join(out)


def bound_html(html: str, limits: PageLimits) -> tuple[str, tuple[Truncation, ...]]:
    """The part of ``html`` within ``limits`` (size, then nesting), and the bounds it hit."""
    cut: list[Truncation] = []
    if len(html) > limits.max_html_chars:
        head = limits.max_html_chars * 3 // 4
        tail = limits.max_html_chars - head
        cut.append(
            Truncation(
                "html_too_large", f"{len(html):,} characters; the first {head:,} and the last {tail:,} were read"
            )
        )
        html = html[:head] + html[len(html) - tail :]
    depth = nesting_depth(html)
    if depth > limits.max_depth:
        html = _flatten(html, limits.max_depth)
        cut.append(
            Truncation("too_deep", f"elements nest {depth:,} deep; those below {limits.max_depth:,} read as text")
        )
    return html, tuple(cut)
