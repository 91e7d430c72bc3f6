"""The resolve stage: NER over ownership text, owner of every domain, organizations across domains.

Reads ``page_features`` / ``page_signals`` / ``domains`` / ``redirects`` (filled by ingest and signals),
writes ``page_signals`` (``ner_org`` / ``phrase_match`` rows), ``domain_org``, ``orgs``, ``_org_keys`` and
``org_relations``. Every write is bulk and idempotent: a re-run over the same data gives the same rows,
and org ids stay stable across runs because name keys remember their org (``_org_keys``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from orgmap.store.database import Store
from resolver import linking
from resolver.domains import registered_domain
from resolver.linking import DomainOwner, LinkingParams
from resolver.names import is_acronym_of, looks_like_org_name, name_fits_domain, normalize_name
from resolver.persons import is_person_name
from resolver.records import NameKey, OrgCandidate
from resolver.same_site import hard_links
from resolver.signals import SIGNAL_WEIGHTS
from resolver.sql import load_queries

if TYPE_CHECKING:
    from resolver.domain_match import DomainMatch

Q = load_queries("orgmap.store.queries", "resolve.sql")

NER_WEIGHT = SIGNAL_WEIGHTS.get("ner_org", 0.4)
"""Prior reliability of a spaCy ORG mention as the owner's name (weak: pages name many orgs)."""
PHRASE_WEIGHT = SIGNAL_WEIGHTS.get("phrase_match", 0.45)
"""Prior reliability of a known-org phrase match (stronger: the name is a real org we know)."""
REDIRECT_DISCOUNT = 0.9
"""A domain that only redirects inherits its target's owner at this fraction of the target's confidence."""

_CC_TO_COUNTRY = {"uk": "GB"}


@dataclass(frozen=True)
class ResolveSummary:
    """What one resolve run did."""

    pages_ner: int
    mentions: int
    domains: int
    linked: int
    unknown: int
    platform: int
    person: int
    via_redirect: int
    orgs: int
    relations: int
    seconds: float
    reference_orgs: int = 0
    """Organizations read from ``--orgs`` (withdrawn and inactive ROR records left out)."""
    reference_skipped: int = 0
    reference_linked: int = 0
    """Domains linked to a reference organization (by listed domain, name or label)."""
    owners_scored: int = 0
    """Domains whose owner was scored in this run: those the batch changed (the rest reuse ``_owner_cache``)."""
    owners_reused: int = 0
    labels_matched: int = 0
    """Domain labels matched against ``--orgs`` in this run (the rest reuse ``_label_cache``)."""


@lru_cache(maxsize=1_000_000)
def _normalize(name: str) -> NameKey:
    return normalize_name(name)


@lru_cache(maxsize=1_000_000)
def _fits(key: NameKey, domain: str) -> float:
    return name_fits_domain(key, domain)


@lru_cache(maxsize=1_000_000)
def _is_acronym(short: NameKey, long: NameKey) -> bool:
    return is_acronym_of(short, long)


def country_of(domain: str) -> str | None:
    """ISO country from a ccTLD (``acme.co.uk`` → GB, ``acme.de`` → DE); None for generic TLDs."""
    last = domain.rsplit(".", 1)[-1].lower()
    if len(last) == 2 and last.isalpha():
        return _CC_TO_COUNTRY.get(last, last.upper())
    return None


