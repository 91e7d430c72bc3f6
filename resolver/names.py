"""Organization names reduced to what identifies them, and how well a name fits a domain.

"Acme Widgets GmbH", "ACME Widgets" and "The Acme Widgets Company" are one organization: matching compares
keys, not surface forms. The rules (accents, articles, legal forms, acronyms): docs/signals.md.

Example::

    >>> k = normalize_name("The Acme Widgets GmbH & Co. KG")
    >>> (k.key, k.legal_form, k.acronym)
    ('acme widgets', 'GmbH & Co. KG', 'aw')
    >>> name_fits_domain(k, "acme-widgets.de")
    1.0
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from resolver.records import NameKey

__all__ = [
    "LEGAL_FORMS",
    "LEGAL_FORM_HINT",
    "fold",
    "is_acronym_of",
    "is_page_number",
    "is_page_type",
    "is_tagline",
    "lexicon",
    "looks_like_org_name",
    "name_acronyms",
    "name_fits_domain",
    "normalize_name",
    "strip_greeting",
]

# -- legal forms ------------------------------------------------------------------------------------

LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    # German-speaking countries
    "GmbH & Co. KG": ("GmbH & Co. KG", "GmbH und Co. KG", "GmbH & Co KG", "GmbH & Co. Kommanditgesellschaft"),
    "GmbH & Co. KGaA": ("GmbH & Co. KGaA",),
    "GmbH & Co. OHG": ("GmbH & Co. OHG",),
    "AG & Co. KG": ("AG & Co. KG", "AG und Co. KG"),
    "AG & Co. KGaA": ("AG & Co. KGaA",),
    "SE & Co. KG": ("SE & Co. KG",),
    "SE & Co. KGaA": ("SE & Co. KGaA",),
    "UG (haftungsbeschränkt) & Co. KG": ("UG (haftungsbeschränkt) & Co. KG", "UG & Co. KG"),
    "UG (haftungsbeschränkt)": ("UG (haftungsbeschränkt)", "UG (haftungsbeschraenkt)", "UG haftungsbeschränkt", "UG"),
    "gGmbH": ("gGmbH", "gemeinnützige GmbH", "gemeinnützige Gesellschaft mit beschränkter Haftung"),
    "GmbH": ("GmbH", "G.m.b.H.", "Ges.m.b.H.", "GesmbH", "mbH", "Gesellschaft mit beschränkter Haftung"),
    "AG": ("AG", "A.G.", "Aktiengesellschaft"),
    "KGaA": ("KGaA", "Kommanditgesellschaft auf Aktien"),
    "KG": ("KG", "Kommanditgesellschaft"),
    "OHG": ("OHG", "oHG", "offene Handelsgesellschaft"),
    "GbR": ("GbR", "Gesellschaft bürgerlichen Rechts"),
    "PartG mbB": ("PartG mbB", "PartGmbB", "PartG"),
    "e.V.": ("e.V.", "eV", "eingetragener Verein"),
    "e.K.": ("e.K.", "e.Kfm.", "e.Kfr.", "eingetragener Kaufmann", "eingetragene Kauffrau"),
    "eG": ("eG", "eingetragene Genossenschaft"),
    "SE": ("SE", "Societas Europaea"),
    "KöR": ("KöR", "K.d.ö.R.", "Körperschaft des öffentlichen Rechts"),
    "AöR": ("AöR", "Anstalt des öffentlichen Rechts"),
    # English-speaking countries
    "Ltd": ("Ltd", "Ltd.", "Limited", "L.T.D."),
    "PLC": ("PLC", "P.L.C.", "Public Limited Company"),
    "LLP": ("LLP", "L.L.P.", "Limited Liability Partnership"),
    "LLC": ("LLC", "L.L.C.", "Limited Liability Company", "Limited Liability Co."),
    "PLLC": ("PLLC", "P.L.L.C."),
    "LLLP": ("LLLP", "L.L.L.P."),
    "LP": ("LP", "L.P.", "Limited Partnership"),
    "CIC": ("CIC", "Community Interest Company"),
    "Inc.": ("Inc", "Inc.", "Incorporated"),
    "Corp.": ("Corp", "Corp.", "Corporation"),
    "Co.": ("Co", "Co.", "Company"),
    "& Co.": ("& Co.", "and Co.", "& Company", "and Company", "& Cie", "et Cie", "& Cie.", "und Co."),
    "Co., Ltd.": ("Co., Ltd.", "Co. Ltd", "Company Limited", "Co., Limited"),
    "Co., Inc.": ("Co., Inc.", "Company, Inc.", "Company Incorporated"),
    "P.C.": ("P.C.", "Professional Corporation"),
    "N.A.": ("N.A.", "National Association"),
    "Pty Ltd": ("Pty Ltd", "Pty. Ltd.", "Pty Limited", "Proprietary Limited", "Pty"),
    "Pte Ltd": ("Pte Ltd", "Pte. Ltd.", "Private Limited Company", "Pte"),
    "Pvt Ltd": ("Pvt Ltd", "Pvt. Ltd.", "Private Limited"),
    "Sdn Bhd": ("Sdn Bhd", "Sdn. Bhd.", "Bhd", "Berhad"),
    # French-speaking countries
    "SA": ("SA", "S.A.", "S/A", "Société Anonyme", "Sociedad Anónima", "Sociedade Anónima"),
    "SAS": ("SAS", "S.A.S.", "Société par Actions Simplifiée"),
    "SASU": ("SASU", "S.A.S.U."),
    "SARL": ("SARL", "S.A.R.L.", "S.à r.l.", "S.à.r.l.", "Sàrl", "Société à Responsabilité Limitée"),
    "EURL": ("EURL", "E.U.R.L."),
    "SNC": ("SNC", "S.N.C."),
    "SCOP": ("SCOP",),
    "SCA": ("SCA", "S.C.A."),
    # Benelux
    "B.V.": ("B.V.", "BV", "Besloten Vennootschap"),
    "N.V.": ("N.V.", "NV", "Naamloze Vennootschap"),
    "BVBA": ("BVBA", "B.V.B.A."),
    "VOF": ("VOF", "V.O.F."),
    "VZW": ("VZW", "V.Z.W."),
    "ASBL": ("ASBL", "A.S.B.L."),
    "SRL": ("SRL", "S.R.L.", "S.r.l.", "Società a responsabilità limitata"),
    # Southern Europe, Latin America
    "S.p.A.": ("S.p.A.", "SpA", "Società per Azioni"),
    "S.L.": ("S.L.", "SL", "Sociedad Limitada"),
    "S.L.U.": ("S.L.U.", "SLU"),
    "S.A.U.": ("S.A.U.", "SAU"),
    "S.A. de C.V.": ("S.A. de C.V.", "SA de CV"),
    "S. de R.L.": ("S. de R.L.", "S. de R.L. de C.V."),
    "Ltda.": ("Ltda", "Ltda."),
    "Lda.": ("Lda", "Lda."),
    # Nordics, Central and Eastern Europe
    "A/S": ("A/S",),
    "AS": ("AS", "A.S.", "A.Ş."),
    "ASA": ("ASA",),
    "ApS": ("ApS",),
    "AB": ("AB", "Aktiebolag", "Aktiebolaget"),
    "AB (publ)": ("AB (publ)", "AB publ"),
    "Oy": ("Oy", "Osakeyhtiö"),
    "Oyj": ("Oyj",),
    "Sp. z o.o.": ("Sp. z o.o.", "Sp. z.o.o.", "Spółka z o.o.", "Spółka z ograniczoną odpowiedzialnością"),
    "s.r.o.": ("s.r.o.", "spol. s r.o."),
    "d.o.o.": ("d.o.o.",),
    "Kft.": ("Kft", "Kft."),
    "Zrt.": ("Zrt", "Zrt."),
    # Asia
    "K.K.": ("K.K.", "KK", "Kabushiki Kaisha"),
    "G.K.": ("G.K.", "Godo Kaisha"),
}
"""Canonical legal form → the spellings recognized (matched case-, accent- and punctuation-insensitively)."""


def _form_hint_pattern() -> re.Pattern[str]:
    last = {s.split()[-1].strip("()") for ss in LEGAL_FORMS.values() for s in ss}
    alts = sorted({re.escape(w) for w in last if w}, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?![\w])", re.IGNORECASE)


PREFIX_FORMS: dict[str, tuple[str, ...]] = {
    "OOO": ("OOO", "ООО"),
    "AO": ("AO", "АО"),
    "PAO": ("PAO", "ПАО"),
    "OAO": ("OAO", "ОАО"),
    "ZAO": ("ZAO", "ЗАО"),
    "PT": ("PT", "P.T."),
}
"""Legal forms written *before* the name (Russia, Indonesia); recognized only when written in capitals
("OOO Gazprom", not "Ao Nang Tours")."""

CJK_FORMS: dict[str, tuple[str, ...]] = {
    "株式会社": ("株式会社", "(株)", "（株）", "㈱"),
    "有限会社": ("有限会社", "(有)", "㈲"),
    "合同会社": ("合同会社",),
    "股份有限公司": ("股份有限公司",),
    "有限公司": ("有限责任公司", "有限責任公司", "有限公司"),
    "주식회사": ("주식회사", "(주)", "㈜"),
    "유한회사": ("유한회사",),
}
"""Legal forms of Chinese, Japanese, Korean names: attached without spaces, at the start or end."""

# Spelled-out legal words that a brand's acronym may include ("British Broadcasting Corporation" → BBC).
_ACRONYM_LEGAL_WORDS = frozenset({"corporation", "company", "incorporated", "limited", "association"})

ARTICLES = frozenset({"the", "die", "der", "das", "le", "la", "les", "het", "el", "il", "lo", "los", "las"})
"""Leading articles dropped from the key (only while another word remains)."""

CONJUNCTIONS = frozenset({"and", "und", "et", "en", "y", "og", "och", "e"})
"""Words for "and", dropped between two words of a name."""

STOPWORDS = frozenset(
    """of the and for fur für de du des d la le les l der die das den dem des von van vom zu zur zum et und y e
    del di da do dos a an in on at en het og och i im am auf for pour par per""".split()
)
"""Words skipped when building acronyms."""

_WEB_TAILS = frozenset({"com", "net", "org", "de", "co", "uk", "io", "fr", "nl", "at", "ch", "eu", "info", "biz"})

# -- folding ----------------------------------------------------------------------------------------

_SPECIAL_LATIN = {
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ß": "ss",
    "ŀ": "l",
}
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


@lru_cache(maxsize=65_536)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _SPECIAL_LATIN:
        return _SPECIAL_LATIN[ch]
    if not _is_latin(ch):
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base or ch


def strip_accents(text: str) -> str:
    """Accents off Latin letters, case kept: "Benoît Łukasz" → "Benoit Lukasz" (other scripts stay)."""
    if text.isascii():
        return text
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """NFKC, case-fold, and strip accents from Latin letters only (``Müller`` → ``muller``; ``Газпром`` stays).

    Combining marks that follow a Latin letter are dropped; marks on other scripts (Devanagari vowel
    signs, Hangul) are part of the letter and kept.
    """
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    out: list[str] = []
    prev_latin = False
    for ch in text:
        if unicodedata.combining(ch):
            if not prev_latin:
                out.append(ch)
            continue
        folded = _fold_char(ch)
        out.append(folded)
        prev_latin = _is_latin(ch) and ch.isalpha()
    return "".join(out)


# A token made only of single-letter initials with dots: "S.A.", "e.V.", "U.S.A", "S.p.A.", "r.l.".
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]?\.?$")
_WORD = re.compile(r"[&+]|[^\W_]+", re.UNICODE)


def _words(text: str) -> list[str]:
    """Folded words of ``text``: initials joined (``S.A.`` → ``sa``), other punctuation splits words."""
    out: list[str] = []
    for chunk in fold(text).split():
        if _INITIALS.match(chunk):
            chunk = chunk.replace(".", "")
        out.extend(_WORD.findall(chunk.replace("'", "").replace("’", "").replace("ʼ", "")))
    return out


def _compact(words: Iterable[str]) -> str:
    return "".join(w if w != "+" else "&" for w in words)


def _variant_words(spelling: str) -> tuple[str, ...]:
    return tuple("&" if w in ("und", "and", "et") else w for w in _words(spelling))


def _build_lexicon(forms: dict[str, tuple[str, ...]]) -> tuple[dict[tuple[str, ...], str], int]:
    lex: dict[tuple[str, ...], str] = {}
    for canonical, spellings in forms.items():
        for spelling in (canonical, *spellings):
            lex.setdefault(_variant_words(spelling), canonical)
    return lex, max(len(k) for k in lex)


_SUFFIX_LEX, _SUFFIX_MAX = _build_lexicon(LEGAL_FORMS)
LEGAL_FORM_HINT = _form_hint_pattern()
"""A fast pre-filter: matches text that *may* carry a legal form (normalize_name decides)."""
_PREFIX_LEX, _PREFIX_MAX = _build_lexicon(PREFIX_FORMS)
# Compact spellings ("sarl" for "S.à r.l." and "SARL") catch spacing variants of dotted forms.
_SUFFIX_COMPACT = {"".join(k): v for k, v in _SUFFIX_LEX.items() if len("".join(k)) >= 3}


def _match_suffix(words: list[str]) -> tuple[int, str] | None:
    """The longest legal form at the end of ``words``: (number of words, canonical form)."""
    norm = ["&" if w in ("und", "and", "et", "+") else w for w in words]
    for k in range(min(_SUFFIX_MAX + 2, len(norm) - 1), 0, -1):
        tail = tuple(norm[-k:])
        form = _SUFFIX_LEX.get(tail)
        if form is None and k >= 2 and "&" not in tail:
            form = _SUFFIX_COMPACT.get("".join(tail))
        if form is not None:
            return k, form
    return None


def _match_prefix(words: list[str]) -> tuple[int, str] | None:
    for k in range(min(_PREFIX_MAX, len(words) - 1), 0, -1):
        form = _PREFIX_LEX.get(tuple(words[:k]))
        if form is not None:
            return k, form
    return None


_CJK_SPELLINGS = sorted(((s, c) for c, ss in CJK_FORMS.items() for s in ss), key=lambda t: -len(t[0]))


def _strip_cjk_form(text: str) -> tuple[str, str | None]:
    t = text.strip()
    found: str | None = None
    changed = True
    while changed:
        changed = False
        for spelling, canonical in _CJK_SPELLINGS:
            if t.endswith(spelling) and len(t) > len(spelling):
                t, found, changed = t[: -len(spelling)].strip(), found or canonical, True
            elif t.startswith(spelling) and len(t) > len(spelling):
                t, found, changed = t[len(spelling) :].strip(), found or canonical, True
    return (t, found) if found else (text, None)


_WEB_TAIL = re.compile(r"(?<=[^\W_])\.(" + "|".join(sorted(_WEB_TAILS)) + r")\b", re.IGNORECASE)
_PARENS_TAIL = re.compile(r"\s*[(\[]([^()\[\]]{1,40})[)\]]\s*$")


def _reduce(words: list[str], prefix_forms: bool = True) -> tuple[list[str], list[str]]:
    """Strip legal forms, articles and conjunctions until nothing changes: (key words, legal forms found)."""
    forms: list[str] = []
    while True:
        before = list(words)
        m = _match_suffix(words)
        if m:
            forms.append(m[1])
            words = words[: -m[0]]
        m = _match_prefix(words) if prefix_forms else None
        if m:
            forms.append(m[1])
            words = words[m[0] :]
        words = [w for w in words if w not in ("&", "+")] or words
        while len(words) > 1 and words[0] in ARTICLES:
            words = words[1:]
        words = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and w in CONJUNCTIONS)]
        if words == before:
            return words, forms


@lru_cache(maxsize=500_000)
def _parse(name: str) -> tuple[tuple[str, ...], str | None, tuple[str, ...]]:
    """(key words, canonical legal form, words of the name *with* its legal words) for ``name``."""
    text = unicodedata.normalize("NFKC", name).strip()
    text, cjk_form = _strip_cjk_form(text)
    text = _WEB_TAIL.sub("", text)
    # A trailing parenthetical that is a legal form's part ("UG (haftungsbeschränkt)", "AB (publ)") stays;
    # one that is a qualifier ("Acme GmbH (Germany)") is dropped before legal forms are looked for.
    m = _PARENS_TAIL.search(text)
    if m and not _match_suffix(_words(text)) and len(text[: m.start()].split()) >= 1:
        text = text[: m.start()]
    raw_words = _words(text)
    first = text.split(maxsplit=1)[0] if text.split() else ""
    key_words, forms = _reduce(list(raw_words), prefix_forms=first.isupper() or not first.isascii())
    legal: str | None = cjk_form
    if forms:
        # Outermost form first; "Co., Ltd." style stacks are one canonical entry already.
        legal = forms[0] if len(forms) == 1 else " ".join(reversed(forms))
    full = [w for w in raw_words if w not in ("&", "+")]
    return tuple(key_words), legal, tuple(full)


def _acronym(words: Iterable[str]) -> str | None:
    sig = [w for w in words if w not in STOPWORDS]
    if len(sig) < 2 or not all(w[0].isalnum() for w in sig):
        return None
    acr = "".join(w[0] for w in sig)
    return acr if len(acr) >= 2 else None


def normalize_name(name: str) -> NameKey:
    """Reduce an organization name to its identity key; never raises.

    >>> normalize_name("Acme Widgets Ltd.").key
    'acme widgets'
    >>> normalize_name("UG (haftungsbeschränkt) Test").legal_form is None
    True
    """
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    original = name.strip()
    key_words, legal, _full = _parse(original)
    key = " ".join(key_words)
    # Safety net for idempotency (normalize(key).key == key): re-parse until a fixed point. Each round that
    # changes the key shortens it, so this ends; in practice it takes zero or one extra round.
    for _ in range(len(key) + 1):
        again = " ".join(_parse(key)[0])
        if again == key:
            break
        key = again
    words = tuple(key.split())
    return NameKey(original=original, key=key, legal_form=legal, acronym=_acronym(words), tokens=words)


@lru_cache(maxsize=200_000)
def name_acronyms(name: str) -> frozenset[str]:
    """Every plausible acronym of a name: significant words, all words, and with spelled-out legal words.

    >>> sorted(name_acronyms("British Broadcasting Corporation"))
    ['bb', 'bbc']
    """
    key_words, _legal, full = _parse(name.strip())
    out: set[str] = set()
    if a := _acronym(key_words):
        out.add(a)
    if len(key_words) >= 2 and all(w[0].isalnum() for w in key_words):
        out.add("".join(w[0] for w in key_words))  # stopwords included: "Bank of America" → boa
    long = [w for w in full if w not in STOPWORDS and (w in key_words or w in _ACRONYM_LEGAL_WORDS)]
    if a := _acronym(long):
        out.add(a)
    return frozenset(a for a in out if len(a) >= 2)


def is_acronym_of(short: NameKey, long: NameKey) -> bool:
    """True when ``short``'s key (spaces aside) is an acronym of ``long`` ("BBC" / British Broadcasting Corporation)."""
    s = short.key.replace(" ", "")
    return len(s) >= 2 and len(long.tokens) >= 2 and s in name_acronyms(long.original)


