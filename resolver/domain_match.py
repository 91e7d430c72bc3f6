"""Link a domain to an organization from the domain's name alone, against a reference list.

Many domains carry no page to read (a CRM export, a list of .gov domains), yet their labels are built from
the owner's name: ``29palms.gov`` ← "City of Twentynine Palms", ``fho.edu.br`` ← "Fundação Hermínio
Ometto". The label is aligned with a candidate name's words, each used whole, abbreviated or skipped
(docs/matching.md, "Domains without pages").

Example::

    >>> index = ReferenceIndex.build([("r1", "City of Twentynine Palms", "CA")])
    >>> index.match("29palms.gov").ref_id
    'r1'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from resolver.domains import country_of
from resolver.names import fold
from resolver.pinyin import REGIONS as PINYIN_REGIONS
from resolver.pinyin import syllables

GENERIC = frozenset(
    """
    the of and for de del la le les du des der die das und et y in on at a an
    city town village township borough county parish state commonwealth territory municipality municipal
    department dept office bureau agency administration division district board commission commissioners
    authority council government services service center centre program national federal public
    inc llc ltd limited corp corporation co company gmbh ag sa sas sarl bv nv plc group holding holdings
    university universidad universite universität universitat college school institute instituto institut
    """.split()
)
"""Words a domain label often leaves out: skipping them costs little."""

_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
_ROMAN = {
    r: str(i)
    for i, r in enumerate("- - ii iii iv - vi vii viii ix - xi xii xiii xiv xv xvi xvii xviii xix xx".split())
    if r != "-"
}
"""Roman numerals 2-20 but the one-letter ones (I, V, X are initials as often as numbers)."""
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
LABEL_EXTRAS = frozenset(
    """
    police pd fire fd sheriff twp city county town village gov online info official web site www us usa
    court courts schools school library parks park rec recreation health water utilities transit vote votes
    elections election clerk treasurer assessor dept
    law legal attorneys shop store group inc llc ltd the get app nsn
    """.split()
)
"""Words a domain label often adds that the name does not carry (``chaskapolice``, ``beavertwp``,
``kmblegal`` for Katz, Marshall & Banks, ``shop-apt`` for Associated Production Tools)."""

US_STATES = {
    "al": "alabama",
    "ak": "alaska",
    "az": "arizona",
    "ar": "arkansas",
    "ca": "california",
    "co": "colorado",
    "ct": "connecticut",
    "de": "delaware",
    "fl": "florida",
    "ga": "georgia",
    "hi": "hawaii",
    "id": "idaho",
    "il": "illinois",
    "in": "indiana",
    "ia": "iowa",
    "ks": "kansas",
    "ky": "kentucky",
    "la": "louisiana",
    "me": "maine",
    "md": "maryland",
    "ma": "massachusetts",
    "mi": "michigan",
    "mn": "minnesota",
    "ms": "mississippi",
    "mo": "missouri",
    "mt": "montana",
    "ne": "nebraska",
    "nv": "nevada",
    "nh": "newhampshire",
    "nj": "newjersey",
    "nm": "newmexico",
    "ny": "newyork",
    "nc": "northcarolina",
    "nd": "northdakota",
    "oh": "ohio",
    "ok": "oklahoma",
    "or": "oregon",
    "pa": "pennsylvania",
    "ri": "rhodeisland",
    "sc": "southcarolina",
    "sd": "southdakota",
    "tn": "tennessee",
    "tx": "texas",
    "ut": "utah",
    "vt": "vermont",
    "va": "virginia",
    "wa": "washington",
    "wv": "westvirginia",
    "wi": "wisconsin",
    "wy": "wyoming",
    "dc": "districtofcolumbia",
    "pr": "puertorico",
}
"""US state codes and names (compacted): region words that .gov labels add (``annatexas``, ``sumnerwa``)."""

ABBREVIATIONS = {
    "township": ("twp",),
    "department": ("dept",),
    "county": ("co", "cnty"),
    "police": ("pd",),
    "fire": ("fd",),
    "district": ("dist",),
    "saint": ("st",),
    "mount": ("mt",),
    "fort": ("ft",),
    "center": ("ctr",),
    "university": ("uni", "univ"),
    "universitat": ("uni", "univ"),
    "universitaet": ("uni", "univ"),
    "universidad": ("uni",),
    "universidade": ("uni",),
    "universite": ("univ",),
    "universita": ("uni",),
    "national": ("natl",),
    "international": ("intl",),
    "association": ("assn",),
}
"""Conventional abbreviations a label uses instead of a prefix (``twp`` for township)."""

_STATE_CODE = {name: (code,) for code, name in US_STATES.items()}
"""A state's name may stand as its postal code ("westga" for University of West Georgia)."""