# -- NER -----------------------------------------------------------------------------------------
def run_ner(
    store: Store,
    extra_known: Sequence[str] = (),
    *,
    run_id: int,
    model: str = "",
    batch_size: int = 64,
    max_chars: int = 2_000,
    progress: Any = None,
) -> tuple[int, int]:
    """NER over the ownership text of pages not yet processed; returns (pages, mentions)."""
    from resolver.ner import build_matcher, load_nlp, recognize

    todo = store.arrow(Q["pages_needing_ner"])
    if todo.num_rows == 0:
        return 0, 0
    nlp = load_nlp(model)
    known = [r[0] for r in store.con.execute(Q["known_org_names"]).fetchall()] + list(extra_known)
    matcher = build_matcher(nlp, known) if known else None
    domains = dict(zip(todo.column("page_id").to_pylist(), todo.column("registered_domain").to_pylist(), strict=True))
    texts = zip(todo.column("page_id").to_pylist(), todo.column("text").to_pylist(), strict=True)
    sig: dict[str, list[Any]] = defaultdict(list)
    counts: dict[str, list[Any]] = defaultdict(list)
    task = progress.add_task("NER", total=todo.num_rows) if progress else None
    n_mentions = 0
    for page_id, result in recognize(nlp, texts, matcher=matcher, batch_size=batch_size, max_chars=max_chars):
        counts["page_id"].append(page_id)
        counts["n_org"].append(result.n_org)
        counts["n_gpe"].append(result.n_gpe)
        counts["n_money"].append(result.n_money)
        for m in result.orgs:
            if m.source == "ner" and not looks_like_org_name(m.text):
                continue
            sig["page_id"].append(page_id)
            sig["registered_domain"].append(domains[page_id])
            sig["kind"].append("ner_org" if m.source == "ner" else "phrase_match")
            sig["value"].append(m.text)
            sig["weight"].append(NER_WEIGHT if m.source == "ner" else PHRASE_WEIGHT)
            sig["context"].append("")
            sig["run_id"].append(run_id)
            n_mentions += 1
        if task is not None:
            progress.advance(task)
    with store.transaction() as con:
        batch = pa.table(counts)
        con.register("_ner_counts", batch)
        con.execute(
            "delete from page_signals where kind in ('ner_org', 'phrase_match') "
            "and page_id in (select page_id from _ner_counts)"
        ).fetchall()
        con.execute(
            "update page_features f set n_ent_org = c.n_org, n_ent_gpe = c.n_gpe, n_ent_money = c.n_money "
            "from _ner_counts c where f.page_id = c.page_id"
        ).fetchall()
        con.unregister("_ner_counts")
        if sig:
            store.append("page_signals", pa.table(sig))
    return todo.num_rows, n_mentions


# -- owners of domains ---------------------------------------------------------------------------
def load_candidates(store: Store) -> dict[str, list[OrgCandidate]]:
    """All candidate names, grouped by registered domain."""
    table = store.arrow(Q["name_candidates"])
    out: dict[str, list[OrgCandidate]] = defaultdict(list)
    cols = [table.column(c).to_pylist() for c in ("registered_domain", "page_id", "kind", "value", "weight", "context")]
    for dom, page, kind, value, weight, context in zip(*cols, strict=True):
        out[dom].append(OrgCandidate(dom, page, value, kind, float(weight), context))
    return out


def link_domains(store: Store, params: LinkingParams) -> list[DomainOwner]:
    """Choose the owner of every registered domain (pure scoring in ``resolver.linking``)."""
    return _link_domains(store, params, cache={}).owners


@dataclass(frozen=True)
class _Scored:
    """Owners of every domain, and the cache rows of those scored afresh."""

    owners: list[DomainOwner]
    fresh: dict[str, tuple[str, str]]
    """registered domain → (fingerprint, owner JSON), for ``_owner_cache``."""
    reused: int


