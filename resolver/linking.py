"""Who owns a domain: score the candidate names every page of a registered domain offers.

A domain's pages offer names through signals of different reliability (JSON-LD ``legalName`` and the
entity on an Impressum are nearly always the owner; a ``<title>`` or an NER hit often is not). For each
registered domain we

1. normalize every candidate name (``resolver.names``) and group the candidates that name the same
   organization (same key, or one is the other's acronym, or near-identical keys);
2. score each group by noisy-OR over its signal kinds: each kind contributes its prior weight, raised by
   how many of the domain's pages carry it and scaled by how well the name fits the domain
   (``acme-widgets.co.uk`` ~ "Acme Widgets Ltd"; ``bbc.co.uk`` ~ "British Broadcasting Corporation").
   Legal signals barely depend on fit (brand domains rarely look like the legal name); weak signals
   (title, NER) depend on it strongly;
3. discount names that appear on many unrelated domains without fitting them (platforms, payment
   providers, "Powered by WordPress"), and on private-suffix sites (``alice.github.io``) drop names that
   fit the platform itself;
4. take the best group; its confidence is its score shrunk by a close runner-up; below the threshold
   the owner is ``unknown``. Every contributing signal is kept as evidence.

Pure functions over plain records: the stage in ``orgmap.stages.resolve`` feeds them from DuckDB.
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
    """``linked``, ``unknown`` (no candidate strong enough) or ``platform`` (only platform names)."""
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


@dataclass
class _Group:
    keys: set[str]
    names: list[NameKey]
    cands: list[OrgCandidate]


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


def _best_surface(names: Sequence[NameKey], cands: Sequence[OrgCandidate]) -> str:
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
) -> list[_Group]:
    """Group one domain's candidates by the organization they name (key, acronym, near-identical key)."""
    by_key: dict[str, _Group] = {}
    for c in candidates:
        nk = normalize(c.name)
        if not nk.key:
            continue
        g = by_key.get(nk.key)
        if g is None:
            g = by_key[nk.key] = _Group({nk.key}, [], [])
        g.names.append(nk)
        g.cands.append(c)
    groups = sorted(by_key.values(), key=lambda g: -len(g.cands))
    merged: list[_Group] = []
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


def _merge_same_node(groups: list[_Group]) -> list[_Group]:
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
    out: dict[int, _Group] = {}
    for gi, g in enumerate(groups):
        root = find(gi)
        if root not in out:
            out[root] = _Group(set(g.keys), list(g.names), list(g.cands))
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
                else OrgCandidate(c.registered_domain, c.page_id, cleaned, c.signal, c.weight, c.context)
            )
    return out


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
    """Choose the owner of ``registered_domain`` from its pages' candidate names.

    ``n_pages``: pages with content on the domain (for coverage). ``name_domain_freq``: for each name key,
    on how many registered domains it is a candidate (decoy detection). ``platform``: for private-suffix
    sites, the platform's domain (``github.io``): names fitting it are not the site's owner.
    """
    params = params or LinkingParams()
    freq = name_domain_freq or {}
    cands = name_candidates(registered_domain, candidates)
    groups = group_candidates(cands, normalize, params, is_acronym)
    scored: list[tuple[float, float, _Group]] = []
    platform_only = False
    for g in groups:
        rep = max(g.names, key=lambda nk: (nk.legal_form is not None, len(nk.key)))
        fit = max(fits(nk, registered_domain) for nk in g.names[:20])
        if platform and max(fits(nk, platform) for nk in g.names[:20]) >= 0.8 and fit < 0.8:
            platform_only = True
            continue
        per_kind_pages: dict[str, set[str]] = defaultdict(set)
        per_kind_weight: dict[str, float] = defaultdict(float)
        for c in g.cands:
            per_kind_pages[c.signal].add(c.page_id)
            per_kind_weight[c.signal] = max(per_kind_weight[c.signal], c.weight)
        contributions = []
        for kind, pages in per_kind_pages.items():
            coverage = min(1.0, len(pages) / max(1, n_pages))
            repeat = 1.0 - 0.5 ** len(pages)  # 1 page: .5, 2: .75, 3: .875
            strength = per_kind_weight[kind] * (0.55 + 0.25 * repeat + 0.2 * coverage)
            contributions.append(strength * _fit_factor(kind, fit))
        self_named = all(
            nk.original.strip().lower().removeprefix("www.") == registered_domain and not _camel_cased(nk.original)
            for nk in g.names
        )
        if fit >= params.fit_evidence_min and not self_named:
            # A name spelling the domain is evidence, unless the "name" is the domain itself as a parking page
            # prints it; written as a brand ("MinorityJobs.net") it is the site's name.
            contributions.append(params.fit_evidence * fit)
        score = _noisy_or(contributions)
        n_domains = max(spread_bucket(freq.get(k, 1)) for k in g.keys)
        strong = any(k in LEGAL_KINDS for k in per_kind_pages)
        if n_domains >= params.decoy_min_domains and fit < 0.5 and not strong:
            score /= 1.0 + math.log(n_domains / (params.decoy_min_domains - 1))
        del rep
        scored.append((score, fit, g))
    if not scored:
        return DomainOwner(registered_domain, "platform" if platform_only else "unknown", None, None, None, 0.0, 0.0)
    scored.sort(key=lambda t: (-t[0], -len(t[2].cands), min(t[2].keys)))
    best_score, best_fit, best = scored[0]
    runner_score, runner = (scored[1][0], scored[1][2]) if len(scored) > 1 else (0.0, None)
    confidence = best_score * math.sqrt(best_score / (best_score + runner_score)) if best_score > 0 else 0.0
    name = _best_surface(best.names, best.cands)
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
    status = "linked" if confidence >= params.min_confidence else "unknown"
    return DomainOwner(
        registered_domain=registered_domain,
        status=status,
        name=name,
        key=nk.key,
        legal_form=legal_form,
        confidence=round(confidence, 4),
        fit=round(best_fit, 4),
        aliases=aliases,
        evidence=tuple(evidence),
        runner_up=_best_surface(runner.names, runner.cands) if runner else None,
        runner_up_score=round(runner_score, 4),
        signal_kinds=tuple(sorted({c.signal for c in best.cands})),
    )