_SYNONYMS = {"saint": "st", "mount": "mt", "fort": "ft", "&": "and"}
_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
_GERMAN_SPELLING = re.compile("[äöüÄÖÜß]")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def name_tokens(name: str) -> tuple[str, ...]:
    """Folded tokens of a name; number words and Roman numerals become digits.

    ``Twentynine`` → ``29``; "Paris VIII" → ``paris 8``, as ``univ-paris8.fr`` spells it.
    """
    out: list[str] = []
    for raw in _TOKEN.findall(fold(name)):
        tok = _SYNONYMS.get(raw, raw)
        if tok in _NUMBER_WORDS:
            tok = _NUMBER_WORDS[tok]
        elif tok in _ROMAN:
            tok = _ROMAN[tok]
        else:
            for tens, value in _TENS.items():
                rest = tok[len(tens) :]
                if tok.startswith(tens) and rest in _UNITS:
                    tok = str(value + _UNITS[rest])
                    break
        out.append(tok)
    return tuple(out)


_NOT_LABEL = re.compile(r"[^0-9a-z-]")


def domain_label(domain: str) -> str:
    """The label of a registered domain, the part its owner chose: IDN decoded, folded to ``[0-9a-z-]``.

    Hyphens stay: keyword rules and the end model read them as word breaks (``shop-now``); a name is
    aligned with the label without them (``domain_label(d).replace("-", "")``).

    >>> domain_label("wilmington-il.gov"), domain_label("xn--mller-bckerei-hfb76a.de")
    ('wilmington-il', 'muller-backerei')
    """
    first = domain.lower().strip(".").split(".")[0]
    if first.startswith("xn--"):
        try:
            first = first.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    return _NOT_LABEL.sub("", fold(first))


MARKED_TYPES = {"county": 0.3, "township": 0.3, "parish": 0.3, "borough": 0.2, "village": 0.15, "town": 0.1}
"""Kinds of body a label usually spells out when it is one ("alamedacounty"): skipping them costs more than
skipping "City of", the kind a bare place name (``alamedaca.gov``) most often stands for."""


_KINDS_OF_PLACE = frozenset({*MARKED_TYPES, "city", "municipality"})


def _skip_cost(tok: str, extras: frozenset[str] = frozenset()) -> float:
    if tok in MARKED_TYPES:
        return MARKED_TYPES[tok]
    if tok in GENERIC or len(tok) <= 1 or tok in extras:
        return 0.05
    return 0.35 + 0.05 * min(len(tok), 8)


@lru_cache(maxsize=4096)
def _by_first_char(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for w in words:
        out[w[0]].append(w)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=200_000)
def align(label: str, tokens: tuple[str, ...], extras: frozenset[str] = frozenset()) -> float:
    """How well ``label`` is spelled by ``tokens`` in order, in [0, 1] (see :func:`align_parts`)."""
    label_part, token_part = align_parts(label, tokens, extras)
    return round(label_part * (0.6 + 0.4 * token_part), 4)


