"""How alike two organization name keys are, with the reason, and which names may never be one org.

A rapidfuzz similarity in [0, 100], shaped by rules plain string similarity gets wrong for organizations,
and jurisdictions that keep "Apex Solutions Ltd" (UK) apart from "Apex Solutions Inc" (US); records of a
list add domain and city evidence (:func:`with_evidence`). See docs/matching.md, "Scoring".

Example::

    >>> score_keys(KeyInfo.of("acme widgets"), KeyInfo.of("acme bank"))
    Score(value=47.62, reason='distinct_token')
    >>> score_keys(KeyInfo.of("international business machines"), KeyInfo.of("ibm")).reason
    'acronym'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from resolver.parallel import chunks, fork_map

__all__ = [
    "GENERIC_TOKENS",
    "EvidenceParams",
    "KeyInfo",
    "Score",
    "compatible",
    "jurisdiction",
    "same_city",
    "score_candidates",
    "score_keys",
    "with_evidence",
]

GENERIC_TOKENS = frozenset(
    """group gruppe groupe grupo gruppo international intl global worldwide company companies services service
    solutions solution systems online official website web home homepage shop store the of and
    co corp""".split()
)
"""Words whose presence or absence alone does not make another organization."""

_STOP = frozenset(
    """of the and for fur für de du des d la le les l der die das den dem von van vom zu zur zum et und y e del
    di da do dos a an in on at en het og och i im am auf pour par per""".split()
)

ACRONYM_SCORE = 92.0
SHORT_ACRONYM_SCORE = 86.0
DIFFERENT_NUMBERS_CAP = 60.0
DISTINCT_TOKEN_CAP = 75.0
GENERIC_WORDS_FLOOR = 93.0
WORD_ENDING_CAP = 85.0
_TOKEN_MATCH = 80.0
_TOKEN_MATCH_MIN_LEN = 5
_DIGITS = re.compile(r"\d+")

# Legal forms that exist in a few countries only: without an explicit country they imply these.
_FORM_COUNTRIES: dict[str, frozenset[str]] = {
    form: frozenset(countries.split())
    for forms, countries in (
        (
            ("GmbH", "GmbH & Co. KG", "UG (haftungsbeschränkt)", "e.V.", "KG", "OHG", "GbR", "gGmbH", "e.K."),
            "DE AT CH LI",
        ),
        (("AG",), "DE AT CH LI"),
        (("Ltd", "PLC", "LLP", "CIC"), "GB IE HK NZ MT CY IM JE GG GI KE NG ZA IN"),
        (("Inc.", "LLC", "Corp.", "PLLC", "LLLP", "P.C.", "N.A."), "US CA PH"),
        (("Pty Ltd",), "AU ZA"),
        (("Pte Ltd",), "SG"),
        (("Pvt Ltd",), "IN PK NP"),
        (("Sdn Bhd",), "MY"),
        (("SAS", "SASU", "SARL", "EURL", "SNC", "SCOP"), "FR LU BE MA TN SN CI"),
        (("B.V.", "N.V.", "VOF"), "NL BE SR CW"),
        (("BVBA", "VZW", "ASBL"), "BE"),
        (("S.p.A.",), "IT CL"),
        (("S.L.", "S.L.U.", "S.A.U."), "ES"),
        (("S.A. de C.V.", "S. de R.L."), "MX HN SV GT"),
        (("Ltda.",), "BR CO CL"),
        (("Lda.",), "PT AO MZ"),
        (("A/S", "ApS"), "DK NO"),
        (("AB", "AB (publ)"), "SE FI"),
        (("Oy", "Oyj"), "FI"),
        (("Sp. z o.o.",), "PL"),
        (("s.r.o.",), "CZ SK"),
        (("Kft.", "Zrt."), "HU"),
    )
    for form in forms
}


@dataclass(frozen=True, slots=True)
class Score:
    """A similarity in [0, 100] and the rule that produced it."""

    value: float
    reason: str


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A name key with what the scorer needs precomputed (build once per distinct key)."""

    key: str
    """The identity key (``NameKey.key``)."""
    tokens: tuple[str, ...]
    """Its words."""
    compact: str
    """The key without spaces."""
    acronym: str | None
    """Initials of its significant words, two letters or more (``NameKey.acronym``)."""
    numbers: frozenset[str]
    """Digit runs in the key: names that differ in them are different organizations."""

    @classmethod
    def of(cls, key: str, acronym: str | None = None) -> KeyInfo:
        """Build from a key; the acronym defaults to the initials of the non-stopword tokens."""
        tokens = tuple(key.split())
        if acronym is None:
            sig = [t for t in tokens if t not in _STOP]
            acronym = "".join(t[0] for t in sig) if len(sig) >= 2 else None
        return cls(
            key=key,
            tokens=tokens,
            compact=key.replace(" ", ""),
            acronym=acronym or None,
            numbers=frozenset(_DIGITS.findall(key)),
        )