def _link_domains(store: Store, params: LinkingParams, cache: Mapping[str, tuple[str, str]]) -> _Scored:
    """Owners of every domain; a domain whose fingerprint is in ``cache`` reuses the stored owner.

    The fingerprint covers everything :func:`resolver.linking.score_domain` reads for the domain: its
    candidates in order, page count, platform, the spread over domains of the name keys it looks up, the
    parameters and the resolver's source code. So a reused owner equals a re-scored one, and a new batch
    costs time only for the domains it touched (and those sharing a name whose spread changed).
    """
    candidates = load_candidates(store)
    facts = {r[0]: r[1:] for r in store.con.execute(Q["domain_facts"]).fetchall()}
    freq: Counter[str] = Counter()
    for cands in candidates.values():
        keys = {_normalize(c.name).key for c in cands if c.signal not in linking.NON_NAME_KINDS}
        freq.update(k for k in keys if k)
    owners = []
    fresh: dict[str, tuple[str, str]] = {}
    reused = 0
    for dom in sorted(set(facts) | set(candidates)):
        n_pages, suffix, is_private, _is_ip = facts.get(dom, (1, "", False, False))
        cands = candidates.get(dom, [])
        platform = suffix if is_private else None
        fp = _fingerprint(dom, cands, int(n_pages or 1), platform, freq, params)
        hit = cache.get(dom)
        if hit is not None and hit[0] == fp:
            owners.append(owner_from_json(hit[1]))
            reused += 1
            continue
        owner = linking.score_domain(
            dom,
            cands,
            n_pages=int(n_pages or 1),
            normalize=_normalize,
            fits=_fits,
            name_domain_freq=freq,
            platform=platform,
            params=params,
            is_acronym=_is_acronym,
        )
        owners.append(owner)
        fresh[dom] = (fp, owner_to_json(owner))
    return _Scored(owners, fresh, reused)


@lru_cache(maxsize=1)
def _code_version() -> str:
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


def _fingerprint(
    dom: str,
    cands: Sequence[OrgCandidate],
    n_pages: int,
    platform: str | None,
    freq: Mapping[str, int],
    params: LinkingParams,
) -> str:
    keys = sorted({_normalize(c.name).key for c in linking.name_candidates(dom, cands)} - {""})
    h = hashlib.sha1(repr((_code_version(), params, n_pages, platform)).encode())
    for c in cands:
        h.update(repr((c.page_id, c.name, c.signal, c.weight, c.context)).encode())
    h.update(repr([(k, linking.spread_bucket(freq.get(k, 1))) for k in keys]).encode())
    return h.hexdigest()


def owner_to_json(owner: DomainOwner) -> str:
    """A :class:`DomainOwner` as JSON (exact: floats round-trip), for the owner cache."""
    return json.dumps(dataclasses.asdict(owner), ensure_ascii=False)


def owner_from_json(text: str) -> DomainOwner:
    """The :class:`DomainOwner` that :func:`owner_to_json` wrote."""
    d = json.loads(text)
    d["evidence"] = tuple(linking.Evidence(**e) for e in d["evidence"])
    d["aliases"] = tuple(d["aliases"])
    d["signal_kinds"] = tuple(d["signal_kinds"])
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
        )
        changed += 1
    return [by_dom[d] for d in sorted(by_dom)], changed


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
    Returns the owners and the domains kept as organizations only because of such a page.
    """
    out = list(owners)
    kept: set[str] = set()
    for i, o in enumerate(owners):
        if not (
            o.status == "linked"
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


# -- reference list (--orgs) ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RefOrg:
    """One organization of the user's reference list."""

    ref_id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    org_class: str | None = None


def _reference_orgs(path: str) -> tuple[list[RefOrg], int]:
    """The user's reference list (``--orgs``: CSV, JSON Lines or a ROR dump) and its skipped records.

    Read and validated by ``resolver.reference.read_reference``; skipped are withdrawn or inactive records.
    """
    from resolver.reference import read_reference

    listed = read_reference(path)
    cols = [listed.table.column(c).to_pylist() for c in ("ref_id", "name", "aliases", "domains", "country", "class")]
    refs = [
        RefOrg(i, n, tuple(a or ()), tuple(d or ()), c or None, k or None)
        for i, n, a, d, c, k in zip(*cols, strict=True)
        if n
    ]
    return refs, sum(listed.skipped.values())


REF_DOMAIN_CONFIDENCE = 0.99
"""A domain the reference list names for an org is that org's (the user said so)."""
REF_NAME_CONFIDENCE = 0.9
"""Floor for a page-derived owner whose name equals a reference name or alias."""
REF_LABEL_MIN_SCORE = 0.6
"""Minimum ``resolver.domain_match`` score to link a domain without a page owner by its label alone."""