@lru_cache(maxsize=200_000)
def align_parts(label: str, tokens: tuple[str, ...], extras: frozenset[str] = frozenset()) -> tuple[float, float]:
    """The two parts of :func:`align`: the share of the label explained, the share of distinctive tokens used.

    How well ``label`` is spelled by ``tokens`` in order (whole, prefix-abbreviated or skipped), in [0, 1].

    ``extras``: words the label may add anywhere without the name carrying them, the org's own region code
    and name: they count as explained, as if the name carried them ("jacksoncountywi" for Jackson County,
    WI); a wide set (any US state, for a US-wide org) counts half. Generic additions
    (:data:`LABEL_EXTRAS`: "police", "twp") count as half explained. Other stray label characters cost a
    penalty. Own-region words in the name are used whole or skipped, never abbreviated.
    Bottom-up dynamic programming over (label position, token index); each cell holds
    (explained label characters, weighted; distinctive tokens used, weighted), compared in that order.
    """
    tokens = tokens[:16]  # names longer than this are sentences; their tail cannot spell a label
    n, m = len(label), len(tokens)
    if n == 0 or m == 0:
        return 0.0, 0.0
    own = 1.0 if len(extras) <= 2 else 0.5  # one region (its code and name) vs "any US state"
    # The org's own region word in its name is redundant: cheap to skip, not distinctive, never abbreviated
    # ("il" in "casscountyil" is not Iowa's initial). A US-wide org's state word is part of its identity
    # ("Virginia Tech", "msu" for Michigan State University).
    redundant = extras if own == 1.0 else frozenset()
    sig_total = sum(1 for t in tokens if t not in GENERIC and t not in redundant) or m
    by_first = _by_first_char(LABEL_EXTRAS | extras)
    skip = [_skip_cost(t, redundant) for t in tokens]
    distinct = [0.0 if t in GENERIC else 1.0 for t in tokens]
    abbrs = [ABBREVIATIONS.get(t) or _STATE_CODE.get(t) or () for t in tokens]
    abbreviable = [t not in redundant for t in tokens]
    dp: list[list[tuple[float, float]]] = [[(0.0, 0.0)] * (m + 1) for _ in range(n + 1)]
    tail = 0.0
    last = dp[n]
    for j in range(m - 1, -1, -1):
        tail += skip[j]
        last[j] = (-tail, 0.0)
    for i in range(n - 1, -1, -1):
        row, below, ch = dp[i], dp[i + 1], label[i]
        extra_lengths = [(len(w), own if w in extras else 0.5) for w in by_first.get(ch, ()) if label.startswith(w, i)]
        for j in range(m, -1, -1):
            r = below[j]
            best = (r[0] - 0.6, r[1])  # a stray label character, explained by nothing
            for length, credit in extra_lengths:
                r = dp[i + length][j]
                cand = (r[0] + credit * length, r[1])
                if cand > best:
                    best = cand
            if j < m:
                tok = tokens[j]
                r = row[j + 1]
                cand = (r[0] - skip[j], r[1])
                if cand > best:
                    best = cand
                if label.startswith(tok, i):
                    r = dp[i + len(tok)][j + 1]
                    cand = (r[0] + len(tok), r[1] + distinct[j])
                    if cand > best:
                        best = cand
                for abbr in abbrs[j]:
                    if label.startswith(abbr, i):
                        r = dp[i + len(abbr)][j + 1]
                        cand = (r[0] + len(abbr), r[1] + distinct[j])
                        if cand > best:
                            best = cand
                if tok[0] == ch and abbreviable[j]:
                    # Abbreviate to a prefix of length k (k = 1 makes acronyms), shorter than the whole token.
                    for k in range(1, min(len(tok) - 1, n - i) + 1):
                        if label[i + k - 1] != tok[k - 1]:
                            break
                        r = dp[i + k][j + 1]
                        cand = (r[0] + 0.8 * k, r[1] + 0.8 * distinct[j])
                        if cand > best:
                            best = cand
            row[j] = best
    explained, used = dp[0][0]
    label_part = max(0.0, min(1.0, explained / n))
    token_part = min(1.0, used / sig_total) if sig_total else 0.0
    return label_part, token_part


FOREIGN_FALLBACK = 0.5
"""Below this best score among a country-code domain's own country's names, other countries' names are read too."""

