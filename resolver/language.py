"""The language a page's text is written in (py3langid), with the page's own ``lang`` attribute as a fallback.

Computed by the signals stage from the text it extracts anyway, so a page is parsed once (issue 15).
"""

from __future__ import annotations

import py3langid

SAMPLE = 400
"""Characters py3langid reads (it costs ~2 µs a character)."""
WINDOW = 20_000
"""Characters of the text the sample is taken from."""


def guess_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``; ``hint`` (the ``<html lang>``) only when the text is too short to tell.

    The sample comes from a quarter into the text: the start is menus and cookie banners, often in English
    on pages that are not.
    """
    text = " ".join(text[:WINDOW].split())
    if len(text) > 2 * SAMPLE:
        start = len(text) // 4
        text = text[start : start + SAMPLE]
    if len(text) >= 200 or (len(text) >= 30 and not hint):
        return str(py3langid.classify(text)[0])
    return hint if hint and hint.isalpha() else None