class LabelMatcher:
    """``resolver.domain_match`` over the reference list, with results reused across runs.

    ``cache``: domain → stored :class:`DomainMatch` JSON (``"null"`` for no match) from ``_label_cache`` rows
    of the same :func:`reference_fingerprint`; misses are matched (the index is built on the first one) and
    collected in ``fresh`` for the caller to store. A label's match depends only on the label, the reference
    list and the code, so a reused match equals a fresh one.
    """

    def __init__(self, refs: Sequence[RefOrg], cache: Mapping[str, str] | None = None) -> None:
        self.refs = refs
        self.cache = cache or {}
        self.fresh: dict[str, str] = {}
        self._index: Any = None

    def __call__(self, domain: str) -> DomainMatch | None:
        """The best reference org for ``domain``'s label, stored or matched now (None: nothing fits)."""
        from resolver.domain_match import DomainMatch, ReferenceIndex

        stored = self.cache.get(domain)
        if stored is not None:
            d = json.loads(stored)
            return None if d is None else DomainMatch(**d)
        if self._index is None:
            self._index = ReferenceIndex.build(
                (r.ref_id, n, r.country) for r in self.refs for n in (r.name, *r.aliases) if n
            )
        match = self._index.match(domain)
        self.fresh[domain] = json.dumps(dataclasses.asdict(match) if match is not None else None)
        return match


def _store_cache(store: Store, table: str, rows: Mapping[str, Mapping[str, str]]) -> None:
    """Replace the cache rows of these registered domains (``_owner_cache``, ``_label_cache``)."""
    if not rows:
        return
    doms = sorted(rows)
    columns = {"registered_domain": doms, **{c: [rows[d][c] for d in doms] for c in rows[doms[0]]}}
    store.replace_where(table, pa.table(columns), "registered_domain in (select unnest(?::varchar[]))", [doms])


def reference_fingerprint(refs: Sequence[RefOrg]) -> str:
    """A hash of the reference list's names, aliases and countries and of the resolver's code."""
    h = hashlib.sha1(_code_version().encode())
    for r in sorted(refs, key=lambda r: r.ref_id):
        h.update(repr((r.ref_id, r.name, r.aliases, r.country)).encode())
    return h.hexdigest()