FOREIGN_SPELLED = 0.75
"""… and then only names the label clearly spells ("jadavpur" → Jadavpur University)."""


@dataclass(frozen=True, slots=True)
class ReferenceName:
    """One name (canonical or alias) of a reference organization."""

    ref_id: str
    name: str
    tokens: tuple[str, ...]
    region: str | None = None


@dataclass(frozen=True, slots=True)
class DomainMatch:
    """The best reference organization for a domain, from its label alone."""

    domain: str
    ref_id: str
    name: str
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0
    alignment: float = 0.0
    """The label's alignment with the name alone (:func:`align`), before region, country and hint terms."""
    region: str | None = None
    """The matched organization's region (a country or US state code)."""
    candidates: int = 0
    """Organizations scored for the label."""
    close: int = 0
    """Other organizations scoring within :data:`CLOSE` of the best."""
    word_orgs: int = 0
    """Organizations whose names carry the rarest distinctive word of the name found whole in the label (0: none)."""
    acronym_orgs: int = 0
    """Organizations one of whose acronyms is the label (0: the label is no listed acronym)."""
    label_part: float = 0.0
    """Share of the label the name explains (:func:`align_parts`)."""
    token_part: float = 0.0
    """Share of the name's distinctive words the label uses (:func:`align_parts`)."""
    wider: int = 0
    """Other organizations whose names carry every distinctive word of this one ("University of Alaska
    Fairbanks" for "University of Alaska")."""

    @property
    def confidence(self) -> float:
        """The score, lowered as the runner-up (another org) comes close: ``msu.edu`` fits many universities."""
        if self.score <= 0:
            return 0.0
        return round(self.score * (self.score / (self.score + max(0.0, self.runner_up_score))) ** 0.5, 4)


CLOSE = 0.1
"""Score gap within which another organization counts as a close rival (``DomainMatch.close``)."""

STOPWORDS = frozenset("the of and for de del la le les du des der die das und et y in on at a an".split())


def _acronyms(tokens: Sequence[str]) -> set[str]:
    """Initials a label may use.

    Of every word, without stopwords (UCF), without articles only, of distinctive words, and each of these
    without the last word (a trailing city: LMU for Ludwig-Maximilians-Universität München).
    """
    sig = [t for t in tokens if t not in GENERIC]
    content = [t for t in tokens if t not in STOPWORDS]
    no_articles = [t for t in tokens if t not in ("the", "and", "a", "an")]  # UOP: University of the Pacific
    variants = [list(tokens), content, no_articles]
    if len(sig) >= 2:
        variants.append(sig)
    out: set[str] = set()
    for words in variants:
        initials = "".join(t[0] for t in words if t)
        out.add(initials)
        if len(initials) >= 4:
            out.add(initials[:-1])
    return {a for a in out if len(a) >= 2}


def _state_acronyms(tokens: Sequence[str], region: str | None) -> set[str]:
    """A state agency's initials after its state's postal code ("txdmv": Texas Department of Motor Vehicles).

    Only for a name that starts with its own state (name or code): the code stands for it in the label.
    """
    code = (region or "").lower()
    state = US_STATES.get(code)
    if not state:
        return set()
    for k in (1, 2):
        if "".join(tokens[:k]) in (state, code) and len(tokens) > k + 1:
            return {code + a for a in _acronyms(tokens[k:])}
    return set()


_TRIBAL = frozenset(
    "tribe tribes tribal band nation nations indian indians rancheria pueblo reservation community".split()
)
_ELECTIONS = frozenset("election elections voter voters registrar registration".split())
LABEL_HINTS = {"nsn": _TRIBAL, "vote": _ELECTIONS, "election": _ELECTIONS}
HINT_BONUS = 0.2
_SERVICE_HINTS = {
    "fire": frozenset({"fire"}),
    "fd": frozenset({"fire"}),
    "water": frozenset({"water", "sewer", "utilities", "utility"}),
    "911": frozenset({"911", "emergency", "communications", "dispatch"}),
    "police": frozenset({"police"}),
    "pd": frozenset({"police"}),
    "sheriff": frozenset({"sheriff", "sheriffs"}),
    "health": frozenset({"health"}),
    "library": frozenset({"library"}),
    "courts": frozenset({"court", "courts", "judicial"}),
    "transit": frozenset({"transit", "transportation"}),
}
"""Service words a label *ends* with (before a state code): "brightonfireco" is the fire district's, not
the City of Brighton's; at the start they are often part of a place ("waterford")."""


