"""The learned owner model: which of a domain's candidate groups owns it, and how sure that is.

Each group (``resolver.linking.score_groups``) gets a feature vector (:data:`FEATURES`); a logistic
regression ranks the groups and the winner's score is calibrated into the probability that it is the
right owner. :meth:`OwnerModel.threshold_for` turns the user's precision target into a threshold, from the
calibration data the artifact ships. The artifact (``owner_model.json``, written by
``python -m benchmarks.train_owner_model``) is JSON with a sha256 checked on load, never a pickle.
Design, training and figures: docs/owners.md.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from resolver.domain_match import domain_label
from resolver.domains import is_home_url
from resolver.errors import InputError
from resolver.linking import (
    LEGAL_KINDS,
    DomainGroups,
    DomainOwner,
    LinkingParams,
    describe_owner,
    is_self_named,
)
from resolver.persons import is_known_given_name, is_person_name
from resolver.records import NameKey

ARTIFACT = Path(__file__).with_name("owner_model.json")
"""The model shipped with the package."""
FORMAT = 1
"""Version of the artifact's layout; a reader refuses others."""

KINDS = (
    "jsonld_legal_name",
    "legal_entity",
    "jsonld_name",
    "jsonld_alternate_name",
    "copyright",
    "og_site_name",
    "application_name",
    "title_brand",
    "title",
    "ner_org",
    "phrase_match",
)
"""Candidate kinds with features of their own; any other kind counts in ``other_kinds``."""
STRUCTURED_KINDS = frozenset({"jsonld_legal_name", "jsonld_name", "jsonld_alternate_name", "og_site_name"})
"""Kinds a site states about itself in markup."""
TEXT_KINDS = frozenset({"legal_entity", "copyright", "ner_org", "phrase_match", "title", "title_brand"})
"""Kinds read from the page's visible text."""
NER_KINDS = frozenset({"ner_org", "phrase_match"})
ORG_EVIDENCE_KINDS = frozenset({*LEGAL_KINDS, "jsonld_name", "jsonld_alternate_name"})
"""Kinds that say organization whatever the name looks like: a group with one is never a person's
(``resolver.owners.demote_persons`` spares it too)."""
ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle"}
)
"""``og:type`` / JSON-LD types of an article page (lower-case)."""

FEATURES: tuple[str, ...] = (
    *(f"has:{k}" for k in KINDS),
    *(f"coverage:{k}" for k in KINDS),
    "other_kinds",
    "n_kinds",
    "log_mentions",
    "coverage",
    "max_weight",
    "on_home",
    "on_legal",
    "on_about",
    "on_article",
    "only_articles",
    "legal_on_legal_page",
    "title_first",
    "title_last",
    "fit",
    "fit_exact",
    "fit_acronym",
    "fit_none",
    "label_similarity",
    "legal_form",
    "person_name",
    "log_spread",
    "decoy",
    "ner_only",
    "structured_and_text",
    "noisy_or",
    "noisy_or_top",
    "noisy_or_gap",
    "others_best",
    "log_groups",
    "share_of_mentions",
    "words",
    "long_name",
    "self_named",
    "has_digits",
    "platform_fit",
    "site_name",
    "is_domain",
    "domain_only",
    "decoy_beside",
    "scope_site",
    "narrow_beside_site",
)
"""The features of one candidate group, in the order of the model's coefficients (docs/owners.md)."""

MIN_THRESHOLD = 0.5
"""The lowest threshold any precision target gives: below it an owner is more likely wrong than right."""