def _is_acronym(short: KeyInfo, long: KeyInfo) -> bool:
    return (
        (len(short.tokens) == 1 or all(len(t) == 1 for t in short.tokens))  # "IBM", "P G" (from "P&G")
        and len(long.tokens) >= 2
        and long.acronym is not None
        and short.compact == long.acronym
        and not short.numbers
    )


@lru_cache(maxsize=1 << 16)
def _token_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < _TOKEN_MATCH_MIN_LEN:
        return False
    return fuzz.ratio(a, b) >= _TOKEN_MATCH


def _unmatched(a: tuple[str, ...], b: tuple[str, ...]) -> list[str]:
    """Words of ``a`` without a counterpart in ``b``: exact matches by set, typos only among the leftovers."""
    sb = set(b)
    rest = [t for t in a if t not in sb]
    if not rest:
        return rest
    sa = set(a)
    others = [u for u in sb - sa if len(u) >= _TOKEN_MATCH_MIN_LEN]
    return [t for t in rest if len(t) < _TOKEN_MATCH_MIN_LEN or not any(_token_match(t, u) for u in others)]


def score_keys(a: KeyInfo, b: KeyInfo) -> Score:
    """Similarity of two keys in [0, 100] with its reason (the rules: docs/matching.md, "Scoring")."""
    if a.key == b.key:
        return Score(100.0, "same_key")
    if a.compact == b.compact and a.compact:
        return Score(98.0, "same_compact")
    if _is_acronym(a, b) or _is_acronym(b, a):
        n = min(len(a.compact), len(b.compact))
        return Score(ACRONYM_SCORE if n >= 3 else SHORT_ACRONYM_SCORE, "acronym")
    base = round(fuzz.token_sort_ratio(a.key, b.key), 2)
    if a.numbers != b.numbers:
        return Score(min(base, DIFFERENT_NUMBERS_CAP), "different_numbers")
    if len(a.tokens) == 1 and len(b.tokens) == 1 and (a.key.startswith(b.key) or b.key.startswith(a.key)):
        return Score(min(base, WORD_ENDING_CAP), "word_ending")
    only_a = _unmatched(a.tokens, b.tokens)
    only_b = _unmatched(b.tokens, a.tokens)
    distinct_a = [t for t in only_a if t not in GENERIC_TOKENS and t not in _STOP]
    distinct_b = [t for t in only_b if t not in GENERIC_TOKENS and t not in _STOP]
    if distinct_a and distinct_b:
        return Score(min(base, DISTINCT_TOKEN_CAP), "distinct_token")
    if bool(only_a) != bool(only_b) and not distinct_a and not distinct_b:
        core_a = [t for t in a.tokens if t not in GENERIC_TOKENS and t not in _STOP]
        if core_a:  # never "Group" ~ "Solutions": something distinctive must remain
            return Score(max(base, GENERIC_WORDS_FLOOR), "generic_words")
    if not only_a and not only_b:
        jw = JaroWinkler.normalized_similarity(a.key, b.key) * 100.0
        return Score(round(max(base, (base + jw) / 2.0), 2), "fuzzy")
    return Score(base, "fuzzy")


def jurisdiction(country: str | None, legal_form: str | None) -> frozenset[str] | None:
    """The countries a name can belong to: its country, else those its legal form implies; None: any.

    >>> sorted(jurisdiction(None, "Inc."))
    ['CA', 'PH', 'US']
    >>> jurisdiction("de", "Ltd")
    frozenset({'DE'})
    """
    if country:
        return frozenset({country.strip().upper()})
    if legal_form:
        return _FORM_COUNTRIES.get(legal_form)
    return None