@lru_cache(maxsize=100_000)
def _ending_state(label: str) -> str | None:
    """The US state a label ends with, by name or postal code after at least 4 letters ("sumnerwa")."""
    for code, name in US_STATES.items():
        if label.endswith(name) and len(label) > len(name) + 2:
            return code
    tail = label[-2:]
    return tail if tail in US_STATES and len(label) >= 6 else None


@lru_cache(maxsize=100_000)
def _label_kinds(label: str) -> frozenset[str]:
    """Words a name should carry, from the label's hints (:data:`LABEL_HINTS`, :data:`_SERVICE_HINTS`)."""
    out = {w for hint, words in LABEL_HINTS.items() if hint in label for w in words}
    for cut in (0, 2):
        stem = label[: len(label) - cut] if cut else label
        if cut and label[-cut:] not in US_STATES and label[-cut:] != "co":
            continue
        for hint, words in _SERVICE_HINTS.items():
            if stem.endswith(hint) and len(stem) > len(hint) + 2:
                out |= words
    return frozenset(out)


"""Label parts that say what kind of body owns the domain: ``-nsn`` ends the .gov domains of tribal
nations (Native Sovereign Nation), "vote" those of election offices. Names with such words are preferred."""

_FILLERS = frozenset(
    {*GENERIC, *LABEL_EXTRAS, *US_STATES, *US_STATES.values(), *(a for v in ABBREVIATIONS.values() for a in v)}
)
_MAX_FILLER = max(map(len, _FILLERS))


@lru_cache(maxsize=100_000)
def _spelled_by_fillers(text: str) -> bool:
    """True when ``text`` splits into words labels add: kinds of body, region codes and names, "police"."""
    if not text:
        return True
    return any(
        text[:k] in _FILLERS and _spelled_by_fillers(text[k:]) for k in range(min(len(text), _MAX_FILLER), 1, -1)
    )


def name_forms(name: str, region: str | None) -> list[tuple[str, ...]]:
    """The token sequences a domain label may abbreviate for ``name`` of an org in ``region``.

    The name's own tokens; "X village" for "Village of X" ("lakegeorgevillage"); ü as ue
    ("uni-duesseldorf"); the Russian or Hindi words of an ex-Soviet or Indian institution's English name
    ("kgmu.ru": Kazanskiy Gosudarstvennyy Meditsinskiy Universitet); pinyin syllables of a Chinese name
    ("cqu.edu.cn": Chongqing University, one initial per syllable).
    """
    tokens = name_tokens(name)
    forms = [tokens]
    if len(tokens) >= 3 and tokens[0] in _KINDS_OF_PLACE and tokens[1] == "of":
        forms.append((*tokens[2:], tokens[0]))
    german = _GERMAN_SPELLING.sub(lambda m: _GERMAN[m.group(0)], name)
    if german != name:
        forms.append(name_tokens(german))
    code = (region or "").upper()
    if code in _RUSSIAN_NAMING:
        forms.append(_native_words(tokens, _RUSSIAN))
    elif code == "IN":
        forms.append(_native_words(tokens, _HINDI))
    elif code in PINYIN_REGIONS:
        forms.append(tuple(p for t in tokens for p in (syllables(t) if t not in GENERIC else None) or (t,)))
    return list(dict.fromkeys(forms))