# -- name ~ domain ----------------------------------------------------------------------------------

_GENERIC_TOKENS = frozenset(
    """group gruppe holding holdings international intl media medien verlag shop online web digital services
    service solutions systems consulting gmbh ag ltd inc company co news net the de com info
    stiftung verein club""".split()
)


@lru_cache(maxsize=200_000)
def _domain_labels(registered_domain: str) -> tuple[str, ...]:
    """Compact variants of the label left of the suffix: ``müller-bäckerei.de`` → müllerbäckerei, mullerbackerei."""
    dom = (registered_domain or "").strip().lower().rstrip(".")
    if not dom:
        return ()
    label = dom.split(".")[0]
    try:
        from resolver.domains import parse_host

        parts = parse_host(dom)
        if parts.is_ip:
            return ()
        label = (parts.registered_domain_unicode or parts.registered_domain).split(".")[0]
    except Exception:  # noqa: BLE001 - an unparsable domain still has a first label to compare
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                pass
    variants = []
    for v in (label.translate(_GERMAN), label):
        compact = "".join(_WORD.findall(fold(v)))
        raw = re.sub(r"[\W_]+", "", v.casefold())
        for c in (raw, compact):
            if c and c not in variants:
                variants.append(c)
    return tuple(variants)


@lru_cache(maxsize=200_000)
def _name_token_variants(original: str, key: str) -> tuple[tuple[str, ...], ...]:
    """Token sequences to align with a label: the key's, German-transliterated, and with legal words."""
    out: list[tuple[str, ...]] = []
    base = tuple(key.split())
    if base:
        out.append(base)
    de = tuple(_parse(original.translate(_GERMAN))[0]) if original else ()
    if de and de not in out:
        out.append(de)
    raw = tuple(w for w in _words(original.strip()) if w not in ("&", "+")) if original else ()
    if raw and raw not in out:
        out.append(raw)
    return tuple(out)


