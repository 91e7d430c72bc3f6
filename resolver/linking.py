"""Who owns a domain: the candidate names of its pages, grouped by organization and scored.

Candidates are cleaned and normalized (``resolver.names``) and grouped when they name one organization
(same key, acronym, near-identical key, one JSON-LD node). :func:`score_groups` gives each group the
baseline's noisy-OR score over its signal kinds (prior weight, pages carrying it, fit to the domain, a
discount for names spread over unrelated domains); :func:`noisy_or_owner` picks the owner by it, and
``resolver.owner_model`` ranks the same groups with a learned, calibrated model. :func:`describe_owner`
turns the chosen group into a :class:`DomainOwner` with its evidence. Pure functions over plain records;
docs/owners.md and docs/signals.md say how they score.
"""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from resolver.domain_match import domain_label
from resolver.names import fold
from resolver.records import NameKey, OrgCandidate

NON_NAME_KINDS = frozenset(
    {
        "email_domain",
        "link_domain",
        "jsonld_type",
        "og_type",
        "jsonld_url",
        "jsonld_same_as",
        "jsonld_parent",
        "redirect",
        "canonical",
        "hreflang",
    }
)
"""``page_signals`` kinds that are not candidate owner names."""

LEGAL_KINDS = frozenset({"jsonld_legal_name", "legal_entity"})
"""Signals that name the legal owner: fit to the domain matters little (brand domains)."""

SEMI_LEGAL_KINDS = frozenset({"copyright", "jsonld_name", "reference", "redirect_owner"})
"""Signals that usually name the owner, sometimes a brand."""

WEAK_KINDS = frozenset({"ner_org", "phrase_match", "title", "title_brand", "application_name"})
"""Signals that name *an* organization on the page, often not the owner: discounted without fit."""


@dataclass(frozen=True, slots=True)
class LinkingParams:
    """Knobs of owner scoring; defaults tuned on generated crawls (see docs/resolve.md)."""

    min_confidence: float = 0.4
    """Below this the owner is ``unknown``."""
    group_ratio: float = 92.0
    """rapidfuzz ``ratio`` on keys above which two candidate groups of one domain are merged."""
    fit_evidence: float = 0.45
    """A name that spells the domain (fit ≥ ``fit_evidence_min``) is evidence of its own, this strong × fit."""
    fit_evidence_min: float = 0.75
    decoy_min_domains: int = 4
    """A name seen on at least this many domains that it does not fit is treated as a decoy (platform)."""
    max_evidence: int = 12
    """Evidence items kept per domain (the strongest first)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One signal that supported the chosen owner."""

    signal: str
    name: str
    page_id: str
    """The first page (by id) carrying it."""
    weight: float
    context: str = ""
    n_pages: int = 1
    """On how many of the domain's pages this signal named this name."""


@dataclass(frozen=True, slots=True)
class DomainOwner:
    """The owner chosen for one registered domain, with why."""

    registered_domain: str
    status: str
    """``linked``, ``unknown`` (no candidate strong enough), ``platform`` (a user site on a hosting platform, or
    only the platform is named) or ``person`` (``resolver.owners.demote_persons``)."""
    name: str | None
    """The best surface form of the owner's name (legal name preferred), None when unknown."""
    key: str | None
    legal_form: str | None
    confidence: float
    fit: float
    """How well the name fits the domain, in [0, 1]."""
    aliases: tuple[str, ...] = ()
    """Other surface forms in the winning group."""
    evidence: tuple[Evidence, ...] = ()
    runner_up: str | None = None
    runner_up_score: float = 0.0
    signal_kinds: tuple[str, ...] = field(default_factory=tuple)
    site_name: str | None = None
    """The domain's own brand or site name (og:site_name, title brand, ...), beside the owner's canonical name."""
    platform: str | None = None
    """For a user site on a hosting platform (``alice.github.io``): the platform's domain, which owns the
    registered domain while the site is the publication's (``site_name``)."""
    contributions: tuple[tuple[str, float], ...] = ()
    """The learned scorer's largest feature contributions to the chosen group's score (``orgmap explain``)."""


