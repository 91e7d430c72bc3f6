"""Split romanized Chinese place and school names into pinyin syllables ("Chongqing" → chong, qing).

Why: Chinese domains abbreviate a name by the initial of every *syllable*, not of every word — ``cqu.edu.cn``
is Chongqing University, ``fzu.edu.cn`` Fuzhou University, ``ynau.edu.cn`` Yunnan Agricultural University.
A name's word "Chongqing" must become "chong qing" before its acronym can be taken. Only names of
organizations in Chinese-speaking regions are split (:data:`REGIONS`), since many English words also
split into syllables ("Lima" = li + ma).

Example::

    >>> syllables("chongqing"), syllables("university"), syllables("xian")
    (('chong', 'qing'), None, None)
"""

from __future__ import annotations

from functools import lru_cache

REGIONS = frozenset({"CN", "TW", "HK", "MO"})
"""Country codes whose organizations' names are split into syllables."""

_INITIALS = "b p m f d t n l g k h j q x zh ch sh r z c s y w".split()
_FINALS = (
    "a o e ai ei ao ou an en ang eng ong er i ia ie iao iu ian in iang ing iong u ua uo uai ui uan un uang ueng"
    " v ve van vn ue"
).split()
_BARE = {"a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "er"}


def _syllable_set() -> frozenset[str]:
    out = set(_BARE)
    for ini in _INITIALS:
        for fin in _FINALS:
            out.add(ini + fin)
    return frozenset(s for s in out if len(s) <= 6)


SYLLABLES = _syllable_set()
"""A superset of the pinyin syllables (initial + final; some combinations pinyin never uses are harmless)."""
_MAX = max(map(len, SYLLABLES))


@lru_cache(maxsize=50_000)
def syllables(word: str) -> tuple[str, ...] | None:
    """The fewest pinyin syllables that spell ``word`` exactly, when there are at least two; else None.

    >>> syllables("hunan"), syllables("xian")
    (('hu', 'nan'), None)
    """
    word = word.lower()
    n = len(word)
    if n < 4 or not word.isascii() or not word.isalpha():
        return None
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[n] = ()
    for i in range(n - 1, -1, -1):
        for k in range(min(_MAX, n - i), 0, -1):
            rest = best[i + k]
            piece = word[i : i + k]
            # Inside a word a syllable starting with a vowel would be written after an apostrophe (Xi'an):
            # "hunan" is hu + nan, not hun + an.
            if rest is not None and piece in SYLLABLES and (i == 0 or piece[0] not in "aoe"):
                cand = (piece, *rest)
                if best[i] is None or len(cand) < len(best[i]):  # type: ignore[arg-type]
                    best[i] = cand
    out = best[0]
    return out if out is not None and len(out) >= 2 else None
