"""Owners of all domains of a crawl: scoring with a cache, redirects, personal and platform sites, and why.

Per-domain scoring groups the candidates (:func:`resolver.linking.score_groups`) and picks the owner with
the learned model (:mod:`resolver.owner_model`) or the noisy-OR baseline (:func:`resolver.linking.noisy_or_owner`);
this module applies it to every domain and then the rules that look across domains (a domain that only
redirects inherits its target's owner) or at the owner's name (a person's name on a site with nothing
organizational is a personal site), and records user sites on hosting platforms as such.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from resolver import linking
from resolver.linking import DomainOwner, LinkingParams
from resolver.names import is_acronym_of, name_fits_domain, normalize_name
from resolver.owner_model import OwnerModel, PageInfo, model_owner
from resolver.persons import is_person_name
from resolver.records import NameKey, OrgCandidate

REDIRECT_DISCOUNT = 0.9
"""A domain that only redirects inherits its target's owner at this fraction of the target's confidence."""


@dataclass(frozen=True)
class DomainFacts:
    """What scoring needs to know of a domain besides its candidates."""

    n_pages: int = 1
    suffix: str = ""
    is_private: bool = False
    """A private-suffix site (``alice.github.io``): the platform is never its owner."""


@lru_cache(maxsize=1_000_000)
def normalize(name: str) -> NameKey:
    """:func:`resolver.names.normalize_name`, cached: a crawl repeats names on every page."""
    return normalize_name(name)


@lru_cache(maxsize=1_000_000)
def fits(key: NameKey, domain: str) -> float:
    """:func:`resolver.names.name_fits_domain`, cached."""
    return name_fits_domain(key, domain)


@lru_cache(maxsize=1_000_000)
def is_acronym(short: NameKey, long: NameKey) -> bool:
    """:func:`resolver.names.is_acronym_of`, cached."""
    return is_acronym_of(short, long)


SCORERS = ("model", "noisy_or")
"""``settings.resolve.scorer``: the learned, calibrated model, or the hand-set noisy-OR baseline."""


@dataclass(frozen=True)
class Scorer:
    """How owners are chosen: the learned model with its confidence threshold, or noisy-OR."""

    kind: str = "noisy_or"
    """One of :data:`SCORERS`."""
    model: OwnerModel | None = None
    threshold: float = 0.4
    """Confidence below which the owner is ``unknown`` (the model's: from the user's precision target)."""

    def __post_init__(self) -> None:
        if self.kind not in SCORERS:
            raise ValueError(f"unknown scorer {self.kind!r}: use one of {', '.join(SCORERS)}")
        if self.kind == "model" and self.model is None:
            raise ValueError("the model scorer needs a model (resolver.owner_model.load_model)")

    def identity(self) -> str:
        """What a cached owner must have been scored by (the model's checksum and the threshold)."""
        return f"{self.kind}:{self.model.sha256 if self.model else ''}:{self.threshold}"


@dataclass(frozen=True)
class Scored:
    """Owners of every domain, and the cache rows of those scored afresh."""

    owners: list[DomainOwner]
    fresh: dict[str, tuple[str, str]]
    """registered domain → (fingerprint, owner JSON), for ``_owner_cache``."""
    reused: int


def score_owners(
    candidates: Mapping[str, Sequence[OrgCandidate]],
    facts: Mapping[str, DomainFacts],
    params: LinkingParams,
    cache: Mapping[str, tuple[str, str]],
    *,
    scorer: Scorer | None = None,
    pages: Mapping[str, PageInfo] | None = None,
) -> Scored:
    """Owners of every domain; a domain whose fingerprint is in ``cache`` reuses the stored owner.

    ``scorer``: the model or noisy-OR (default: noisy-OR at ``params.min_confidence``). ``pages``: page id →
    :class:`resolver.owner_model.PageInfo`, read by the model's features.

    The fingerprint covers everything scoring reads for the domain: its candidates in order and their pages'
    info, page count, platform, the spread over domains of the name keys it looks up, the parameters, the
    scorer (model checksum, threshold) and the resolver's source code. So a reused owner equals a re-scored
    one, and a new batch costs time only for the domains it touched (and those sharing a name whose spread
    changed).
    """
    scorer = scorer or Scorer("noisy_or", threshold=params.min_confidence)
    pages = pages or {}
    freq = name_spread(candidates)
    owners = []
    fresh: dict[str, tuple[str, str]] = {}
    reused = 0
    for dom in sorted(set(facts) | set(candidates)):
        fact = facts.get(dom, DomainFacts())
        cands = candidates.get(dom, [])
        platform = fact.suffix if fact.is_private else None
        fp = fingerprint(dom, cands, fact.n_pages, platform, freq, params, scorer, pages)
        hit = cache.get(dom)
        if hit is not None and hit[0] == fp:
            owners.append(owner_from_json(hit[1]))
            reused += 1
            continue
        owner = platform_site(score_domain(dom, cands, fact, freq, params, scorer, pages), platform)
        owners.append(owner)
        fresh[dom] = (fp, owner_to_json(owner))
    return Scored(owners, fresh, reused)


def name_spread(candidates: Mapping[str, Sequence[OrgCandidate]]) -> Counter[str]:
    """On how many registered domains each name key is a candidate (decoys: "PayPal", "WordPress")."""
    freq: Counter[str] = Counter()
    for cands in candidates.values():
        keys = {normalize(c.name).key for c in cands if c.signal not in linking.NON_NAME_KINDS}
        freq.update(k for k in keys if k)
    return freq


def group_domain(
    dom: str,
    cands: Sequence[OrgCandidate],
    fact: DomainFacts,
    freq: Mapping[str, int],
    params: LinkingParams,
    *,
    domain_name: bool = False,
) -> linking.DomainGroups:
    """The candidate groups of one domain with their noisy-OR scores (:func:`resolver.linking.score_groups`).

    ``domain_name``: the domain itself is a candidate too (the model scorer's groups).
    """
    return linking.score_groups(
        dom,
        cands,
        n_pages=fact.n_pages,
        normalize=normalize,
        fits=fits,
        name_domain_freq=freq,
        platform=fact.suffix if fact.is_private else None,
        params=params,
        is_acronym=is_acronym,
        domain_name=domain_name,
    )


def score_domain(
    dom: str,
    cands: Sequence[OrgCandidate],
    fact: DomainFacts,
    freq: Mapping[str, int],
    params: LinkingParams,
    scorer: Scorer,
    pages: Mapping[str, PageInfo],
) -> DomainOwner:
    """The owner of one domain by ``scorer`` (``freq``: on how many domains each name key is a candidate)."""
    platform = fact.suffix if fact.is_private else None
    found = group_domain(dom, cands, fact, freq, params, domain_name=scorer.kind == "model")
    if scorer.kind == "noisy_or" or scorer.model is None:
        return linking.noisy_or_owner(found, normalize, dataclasses.replace(params, min_confidence=scorer.threshold))
    return model_owner(
        found,
        scorer.model,
        threshold=scorer.threshold,
        n_pages=fact.n_pages,
        pages=pages,
        normalize=normalize,
        fits=fits,
        params=params,
        platform=platform,
    )


def site_alias(owner: DomainOwner) -> str | None:
    """The domain's site name when it names the owner's organization: an alias of the org (``orgs.aliases``).

    It does when it is one of the owner's own names, or when the owner is named by its legal name (a brand
    and the company behind it: "The Daily Example" of "Example Media Group Limited"). A site name beside an
    owner that is another brand (a section, a sub-brand) stays on ``domain_org.site_name`` only.
    """
    site = owner.site_name
    if not site or owner.status != "linked" or site == owner.name:
        return None
    same = site in owner.aliases or normalize(site).key == owner.key
    legal = bool(owner.legal_form) or bool(set(owner.signal_kinds) & linking.LEGAL_KINDS)
    return site if same or legal else None


PLATFORM_OWNER_KINDS = linking.LEGAL_KINDS
"""Evidence that a user site on a hosting platform is an organization's own (an Impressum, JSON-LD legalName)."""


def platform_site(owner: DomainOwner, platform: str | None) -> DomainOwner:
    """A user site on a hosting platform (``alice.github.io``) is recorded both ways.

    The platform (``platform``, its registered domain ``github.io``) owns the registered domain; the site is
    the publication's, whose name goes to ``site_name``. Its status is ``platform`` unless a legal signal names
    the organization behind it (then it stays linked to that organization, the platform still recorded).
    """
    if platform is None:
        return owner
    own_org = owner.status == "linked" and (owner.legal_form or set(owner.signal_kinds) & PLATFORM_OWNER_KINDS)
    return dataclasses.replace(
        owner,
        status=owner.status if own_org or owner.status not in ("linked", "unknown") else "platform",
        platform=platform,
        site_name=owner.site_name or owner.name,
    )


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the resolver's source and of the libraries scoring calls: a code change re-scores all."""
    from importlib import metadata
    from pathlib import Path

    import resolver

    h = hashlib.sha1()
    for path in sorted(Path(resolver.__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for dist in ("rapidfuzz", "cleanco", "probablepeople"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()


def fingerprint(
    dom: str,
    cands: Sequence[OrgCandidate],
    n_pages: int,
    platform: str | None,
    freq: Mapping[str, int],
    params: LinkingParams,
    scorer: Scorer | None = None,
    pages: Mapping[str, PageInfo] | None = None,
) -> str:
    """A hash of everything scoring reads for ``dom``: equal fingerprints, equal owners."""
    keys = sorted({normalize(c.name).key for c in linking.name_candidates(dom, cands)} - {""})
    who = scorer.identity() if scorer else ""  # the model's checksum is computed once (cached_property)
    h = hashlib.sha1(repr((code_version(), params, n_pages, platform, who)).encode())
    for c in cands:
        h.update(repr((c.page_id, c.name, c.signal, c.weight, c.context, c.scope)).encode())
    if scorer is not None and scorer.kind == "model":
        for page_id in sorted({c.page_id for c in cands}):
            info = (pages or {}).get(page_id)
            h.update(f"{page_id}:{info.code() if info else '-'}".encode())
    h.update(repr([(k, linking.spread_bucket(freq.get(k, 1))) for k in keys]).encode())
    return h.hexdigest()


def owner_to_json(owner: DomainOwner) -> str:
    """A :class:`DomainOwner` as JSON (exact: floats round-trip), for the owner cache."""
    d = {f.name: getattr(owner, f.name) for f in dataclasses.fields(owner)}
    d["evidence"] = [{f.name: getattr(e, f.name) for f in dataclasses.fields(e)} for e in owner.evidence]
    return json.dumps(d, ensure_ascii=False)


def owner_from_json(text: str) -> DomainOwner:
    """The :class:`DomainOwner` that :func:`owner_to_json` wrote."""
    d = json.loads(text)
    d["evidence"] = tuple(linking.Evidence(**e) for e in d["evidence"])
    d["aliases"] = tuple(d["aliases"])
    d["signal_kinds"] = tuple(d["signal_kinds"])
    d["contributions"] = tuple((name, value) for name, value in d.get("contributions", ()))
    return DomainOwner(**d)


def apply_redirects(
    owners: list[DomainOwner], redirects: Iterable[tuple[str, str, int]]
) -> tuple[list[DomainOwner], int]:
    """Domains without a confident owner that redirect to another domain inherit that domain's owner."""
    by_dom = {o.registered_domain: o for o in owners}
    changed = 0
    for src, dst, _n in sorted(redirects):
        here, there = by_dom.get(src), by_dom.get(dst)
        if there is None or there.status != "linked" or (here is not None and here.status == "linked"):
            continue
        ev = linking.Evidence("redirect", there.name or "", "", 1.0, f"{src} redirects to {dst}")
        by_dom[src] = DomainOwner(
            registered_domain=src,
            status="linked",
            name=there.name,
            key=there.key,
            legal_form=there.legal_form,
            confidence=round(there.confidence * REDIRECT_DISCOUNT, 4),
            fit=here.fit if here else 0.0,
            aliases=there.aliases,
            evidence=(ev, *there.evidence[:5]),
            runner_up=here.name if here else None,
            runner_up_score=here.confidence if here else 0.0,
            signal_kinds=("redirect",),
            site_name=(here.site_name if here else None) or there.site_name,  # its site is the target's
        )
        changed += 1
    return [by_dom[d] for d in sorted(by_dom)], changed


NOT_SITE_NAMES = frozenset({"ner_org", "phrase_match", linking.DOMAIN_NAME})
"""Kinds that do not name a site as the site itself (a mention in the text, the bare address)."""

PERSON_VETO_KINDS = frozenset({*linking.LEGAL_KINDS, "jsonld_name", "jsonld_alternate_name", "redirect", "reference"})
"""Evidence that the owner is an organization whatever its name looks like (JSON-LD Organization, legal pages)."""


def demote_persons(
    owners: list[DomainOwner], organization_sites: frozenset[str] = frozenset()
) -> tuple[list[DomainOwner], set[str]]:
    """Personal sites name a person, not an organization (``resolver.persons.is_person_name``).

    Only names without a legal form and without JSON-LD, legal-page or redirect evidence are checked
    ("Anna Horn" is a person; "Anna Horn GmbH" is a company), and only on domains outside
    ``organization_sites`` (a leadership, careers, investors or newsroom page: many companies carry
    their founders' names, "Fannie Mae", "Michael Kors"). Their status becomes ``person``, no org.
    A best candidate below the threshold counts too when a page names it as the site (title, copyright,
    og:site_name), not only NER: the confidence is that an organization owns the site, which a personal
    site's name rightly makes low. Returns the owners and the domains kept as organizations only because
    of such a page.
    """
    out = list(owners)
    kept: set[str] = set()
    for i, o in enumerate(owners):
        named_by_site = o.status == "unknown" and bool(set(o.signal_kinds) - NOT_SITE_NAMES)
        if not (
            (o.status == "linked" or named_by_site)
            and o.name
            and not o.legal_form
            and not set(o.signal_kinds) & PERSON_VETO_KINDS
            and is_person_name(o.name)
        ):
            continue
        if o.registered_domain in organization_sites:
            kept.add(o.registered_domain)
            continue
        out[i] = dataclasses.replace(o, status="person", legal_form=None)
    return out, kept


def why_status(owner: DomainOwner, min_confidence: float, person_named_org: bool = False) -> str:
    """One sentence on why a domain has its status, for ``domain_org.evidence`` and ``orgmap explain``."""
    name = owner.name or ""
    if owner.status == "person":
        return (
            f"a personal site: {name!r} is a person's name, and nothing says organization (no legal form, "
            "JSON-LD, legal page or redirect; no leadership, careers, investors or newsroom page)"
        )
    if owner.status == "platform":
        if owner.platform and name:
            return f"a user site on {owner.platform}: the platform owns the domain, the site is {name!r}"
        return "only the hosting platform is named, never the site's owner"
    if owner.status != "linked":
        if not name:
            return "no page names an owner"
        return f"the best candidate {name!r} scores {owner.confidence:.2f}, below the threshold {min_confidence:.2f}"
    if person_named_org:
        return f"{name!r} reads as a person's name, but the site has an organization's page (leadership, careers, …)"
    if owner.signal_kinds == ("redirect",):
        return f"the domain redirects to a site that {name!r} owns"
    return f"{len(owner.signal_kinds)} kind(s) of signal name {name!r}: confidence {owner.confidence:.2f}"