@dataclass
class CandidateGroup:
    """Candidate names of one domain that name the same organization (:func:`group_candidates`)."""

    keys: set[str]
    """The name keys of the group."""
    names: list[NameKey]
    """Each candidate's normalized name, in the order of ``cands``."""
    cands: list[OrgCandidate]
    _surface: str | None = field(default=None, repr=False, compare=False)

    @property
    def surface(self) -> str:
        """The name to show (:func:`best_surface`), computed once: scorers and features all ask for it."""
        if self._surface is None:
            self._surface = best_surface(self.names, self.cands)
        return self._surface


_LEADING_JUNK = re.compile(r"^(?:copyright|\(c\)|\d{4}(?:\s*[-–]\s*\d{2,4})?|[^\w])+\s*", re.IGNORECASE | re.UNICODE)
_MARKS = re.compile(r"(?<=[a-z])(?:SM|TM)$|[™®℠©]")


_DOING_BUSINESS_AS = re.compile(
    r"^(?P<holder>.*?\S)[\s,]+(?:d\s?/\s?b\s?/\s?a|d\.\s?b\.\s?a\.?|dba|doing business as|trading as|t/a)[\s:]+"
    r"(?P<trade>\S.*)$",
    re.IGNORECASE,
)


def trade_name(name: str) -> str:
    """The trade name of "Ted Amenta, Independent Broker D.B.A. Amenta Real Estate" (what the site is).

    The holder before "d/b/a", "doing business as" or "trading as" is a person or a legal shell; the name
    after it is the one the site, its title and its footer use.
    """
    m = _DOING_BUSINESS_AS.match(name)
    if not m or m.group("holder").lower() in ("the", "a", "an") or len(m.group("trade").strip()) < 2:
        return name
    return m.group("trade").strip()


def clean_candidate(name: str) -> str:
    """Strip what pages glue onto names: mojibake ©, years, "Copyright", ™/® marks, repeated halves, d/b/a.

    Entities are decoded once more: CMSs escape twice ("Spider&amp;#039;s Web" reads "Spider&#039;s Web").
    A repeated half is dropped only from two words on ("Acme GmbH Acme GmbH"): "Boing Boing" is a name.
    """
    if "&" in name and ";" in name:
        name = html.unescape(name)
    name = _MARKS.sub("", _LEADING_JUNK.sub("", " ".join(name.split()))).strip(" -|,.;:&\"“”„'")
    name = trade_name(name).strip(" -|,.;:&")
    words = name.split()
    half = len(words) // 2
    if half >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:
        name = " ".join(words[:half])
    return name


