"""Is a name a person's? Personal sites name their owner, and a person is not an organization.

Why probablepeople: a CRF trained to tell people from companies in romanized names. On the names that
reach this check (no legal form, no JSON-LD or legal-page evidence) it was more reliable than spaCy's
small NER model ("Callows Audio" and "CV Writing" read as PERSON by spaCy are companies to it; "Sophie
Mitchell" read as ORG by spaCy is a person to it). It still errs on two-word brands built from nouns
("Barcode Giant"); callers use it only where the evidence leaves room.
"""

from __future__ import annotations

from functools import lru_cache

ORG_WORDS = frozenset(
    """
    hospital hospitalier klinik klinikum clinic clinique club centre center zentrum university universite
    universität universidad universita college school schule ecole école bank banque museum musee verein
    association stiftung fondation foundation fundacion institute institut instituto group gruppe groupe
    church kirche council city stadt ville mairie gemeinde county department ministry ministerium ministere
    agency amt office society gesellschaft company compagnie partners studio studios media news press radio
    tv shop store
    """.split()
)
"""Words that make a name an organization's, whatever a tagger says ("Centre Hospitalier de Grandville")."""


@lru_cache(maxsize=100_000)
def is_person_name(name: str) -> bool:
    """True when ``name`` (2 to 4 words, no organization word) is tagged as a person's name.

    >>> is_person_name("Anna Horn"), is_person_name("Tropical Web Works")
    (True, False)
    """
    import probablepeople

    words = name.split()
    if not 2 <= len(words) <= 4 or any(not w[:1].isalpha() for w in words):
        return False
    if {w.strip(".,'’").casefold() for w in words} & ORG_WORDS:
        return False
    try:
        _parsed, kind = probablepeople.tag(name)
    except probablepeople.RepeatedLabelError:
        return False
    return kind == "Person"
