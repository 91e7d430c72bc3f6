"""Is a name a person's? Personal sites name their owner, and a person is not an organization.

probablepeople (a CRF that tells people from companies in romanized names) tags the name; a person's name
must also start with a given name people carry, and a trade, profession or place word makes it an
organization's. Why: docs/signals.md, "Personal sites".

Example::

    >>> is_person_name("Sophie Mitchell"), is_person_name("Smith Roofing"), is_person_name("Davis Law")
    (True, False, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from resolver.names import fold, lexicon, strip_accents

ORG_WORDS = frozenset(w.casefold() for key in ("words", "media") for w in lexicon()["institution"][key].split())
"""Words that make a name an organization's, whatever a tagger says ("Centre Hospitalier de Grandville")."""

TITLES = frozenset("dr prof med rer nat phil jur ing dipl mag sir dame mr mrs ms mme mlle sr sra".split())
"""Titles inside a person's name ("Prof. Dr. Anna Weber")."""

NAME_PARTICLES = frozenset("von van de da di du del della der den le la bin ibn al el y zu ten ter dos das".split())
"""Lower-case words people's names carry ("Ludwig van Beethoven", "Anna de la Cruz")."""

ARTICLES = frozenset("the la le les el los las il lo der die das het".split())
"""A name starting with one is a title ("La Stampa", "Der Tagesspiegel"), not a person's name."""


@dataclass(frozen=True)
class NameWords:
    """The word lists of ``name_words.toml``, folded (``fold``: lower case, accents off)."""

    business: frozenset[str]
    """Trade, profession, practice, publication and topic words, place adjectives: not in a person's name."""
    ambiguous: frozenset[str]
    """Business and place words that people also carry as names: they count without a leading given name."""
    determiners: frozenset[str]
    """Possessives and articles: a name starting with one is a title ("Mein Haustier")."""
    compound_heads: tuple[str, ...]
    """Ends of German/Dutch compounds that name a business ("Zahnarztpraxis", "Dachdeckerei")."""


def _words_of(text: str) -> set[str]:
    return {fold(w) for w in text.split()}


@lru_cache(maxsize=1)
def name_words() -> NameWords:
    """The lexicon shipped as ``resolver/name_words.toml`` (read once)."""
    data = lexicon()
    business: set[str] = set()
    for table in ("trade", "profession", "media", "topic"):
        for text in data[table].values():
            business |= _words_of(text)
    business |= _words_of(data["place"]["adjectives"])
    census = _given_names()
    places = {w for w in _words_of(data["place"]["names"])}
    ambiguous = _words_of(data["ambiguous"]["words"]) | {w for w in places if w in census}
    return NameWords(
        business=frozenset(business | places),
        ambiguous=frozenset(ambiguous),
        determiners=frozenset(_words_of(data["determiner"]["words"])),
        compound_heads=tuple(sorted(_words_of(data["compound_head"]["words"]))),
    )


def business_words(name: str) -> tuple[list[str], list[str]]:
    """The words of ``name`` that name a business, a publication or a place: (unambiguous, ambiguous).

    >>> business_words("Davis Law"), business_words("Zahnarztpraxis Dr. Weber")
    (([], ['law']), (['zahnarztpraxis'], []))
    """
    lex = name_words()
    hard: list[str] = []
    soft: list[str] = []
    for word in name.replace("-", " ").replace("/", " ").split():
        w = fold(word.strip(".,;:'’()&"))
        if not w:
            continue
        forms = (w, w[:-1], w[:-2]) if w.endswith("es") else (w, w[:-1]) if w.endswith("s") else (w,)
        if any(f in lex.business for f in forms):
            (soft if any(f in lex.ambiguous for f in forms) else hard).append(w)
        elif len(w) >= 7 and any(w.endswith(h) and len(w) > len(h) + 2 for h in lex.compound_heads):
            hard.append(w)
    return hard, soft


def _starts_with_given_name(words: list[str]) -> bool:
    """The first word is mostly a given name in the census lists ("Jude", "Emily"; not "Davis", "Raw")."""
    from probablepeople.gender import gender_names
    from probablepeople.ratios import ratios

    first = strip_accents(words[0].strip(".,'’")).upper()
    if len(first.rstrip(".")) == 1:
        return True  # an initial: "J. Law"
    ratio = ratios.get(first)
    return ratio >= 0.4 if ratio is not None else first.lower() in gender_names


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Lower-cased given names and surnames from the census lists that ship with probablepeople."""
    from probablepeople.gender import gender_names
    from probablepeople.ratios import ratios

    return frozenset(gender_names) | frozenset(n.lower() for n in ratios)


def is_known_given_name(word: str) -> bool:
    """True when people carry ``word`` as a name (accents folded: "Benoît" → "benoit")."""
    return fold(word.strip(".,'’")).lower() in _given_names()


@lru_cache(maxsize=100_000)
def is_person_name(name: str) -> bool:
    """True when ``name`` (2 to 4 words, no organization word) is tagged as a person's name.

    The word tagged as the given name (else the first word) must be a name people carry. Titles of real
    sites that the tagger reads as people are ruled out first: a lower-case word other than a particle
    ("La Vie des idées"), a leading article or particle ("Der Tagesspiegel"), an acronym among capitalized
    words ("Schweizer Alpen-Club SAC").

    >>> is_person_name("Anna Horn"), is_person_name("Tropical Web Works"), is_person_name("Barcode Giant")
    (True, False, False)
    """
    import probablepeople

    words = name.split()
    if not 2 <= len(words) <= 4 or any(not w[:1].isalpha() for w in words):
        return False
    parts = {p.strip(".,'’").casefold() for w in words for p in w.split("-")}
    if parts & ORG_WORDS:
        return False
    if fold(words[0]) in name_words().determiners:
        return False  # "Mein Haustier", "My Kitchen": a title
    hard, soft = business_words(name)
    if hard or (soft and not _starts_with_given_name(words)):
        return False  # "Smith Roofing", "Praxis Dr. Weber", "Florida Today"; "Davis Law" (not "Jude Law")
    if any(w[0].islower() and w.casefold() not in NAME_PARTICLES for w in words):
        return False  # "La Vie des idées": a lower-case word that is no particle is a phrase, not a name
    first = words[0].casefold()
    if first in ARTICLES or first in NAME_PARTICLES:
        return False  # "La Stampa", "Der Tagesspiegel", "VON DER SEE": a name starts with the given name
    if not name.isupper() and any(len(w) >= 2 and w.isupper() and w.isalpha() for w in words):
        return False  # an acronym among capitalized words: "Schweizer Alpen-Club SAC"
    try:
        # Accents stripped: the CRF learned from romanized names and reads "Benoît Lefèvre" as a company.
        parsed, kind = probablepeople.tag(strip_accents(name))
    except probablepeople.RepeatedLabelError:
        return False
    if kind != "Person":
        return False
    names = _given_names()
    for middle in words[1:-1]:
        m = middle.strip(".,'’").casefold()
        if (
            len(m) > 1
            and m not in NAME_PARTICLES
            and m not in TITLES
            and not all(fold(part) in names for part in m.split("-"))
        ):
            return False  # "Res Publica Nowa": a middle word nobody carries as a name
    given = parsed.get("GivenName") or parsed.get("FirstInitial") or words[0]
    # "Anna-Lena", "Mary-Kate": each part of a hyphenated given name is a name people carry
    return len(given.strip(".")) == 1 or all(is_known_given_name(w) for w in given.replace("-", " ").split())