def link_to_reference(
    owners: Sequence[DomainOwner],
    refs: Sequence[RefOrg],
    *,
    min_label_score: float = REF_LABEL_MIN_SCORE,
    name_threshold: float = 90.0,
    match_label: Callable[[str], DomainMatch | None] | None = None,
) -> tuple[list[DomainOwner], dict[str, str]]:
    """Link domains to reference orgs before new orgs are made; returns (owners, domain → ref_id).

    In order of strength: the reference lists the domain; the page-derived owner's name (or an alias)
    matches a reference name or alias (``resolver.matching.match_reference``: blocking + rapidfuzz, same
    rules as clustering); the domain's label spells a reference name (``resolver.domain_match``) when the
    pages named no owner. ``match_label``: the label matcher (default: a :class:`LabelMatcher` over
    ``refs`` without a cache).
    """
    from resolver.matching import match_reference

    ref_by_id = {r.ref_id: r for r in refs}
    reference = pa.table(
        {
            "ref_id": [r.ref_id for r in refs],
            "name": [r.name for r in refs],
            "aliases": [list(r.aliases) for r in refs],
            "domains": [[d for d in (registered_domain(x) for x in r.domains) if d] for r in refs],
            "country": [r.country for r in refs],
        }
    )
    query: dict[str, list[Any]] = defaultdict(list)
    for o in owners:
        names = (o.name, *o.aliases[:5]) if o.status == "linked" and o.name else (None,)
        for k, name in enumerate(names):
            query["name_id"].append(f"{o.registered_domain}\t{k}")
            query["name"].append(name or "")
            query["domain"].append(o.registered_domain)
            query["country"].append(country_of(o.registered_domain))
    best: dict[str, tuple[float, str, str]] = {}
    if query:
        hits = match_reference(pa.table(query), reference, threshold=name_threshold)
        for name_id, ref_id, score, reason, ref_name in zip(
            *(hits.column(c).to_pylist() for c in ("name_id", "ref_id", "score", "reason", "ref_name")), strict=True
        ):
            dom = name_id.split("\t", 1)[0]
            if score > best.get(dom, (-1.0, "", ""))[0]:
                best[dom] = (float(score), ref_id, f"{reason}: {ref_name!r}")
    match_label = match_label or LabelMatcher(refs)
    out: list[DomainOwner] = []
    links: dict[str, str] = {}
    for o in owners:
        dom = o.registered_domain
        ref, conf, why = None, 0.0, ""
        if dom in best:
            score, ref_id, reason = best[dom]
            ref = ref_by_id[ref_id]
            conf = REF_DOMAIN_CONFIDENCE if score >= 99 else max(o.confidence, REF_NAME_CONFIDENCE * score / 100)
            why = f"reference list match ({reason}, score {score:.0f})"
        elif o.status != "linked":
            match = match_label(dom)
            if match is not None and match.score >= min_label_score:
                ref, conf = ref_by_id[match.ref_id], match.confidence
                why = f"domain label spells {match.name!r} (score {match.score:.2f})"
                if match.runner_up:
                    why += f"; runner-up {match.runner_up!r} ({match.runner_up_score:.2f})"
        if ref is None:
            out.append(o)
            continue
        links[dom] = ref.ref_id
        ev = linking.Evidence("reference", ref.name, "", 1.0, why)
        key = _normalize(ref.name)
        out.append(
            DomainOwner(
                registered_domain=dom,
                status="linked",
                name=ref.name,
                key=key.key,
                legal_form=key.legal_form,
                confidence=round(min(1.0, conf), 4),
                fit=o.fit,
                aliases=tuple(sorted({*(ref.aliases), *((o.name,) if o.name else ()), *o.aliases} - {ref.name})),
                evidence=(ev, *o.evidence),
                runner_up=o.runner_up,
                runner_up_score=o.runner_up_score,
                signal_kinds=("reference", *o.signal_kinds),
            )
        )
    return out, links


# -- organizations across domains ------------------------------------------------------------------
def _org_id(key: str, country: str | None) -> str:
    digest = hashlib.sha1(f"{key}|{country or ''}".encode()).hexdigest()[:12]
    return f"org-{digest}"


def cluster_owners(
    owners: Sequence[DomainOwner], hard_links: Iterable[tuple[str, str, str]], threshold: float
) -> dict[str, str]:
    """Cluster the linked domains' owner names into organizations; returns domain → cluster id.

    Uses ``resolver.matching.cluster_names`` (blocking + rapidfuzz + chaining guard + hard evidence).
    """
    from resolver.matching import cluster_names

    linked = [o for o in owners if o.status == "linked" and o.key]
    if not linked:
        return {}
    rows: dict[str, list[Any]] = defaultdict(list)
    for o in linked:
        nk = _normalize(o.name or "")
        rows["name_id"].append(o.registered_domain)
        rows["name"].append(o.name)
        rows["key"].append(nk.key)
        rows["legal_form"].append(o.legal_form)
        rows["acronym"].append(nk.acronym)
        rows["country"].append(country_of(o.registered_domain))
        rows["weight"].append(o.confidence)
    names = pa.table(rows)
    linked_doms = {o.registered_domain for o in linked}
    hard = [(a, b, why) for a, b, why in hard_links if a in linked_doms and b in linked_doms and a != b]
    hard_tbl = (
        pa.table(
            {
                "name_id_a": [h[0] for h in hard],
                "name_id_b": [h[1] for h in hard],
                "reason": [h[2] for h in hard],
            }
        )
        if hard
        else None
    )
    result = cluster_names(names, hard_tbl, threshold=threshold)
    return dict(zip(result.column("name_id").to_pylist(), result.column("cluster_id").to_pylist(), strict=True))