def name_fits_domain(key: NameKey, registered_domain: str) -> float:
    """How well an organization name fits a registered domain, in [0, 1].

    1.0 for the name spelled as the label (``acme-widgets.co.uk`` ~ "Acme Widgets Ltd",
    ``müller-bäckerei.de`` / ``mueller-baeckerei.de`` ~ "Müller Bäckerei GmbH"); ~0.9 for an acronym
    (``bbc.co.uk`` ~ "British Broadcasting Corporation"); 0.6-0.85 for a label spelled from token
    prefixes or a brand that is one distinctive word of the name (``telekom.de`` ~ "Deutsche Telekom AG");
    near 0 for unrelated names. Never raises.
    """
    try:
        return _fits(key.original, key.key, registered_domain)
    except Exception:  # noqa: BLE001 - scoring must not stop a batch; an unscorable pair fits not at all
        return 0.0


@lru_cache(maxsize=500_000)
def _fits(original: str, key: str, registered_domain: str) -> float:
    from resolver.domain_match import align

    labels = _domain_labels(registered_domain)
    variants = _name_token_variants(original, key)
    if not labels or not variants:
        return 0.0
    acronyms = name_acronyms(original) if original else frozenset()
    best = 0.0
    for label in labels:
        for tokens in variants:
            compact = "".join(tokens)
            if compact == label:
                return 1.0
            best = max(best, _partial_fit(label, tokens, compact))
            if best < 0.95 and label.isascii() and all(t.isascii() for t in tokens):
                best = max(best, 0.95 * align(label, tokens))
        if label in acronyms:
            best = max(best, 0.9 if len(label) >= 3 else 0.8)
    return round(min(1.0, best), 4)


