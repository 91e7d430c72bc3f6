"""Is a name a person's? Personal sites name their owner, and a person is not an organization.

Why probablepeople: a CRF trained to tell people from companies in romanized names. On the names that
reach this check (no legal form, no JSON-LD or legal-page evidence) it was more reliable than spaCy's
small NER model ("Callows Audio" and "CV Writing" read as PERSON by spaCy are companies to it; "Sophie
Mitchell" read as ORG by spaCy is a person to it). It still errs on two-word brands built from nouns
("Barcode Giant" is GivenName + Surname to it). So a name also needs a given name that people carry:
one of the US census first and last names probablepeople ships (``gender.py``, ``ratios.py``; 159k names,
many European ones among them). "Barcode", "Fundraising" and "Electric" are nobody's; "Anna", "Klaus",
"Benoit" are. A rare given name ("Katrin", "Uwe") fails the check and the site keeps an organization as
owner, the lesser error: a company called a person loses its owner outright. Callers use the check only
where the evidence leaves room.
"""

from __future__ import annotations

from functools import lru_cache

from resolver.names import fold, strip_accents

ORG_WORDS = frozenset(
    """
    hospital hospitalier klinik klinikum clinic clinique club centre center zentrum university universite
    universität universidad universita college school schule ecole école bank banque museum musee verein
    association stiftung fondation foundation fundacion institute institut instituto group gruppe groupe
    church kirche council city stadt ville mairie gemeinde county department ministry ministerium ministere
    agency amt office society gesellschaft company compagnie partners studio studios media news press radio
    tv shop store blog blogs magazine magazin journal review network lab labs daily weekly tribune gazette
    herald zeitung verlag times online culture kultur cultura
    """.split()
)
"""Words that make a name an organization's, whatever a tagger says ("Centre Hospitalier de Grandville")."""

NAME_PARTICLES = frozenset("von van de da di du del della der den le la bin ibn al el y zu ten ter dos das".split())
"""Lower-case words people's names carry ("Ludwig van Beethoven", "Anna de la Cruz")."""

ARTICLES = frozenset("the la le les el los las il lo der die das het".split())
"""A name starting with one is a title ("La Stampa", "Der Tagesspiegel"), not a person's name."""


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
    given = parsed.get("GivenName") or parsed.get("FirstInitial") or words[0]
    # "Anna-Lena", "Mary-Kate": each part of a hyphenated given name is a name people carry
    return len(given.strip(".")) == 1 or all(is_known_given_name(w) for w in given.replace("-", " ").split())