MAX_GROUPS = 3
"""Groups the model ranks per domain: the best by noisy-OR (and the domain's own name). On the dev gold the
right group, where one exists, is among the noisy-OR's first three (docs/owners.md); more only cost time."""


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What kind of page one page is, for the features (which pages carry a name)."""

    home: bool = False
    legal: bool = False
    """An Impressum, legal notice or privacy page (``page_features.is_legal_page``)."""
    about: bool = False
    """An about or contact page."""
    article: bool = False
    """An article (``og:type`` or JSON-LD type)."""

    def code(self) -> int:
        """The four flags as one small number (for fingerprints)."""
        return self.home | self.legal << 1 | self.about << 2 | self.article << 3


def page_info(
    url: str,
    *,
    is_legal: bool | None = False,
    is_about: bool | None = False,
    og_type: str | None = None,
    jsonld_types: Sequence[str] | None = None,
) -> PageInfo:
    """The :class:`PageInfo` of a ``page_features`` row."""
    types = {(og_type or "").lower(), *(t.lower() for t in jsonld_types or ())}
    return PageInfo(is_home_url(url), bool(is_legal), bool(is_about), bool(types & ARTICLE_TYPES))


PLAIN_PAGE = PageInfo()
TITLE_KINDS = frozenset({"title_brand", "title"})
"""Candidates whose context is the page's whole title."""


def _title_position(name: str, title: str) -> tuple[bool, bool]:
    """Whether ``name`` opens or closes ``title`` (and is not all of it)."""
    title = title.strip()
    if not name or len(name) >= len(title):
        return False, False
    at = title.find(name)
    return at == 0, at >= 0 and at + len(name) == len(title)


def _person(surface: str) -> bool:
    """Reads as a person's name, its first word a given name (the cheap test first: the tagger is slow)."""
    words = surface.split()
    return bool(words) and is_known_given_name(words[0]) and is_person_name(surface)