def _partial_fit(label: str, tokens: tuple[str, ...], compact: str) -> float:
    """Brand-is-a-word, name-inside-label and near-spelling scores."""
    score = 0.0
    sig = [t for t in tokens if t not in _GENERIC_TOKENS and t not in STOPWORDS] or list(tokens)
    # The label is one distinctive word of the name (brand domain of a longer legal name).
    for i, t in enumerate(tokens):
        if t == label and len(t) >= 3:
            weight = 0.82 if i == 0 else 0.75
            if t in _GENERIC_TOKENS or t in STOPWORDS:
                weight = 0.3
            score = max(score, weight * (0.85 + 0.15 / len(sig)))
    # The whole name inside the label ("acme" in "acmewidgets") or the label inside the name.
    if len(compact) >= 3 and compact in label:
        cover = len(compact) / len(label)
        score = max(score, (0.55 if label.startswith(compact) else 0.45) + 0.4 * cover)
    if len(label) >= 4 and compact.startswith(label):
        cover = len(label) / len(compact)
        score = max(score, 0.5 + 0.4 * cover)
    # A distinctive word at the start of the label ("heiseonline" ~ "Heise Medien").
    for t in sig[:3]:
        if len(t) >= 4 and label.startswith(t) and t != label:
            score = max(score, 0.45 + 0.35 * len(t) / len(label))
    # Near-identical spellings ("acme-widget" ~ "Acme Widgets").
    ratio = fuzz.ratio(label, compact) / 100.0
    if ratio >= 0.8:
        score = max(score, 0.9 * ratio)
    return score


