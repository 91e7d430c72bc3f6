"""How likely a label-only link is right: a domain whose label spells a reference name, without pages.

A logistic regression over facts of the match (:data:`FEATURES`: alignment, margin to the runner-up, whole
words, acronyms, label length, rivals, country agreement) gives the probability that the organization is the
domain's; :meth:`LabelModel.threshold_for` turns the user's precision target into a threshold. The artifact
(``label_model.json``, from ``python -m benchmarks.train_label_model``) is JSON with a sha256 checked on load.
Design and figures: docs/matching.md, "Domains without pages".
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from resolver.domain_match import DomainMatch, domain_label, label_facts, name_tokens, region_words
from resolver.domains import country_of
from resolver.errors import InputError
from resolver.owner_model import MIN_THRESHOLD, artifact_text, verified_artifact

ARTIFACT = Path(__file__).with_name("label_model.json")
"""The model shipped with the package."""
FORMAT = 1
"""Version of the artifact's layout; a reader refuses others."""

BASE_FEATURES = (
    "score",
    "alignment",
    "bonus",
    "runner_up",
    "margin",
    "relative_margin",
    "whole_words",
    "acronym",
    "acronym_short",
    "label_chars",
    "short_label",
    "name_words",
    "candidates",
    "close",
    "country_agrees",
    "country_differs",
    "region_in_label",
    "generic_tld",
    "word_orgs",
    "no_word",
    "acronym_orgs",
    "label_part",
    "token_part",
    "wider",
)
"""Facts of one match; :data:`FEATURES` adds each again on a generic TLD, whose lists differ (.gov)."""
FEATURES = (*BASE_FEATURES, *(f"{f}_on_generic_tld" for f in BASE_FEATURES if f != "generic_tld"))
"""What :func:`label_features` computes, in order."""


def label_features(m: DomainMatch) -> tuple[float, ...]:
    """The feature vector of one label match (:data:`FEATURES`)."""
    base = _base_features(m)
    generic = base[BASE_FEATURES.index("generic_tld")]
    return (*base, *(v * generic for f, v in zip(BASE_FEATURES, base, strict=True) if f != "generic_tld"))


def _base_features(m: DomainMatch) -> tuple[float, ...]:
    label = domain_label(m.domain).replace("-", "")
    whole, acronym = label_facts(m.domain, m.name, m.region)
    country = country_of(m.domain)
    region = (m.region or "").upper()
    is_country = len(region) == 2 and country is not None
    words = sum(1 for t in name_tokens(m.name) if len(t) > 1)
    margin = max(0.0, m.score - m.runner_up_score)
    return (
        m.score,
        m.alignment,
        m.score - m.alignment,
        m.runner_up_score,
        margin,
        margin / m.score if m.score > 0 else 0.0,
        whole,
        float(acronym),
        float(acronym and len(label) <= 4),
        math.log2(1 + len(label)),
        float(len(label) <= 4),
        math.log2(1 + words),
        math.log2(1 + m.candidates),
        math.log2(1 + m.close),
        float(is_country and region == country),
        float(is_country and region != country),
        float(bool(region) and any(label.endswith(w) for w in region_words(region))),
        float(country is None),
        math.log2(1 + m.word_orgs),
        float(m.word_orgs == 0),
        math.log2(1 + m.acronym_orgs),
        m.label_part,
        m.token_part,
        math.log2(1 + m.wider),
    )


@dataclass(frozen=True)
class LabelModel:
    """A logistic regression over :data:`FEATURES`, as stored in ``label_model.json``."""

    coef: tuple[float, ...]
    """Per standardized feature."""
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    points: tuple[tuple[float, bool], ...]
    """Per training domain: its out-of-fold confidence and whether the matched organization is right."""
    training: Mapping[str, Any] = field(default_factory=dict)
    """What it was trained on and its cross-validated figures."""

    @cached_property
    def _linear(self) -> tuple[float, tuple[float, ...]]:
        weights = tuple(c / s for c, s in zip(self.coef, self.scale, strict=True))
        return self.intercept - sum(w * m for w, m in zip(weights, self.mean, strict=True)), weights

    def probability(self, x: Sequence[float]) -> float:
        """The probability that a match with features ``x`` is right."""
        bias, weights = self._linear
        z = bias + sum(map(operator.mul, weights, x))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def confidence(self, m: DomainMatch) -> float:
        """The probability that ``m``'s organization owns its domain, to 4 places."""
        return round(self.probability(label_features(m)), 4)

    def threshold_for(self, min_precision: float) -> float:
        """The lowest confidence at which the training domains' links reach ``min_precision`` (out of fold).

        Never below :data:`resolver.owner_model.MIN_THRESHOLD`, as for owners: a link more likely wrong than
        right is not made. A target no threshold reaches links nothing.
        """
        ranked = sorted(self.points, key=operator.itemgetter(0), reverse=True)
        best, kept, right = None, 0, 0
        for i, (conf, ok) in enumerate(ranked):
            kept, right = kept + 1, right + ok
            last_of_tie = i + 1 == len(ranked) or ranked[i + 1][0] != conf
            if last_of_tie and right / kept >= min_precision:
                best = conf
        if best is None:
            return round(min(1.0, (ranked[0][0] if ranked else 1.0) + 1e-4), 4)
        return max(MIN_THRESHOLD, math.floor(best * 10_000) / 10_000)

    def _body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(FEATURES),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "points": [[c, ok] for c, ok in self.points],
            "training": dict(self.training),
        }

    def to_json(self) -> str:
        """The artifact text: the fields and a sha256 over them."""
        return artifact_text(self._body())

    @classmethod
    def from_json(cls, text: str, *, where: str = "label model") -> LabelModel:
        """Read an artifact written by :meth:`to_json`; its checksum and feature list are verified."""
        doc, _ = verified_artifact(text, where, FORMAT, FEATURES, "benchmarks.train_label_model")
        return cls(
            coef=tuple(doc["coef"]),
            intercept=doc["intercept"],
            mean=tuple(doc["mean"]),
            scale=tuple(doc["scale"]),
            points=tuple((float(c), bool(ok)) for c, ok in doc["points"]),
            training=doc.get("training", {}),
        )


@lru_cache(maxsize=4)
def load_label_model(path: str | None = None) -> LabelModel:
    """The label model at ``path`` (default: the one shipped in the package), checksum verified."""
    p = Path(path) if path else ARTIFACT
    if not p.exists():
        raise InputError(f"no label model at {p}: run `python -m benchmarks.train_label_model`")
    return LabelModel.from_json(p.read_text(encoding="utf-8"), where=str(p))