def group_features(
    found: DomainGroups,
    *,
    n_pages: int,
    pages: Mapping[str, PageInfo],
    normalize: Callable[[str], NameKey],
    fits: Callable[[NameKey, str], float],
    platform: str | None = None,
) -> list[tuple[int, list[float]]]:
    """(group index, feature vector in :data:`FEATURES` order) for each group of ``found`` the model ranks.

    Those are the first :data:`MAX_GROUPS` by noisy-OR and the group holding the domain's own name.
    ``pages``: page id → :class:`PageInfo` for the domain's pages (a missing page counts as a plain page).
    """
    dom = found.registered_domain
    label = domain_label(dom)
    groups = found.groups
    n_pages = max(1, n_pages)
    all_cands = sum(len(g.group.cands) for g in groups) or 1
    top = groups[0].score if groups else 0.0
    site_key = normalize(found.site_name).key if found.site_name else None
    decoys = [sg.spread >= DECOY_SPREAD and sg.fit < 0.5 for sg in groups]
    site_share = [sg.scopes.get("site", 0) / (sum(sg.scopes.values()) or 1) for sg in groups]
    narrow = [bool(sg.scopes.get("section") or sg.scopes.get("host")) for sg in groups]
    any_site = any(share > 0 for share in site_share)
    n_decoys = sum(decoys)
    out = []
    for i, sg in enumerate(groups):
        g = sg.group
        if i >= MAX_GROUPS and not sg.holds_domain:
            continue
        kind_pages = sg.kind_pages
        carrying = set().union(*kind_pages.values())
        firsts = lasts = n_titles = 0
        for c in g.cands if kind_pages.keys() & TITLE_KINDS else ():
            if c.signal in TITLE_KINDS:
                first, last = _title_position(c.name, c.context)
                firsts, lasts, n_titles = firsts + first, lasts + last, n_titles + 1
        legal_page = any(pages.get(p, PLAIN_PAGE).legal for k in LEGAL_TEXT_KINDS for p in kind_pages.get(k, ()))
        home = legal = about = article = False
        only_articles = bool(carrying)
        for p in carrying:
            info = pages.get(p, PLAIN_PAGE)
            home, legal, about = home or info.home, legal or info.legal, about or info.about
            article, only_articles = article or info.article, only_articles and info.article
        surface = g.surface
        kinds = kind_pages.keys()
        legal_form = any(nk.legal_form for nk in g.names)
        compact = max(sorted(k.replace(" ", "") for k in g.keys), key=len)  # sorted: set order varies by run
        n_words = len(surface.split())
        f: dict[str, float] = {}
        for k, has in _HAS_KEYS:
            f[has] = 1.0 if k in kind_pages else 0.0
        for k, cov in _COVERAGE_KEYS:
            f[cov] = min(1.0, len(kind_pages[k]) / n_pages) if k in kind_pages else 0.0
        f["other_kinds"] = float(len(kinds - _KIND_SET))
        f["n_kinds"] = float(len(kinds))
        f["log_mentions"] = math.log1p(len(g.cands))
        f["coverage"] = min(1.0, len(carrying) / n_pages)
        f["max_weight"] = max(sg.kind_weight.values(), default=0.0)
        f["on_home"] = float(home)
        f["on_legal"] = float(legal)
        f["on_about"] = float(about)
        f["on_article"] = float(article)
        f["only_articles"] = float(only_articles)
        f["legal_on_legal_page"] = float(legal_page)
        f["title_first"] = firsts / n_titles if n_titles else 0.0
        f["title_last"] = lasts / n_titles if n_titles else 0.0
        f["fit"] = sg.fit
        f["fit_exact"] = float(sg.fit >= 0.999)
        f["fit_acronym"] = float(bool(label) and any(nk.acronym == label for nk in g.names))
        f["fit_none"] = float(sg.fit < 0.3)
        f["label_similarity"] = fuzz.ratio(label, compact) / 100.0 if label and compact else 0.0
        f["legal_form"] = float(legal_form)
        f["person_name"] = float(not legal_form and not kinds & ORG_EVIDENCE_KINDS and _person(surface))
        f["log_spread"] = math.log2(max(1, sg.spread))
        f["decoy"] = float(decoys[i] and not kinds & LEGAL_KINDS)
        f["ner_only"] = float(bool(kinds) and kinds <= NER_KINDS)
        f["structured_and_text"] = float(bool(kinds & STRUCTURED_KINDS) and bool(kinds & TEXT_KINDS))
        f["noisy_or"] = sg.score
        f["noisy_or_top"] = float(i == 0)
        f["noisy_or_gap"] = top - sg.score
        f["others_best"] = groups[1].score if i == 0 and len(groups) > 1 else (top if i else 0.0)
        f["log_groups"] = math.log1p(len(groups))
        f["share_of_mentions"] = len(g.cands) / all_cands
        f["words"] = min(n_words, 8) / 8
        f["long_name"] = float(n_words >= 6)
        f["self_named"] = float(sg.holds_domain and is_self_named(g, dom))  # the address itself spells the domain
        f["has_digits"] = float(_DIGIT.search(surface) is not None)
        f["platform_fit"] = max(fits(nk, platform) for nk in g.names[:20]) if platform else 0.0
        f["site_name"] = float(site_key in g.keys)
        f["is_domain"] = float(sg.holds_domain)
        f["domain_only"] = float(sg.holds_domain and not kinds)
        f["decoy_beside"] = float(n_decoys - decoys[i] > 0)
        f["scope_site"] = site_share[i]
        f["narrow_beside_site"] = float(site_share[i] == 0.0 and narrow[i] and any_site)
        assert tuple(f) == FEATURES, "features are inserted in FEATURES order"
        out.append((i, list(f.values())))
    return out


_DIGIT = re.compile(r"\d")
DECOY_SPREAD = LinkingParams().decoy_min_domains
"""A name on at least this many domains, none of which it fits, is a decoy (a platform, a parking service)."""
_HAS_KEYS = tuple((k, f"has:{k}") for k in KINDS)
_COVERAGE_KEYS = tuple((k, f"coverage:{k}") for k in KINDS)
_KIND_SET = frozenset(KINDS)
LEGAL_TEXT_KINDS = frozenset({"legal_entity", "copyright"})
"""Kinds read from legal text: on a legal page they are the site's own statement."""


@dataclass(frozen=True)
class Calibration:
    """Raw model score (logit) → probability that the owner is right: isotonic knots or a Platt sigmoid."""

    method: str
    """``isotonic`` (piecewise linear through ``x``/``y``, flat outside) or ``platt`` (``1/(1+exp(-(a*s+b)))``)."""
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0

    def __call__(self, raw: float) -> float:
        """The calibrated probability of ``raw``."""
        if self.method == "platt":
            return _sigmoid(self.a * raw + self.b)
        if not self.x:
            return _sigmoid(raw)
        if raw <= self.x[0]:
            return self.y[0]
        if raw >= self.x[-1]:
            return self.y[-1]
        i = bisect.bisect_right(self.x, raw)
        x0, x1, y0, y1 = self.x[i - 1], self.x[i], self.y[i - 1], self.y[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True)