# -- is this text a name at all? ---------------------------------------------------------------------

_NOT_NAME_PHRASES = frozenset(
    p.strip()
    for p in (
        "home",
        "homepage",
        "startseite",
        "start",
        "accueil",
        "inicio",
        "welcome",
        "willkommen",
        "bienvenue",
        "login",
        "log in",
        "sign in",
        "sign up",
        "register",
        "logout",
        "my account",
        "cart",
        "warenkorb",
        "panier",
        "checkout",
        "search",
        "suche",
        "recherche",
        "menu",
        "skip to content",
        "skip to main content",
        "cookie",
        "cookies",
        "cookie settings",
        "cookie policy",
        "cookie einstellungen",
        "cookie-einstellungen",
        "datenschutz",
        "datenschutzerklarung",
        "privacy",
        "privacy policy",
        "terms",
        "terms of use",
        "terms and conditions",
        "agb",
        "impressum",
        "imprint",
        "legal notice",
        "mentions legales",
        "contact",
        "contact us",
        "kontakt",
        "about",
        "about us",
        "uber uns",
        "ueber uns",
        "qui sommes nous",
        "news",
        "blog",
        "aktuelles",
        "actualites",
        "shop",
        "products",
        "services",
        "faq",
        "help",
        "hilfe",
        "support",
        "sitemap",
        "jobs",
        "karriere",
        "careers",
        "press",
        "presse",
        "newsletter",
        "subscribe",
        "read more",
        "weiterlesen",
        "lire la suite",
        "page not found",
        "not found",
        "error",
        "forbidden",
        "access denied",
        "untitled",
        "untitled document",
        "index",
        "default",
        "loading",
        "just a moment",
        "please wait",
        "redirecting",
        "all rights reserved",
        "alle rechte vorbehalten",
        "tous droits reserves",
        "copyright",
        "powered by wordpress",
        "google analytics",
        "google maps",
        "client company",
        "company name",
        "your company",
        "your company name",
        "my company",
        "example",
        "example company",
        "lorem ipsum",
        "site name",
        "site title",
        "my blog",
        "my wordpress blog",
        "just another wordpress site",
        "siehe",
        "see",
        "voir",
    )
)
"""Folded texts that are navigation, UI or boilerplate, never an organization's name."""