def compatible(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    """Whether two jurisdictions overlap (None overlaps everything)."""
    return a is None or b is None or not a.isdisjoint(b)


@dataclass(frozen=True, slots=True)
class EvidenceParams:
    """How a record's city and domain move the score of two names (:func:`with_evidence`)."""

    city_bonus: float = 3.0
    """Points added when the two records share a city."""
    city_malus: float = 5.0
    """Points taken off when both have a city and no city of one is like a city of the other."""
    domain_min: float = 75.0
    """Names scoring this or more whose records share a registered domain are one organization."""
    domain_score: float = 99.0
    """The score such a pair gets (the edge is taken among the first)."""
    domain_malus: float = 5.0
    """Points taken off when both have a domain and none is shared (an org may have several: a malus,
    not a veto)."""


def same_city(a: frozenset[str], b: frozenset[str]) -> bool | None:
    """True: a city in common (a typo forgiven); False: both known, none alike; None: a side has none.

    >>> same_city(frozenset({"lyon"}), frozenset({"lyonn"})), same_city(frozenset({"lyon"}), frozenset())
    (True, None)
    """
    if not a or not b:
        return None
    if not a.isdisjoint(b):
        return True
    return any(fuzz.ratio(x, y) >= _CITY_MATCH for x in a for y in b)


_CITY_MATCH = 85.0


def with_evidence(
    s: Score,
    cities: tuple[frozenset[str], frozenset[str]],
    domains: tuple[frozenset[str], frozenset[str]],
    params: EvidenceParams,
) -> tuple[Score, bool]:
    """The name score ``s`` of two records moved by their cities and domains; True when the domain decides.

    A shared registered domain with alike names (``domain_min``) is evidence that outweighs the country:
    the second value says so, and the score becomes ``domain_score``. Otherwise different domains take off
    ``domain_malus``, a shared city adds ``city_bonus``, different cities take off ``city_malus``.

    >>> p = EvidenceParams()
    >>> with_evidence(Score(85.0, "fuzzy"), (frozenset(), frozenset()), (frozenset({"a.com"}),) * 2, p)
    (Score(value=99.0, reason='domain+fuzzy'), True)
    >>> with_evidence(Score(88.0, "fuzzy"), (frozenset({"york"}),) * 2, (frozenset(), frozenset()), p)[0]
    Score(value=91.0, reason='fuzzy+city')
    """
    if domains[0] and domains[1]:
        if not domains[0].isdisjoint(domains[1]):
            if s.value >= params.domain_min:
                return Score(max(s.value, params.domain_score), f"domain+{s.reason}"), True
        elif params.domain_malus:
            s = Score(round(max(0.0, s.value - params.domain_malus), 2), f"{s.reason}-domain")
    city = same_city(*cities)
    if city is True and params.city_bonus:
        return Score(round(min(100.0, s.value + params.city_bonus), 2), f"{s.reason}+city"), False
    if city is False and params.city_malus:
        return Score(round(max(0.0, s.value - params.city_malus), 2), f"{s.reason}-city"), False
    return s, False


def score_candidates(
    keys: Sequence[str],
    acronyms: Sequence[str | None],
    pairs: pa.Table,
    *,
    min_score: float,
    workers: int = 1,
    infos: Sequence[KeyInfo] | None = None,
    floors: Mapping[int, float] | None = None,
    processes: int = 1,
) -> pa.Table:
    """Score blocked pairs of keys; keep those at ``min_score`` or above.

    ``pairs`` is :func:`resolver.blocking.candidate_pairs` output (``kid_a``, ``kid_b``, ``rules``: row
    positions into ``keys``/``acronyms``). A vectorized upper bound (``token_set_ratio`` and Jaro-Winkler
    via ``rapidfuzz.process.cpdist``) discards most pairs before the rule-based :func:`score_keys` runs,
    so only plausible pairs pay for Python. ``infos``: prebuilt :class:`KeyInfo` per key position, when the
    caller has them. ``floors``: rule bit → a lower minimum for the pairs that rule found (pairs of keys
    whose records share a domain are kept from ``domain_min``). ``processes`` > 1 scores large lists in
    forked workers (:mod:`resolver.parallel`; ``infos`` needed). Returns ``(kid_a, kid_b, score, reason)``.
    """
    ka = pairs.column("kid_a").to_numpy()
    kb = pairs.column("kid_b").to_numpy()
    rules = pairs.column("rules").to_numpy()
    if len(ka) == 0:
        return _scored([], [], [], [])
    keys_arr = np.asarray(keys, dtype=object)
    qa, qb = keys_arr[ka].tolist(), keys_arr[kb].tolist()
    token_set = process.cpdist(qa, qb, scorer=fuzz.token_set_ratio, workers=workers)
    jw = process.cpdist(qa, qb, scorer=JaroWinkler.normalized_similarity, workers=workers) * 100.0
    upper = np.maximum(token_set, jw)
    floor = np.full(len(ka), float(min_score))
    for bit, low in (floors or {}).items():
        floor = np.where((rules & bit) != 0, np.minimum(floor, low), floor)
    keep = (upper >= floor) | ((rules & _ACRONYM_BIT) != 0)
    if keep.sum() >= _TIGHTER_FROM:
        keep &= _tighter_bound(keys_arr, ka, kb, token_set, jw, floor, rules, workers)
    keep = np.flatnonzero(keep)
    built: dict[int, KeyInfo] = {}

    def info(i: int) -> KeyInfo:
        if infos is not None:
            return infos[i]
        got = built.get(i)
        if got is None:
            got = built[i] = KeyInfo.of(keys[i], acronyms[i])
        return got

    out_a: list[int] = []
    out_b: list[int] = []
    out_s: list[float] = []
    out_r: list[str] = []
    if processes > 1 and infos is not None and len(keep) >= _PARALLEL_PAIRS:
        items = [
            (ka[keep[r.start : r.stop]].tolist(), kb[keep[r.start : r.stop]].tolist(), floor[keep[r.start : r.stop]])
            for r in chunks(len(keep), _PARALLEL_PAIRS // 4)
        ]
        for (ca, cb, _), scored in zip(
            items, fork_map(_score_chunk, items, processes=processes, shared=infos), strict=True
        ):
            for a, b, got in zip(ca, cb, scored, strict=True):
                if got is not None:
                    out_a.append(a)
                    out_b.append(b)
                    out_s.append(got.value)
                    out_r.append(got.reason)
        return _scored(out_a, out_b, out_s, out_r)
    for i in keep.tolist():
        a, b = int(ka[i]), int(kb[i])
        s = score_keys(info(a), info(b))
        if s.value >= floor[i]:
            out_a.append(a)
            out_b.append(b)
            out_s.append(s.value)
            out_r.append(s.reason)
    return _scored(out_a, out_b, out_s, out_r)


def _tighter_bound(
    keys: np.ndarray,
    ka: np.ndarray,
    kb: np.ndarray,
    token_set: np.ndarray,
    jw: np.ndarray,
    floor: np.ndarray,
    rules: np.ndarray,
    workers: int,
) -> np.ndarray:
    """Pairs that :func:`score_keys` may score at their floor or more: exact, and far fewer than max(set, JW).

    Every rule of :func:`score_keys` scores at most ``max(token_set_ratio, (token_sort_ratio + JW) / 2)``
    except three, which keep the looser bound: equal keys without spaces (``same_compact``), a side with a
    generic word (``generic_words``), an acronym. JW alone is high for any two names with a common start
    ("museum of calbury" / "museum of halbury"): the mean with the sort ratio is not.
    """
    sort_ratio = process.cpdist(keys[ka].tolist(), keys[kb].tolist(), scorer=fuzz.token_sort_ratio, workers=workers)
    tight = np.maximum(token_set, (sort_ratio + jw) / 2.0) >= floor
    generic = np.fromiter((any(t in GENERIC_TOKENS for t in k.split()) for k in keys), bool, len(keys))
    loose = generic[ka] | generic[kb] | ((rules & _ACRONYM_BIT) != 0)
    rest = np.flatnonzero(~tight & ~loose)
    compact = np.fromiter(
        (keys[a].replace(" ", "") == keys[b].replace(" ", "") for a, b in zip(ka[rest], kb[rest], strict=True)),
        bool,
        len(rest),
    )
    loose[rest[compact]] = True
    return tight | loose


_TIGHTER_FROM = 20_000
"""Kept pairs from which the tighter bound pays for its third pass over the pairs."""

_PARALLEL_PAIRS = 40_000
"""Pairs to score from which ``processes`` > 1 forks workers (fewer: forking costs more than it saves)."""


def _score_chunk(infos: Sequence[KeyInfo], item: tuple[list[int], list[int], np.ndarray]) -> list[Score | None]:
    """Scores of one chunk of pairs (in a worker): None where a pair scores below its floor."""
    out: list[Score | None] = []
    for a, b, low in zip(item[0], item[1], item[2].tolist(), strict=True):
        s = score_keys(infos[a], infos[b])
        out.append(s if s.value >= low else None)
    return out


_ACRONYM_BIT = 2


def _scored(a: list[int], b: list[int], s: list[float], r: list[str]) -> pa.Table:
    return pa.table(
        {
            "kid_a": pa.array(a, pa.int32()),
            "kid_b": pa.array(b, pa.int32()),
            "score": pa.array(s, pa.float64()),
            "reason": pa.array(r, pa.string()),
        }
    )