class OperatingPoint:
    """What linking every domain whose calibrated confidence is at least ``threshold`` gave on the gold."""

    threshold: float
    precision: float
    """Share of the linked domains whose owner is right."""
    coverage: float
    """Share of the domains linked."""
    accuracy: float
    """Share of all domains answered right (a domain below the threshold is right when its gold is no org)."""


@dataclass(frozen=True)
class OwnerModel:
    """A logistic regression over :data:`FEATURES` and its calibration, as stored in ``owner_model.json``."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    """Per standardized feature."""
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    calibration: Calibration
    points: tuple[tuple[float, bool, bool], ...]
    """Per gold domain: (its out-of-fold score's calibrated confidence, the best group is right, unknown is right)."""
    training: Mapping[str, Any] = field(default_factory=dict)
    """What it was trained on (sizes per source, silver-label accuracy, cross-validated figures)."""
    code_version: str = ""
    """The git commit and feature-code hash it was trained with."""

    def logit(self, x: Sequence[float]) -> float:
        """The raw score of one feature vector."""
        bias, weights = self._linear
        return bias + sum(map(operator.mul, weights, x))

    @cached_property
    def _linear(self) -> tuple[float, tuple[float, ...]]:
        """Bias and per-feature weights on raw features (standardization folded in): one dot product a group."""
        weights = tuple(c / s for c, s in zip(self.coef, self.scale, strict=True))
        return self.intercept - sum(w * m for w, m in zip(weights, self.mean, strict=True)), weights

    def contributions(self, x: Sequence[float], top: int = 8) -> tuple[tuple[str, float], ...]:
        """The ``top`` features that moved this vector's score most from the average group's, largest first."""
        _, weights = self._linear
        parts = [w * (v - m) for w, v, m in zip(weights, x, self.mean, strict=True)]
        sizes = zip(map(abs, parts), range(len(parts)), strict=True)
        largest = sorted(sizes, key=operator.itemgetter(0), reverse=True)[:top]
        return tuple((self.features[i], round(parts[i], 4)) for size, i in largest if round(size, 4))

    def operating_points(self) -> list[OperatingPoint]:
        """Precision, coverage and accuracy at each distinct confidence of the calibration data, ascending."""
        pts = sorted(self.points)
        n = len(pts)
        right_above = list(itertools.accumulate((r for _, r, _ in reversed(pts)), initial=0))[::-1]
        unknown_below = list(itertools.accumulate((u for _, _, u in pts), initial=0))
        out = []
        for i, (t, _, _) in enumerate(pts):
            if i and pts[i - 1][0] == t:
                continue
            kept = n - i
            out.append(OperatingPoint(t, right_above[i] / kept, kept / n, (right_above[i] + unknown_below[i]) / n))
        return out

    def threshold_for(self, min_precision: float) -> float:
        """The lowest confidence threshold at which the calibration data's precision reaches ``min_precision``.

        Precision is measured on the real gold the model was calibrated on (out of fold). A target no
        threshold reaches links nothing (threshold just above the highest confidence). Never below
        :data:`MIN_THRESHOLD`: an owner the calibrated model thinks more likely wrong than right is not linked,
        whatever the target.
        """
        for p in self.operating_points():
            if p.precision >= min_precision:
                return max(MIN_THRESHOLD, math.floor(p.threshold * 10_000) / 10_000)  # the point stays linked
        return round(min(1.0, max((t for t, _, _ in self.points), default=1.0) + 1e-4), 4)

    def to_json(self) -> str:
        """The artifact text: the fields and a sha256 over them."""
        return artifact_text(self._body())

    def _body(self) -> dict[str, Any]:
        c = self.calibration
        return {
            "format": FORMAT,
            "features": list(self.features),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "calibration": {"method": c.method, "x": list(c.x), "y": list(c.y), "a": c.a, "b": c.b},
            "points": [list(p) for p in self.points],
            "training": dict(self.training),
            "code_version": self.code_version,
        }

    @cached_property
    def sha256(self) -> str:
        """The checksum the artifact carries."""
        return _checksum(self._body())

    @classmethod
    def from_json(cls, text: str, *, where: str = "owner model") -> OwnerModel:
        """Read an artifact written by :meth:`to_json`; its checksum and feature list are verified."""
        doc, stored = verified_artifact(text, where, FORMAT, FEATURES, "benchmarks.train_owner_model")
        c = doc["calibration"]
        model = cls(
            features=tuple(doc["features"]),
            coef=tuple(doc["coef"]),
            intercept=doc["intercept"],
            mean=tuple(doc["mean"]),
            scale=tuple(doc["scale"]),
            calibration=Calibration(c["method"], tuple(c["x"]), tuple(c["y"]), c["a"], c["b"]),
            points=tuple((float(p), bool(r), bool(u)) for p, r, u in doc["points"]),
            training=doc.get("training", {}),
            code_version=doc.get("code_version", ""),
        )
        model.__dict__["sha256"] = stored  # verified above: the cached checksum need not be computed again
        return model


def _checksum(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def artifact_text(body: Mapping[str, Any]) -> str:
    """A model artifact's JSON text: ``body`` and a sha256 over it."""
    return json.dumps({**body, "sha256": _checksum(body)}, ensure_ascii=False, indent=1) + "\n"


def verified_artifact(
    text: str, where: str, fmt: int, features: Sequence[str], script: str
) -> tuple[dict[str, Any], str]:
    """A model artifact's body and checksum, after checking the checksum, the format and the feature list."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not JSON ({exc}); run `python -m {script}`") from exc
    stored = doc.pop("sha256", None)
    if stored != _checksum(doc):
        raise InputError(f"{where}: checksum mismatch, the artifact is corrupt or edited; train it again")
    if doc.get("format") != fmt:
        raise InputError(f"{where}: format {doc.get('format')!r}, this orgmap reads {fmt}")
    if tuple(doc["features"]) != tuple(features):
        raise InputError(f"{where} was trained on other features than this code computes; train it again")
    return doc, stored


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> OwnerModel:
    """The owner model at ``path`` (default: the one shipped in the package), checksum verified."""
    p = Path(path) if path else ARTIFACT
    if not p.exists():
        raise InputError(
            f"no owner model at {p}: run `python -m benchmarks.train_owner_model`, or set scorer = 'noisy_or'"
        )
    return OwnerModel.from_json(p.read_text(encoding="utf-8"), where=str(p))


def model_owner(
    found: DomainGroups,
    model: OwnerModel,
    *,
    threshold: float,
    n_pages: int,
    pages: Mapping[str, PageInfo],
    normalize: Callable[[str], NameKey],
    fits: Callable[[NameKey, str], float],
    params: LinkingParams,
    platform: str | None = None,
) -> DomainOwner:
    """The owner the model gives ``found``: the group with the highest score.

    Its confidence is the calibrated probability that it is the right owner; it is linked when that
    reaches ``threshold``.
    """
    if not found.groups:
        return describe_owner(found, None, None, confidence=0.0, linked=False, normalize=normalize, params=params)
    vectors = dict(
        group_features(found, n_pages=n_pages, pages=pages, normalize=normalize, fits=fits, platform=platform)
    )
    ranked = sorted(((model.logit(x), i) for i, x in vectors.items()), key=lambda t: (-t[0], t[1]))
    raw, best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    confidence = model.calibration(raw)
    return describe_owner(
        found,
        found.groups[best],
        found.groups[runner[1]] if runner else None,
        confidence=confidence,
        linked=confidence >= threshold,
        normalize=normalize,
        params=params,
        runner_score=model.calibration(runner[0]) if runner else None,
        contributions=model.contributions(vectors[best]),
    )