def build_orgs(
    store: Store,
    owners: Sequence[DomainOwner],
    clusters: Mapping[str, str],
    *,
    run_id: int,
    refs: Mapping[str, RefOrg] | None = None,
) -> tuple[pa.Table, pa.Table, dict[str, str]]:
    """Turn clusters into org rows with stable ids; returns (orgs, new org keys, domain → org_id)."""
    existing = {
        (k, c): o for k, c, o in store.con.execute("select name_key, country, org_id from _org_keys").fetchall()
    }
    seen = {
        r[0]: (r[1], r[2])
        for r in store.con.execute("select registered_domain, first_seen, last_seen from domains").fetchall()
    }
    members: dict[str, list[DomainOwner]] = defaultdict(list)
    for o in owners:
        if o.registered_domain in clusters:
            members[clusters[o.registered_domain]].append(o)
    org_rows: dict[str, list[Any]] = defaultdict(list)
    key_rows: dict[str, list[Any]] = defaultdict(list)
    domain_to_org: dict[str, str] = {}
    used_ids: set[str] = set()
    for cluster_id in sorted(members, key=lambda c: min(o.registered_domain for o in members[c])):
        group = sorted(members[cluster_id], key=lambda o: (-o.confidence, o.registered_domain))
        countries = Counter(c for o in group if (c := country_of(o.registered_domain)))
        country = countries.most_common(1)[0][0] if countries else None
        keyed = [(o.key or "", country_of(o.registered_domain) or "") for o in group]
        prior = Counter(existing[k] for k in keyed if k in existing)
        ref = (refs or {}).get(cluster_id[4:]) if cluster_id.startswith("ref:") else None
        if ref is not None:
            org_id = _org_id(f"ref|{ref.ref_id}", None)
            country = ref.country or country
        elif prior:
            org_id = sorted(prior.items(), key=lambda t: (-t[1], t[0]))[0][0]
        else:
            org_id = _org_id(group[0].key or "", country)
        while org_id in used_ids:  # two clusters claimed one id: the later one gets a derived id
            org_id = _org_id(org_id, cluster_id)
        used_ids.add(org_id)
        surfaces = Counter()
        for o in group:
            surfaces[o.name] += o.confidence + (0.5 if o.legal_form else 0.0)
        canonical = ref.name if ref else sorted(surfaces.items(), key=lambda t: (-t[1], t[0]))[0][0]
        aliases = sorted({a for o in group for a in (o.name or "", *o.aliases)} - {canonical, ""})
        forms = Counter(o.legal_form for o in group if o.legal_form)
        doms = sorted(o.registered_domain for o in group)
        firsts = [seen[d][0] for d in doms if d in seen and seen[d][0] is not None]
        lasts = [seen[d][1] for d in doms if d in seen and seen[d][1] is not None]
        org_rows["org_id"].append(org_id)
        org_rows["canonical_name"].append(canonical)
        org_rows["name_key"].append(_normalize(canonical).key)
        org_rows["legal_form"].append(forms.most_common(1)[0][0] if forms else None)
        org_rows["country"].append(country)
        org_rows["aliases"].append(aliases[:50])
        org_rows["domains"].append(doms)
        org_rows["n_domains"].append(len(doms))
        org_rows["source"].append("reference" if ref else "crawl")
        org_rows["reference_id"].append(ref.ref_id if ref else None)
        org_rows["first_seen"].append(min(firsts) if firsts else None)
        org_rows["last_seen"].append(max(lasts) if lasts else None)
        for k in sorted(set(keyed)) if ref is None else ():
            if k not in existing:
                key_rows["name_key"].append(k[0])
                key_rows["country"].append(k[1])
                key_rows["org_id"].append(org_id)
                key_rows["first_run"].append(run_id)
        for d in doms:
            domain_to_org[d] = org_id
    orgs = pa.table(org_rows) if org_rows else pa.table({"org_id": pa.array([], pa.string())})
    keys = pa.table(key_rows) if key_rows else pa.table({"name_key": pa.array([], pa.string())})
    return orgs, keys, domain_to_org


