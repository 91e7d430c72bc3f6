"""The resolve stage: the owner of every domain and the organizations across domains.

Reads the candidates and facts the signals and NER stages stored, calls the resolver (``resolver.owners``,
``resolver.reference_linking``, ``resolver.orgs``), and writes ``domain_org``, ``orgs``, ``org_edges``,
``_org_keys`` and ``org_relations`` in one transaction. Owners are cached under a fingerprint of what their
scoring read, so a new batch re-scores only the domains it changed; a re-run over the same data gives the
same rows.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from orgmap.config import Settings
from orgmap.owner_inputs import load_candidates, load_facts, load_pages, scorer_of
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store import schemas
from orgmap.store.database import Store
from resolver.label_confidence import load_label_model
from resolver.linking import DomainOwner
from resolver.orgs import VerifiedPair, build_orgs, cluster_owners, domain_scopes, org_relations, pair_links
from resolver.owners import (
    VerifiedOwner,
    apply_redirects,
    apply_verified,
    demote_persons,
    score_owners,
    why_status,
)
from resolver.reference import read_reference
from resolver.reference_linking import LabelMatcher, link_to_reference, reference_fingerprint, refs_from_table
from resolver.same_site import STRONG_KINDS, hard_links, own_keys
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "resolve.sql")


@dataclass(frozen=True)
class ResolveSummary:
    """What one resolve run did."""

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
    scorer: str = ""
    """``model`` or ``noisy_or`` (``settings.resolve.scorer``)."""
    threshold: float = 0.0
    """The confidence below which an owner is unknown (the model's: from ``min_precision``)."""
    verified_owners: int = 0
    """Domains whose owner a person verified (applied over the scorer's)."""
    verified_pairs: int = 0


def load_verified(store: Store) -> tuple[dict[str, VerifiedOwner], list[VerifiedPair]]:
    """The owners and pair decisions people verified (``orgmap review pull``/``import``)."""
    owners = {r[0]: VerifiedOwner(*r) for r in store.con.execute(Q["verified_owners"]).fetchall()}
    return owners, [VerifiedPair(*r) for r in store.con.execute(Q["verified_pairs"]).fetchall()]


_CACHE_DELETE = {"_owner_cache": Q["delete_owner_cache_of"], "_label_cache": Q["delete_label_cache_of"]}
"""The query removing a cache's rows of some registered domains, by cache table."""


def _store_cache(store: Store, table: str, rows: Mapping[str, Mapping[str, str]]) -> None:
    """Replace the cache rows of these registered domains (``_owner_cache``, ``_label_cache``)."""
    if not rows:
        return
    doms = sorted(rows)
    columns = {"registered_domain": doms, **{c: [rows[d][c] for d in doms] for c in rows[doms[0]]}}
    store.replace(table, schemas.rows(table, columns), _CACHE_DELETE[table], [doms])


def _domain_org_table(
    owners: Sequence[DomainOwner],
    domain_to_org: Mapping[str, str],
    canonical: Mapping[str, str],
    run_id: int | None,
    n_pages: Mapping[str, int],
    urls: Mapping[str, str],
    why: Callable[[DomainOwner], str],
    scorer: str,
) -> pa.Table:
    rows: dict[str, list[Any]] = defaultdict(list)
    for o in owners:
        org_id = domain_to_org.get(o.registered_domain) if o.status == "linked" else None
        rows["registered_domain"].append(o.registered_domain)
        rows["org_id"].append(org_id)
        rows["org_name"].append(canonical.get(org_id, o.name) if org_id else None)
        rows["confidence"].append(float(o.confidence))
        rows["status"].append(o.status if org_id or o.status != "linked" else "unknown")
        rows["evidence"].append(
            json.dumps(
                {
                    "name": o.name,
                    "fit": o.fit,
                    "why": why(o),
                    "scorer": scorer,
                    "contributions": dict(o.contributions),
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
        rows["site_name"].append(o.site_name)
        rows["platform"].append(o.platform)
    return schemas.rows("domain_org", rows)


def resolve(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> ResolveSummary:
    """Link every domain to its owner, cluster owners into orgs, and write the results."""
    t0 = time.perf_counter()
    rs = settings.resolve
    task = progress.task("owners", total=4, unit="steps")
    refs, ref_skipped = [], 0
    if rs.orgs_file:
        listed = read_reference(rs.orgs_file)
        refs, ref_skipped = refs_from_table(listed.table), sum(listed.skipped.values())
    cache = {d: (fp, o) for d, fp, o in store.con.execute(Q["owner_cache"]).fetchall()}
    scorer = scorer_of(settings)
    pages = load_pages(store) if scorer.kind == "model" else {}
    scored = score_owners(load_candidates(store), load_facts(store), rs.linking, cache, scorer=scorer, pages=pages)
    task.advance()
    verified, pairs = load_verified(store)
    redirects = store.con.execute(Q["cross_domain_redirects"]).fetchall()
    link_signals = store.con.execute(Q["hard_link_signals"]).fetchall()
    owners, via_redirect = apply_redirects(apply_verified(scored.owners, verified), redirects)
    organization_sites = frozenset(r[0] for r in store.con.execute(Q["organization_pages"]).fetchall())
    owners, person_named_orgs = demote_persons(owners, organization_sites)
    ref_links: dict[str, str] = {}
    matcher = None
    if refs:
        ref_fp = reference_fingerprint(refs)
        matcher = LabelMatcher(refs, dict(store.con.execute(Q["label_cache"], [ref_fp]).fetchall()))
        label_model = load_label_model()
        owners, ref_links = link_to_reference(
            owners,
            refs,
            min_label_score=rs.reference_min_score,
            name_threshold=rs.match_threshold,
            match_label=matcher,
            label_model=label_model,
            min_label_confidence=label_model.threshold_for(rs.min_precision),
        )
    owners = apply_verified(owners, verified)  # no rule across domains changes a person's answer
    must_link, cannot_link = pair_links(pairs)
    task.advance()
    scopes = domain_scopes(
        store.con.execute(Q["domain_languages"]).fetchall(),
        store.con.execute(Q["own_names"], [sorted(STRONG_KINDS)]).fetchall(),
    )
    clusters = cluster_owners(
        owners,
        hard_links(redirects, link_signals, own_keys(owners)),
        rs.match_threshold,
        scopes=scopes,
        ref_links=ref_links,
        must_link=must_link,
        cannot_link=cannot_link,
    )
    existing = {(k, c): o for k, c, o in store.con.execute(Q["org_keys"]).fetchall()}
    previous = dict(store.con.execute(Q["previous_org_ids"]).fetchall())
    seen = {d: (first, last) for d, first, last in store.con.execute(Q["domain_dates"]).fetchall()}
    built = build_orgs(
        owners,
        clusters,
        existing=existing,
        previous=previous,
        seen=seen,
        run_id=run.run_id,
        refs={r.ref_id: r for r in refs},
    )
    orgs, new_keys, domain_to_org = built.orgs, built.keys, built.domain_to_org
    task.advance()
    canonical: dict[str, str] = {}
    key_to_org: dict[str, str] = {}
    if orgs.num_rows:
        ids = orgs.column("org_id").to_pylist()
        canonical = dict(zip(ids, orgs.column("canonical_name").to_pylist(), strict=True))
        for org_id, key in zip(ids, orgs.column("name_key").to_pylist(), strict=True):
            key_to_org.setdefault(key, org_id)
    n_pages = dict(store.con.execute(Q["domain_pages"]).fetchall())
    evidence_pages = sorted({e.page_id for o in owners for e in o.evidence if e.page_id})
    urls = dict(store.con.execute(Q["page_urls"], [evidence_pages]).fetchall())
    domain_org = _domain_org_table(
        owners,
        domain_to_org,
        canonical,
        run.run_id,
        n_pages,
        urls,
        lambda o: why_status(o, scorer.threshold, o.registered_domain in person_named_orgs),
        scorer.kind,
    )
    relations = org_relations(link_signals, domain_to_org, key_to_org, pairs)
    with store.transaction():
        store.replace("orgs", schemas.rows("orgs", orgs), Q["delete_orgs"])
        store.replace("org_edges", schemas.rows("org_edges", built.edges), Q["delete_org_edges"])
        store.insert_new("_org_keys", schemas.rows("_org_keys", new_keys), ["name_key", "country"])
        store.replace("domain_org", domain_org, Q["delete_domain_org"])
        _store_cache(store, "_owner_cache", {d: {"fingerprint": fp, "owner": o} for d, (fp, o) in scored.fresh.items()})
        if matcher is not None and matcher.fresh:
            store.con.execute(Q["label_cache_other_lists"], [ref_fp]).fetchall()  # a new list replaces the cache
            fresh = {d: {"reference": ref_fp, "match": m} for d, m in matcher.fresh.items()}
            _store_cache(store, "_label_cache", fresh)
        store.con.execute(Q["delete_relations"]).fetchall()
        store.append("org_relations", schemas.rows("org_relations", relations))
    task.advance()
    task.close()
    statuses = Counter(domain_org.column("status").to_pylist())
    return ResolveSummary(
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
        scorer=scorer.kind,
        threshold=scorer.threshold,
        verified_owners=len(verified),
        verified_pairs=len(pairs),
    )