_TAGLINE_SEP = re.compile(r"\s+[-–—|]\s+|:\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def trim_tagline(name: str, registered_domain: str) -> str:
    """Cut the tagline after a domain-named brand ("MotoClassifieds.US Free Automotive Advertising").

    A name that starts with the site's own domain and goes on is the domain-named brand plus a tagline;
    so is a name whose first segment spells the domain's label ("Herz und Blut - Interior | Design" on
    herzundblut.com). The tagline differs between title, footer and JSON-LD and would split one owner
    into several candidates.
    """
    words = name.split()
    if len(words) < 2:
        return name
    first = words[0].rstrip(":,;|-–")
    if first.lower().removeprefix("www.") == registered_domain:
        return first
    head = _TAGLINE_SEP.split(name, maxsplit=1)[0].strip()
    if head != name.strip() and len(head) >= 3:
        spelled = _NOT_ALNUM.sub("", fold(head).lower().removeprefix("www."))
        if spelled in (domain_label(registered_domain).replace("-", ""), _NOT_ALNUM.sub("", registered_domain)):
            return head
    return name


def is_subsite_address(name: str, registered_domain: str) -> bool:
    """True for a host of the domain other than ``www`` ("zebra.imprint-e.com" on imprint-e.com).

    Pages name a sub-site by its address (title, microdata ``Store``); that is where the site lives, not
    who owns it. The bare domain ("Homedecorhut.com") stays a candidate: shops use it as their brand.
    """
    host = name.strip().lower().rstrip(".")
    if not host.endswith("." + registered_domain) or " " in host:
        return False
    return host[: -len(registered_domain) - 1] not in ("www", "")


def _camel_cased(name: str) -> bool:
    """True for a domain written as a brand, with capitals inside its label ("MinorityJobs.net")."""
    label = name.strip().removeprefix("www.").split(".")[0]
    return any(c.isupper() for c in label[1:])


def _noisy_or(values: Iterable[float]) -> float:
    p = 1.0
    for v in values:
        p *= 1.0 - max(0.0, min(1.0, v))
    return 1.0 - p


def _fit_factor(kind: str, fit: float) -> float:
    if kind in LEGAL_KINDS:
        return 0.85 + 0.15 * fit
    if kind in SEMI_LEGAL_KINDS:
        return 0.6 + 0.4 * fit
    if kind in WEAK_KINDS:
        return 0.25 + 0.75 * fit
    return 0.5 + 0.5 * fit


def best_surface(names: Sequence[NameKey], cands: Sequence[OrgCandidate]) -> str:
    """The name to show: a legal name (legal signal or legal form) first, then the best-supported form."""
    score: dict[str, float] = defaultdict(float)
    legal: dict[str, int] = defaultdict(int)
    for nk, c in zip(names, cands, strict=True):
        name = nk.original.strip()
        score[name] += c.weight
        legal[name] = max(legal[name], (c.signal in LEGAL_KINDS) + (nk.legal_form is not None))
    return max(sorted(score), key=lambda n: (legal[n], score[n]))


def group_candidates(
    candidates: Sequence[OrgCandidate],
    normalize: Callable[[str], NameKey],
    params: LinkingParams,
    is_acronym: Callable[[NameKey, NameKey], bool] | None = None,
) -> list[CandidateGroup]:
    """Group one domain's candidates by the organization they name (key, acronym, near-identical key)."""
    by_key: dict[str, CandidateGroup] = {}
    for c in candidates:
        nk = normalize(c.name)
        if not nk.key:
            continue
        g = by_key.get(nk.key)
        if g is None:
            g = by_key[nk.key] = CandidateGroup({nk.key}, [], [])
        g.names.append(nk)
        g.cands.append(c)
    groups = sorted(by_key.values(), key=lambda g: -len(g.cands))
    merged: list[CandidateGroup] = []
    for g in groups:
        gkey = next(iter(g.keys))
        gacr = g.names[0].acronym
        target = None
        for m in merged:
            for mk in m.keys:
                macr = m.names[0].acronym
                compact_equal = gkey.replace(" ", "") == mk.replace(" ", "")
                acronym_of = (
                    (gacr and len(gacr) >= 2 and gacr == mk.replace(" ", ""))
                    or (macr and len(macr) >= 2 and macr == gkey.replace(" ", ""))
                    or (
                        is_acronym is not None
                        and (is_acronym(g.names[0], m.names[0]) or is_acronym(m.names[0], g.names[0]))
                    )
                )
                if compact_equal or acronym_of or fuzz.ratio(gkey, mk) >= params.group_ratio:
                    target = m
                    break
            if target:
                break
        if target is None:
            merged.append(g)
        else:
            target.keys |= g.keys
            target.names.extend(g.names)
            target.cands.extend(g.cands)
    return _merge_same_node(merged)


SAME_NODE_KINDS = ("jsonld_legal_name", "jsonld_name", "jsonld_alternate_name")
"""JSON-LD properties of one Organization node: a page with exactly one value of each names one entity."""


def _merge_same_node(groups: list[CandidateGroup]) -> list[CandidateGroup]:
    """Merge groups that one JSON-LD node names together (brand ``name`` + ``legalName``).

    Only pages whose JSON-LD carries a single value per property are trusted: a page describing two
    organizations (publisher and subject) must not fuse them.
    """
    per_page: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for gi, g in enumerate(groups):
        for c in g.cands:
            if c.signal in SAME_NODE_KINDS:
                per_page[c.page_id][c.signal].add(gi)
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for kinds in per_page.values():
        if any(len(ids) > 1 for ids in kinds.values()):
            continue
        ids = sorted({next(iter(v)) for v in kinds.values()})
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
    if all(parent[i] == i for i in range(len(groups))):
        return groups
    out: dict[int, CandidateGroup] = {}
    for gi, g in enumerate(groups):
        root = find(gi)
        if root not in out:
            out[root] = CandidateGroup(set(g.keys), list(g.names), list(g.cands))
        else:
            out[root].keys |= g.keys
            out[root].names.extend(g.names)
            out[root].cands.extend(g.cands)
    return list(out.values())


def spread_bucket(n_domains: int) -> int:
    """How many domains a name occurs on, exact below 8, else rounded down to a power of two.

    The decoy discount grows with the log of the spread, so the rounding moves it little; in exchange a
    name's spread changes its bucket rarely, and a new batch does not re-score every domain that shows
    "PayPal" or "WordPress" (resolve's owner cache is keyed by the buckets).
    """
    return n_domains if n_domains < 8 else 1 << (n_domains.bit_length() - 1)


def name_candidates(registered_domain: str, candidates: Sequence[OrgCandidate]) -> list[OrgCandidate]:
    """The candidates that name an owner, cleaned as :func:`score_domain` scores them.

    Exposed so a caller can tell which name keys scoring will look up (``name_domain_freq``), e.g. to
    fingerprint a domain's inputs and reuse an earlier score.
    """
    out = []
    for c in candidates:
        if c.signal in NON_NAME_KINDS:
            continue
        cleaned = trim_tagline(clean_candidate(c.name), registered_domain)
        if cleaned and not is_subsite_address(cleaned, registered_domain):
            out.append(
                c
                if cleaned == c.name
                else OrgCandidate(c.registered_domain, c.page_id, cleaned, c.signal, c.weight, c.context, c.scope)
            )
    return out


@dataclass(frozen=True, slots=True)
class ScoredGroup:
    """One candidate group of a domain with its noisy-OR score (the baseline scorer's view of it)."""

    score: float
    """Noisy-OR over the group's signal kinds, scaled by fit, discounted as a decoy (in [0, 1])."""
    fit: float
    """How well the group's best name fits the domain, in [0, 1]."""
    group: CandidateGroup
    spread: int
    """On how many domains the group's most widespread key is a candidate (bucketed: :func:`spread_bucket`)."""
    holds_domain: bool = False
    """The domain's own name belongs to the group: a name of it spells the domain, or it is that name alone."""
    kind_pages: Mapping[str, set[str]] = field(default_factory=dict)
    """Signal kind → the pages on which it names the group."""
    kind_weight: Mapping[str, float] = field(default_factory=dict)
    """Signal kind → its highest weight in the group."""
    scopes: Mapping[str, int] = field(default_factory=dict)
    """Candidates per scope (``OrgCandidate.scope``: site, host, section, page)."""


@dataclass(frozen=True, slots=True)
class DomainGroups:
    """A domain's candidate groups, best noisy-OR score first."""

    registered_domain: str
    groups: tuple[ScoredGroup, ...]
    platform_only: bool = False
    """Every group named the hosting platform (those groups are left out)."""
    site_name: str | None = None
    """The domain's own brand/site name (:func:`site_name_of`), whatever group owns the domain."""


def score_groups(
    registered_domain: str,
    candidates: Sequence[OrgCandidate],
    *,
    n_pages: int,
    normalize: Callable[[str], NameKey],
    fits: Callable[[NameKey, str], float],
    name_domain_freq: Mapping[str, int] | None = None,
    platform: str | None = None,
    params: LinkingParams | None = None,
    is_acronym: Callable[[NameKey, NameKey], bool] | None = None,
    domain_name: bool = False,
) -> DomainGroups:
    """Group ``registered_domain``'s candidate names and score each group by noisy-OR (see the module doc).

    ``n_pages``: pages with content on the domain (for coverage). ``name_domain_freq``: for each name key,
    on how many registered domains it is a candidate (decoy detection). ``platform``: for private-suffix
    sites, the platform's domain (``github.io``): names fitting it are not the site's owner.
    ``domain_name``: where the pages name anything at all but no group spells the domain, add the domain
    itself as a group of its own (:func:`domain_name_candidate`, score 0), for a scorer that learned when a
    site is known by its address. A domain without pages (one that only redirects) gets none: it inherits
    its target's owner (``resolver.owners.apply_redirects``).
    """
    params = params or LinkingParams()
    freq = name_domain_freq or {}
    cands = name_candidates(registered_domain, candidates)
    groups = group_candidates(cands, normalize, params, is_acronym)
    scored: list[ScoredGroup] = []
    platform_only = False
    for g in groups:
        fit = max(fits(nk, registered_domain) for nk in g.names[:20])
        if platform and max(fits(nk, platform) for nk in g.names[:20]) >= 0.8 and fit < 0.8:
            platform_only = True
            continue
        per_kind_pages: dict[str, set[str]] = defaultdict(set)
        per_kind_weight: dict[str, float] = defaultdict(float)
        scopes: dict[str, int] = defaultdict(int)
        for c in g.cands:
            per_kind_pages[c.signal].add(c.page_id)
            per_kind_weight[c.signal] = max(per_kind_weight[c.signal], c.weight)
            scopes[c.scope] += 1
        contributions = []
        for kind, pages in per_kind_pages.items():
            coverage = min(1.0, len(pages) / max(1, n_pages))
            repeat = 1.0 - 0.5 ** len(pages)  # 1 page: .5, 2: .75, 3: .875
            strength = per_kind_weight[kind] * (0.55 + 0.25 * repeat + 0.2 * coverage)
            contributions.append(strength * _fit_factor(kind, fit))
        if fit >= params.fit_evidence_min and not is_self_named(g, registered_domain):
            # A name spelling the domain is evidence, unless the "name" is the domain itself as a parking page
            # prints it; written as a brand ("MinorityJobs.net") it is the site's name.
            contributions.append(params.fit_evidence * fit)
        score = _noisy_or(contributions)
        n_domains = max(spread_bucket(freq.get(k, 1)) for k in g.keys)
        strong = any(k in LEGAL_KINDS for k in per_kind_pages)
        if n_domains >= params.decoy_min_domains and fit < 0.5 and not strong:
            score /= 1.0 + math.log(n_domains / (params.decoy_min_domains - 1))
        scored.append(ScoredGroup(score, fit, g, n_domains, fit >= 0.999, per_kind_pages, per_kind_weight, scopes))
    if domain_name and scored and not any(sg.holds_domain for sg in scored):
        own = domain_name_candidate(registered_domain)
        label = domain_label(registered_domain)  # as normalize keys "pocketpc.ch", without its cost
        group = CandidateGroup({label}, [NameKey(own.name, label, None, None, (label,))], [own])
        scored.append(ScoredGroup(0.0, 1.0, group, 1, holds_domain=True))
    scored.sort(key=lambda t: (-t.score, -len(t.group.cands), min(t.group.keys)))
    return DomainGroups(registered_domain, tuple(scored), platform_only, site_name_of(cands))


DOMAIN_NAME = "domain_name"
"""The kind of :func:`domain_name_candidate`: no page signal, the domain itself."""


def domain_name_candidate(registered_domain: str) -> OrgCandidate:
    """The domain as a name of its own ("pocketpc.ch"): many sites are known by their address.

    The group of a page name that spells it ("PocketPC.ch", "Pocket PC") holds it already; else it stands
    alone, the owner when nothing better names the site (as trafilatura's sitename falls back to the domain).
    """
    name = registered_domain
    if "xn--" in name:
        try:
            name = name.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    return OrgCandidate(registered_domain, "", name, DOMAIN_NAME, 0.0, "the domain's own name")


def is_self_named(group: CandidateGroup, registered_domain: str) -> bool:
    """True when every name of the group is the domain itself, written as an address ("acme.com", not "AcMe.com")."""
    return all(
        c.signal == DOMAIN_NAME
        or (nk.original.strip().lower().removeprefix("www.") == registered_domain and not _camel_cased(nk.original))
        for nk, c in zip(group.names, group.cands, strict=True)
    )


SITE_NAME_KINDS = ("og_site_name", "application_name", "jsonld_name", "title_brand")
"""Signals that give a site's own name, in the order a reader trusts them (as trafilatura's sitename does)."""


def site_name_of(candidates: Sequence[OrgCandidate]) -> str | None:
    """The domain's own brand or site name: the most common value of the first :data:`SITE_NAME_KINDS` present.

    It may differ from the owner's canonical name (a newspaper's brand and its publisher's legal name);
    ``domain_org.site_name`` records it beside the owner. Candidates must be cleaned (:func:`name_candidates`).
    """
    for kind in SITE_NAME_KINDS:
        pages: dict[str, set[str]] = defaultdict(set)
        for c in candidates:
            if c.signal == kind:
                pages[c.name.strip()].add(c.page_id)
        if pages:
            return max(sorted(pages), key=lambda n: len(pages[n]))
    return None


def describe_owner(
    found: DomainGroups,
    chosen: ScoredGroup | None,
    runner: ScoredGroup | None,
    *,
    confidence: float,
    linked: bool,
    normalize: Callable[[str], NameKey],
    params: LinkingParams,
    runner_score: float | None = None,
    contributions: tuple[tuple[str, float], ...] = (),
) -> DomainOwner:
    """The :class:`DomainOwner` of a domain whose owner is the group ``chosen`` (None: no candidate).

    The name, aliases, legal form and evidence come from the group; ``confidence`` and ``linked`` from the
    scorer that chose it (noisy-OR here, ``resolver.owner_model`` for the learned model).
    """
    dom = found.registered_domain
    if chosen is None:
        status = "platform" if found.platform_only else "unknown"
        return DomainOwner(dom, status, None, None, None, 0.0, 0.0, site_name=found.site_name)
    best = chosen.group
    name = best.surface
    nk = normalize(name)
    legal_forms = [n.legal_form for n in best.names if n.legal_form]
    legal_form = max(set(legal_forms), key=legal_forms.count) if legal_forms else None
    by_item: dict[tuple[str, str], list[OrgCandidate]] = defaultdict(list)
    for c in best.cands:
        by_item[(c.signal, c.name)].append(c)
    evidence = sorted(
        (
            Evidence(sig, nm, first.page_id, first.weight, first.context[:200], len({c.page_id for c in items}))
            for (sig, nm), items in by_item.items()
            for first in [min(items, key=lambda c: (-c.weight, c.page_id))]
        ),
        key=lambda e: (-e.weight, -e.n_pages, e.signal, e.name),
    )[: params.max_evidence]
    aliases = tuple(sorted({n.original.strip() for n in best.names} - {name}))
    return DomainOwner(
        registered_domain=dom,
        status="linked" if linked else "unknown",
        name=name,
        key=nk.key,
        legal_form=legal_form,
        confidence=round(confidence, 4),
        fit=round(chosen.fit, 4),
        aliases=aliases,
        evidence=tuple(evidence),
        runner_up=runner.group.surface if runner else None,
        runner_up_score=round(runner.score if runner_score is None else runner_score, 4) if runner else 0.0,
        signal_kinds=tuple(sorted({c.signal for c in best.cands})),
        site_name=found.site_name or name,
        contributions=contributions,
    )


def score_domain(
    registered_domain: str,
    candidates: Sequence[OrgCandidate],
    *,
    n_pages: int,
    normalize: Callable[[str], NameKey],
    fits: Callable[[NameKey, str], float],
    name_domain_freq: Mapping[str, int] | None = None,
    platform: str | None = None,
    params: LinkingParams | None = None,
    is_acronym: Callable[[NameKey, NameKey], bool] | None = None,
) -> DomainOwner:
    """Choose the owner of ``registered_domain`` by noisy-OR (the baseline scorer; arguments: :func:`score_groups`).

    The best group wins; its confidence is its score shrunk by a close runner-up; below
    ``params.min_confidence`` the owner is ``unknown``.
    """
    params = params or LinkingParams()
    found = score_groups(
        registered_domain,
        candidates,
        n_pages=n_pages,
        normalize=normalize,
        fits=fits,
        name_domain_freq=name_domain_freq,
        platform=platform,
        params=params,
        is_acronym=is_acronym,
    )
    return noisy_or_owner(found, normalize, params)


def noisy_or_owner(found: DomainGroups, normalize: Callable[[str], NameKey], params: LinkingParams) -> DomainOwner:
    """The owner the noisy-OR scorer gives the scored groups ``found`` (see :func:`score_domain`)."""
    if not found.groups:
        return describe_owner(found, None, None, confidence=0.0, linked=False, normalize=normalize, params=params)
    best = found.groups[0]
    runner = found.groups[1] if len(found.groups) > 1 else None
    runner_score = runner.score if runner else 0.0
    confidence = best.score * math.sqrt(best.score / (best.score + runner_score)) if best.score > 0 else 0.0
    return describe_owner(
        found,
        best,
        runner,
        confidence=confidence,
        linked=confidence >= params.min_confidence,
        normalize=normalize,
        params=params,
    )
