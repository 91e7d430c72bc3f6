"""Organizations across domains: owners clustered by name and hard evidence, with ids that stay stable.

An org id is a hash of the first name key and country of its cluster; a cluster that holds a key an
earlier run gave an id keeps that id (``_org_keys`` in the store), so a new batch links to known orgs.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from resolver.clustering import cluster_names
from resolver.domains import country_of, registered_domain
from resolver.linking import DomainOwner
from resolver.owners import normalize, site_alias
from resolver.reference_linking import RefOrg


def new_org_id(key: str, country: str | None) -> str:
    """The id of a new org: a hash of its first name key and country."""
    digest = hashlib.sha1(f"{key}|{country or ''}".encode()).hexdigest()[:12]
    return f"org-{digest}"


def cluster_owners(
    owners: Sequence[DomainOwner], hard_links: Iterable[tuple[str, str, str]], threshold: float
) -> dict[str, str]:
    """Cluster the linked domains' owner names into organizations; returns domain → cluster id.

    Uses ``resolver.matching.cluster_names`` (blocking + rapidfuzz + chaining guard + hard evidence).
    """
    linked = [o for o in owners if o.status == "linked" and o.key]
    if not linked:
        return {}
    rows: dict[str, list[Any]] = defaultdict(list)
    for o in linked:
        nk = normalize(o.name or "")
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
    owners: Sequence[DomainOwner],
    clusters: Mapping[str, str],
    *,
    existing: Mapping[tuple[str, str], str],
    seen: Mapping[str, tuple[Any, Any]],
    run_id: int | None,
    refs: Mapping[str, RefOrg] | None = None,
) -> tuple[pa.Table, pa.Table, dict[str, str]]:
    """Turn clusters into org rows with stable ids; returns (orgs, new org keys, domain → org_id).

    ``existing``: (name key, country) → org id of earlier runs (``_org_keys``): a cluster holding a key
    seen before keeps that key's org id, so ids survive new batches. ``seen``: domain → (first, last) seen.
    """
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
            org_id = new_org_id(f"ref|{ref.ref_id}", None)
            country = ref.country or country
        elif prior:
            org_id = sorted(prior.items(), key=lambda t: (-t[1], t[0]))[0][0]
        else:
            org_id = new_org_id(group[0].key or "", country)
        while org_id in used_ids:  # two clusters claimed one id: the later one gets a derived id
            org_id = new_org_id(org_id, cluster_id)
        used_ids.add(org_id)
        surfaces = Counter()
        for o in group:
            surfaces[o.name] += o.confidence + (0.5 if o.legal_form else 0.0)
        canonical = ref.name if ref else sorted(surfaces.items(), key=lambda t: (-t[1], t[0]))[0][0]
        aliases = sorted({a for o in group for a in (o.name or "", *o.aliases, site_alias(o) or "")} - {canonical, ""})
        forms = Counter(o.legal_form for o in group if o.legal_form)
        doms = sorted(o.registered_domain for o in group)
        firsts = [seen[d][0] for d in doms if d in seen and seen[d][0] is not None]
        lasts = [seen[d][1] for d in doms if d in seen and seen[d][1] is not None]
        org_rows["org_id"].append(org_id)
        org_rows["canonical_name"].append(canonical)
        org_rows["name_key"].append(normalize(canonical).key)
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
        parent = org_keys.get(normalize(value).key)
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