def label_facts(domain: str, name: str, region: str | None = None) -> tuple[float, bool]:
    """How a domain's label spells ``name``: by whole words, or as initials.

    Returns the share of the label's characters covered by distinctive words of the name found whole in it,
    and whether the label (its region word at the end aside) is one of the name's acronyms.

    >>> label_facts("29palms.gov", "City of Twentynine Palms"), label_facts("ucf.edu", "University of Central Florida")
    ((1.0, False), (0.0, True))
    """
    label = domain_label(domain).replace("-", "")
    if not label:
        return 0.0, False
    covered = [False] * len(label)
    initials: set[str] = set()
    for tokens in name_forms(name, region):
        initials |= _acronyms(tokens) | _state_acronyms(tokens, region)
        for tok in tokens:
            if tok in GENERIC or (len(tok) < 3 and not tok.isdigit()):
                continue
            start = label.find(tok)
            while start >= 0:
                covered[start : start + len(tok)] = [True] * len(tok)
                start = label.find(tok, start + 1)
    bare = {label, *(label[: -len(w)] for w in region_words(region) if label.endswith(w) and len(label) > len(w))}
    return round(sum(covered) / len(label), 4), bool(bare & initials)


_RUSSIAN_NAMING = frozenset({"RU", "UA", "BY", "KZ", "KG", "UZ", "TJ", "TM", "AM", "AZ", "GE", "MD"})
"""Countries whose institutions' domains abbreviate the Russian (or a calqued) name."""
_RUSSIAN = {
    ("state",): "gosudarstvennyy",
    ("humanities",): "gumanitarnyy",
    ("humanitarian",): "gumanitarnyy",
    ("agricultural",): "selskokhozyaystvennyy",
    ("agrarian",): "agrarnyy",
    ("forestry",): "lesotekhnicheskiy",
    ("forest",): "lesnoy",
    ("railway",): "zheleznodorozhnyy",
    ("mining",): "gornyy",
    ("civil", "engineering"): "stroitelnyy",
    ("physical", "education"): "fizicheskoy kultury",
    ("physical", "culture"): "fizicheskoy kultury",
    ("far", "eastern"): "dalnevostochnyy",
    ("far", "east"): "dalnevostochnyy",
    ("international", "relations"): "mezhdunarodnykh otnosheniy",
    ("st", "petersburg"): "sankt peterburgskiy",
    ("theatre", "arts"): "teatralnogo iskusstva",
    ("conservatory",): "konservatoriya",
    ("higher", "school"): "vysshaya shkola",
}
"""English words of ex-Soviet institutions' names whose Russian counterpart starts with another letter."""


_HINDI = {
    ("agricultural", "university"): "krishi vishwa vidyalaya",
    ("agriculture", "university"): "krishi vishwa vidyalaya",
    ("university",): "vishwa vidyalaya",
}
"""Indian universities' domains often abbreviate the Hindi name: ``davv.ac.in`` (Devi Ahilya
Vishwavidyalaya), ``jnkvv.nic.in`` (Jawaharlal Nehru Krishi Vishwa Vidyalaya)."""


def _native_words(tokens: tuple[str, ...], lexicon: dict[tuple[str, ...], str]) -> tuple[str, ...]:
    """The name in another language's words, English word order kept (what such domains abbreviate).

    ``("kazan", "state", "medical", "university")`` → ``(…, "gosudarstvennyy", …)`` with :data:`_RUSSIAN`;
    :data:`_HINDI` for Indian names.
    """
    longest = max(map(len, lexicon))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for k in range(min(longest, len(tokens) - i), 0, -1):
            native = lexicon.get(tokens[i : i + k])
            if native:
                out.extend(native.split())
                i += k
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


SHORT_LABEL = 6
"""Labels up to this long on a country-code domain are aligned with every name of that country …"""
COUNTRY_BLOCK = 1_500
"""… when the list has at most this many names of it (cost: one alignment per name)."""


@lru_cache(maxsize=1024)
def region_words(region: str | None) -> frozenset[str]:
    """Words a label may add for an org of ``region``: its code and, for US states, its name."""
    if not region:
        return frozenset()
    code = region.lower()
    if code == "us":  # a US organization's label may carry any state
        return frozenset({"us", "usa", *US_STATES, *US_STATES.values()})
    return frozenset({code, US_STATES.get(code, code)})