_URLISH = re.compile(r"(https?://|www\.|@|\.(?:html?|php|aspx?)\b|\w/\w)", re.I)
_DATEISH = re.compile(
    r"^[\d\s./:,-]+$|\b(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d\b|"
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|august|september|"
    r"oktober|november|dezember)\w*\.?\s+\d",
    re.I,
)
_GREETINGS = frozenset("welcome willkommen bienvenue bienvenido benvenuti welkom hello hallo bonjour hi".split())
_SENTENCE_WORDS = frozenset(
    """is are was were be been has have had will would can could should we you your our i my this that these those
    it its there here what which who how why when if please click ist sind war wir sie ihr ihre unser unsere
    ich du dies diese hier bitte klicken est sont nous vous votre notre cette ici cliquez""".split()
)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The word lists shipped as ``resolver/name_words.toml`` (trades, professions, places, page types, ...)."""
    return tomllib.loads(resources.files("resolver").joinpath("name_words.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _page_words() -> tuple[frozenset[str], tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    table = lexicon()["page_type"]
    words = frozenset(w for text in table["words"].split() for w in _words(text))
    greetings = sorted((tuple(_words(g)) for g in table["greetings"]), key=len, reverse=True)
    suffixes = sorted((tuple(_words(g)) for g in table["home_suffixes"]), key=len, reverse=True)
    return words, tuple(greetings), tuple(suffixes)


_PAGINATION = re.compile(
    r"^(?:page|pages|seite|seiten|teil|part|pagina|página|p\.?|s\.)\s*\d+(?:\s*(?:/|of|von|de|di|sur)\s*\d+)?$",
    re.IGNORECASE,
)


def is_page_number(text: str) -> bool:
    """Whether ``text`` is a page number of a paginated page ("Seite 34", "Page 2 of 9", "p. 3").

    >>> is_page_number("Seite 34"), is_page_number("Page Six")
    (True, False)
    """
    return bool(_PAGINATION.match(" ".join(text.split())))


def is_page_type(text: str) -> bool:
    """Whether ``text`` names a kind of page ("About us", "Shipping information", "Seite 34"), not a site.

    A text made only of page-type words (``name_words.toml``, English, German, French, Spanish, Italian,
    Dutch) and stopwords, or a page number.

    >>> [is_page_type(t) for t in ("Versand & Zahlung", "Page 2 of 9", "Our Team", "Harlow Garden Supplies")]
    [True, True, True, False]
    """
    t = " ".join(text.split())
    if is_page_number(t):
        return True
    words = [w for w in _words(t) if w not in ("&", "+")]
    page_words = _page_words()[0]
    return bool(words) and any(w in page_words for w in words) and all(w in page_words or w in STOPWORDS for w in words)


def strip_greeting(text: str) -> str:
    """The name in "Welcome to X", "Herzlich willkommen bei X", "X Homepage": X (else the text as it is).

    >>> strip_greeting("Welcome to Harlow Garden Supplies"), strip_greeting("Acme Widgets – Offizielle Website")
    ('Harlow Garden Supplies', 'Acme Widgets')
    """
    t = " ".join(text.split())
    _, greetings, suffixes = _page_words()
    tokens = t.split()
    folded = [" ".join(_words(tok)) for tok in tokens]
    for g in greetings:
        if len(tokens) > len(g) and tuple(folded[: len(g)]) == g:
            rest = " ".join(tokens[len(g) :]).strip(":,!-–— ")
            return rest if rest else t
    for suffix in suffixes:
        if len(tokens) > len(suffix) and tuple(folded[-len(suffix) :]) == suffix:
            return " ".join(tokens[: -len(suffix)]).rstrip(":,!-–— ") or t
    return t


_TAGLINE_LINKS = frozenset(
    "für fur for mit with in im auf pour avec para con per zum zur from aus bei by über uber about rund around".split()
)
"""Lower-case prepositions that join a descriptor to its object ("Datenbank für Multiplayergames")."""


@lru_cache(maxsize=1)
def _institution_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon()["institution"]["words"].split())


def is_tagline(text: str) -> bool:
    """Whether ``text`` describes what a site offers rather than naming who runs it.

    A phrase of three words or more with a lower-case preposition inside ("Datenbank für Multiplayergames",
    "Ferienvilla in Florida", "Expert how-to for English Riders") and neither a legal form nor an
    institution word ("Institut für Demoskopie", "Center for American Progress" are names). Callers
    check it only for names that do not spell the domain ("Brot für die Welt" on its own domain).

    >>> is_tagline("Datenbank für Multiplayergames"), is_tagline("Gesellschaft für Informatik e.V.")
    (True, False)
    """
    return not normalize_name(text).legal_form and _is_tagline_words(" ".join(text.split()).split())


def _is_tagline_words(words: list[str]) -> bool:
    if len(words) < 3 or not any(w in _TAGLINE_LINKS for w in words[1:-1]):
        return False
    return not any(fold(part) in _institution_words() for w in words for part in re.split(r"[-/]", w.strip(".,")))


def looks_like_org_name(text: str) -> bool:
    """Whether ``text`` could be an organization's name: rejects UI words, page types, dates, URLs, sentences.

    >>> [looks_like_org_name(t) for t in ("Acme Widgets GmbH", "Cookie settings", "12.03.2024", "Home")]
    [True, False, False, False]
    """
    if not isinstance(text, str):
        return False
    t = " ".join(text.split())
    if not t or len(t) > 120 or len(t) < 2:
        return False
    if not any(ch.isalpha() for ch in t):
        return False
    if _URLISH.search(t) or _DATEISH.search(t):
        return False
    folded = " ".join(_words(t))
    if not folded or folded in _NOT_NAME_PHRASES:
        return False
    if is_page_type(t):
        return False
    words = t.split()
    if len(words) > 12 or (len(words) >= 2 and folded.split()[0] in _GREETINGS):
        return False
    nk = normalize_name(t)
    if nk.legal_form and nk.key and len(words) <= 10:
        # "Die besten Tipps für Garten & Co.": a headline ending in a legal-looking idiom is no company.
        return not _is_sentence(words) and not _is_tagline_words(words[:-1])
    if len(words) >= 3 and _is_sentence(words):
        return False
    if words[0].islower() and fold(words[0]) in _LEADING_PREPOSITIONS:
        return False  # "bei der Autorin", "by our team"
    if any(sum(1 for a, b in zip(w, w[1:], strict=False) if a.islower() and b.isupper()) >= 3 for w in words):
        return False  # link texts glued together: "A la CarteJahres-AboSchnupper-AboWein-Guide"
    if t.endswith(("?", "!")) or (t.endswith(".") and len(words) >= 4 and not nk.legal_form):
        return False
    # A name usually capitalizes its words (scripts without case pass).
    cased = [w for w in words if w[:1].isalpha() and w[:1].lower() != w[:1].upper()]
    if cased:
        lower_sig = [w for w in cased if w[0].islower() and fold(w) not in STOPWORDS and not _INITIALS.match(w)]
        if len(cased) >= 3 and len(lower_sig) > len(cased) // 2:
            return False
    return True


_LEADING_PREPOSITIONS = frozenset("bei by von with for at from mit fur für zu in on of par pour avec chez".split())


def _is_sentence(words: list[str]) -> bool:
    hits = sum(1 for w in words if fold(w.strip(".,;:!?")) in _SENTENCE_WORDS)
    return hits >= 2 or (hits >= 1 and len(words) >= 6)