def org_relations(
    link_signals: Iterable[tuple[str, str, str, str]], domain_to_org: Mapping[str, str], org_keys: Mapping[str, str]
) -> pa.Table:
    """parent_of / subsidiary_of edges from JSON-LD parentOrganization (rows of ``hard_link_signals``)."""
    rows: dict[str, list[Any]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for dom, kind, value, page in link_signals:
        if kind != "jsonld_parent" or dom not in domain_to_org:
            continue
        child = domain_to_org[dom]
        parent = org_keys.get(_normalize(value).key)
        if parent is None:
            parent_dom = registered_domain(value) if "." in value else None
            parent = domain_to_org.get(parent_dom or "")
        if parent is None or parent == child:
            continue
        for a, b, k in ((parent, child, "parent_of"), (child, parent, "subsidiary_of")):
            if (a, b, k) in seen:
                continue
            seen.add((a, b, k))
            rows["org_id"].append(a)
            rows["other_id"].append(b)
            rows["kind"].append(k)
            rows["confidence"].append(0.9)
            rows["evidence"].append(json.dumps([{"signal": "jsonld_parent", "value": value, "page_id": page}]))
    return pa.table(rows) if rows else pa.table({"org_id": pa.array([], pa.string())})


def _domain_org_table(
    owners: Sequence[DomainOwner],
    domain_to_org: Mapping[str, str],
    canonical: Mapping[str, str],
    run_id: int,
    n_pages: Mapping[str, int],
    urls: Mapping[str, str],
    why: Callable[[DomainOwner], str],
) -> pa.Table:
    rows: dict[str, list[Any]] = defaultdict(list)
    for o in owners:
        org_id = domain_to_org.get(o.registered_domain) if o.status == "linked" else None
        rows["registered_domain"].append(o.registered_domain)
        rows["org_id"].append(org_id)
        rows["org_name"].append(canonical.get(org_id, o.name) if org_id else "unknown")
        rows["confidence"].append(float(o.confidence))
        rows["status"].append(o.status if org_id or o.status != "linked" else "unknown")
        rows["evidence"].append(
            json.dumps(
                {
                    "name": o.name,
                    "fit": o.fit,
                    "why": why(o),
                    "signals": list(o.signal_kinds),
                    "items": [
                        {
                            "signal": e.signal,
                            "name": e.name,
                            "page_id": e.page_id,
                            "url": urls.get(e.page_id, ""),
                            "n_pages": e.n_pages,
                            "weight": e.weight,
                            "context": e.context,
                        }
                        for e in o.evidence
                    ],
                },
                ensure_ascii=False,
            )
        )
        rows["runner_up"].append(o.runner_up)
        rows["n_pages"].append(int(n_pages.get(o.registered_domain, 0)))
        rows["updated_run"].append(run_id)
    return pa.table(rows)


def resolve(
    store: Store,
    *,
    run_id: int,
    orgs_file: str = "",
    reference_min_score: float = 0.6,
    model: str = "",
    ner: bool = True,
    min_confidence: float = 0.4,
    match_threshold: float = 90.0,
    ner_batch_size: int = 64,
    ner_max_chars: int = 2_000,
    progress: Any = None,
) -> ResolveSummary:
    """Run NER, link every domain to its owner, cluster owners into orgs, and write the results."""
    t0 = time.perf_counter()
    pages_ner = mentions = 0
    refs, ref_skipped = _reference_orgs(orgs_file) if orgs_file else ([], 0)
    if ner:
        pages_ner, mentions = run_ner(
            store,
            [n for r in refs for n in (r.name, *r.aliases)],
            run_id=run_id,
            model=model,
            batch_size=ner_batch_size,
            max_chars=ner_max_chars,
            progress=progress,
        )
    cache = {d: (fp, o) for d, fp, o in store.con.execute(Q["owner_cache"]).fetchall()}
    scored = _link_domains(store, LinkingParams(min_confidence=min_confidence), cache)
    owners = scored.owners
    redirects = store.con.execute(Q["cross_domain_redirects"]).fetchall()
    link_signals = store.con.execute(Q["hard_link_signals"]).fetchall()
    owners, via_redirect = apply_redirects(owners, redirects)
    organization_sites = frozenset(r[0] for r in store.con.execute(Q["organization_pages"]).fetchall())
    owners, person_named_orgs = demote_persons(owners, organization_sites)
    ref_links: dict[str, str] = {}
    matcher = None
    if refs:
        ref_fp = reference_fingerprint(refs)
        matcher = LabelMatcher(refs, dict(store.con.execute(Q["label_cache"], [ref_fp]).fetchall()))
        owners, ref_links = link_to_reference(
            owners, refs, min_label_score=reference_min_score, name_threshold=match_threshold, match_label=matcher
        )
    clusters = cluster_owners(
        [o for o in owners if o.registered_domain not in ref_links],
        hard_links(redirects, link_signals),
        match_threshold,
    )
    clusters.update({dom: f"ref:{ref_id}" for dom, ref_id in ref_links.items()})
    orgs, new_keys, domain_to_org = build_orgs(store, owners, clusters, run_id=run_id, refs={r.ref_id: r for r in refs})
    canonical = (
        dict(zip(orgs.column("org_id").to_pylist(), orgs.column("canonical_name").to_pylist(), strict=True))
        if orgs.num_rows
        else {}
    )
    key_to_org = {}
    if orgs.num_rows:
        for org_id, key in zip(orgs.column("org_id").to_pylist(), orgs.column("name_key").to_pylist(), strict=True):
            key_to_org.setdefault(key, org_id)
    n_pages = {r[0]: r[1] for r in store.con.execute("select registered_domain, n_pages from domains").fetchall()}
    evidence_pages = sorted({e.page_id for o in owners for e in o.evidence if e.page_id})
    urls = dict(
        store.con.execute(
            "select page_id, url from pages where page_id in (select unnest(?::varchar[]))", [evidence_pages]
        ).fetchall()
    )
    domain_org = _domain_org_table(
        owners,
        domain_to_org,
        canonical,
        run_id,
        n_pages,
        urls,
        lambda o: why_status(o, min_confidence, o.registered_domain in person_named_orgs),
    )
    relations = org_relations(link_signals, domain_to_org, key_to_org)
    with store.transaction():
        store.replace_where("orgs", orgs, "true")
        if "org_id" in new_keys.column_names:
            store.insert_new("_org_keys", new_keys, ["name_key", "country"])
        store.replace_where("domain_org", domain_org, "true")
        _store_cache(store, "_owner_cache", {d: {"fingerprint": fp, "owner": o} for d, (fp, o) in scored.fresh.items()})
        if matcher is not None and matcher.fresh:
            store.con.execute(Q["label_cache_other_lists"], [ref_fp]).fetchall()  # a new list replaces the cache
            fresh = {d: {"reference": ref_fp, "match": m} for d, m in matcher.fresh.items()}
            _store_cache(store, "_label_cache", fresh)
        store.con.execute("delete from org_relations").fetchall()
        if "other_id" in relations.column_names:
            store.append("org_relations", relations)
    statuses = Counter(domain_org.column("status").to_pylist())
    return ResolveSummary(
        pages_ner=pages_ner,
        mentions=mentions,
        domains=domain_org.num_rows,
        linked=statuses.get("linked", 0),
        unknown=statuses.get("unknown", 0),
        platform=statuses.get("platform", 0),
        person=statuses.get("person", 0),
        via_redirect=via_redirect,
        orgs=orgs.num_rows,
        relations=relations.num_rows,
        seconds=round(time.perf_counter() - t0, 2),
        reference_orgs=len(refs),
        reference_skipped=ref_skipped,
        reference_linked=len(ref_links),
        labels_matched=len(matcher.fresh) if matcher is not None else 0,
        owners_scored=len(scored.fresh),
        owners_reused=scored.reused,
    )