@lru_cache(maxsize=100_000)
def _ends_in_region(label: str, region: str) -> bool:
    return any(label.endswith(w) for w in region_words(region))


class ReferenceIndex:
    """An inverted index over reference names for blocking domain labels against them."""

    def __init__(self, names: list[ReferenceName], min_token: int = 3) -> None:
        self.names = names
        self.min_token = min_token
        self.by_token: dict[str, list[int]] = defaultdict(list)
        self.by_acronym: dict[str, list[int]] = defaultdict(list)
        self.by_prefix: dict[str, list[int]] = defaultdict(list)
        """Beginnings (3-6 letters) of distinctive tokens: labels start or end on a shortened word."""
        self.max_len = 0
        for idx, rn in enumerate(names):
            for tok in set(rn.tokens):
                if (len(tok) >= min_token or tok.isdigit() or tok[:-2].isdigit()) and tok not in GENERIC:
                    self.by_token[tok].append(idx)
                    self.max_len = max(self.max_len, len(tok))
                    for k in range(3, min(6, len(tok) - 1) + 1):
                        self.by_prefix[tok[:k]].append(idx)
            for acr in _acronyms(rn.tokens) | _state_acronyms(rn.tokens, rn.region):
                self.by_acronym[acr].append(idx)
        self.by_country: dict[str, list[int]] = defaultdict(list)
        for idx, rn in enumerate(names):
            if rn.region and len(rn.region) == 2:
                self.by_country[rn.region.upper()].append(idx)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str | None]]) -> ReferenceIndex:
        """From ``(ref_id, name, region)`` rows (aliases as extra rows with the same id)."""
        names: list[ReferenceName] = []
        for rid, name, region in rows:
            if name:
                names.extend(ReferenceName(rid, name, form, region) for form in name_forms(name, region))
        return cls(names)

    def candidates(self, label: str, limit: int = 80, country: str | None = None) -> list[int]:
        """Names sharing a distinctive token or an acronym with the label, most overlap first.

        With ``country`` (a country-code domain's), names of that country come first among equal overlaps,
        so many foreign "University of …" cannot crowd the local one out of the ``limit``.
        """
        hits: dict[int, int] = defaultdict(int)
        n = len(label)
        for i in range(n):
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                sub = label[i:j]
                if len(sub) < 2:
                    continue
                for idx in self.by_token.get(sub, ()):
                    hits[idx] += len(sub)
        for k in range(3, min(6, n - 1) + 1):
            for part in {label[:k], label[-k:]}:  # "alasu" Alabama State University, "unican" Cantabria
                for idx in self.by_prefix.get(part, ()):
                    hits[idx] += k - 1
        for acr in {label, label[:-2]} if n > 4 else {label}:
            for idx in self.by_acronym.get(acr, ()):
                hits[idx] += len(acr) + 1
        for k in range(2, min(5, n - 1) + 1):
            # Initials then words a label adds ("sbcounty" San Bernardino County, "bcohio" Butler County)
            if _spelled_by_fillers(label[k:]):
                for idx in self.by_acronym.get(label[:k], ()):
                    hits[idx] += k + 1
            # … or the other way round ("cityofslt" South Lake Tahoe, "townoflcs" Lake Clarke Shores)
            if _spelled_by_fillers(label[: n - k]):
                for idx in self.by_acronym.get(label[n - k :], ()):
                    hits[idx] += k + 1
        if country:
            ranked = sorted(hits, key=lambda k: (-hits[k], (self.names[k].region or "").upper() != country, k))
        else:
            ranked = sorted(hits, key=lambda k: (-hits[k], k))
        return ranked[:limit]

    def match(self, domain: str, *, min_score: float = 0.0) -> DomainMatch | None:
        """The reference org whose name best spells the domain's label (None when nothing fits)."""
        label = domain_label(domain).replace("-", "")
        if not label:
            return None
        country = country_of(domain)
        scored: dict[str, tuple[float, str, float, str | None, tuple[str, ...]]] = {}
        found = self.candidates(label, country=country)
        local = self.by_country.get(country or "", ())
        if len(label) <= SHORT_LABEL and 0 < len(local) <= COUNTRY_BLOCK:
            # A short label is an abbreviation in a style the indexes may not foresee ("cqwu", "tuke"):
            # the country is the block, and every name of it is aligned with the label.
            found = list(dict.fromkeys([*found, *local]))
        foreign: list[int] = []
        if country and any((self.names[i].region or "").upper() == country for i in found):
            # A country-code domain belongs to an org of that country when the list has a fitting one;
            # the others are read only when none of the country fits ("jadavpur.edu" is in India).
            regions = {i: (self.names[i].region or "").upper() for i in found}
            abroad = {i for i, r in regions.items() if len(r) == 2 and r != country}
            foreign = [i for i in found if i in abroad]
            found = [i for i in found if i not in abroad]
        kinds = _label_kinds(label)
        state = _ending_state(label)

        def score(idx: int) -> None:
            rn = self.names[idx]
            s = alignment = align(label, rn.tokens, region_words(rn.region))
            if rn.region and _ends_in_region(label, rn.region):
                s += 0.05  # the label names this org's region: prefer it among same-named orgs
            elif state and rn.region and rn.region.lower() in US_STATES:
                s -= 0.1  # … and another state's org is not it ("perrycountyky" is not Perry County, AR)
            if country and rn.region and len(rn.region) == 2:
                # A country-code domain most likely belongs to an org of that country.
                s += 0.1 if rn.region.upper() == country else -0.1
            if kinds:
                # "rincon-nsn" is the Rincon Band, not the City of Rincon
                s += HINT_BONUS if kinds & set(rn.tokens) else -HINT_BONUS
            if s > scored.get(rn.ref_id, (-1.0,))[0]:
                scored[rn.ref_id] = (s, rn.name, alignment, rn.region, rn.tokens)

        for idx in found:
            score(idx)
        if foreign and max((v[0] for v in scored.values()), default=0.0) < FOREIGN_FALLBACK:
            for idx in foreign:
                if align(label, self.names[idx].tokens) >= FOREIGN_SPELLED:
                    score(idx)
        if not scored:
            return None
        ranked = sorted(scored.items(), key=lambda t: (-t[1][0], t[0]))
        ref_id, (best, name, alignment, region, tokens) = ranked[0]
        if best < min_score:
            return None
        runner = ranked[1][1] if len(ranked) > 1 else None
        return DomainMatch(
            domain,
            ref_id,
            name,
            min(1.0, best),
            runner[1] if runner else None,
            runner[0] if runner else 0.0,
            alignment=alignment,
            region=region,
            candidates=len(ranked),
            close=sum(1 for _, v in ranked[1:] if v[0] >= best - CLOSE),
            word_orgs=min((n for n in self._orgs_by_word(label, name, region) if n), default=0),
            acronym_orgs=len({self.names[i].ref_id for i in self.by_acronym.get(label, ())}),
            **dict(zip(("label_part", "token_part"), align_parts(label, tokens, region_words(region)), strict=True)),
            wider=self._wider(ref_id, tokens),
        )

    def _wider(self, ref_id: str, tokens: tuple[str, ...]) -> int:
        """Other organizations whose names carry every indexed word of ``tokens``."""
        common: set[str] | None = None
        for tok in set(tokens):
            if tok in self.by_token:
                ids = {self.names[i].ref_id for i in self.by_token[tok]}
                common = ids if common is None else common & ids
        return len(common - {ref_id}) if common else 0

    def _orgs_by_word(self, label: str, name: str, region: str | None) -> Iterable[int]:
        """For each distinctive word of ``name`` found whole in ``label``: how many organizations carry it."""
        for tokens in name_forms(name, region):
            for tok in tokens:
                if tok in self.by_token and tok in label:
                    yield len({self.names[i].ref_id for i in self.by_token[tok]})
