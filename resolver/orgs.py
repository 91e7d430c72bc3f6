"""Organizations across domains: owners clustered by name and hard evidence, explained, with stable ids.

- :func:`cluster_owners`: by name only where it is strong and the domains' countries and languages agree
  (:func:`domain_scopes`), by hard evidence always, by a shared reference org (``resolver.clustering``).
- :func:`build_orgs`: ``orgs`` rows and their merge edges (``org_edges``), the maximum spanning tree of each
  cluster's edges; the org's confidence is that tree's weakest edge.
- Org ids stay stable: a cluster takes the id its domains had in the last run, else the one its name keys
  had (``_org_keys``), else a new one (a hash of its first key and country).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from resolver.clustering import resolve_clusters
from resolver.domains import country_of, registered_domain
from resolver.linking import DomainOwner
from resolver.owners import normalize, site_alias
from resolver.same_site import join_names
from resolver.scoring import jurisdiction

if TYPE_CHECKING:
    from resolver.reference_linking import RefOrg

HARD_CONFIDENCE: dict[str, float] = {
    "redirect": 0.98,
    "hreflang": 0.95,
    "jsonld_url": 0.95,
    "jsonld_same_as": 0.9,
}
"""How sure each kind of hard evidence makes a merge (another kind: 0.9). A redirect of a home page is
near-certain; a JSON-LD ``sameAs`` is written by hand and sometimes names a partner."""

LANGUAGE_SHARE = 0.6
"""A domain has a language when this share of its pages' words is in it (else it is multilingual: any)."""

LANGUAGE_FOLD = {"lb": "de", "gsw": "de", "pcm": "en", "sco": "en", "wuu": "zh", "yue": "zh", "nb": "no", "nn": "no"}
"""Language guesses that are a variety of a bigger language on real pages (py3langid calls some German
pages Luxembourgish): compared as that language."""


@dataclass(frozen=True, slots=True)
class DomainScope:
    """Where a domain belongs, for name matching: names of two domains in disjoint scopes never merge."""

    countries: frozenset[str] | None = None
    """Its country-code TLD's country, else the countries its own legal names' forms all allow ("S.L." → ES),
    else None (any)."""
    lang: str | None = None
    """The language of most of its pages' words, else None (any)."""


@dataclass(frozen=True, slots=True)
class MergeEdge:
    """One reason two domains share an organization."""

    a: str
    b: str
    kind: str
    """``name`` (similar strong names), ``acronym``, ``hard:redirect`` / ``hard:hreflang`` /
    ``hard:jsonld_url`` / ``hard:jsonld_same_as``, or ``reference`` (both linked to one reference org)."""
    score: float
    """The name similarity (0-100; 100 for hard and reference edges)."""
    confidence: float
    """How likely the two domains are one organization's: for names, similarity × the weaker owner's
    confidence; for hard evidence, :data:`HARD_CONFIDENCE`; for a reference, the weaker link's confidence."""
    reason: str


@dataclass(frozen=True)
class OwnerClusters:
    """What :func:`cluster_owners` returns."""

    clusters: dict[str, str]
    """Registered domain → cluster id (``ref:<id>`` for a reference org's cluster)."""
    edges: list[MergeEdge] = field(default_factory=list)
    """Every accepted edge between two domains of one cluster."""


@dataclass(frozen=True)
class Orgs:
    """What :func:`build_orgs` returns."""

    orgs: pa.Table
    """``orgs`` rows (with ``confidence``)."""
    keys: pa.Table
    """New ``_org_keys`` rows."""
    domain_to_org: dict[str, str]
    edges: pa.Table
    """``org_edges`` rows: the edges that hold each org together (its maximum spanning tree)."""


def new_org_id(key: str, country: str | None) -> str:
    """The id of a new org: a hash of its first name key and country."""
    digest = hashlib.sha1(f"{key}|{country or ''}".encode()).hexdigest()[:12]
    return f"org-{digest}"


def domain_scopes(
    languages: Iterable[tuple[str, str | None, float]], own_names: Iterable[tuple[str, str]]
) -> dict[str, DomainScope]:
    """Country and language of every domain, from rows of the ``domain_languages`` and ``own_names`` queries.

    ``languages``: (domain, language, words); ``own_names``: (domain, name) for the names its pages give
    themselves in strong evidence. A generic domain (``.com``) whose own names carry legal forms gets the
    countries all those forms allow: ``elpais.com`` saying "Ediciones EL PAÍS S.L." is Spanish, so its "EL
    PAÍS" is not ``elpais.com.uy``'s. Conflicting forms (a site naming firms of several countries) say nothing.
    """
    words: dict[str, Counter[str]] = defaultdict(Counter)
    for dom, lang, n in languages:
        if lang:
            words[dom][LANGUAGE_FOLD.get(lang, lang)] += max(float(n or 0), 1.0)
    forms: dict[str, set[str]] = defaultdict(set)
    for dom, name in own_names:
        form = normalize(name).legal_form
        if form:
            forms[dom].add(form)
    out: dict[str, DomainScope] = {}
    for dom in sorted(set(words) | set(forms)):
        lang = None
        if words[dom]:
            top, n = sorted(words[dom].items(), key=lambda t: (-t[1], t[0]))[0]
            lang = top if n >= LANGUAGE_SHARE * sum(words[dom].values()) else None
        countries: frozenset[str] | None = None
        if cc := country_of(dom):
            countries = frozenset({cc})
        elif forms[dom]:
            allowed = [j for f in sorted(forms[dom]) if (j := jurisdiction(None, f))]
            common = frozenset.intersection(*allowed) if allowed else frozenset()
            countries = common or None
        out[dom] = DomainScope(countries, lang)
    return out


def cluster_owners(
    owners: Sequence[DomainOwner],
    hard_links: Iterable[tuple[str, str, str]],
    threshold: float,
    *,
    scopes: Mapping[str, DomainScope] | None = None,
    ref_links: Mapping[str, str] | None = None,
) -> OwnerClusters:
    """Cluster the linked domains' owners into organizations (rules in the module docstring).

    ``hard_links``: (domain, domain, why) from ``resolver.same_site.hard_links``. ``scopes``: from
    :func:`domain_scopes` (default: the ccTLD's country, any language). ``ref_links``: domain → reference
    org id; those domains form one cluster per reference org and are not clustered by name.
    """
    refs = dict(ref_links or {})
    linked = [o for o in owners if o.status == "linked" and o.key and o.registered_domain not in refs]
    by_dom = {o.registered_domain: o for o in owners}
    clusters: dict[str, str] = {}
    edges: list[MergeEdge] = []
    if linked:
        rows: dict[str, list[Any]] = defaultdict(list)
        for o in linked:
            nk = normalize(o.name or "")
            scope = (scopes or {}).get(o.registered_domain)
            cc = country_of(o.registered_domain)
            rows["name_id"].append(o.registered_domain)
            rows["name"].append(o.name)
            rows["key"].append(nk.key)
            rows["legal_form"].append(o.legal_form)
            rows["acronym"].append(nk.acronym)
            rows["country"].append(cc)
            rows["countries"].append(sorted(scope.countries) if scope and scope.countries and not cc else None)
            rows["lang"].append(scope.lang if scope else None)
            rows["weight"].append(o.confidence)
            rows["joinable"].append(bool(join_names(o)))
        names = pa.table(rows, schema=_NAMES_SCHEMA)
        linked_doms = {o.registered_domain for o in linked}
        hard = sorted({(a, b, why) for a, b, why in hard_links if a in linked_doms and b in linked_doms and a != b})
        hard_tbl = pa.table(
            {"name_id_a": [h[0] for h in hard], "name_id_b": [h[1] for h in hard], "reason": [h[2] for h in hard]},
            schema=pa.schema([("name_id_a", pa.string()), ("name_id_b", pa.string()), ("reason", pa.string())]),
        )
        result = resolve_clusters(names, hard_tbl, threshold=threshold)
        a = result.assignments
        clusters.update(zip(a.column("name_id").to_pylist(), a.column("cluster_id").to_pylist(), strict=True))
        for x, y, score, reason, kind in zip(
            *(result.links.column(c).to_pylist() for c in ("name_id_a", "name_id_b", "score", "reason", "kind")),
            strict=True,
        ):
            edges.append(_edge(by_dom[x], by_dom[y], kind, score, reason))
    members: dict[str, list[str]] = defaultdict(list)
    for dom, ref_id in sorted(refs.items()):
        clusters[dom] = f"ref:{ref_id}"
        members[ref_id].append(dom)
    for ref_id, doms in members.items():
        for dom in doms[1:]:
            conf = min(by_dom[doms[0]].confidence, by_dom[dom].confidence) if dom in by_dom else 0.0
            edges.append(MergeEdge(doms[0], dom, "reference", 100.0, round(conf, 4), f"both linked to {ref_id!r}"))
    return OwnerClusters(clusters, edges)


_NAMES_SCHEMA = pa.schema(
    [
        ("name_id", pa.string()),
        ("name", pa.string()),
        ("key", pa.string()),
        ("legal_form", pa.string()),
        ("acronym", pa.string()),
        ("country", pa.string()),
        ("countries", pa.list_(pa.string())),
        ("lang", pa.string()),
        ("weight", pa.float64()),
        ("joinable", pa.bool_()),
    ]
)


def _edge(a: DomainOwner, b: DomainOwner, kind: str, score: float, reason: str) -> MergeEdge:
    if kind == "hard":
        return MergeEdge(
            a.registered_domain, b.registered_domain, f"hard:{reason}", 100.0, HARD_CONFIDENCE.get(reason, 0.9), reason
        )
    conf = round(score / 100.0 * min(a.confidence, b.confidence), 4)
    why = f"{a.name!r} ~ {b.name!r}: {reason}"
    kind = "acronym" if reason == "acronym" else "name"
    return MergeEdge(a.registered_domain, b.registered_domain, kind, score, conf, why)


_KIND_ORDER = {"reference": 0, "hard:redirect": 1, "hard:hreflang": 2, "hard:jsonld_url": 3, "hard:jsonld_same_as": 4}


def spanning_tree(edges: Iterable[MergeEdge]) -> list[MergeEdge]:
    """The maximum spanning forest of ``edges`` by confidence (Kruskal; ties by kind and domains).

    Between two domains it keeps the chain whose weakest edge is strongest: the reason they are one org.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    tree = []
    for e in sorted(edges, key=lambda e: (-e.confidence, _KIND_ORDER.get(e.kind, 9), -e.score, e.a, e.b)):
        ra, rb = find(e.a), find(e.b)
        if ra != rb:
            parent[rb] = ra
            tree.append(e)
    return tree


def merge_paths(tree: Iterable[MergeEdge], start: str) -> dict[str, list[MergeEdge]]:
    """Every domain a tree of merge edges joins to ``start`` → the chain of edges from ``start`` to it.

    >>> name = MergeEdge("a.com", "b.com", "name", 100, 0.8, "")
    >>> redirect = MergeEdge("c.de", "b.com", "hard:redirect", 100, 0.98, "")
    >>> [(e.a, e.b) for e in merge_paths([name, redirect], "a.com")["c.de"]]
    [('a.com', 'b.com'), ('c.de', 'b.com')]
    """
    around: dict[str, list[tuple[str, MergeEdge]]] = defaultdict(list)
    for e in tree:
        around[e.a].append((e.b, e))
        around[e.b].append((e.a, e))
    paths: dict[str, list[MergeEdge]] = {start: []}
    todo = [start]
    while todo:
        here = todo.pop()
        for there, e in sorted(around[here], key=lambda t: t[0]):
            if there not in paths:
                paths[there] = [*paths[here], e]
                todo.append(there)
    del paths[start]
    return dict(sorted(paths.items()))


def _assign_ids(
    members: Mapping[str, Sequence[DomainOwner]],
    previous: Mapping[str, str],
    existing: Mapping[tuple[str, str], str],
) -> dict[str, str]:
    """Cluster → the org id it keeps: the one most of its domains had (``previous``), else most of its keys.

    Decided over all clusters at once, strongest claim first (ties: the id, then the cluster's first
    domain), so the same clusters get the same ids whatever order they come in, and an id claimed by two
    clusters goes to the one with more of its members. A re-run without new input gives every org its id.
    """
    claims = []
    for cid, group in members.items():
        by_domain = Counter(previous[o.registered_domain] for o in group if o.registered_domain in previous)
        by_key = Counter(existing[k] for k in _keys(group) if k in existing)
        first = min(o.registered_domain for o in group)
        for org_id in set(by_domain) | set(by_key):
            claims.append((-by_domain[org_id], -by_key[org_id], org_id, first, cid))
    taken: dict[str, str] = {}
    used: set[str] = set()
    for *_, org_id, _first, cid in sorted(claims):
        if cid not in taken and org_id not in used:
            taken[cid] = org_id
            used.add(org_id)
    return taken


def _keys(group: Sequence[DomainOwner]) -> list[tuple[str, str]]:
    """(name key, country) of the members whose names may join: what ``_org_keys`` remembers."""
    return sorted({(o.key or "", country_of(o.registered_domain) or "") for o in group if o.key and join_names(o)})


def build_orgs(
    owners: Sequence[DomainOwner],
    clusters: OwnerClusters,
    *,
    existing: Mapping[tuple[str, str], str],
    seen: Mapping[str, tuple[Any, Any]],
    run_id: int | None,
    refs: Mapping[str, RefOrg] | None = None,
    previous: Mapping[str, str] | None = None,
) -> Orgs:
    """Turn clusters into org rows with stable ids, confidences and the edges that hold them together.

    ``previous``: domain → org id of the last run (``domain_org``); ``existing``: (name key, country) → org
    id of earlier runs (``_org_keys``). A cluster keeps the id most of its domains had, else the one most of
    its keys had (:func:`_assign_ids`), else gets a new one. ``seen``: domain → (first, last) seen.
    """
    members: dict[str, list[DomainOwner]] = defaultdict(list)
    for o in owners:
        if o.registered_domain in clusters.clusters:
            members[clusters.clusters[o.registered_domain]].append(o)
    edges_of: dict[str, list[MergeEdge]] = defaultdict(list)
    for e in clusters.edges:
        edges_of[clusters.clusters[e.a]].append(e)
    crawl = {c: g for c, g in members.items() if not c.startswith("ref:")}  # a reference org's id is its own
    kept = _assign_ids(crawl, previous or {}, existing)
    org_rows: dict[str, list[Any]] = defaultdict(list)
    edge_rows: dict[str, list[Any]] = defaultdict(list)
    key_claims: dict[tuple[str, str], tuple[int, str]] = {}
    domain_to_org: dict[str, str] = {}
    used_ids = set(kept.values())
    for cluster_id in sorted(members, key=lambda c: min(o.registered_domain for o in members[c])):
        group = sorted(members[cluster_id], key=lambda o: (-o.confidence, o.registered_domain))
        doms = sorted(o.registered_domain for o in group)
        countries = Counter(c for o in group if (c := country_of(o.registered_domain)))
        country = countries.most_common(1)[0][0] if countries else None
        ref = (refs or {}).get(cluster_id[4:]) if cluster_id.startswith("ref:") else None
        if ref is not None:
            org_id = new_org_id(f"ref|{ref.ref_id}", None)
            country = ref.country or country
        elif cluster_id in kept:
            org_id = kept[cluster_id]
        else:
            org_id = new_org_id(group[0].key or "", country)
        if cluster_id not in kept and org_id in used_ids:  # a new cluster whose first key another org has
            org_id = new_org_id(org_id, "|".join(doms))
        used_ids.add(org_id)
        tree = spanning_tree(edges_of[cluster_id])
        surfaces: Counter[str] = Counter()
        for o in group:
            surfaces[o.name or ""] += o.confidence + (0.5 if o.legal_form else 0.0)
        canonical = ref.name if ref else sorted(surfaces.items(), key=lambda t: (-t[1], t[0]))[0][0]
        aliases = sorted({a for o in group for a in (o.name or "", *o.aliases, site_alias(o) or "")} - {canonical, ""})
        forms = Counter(o.legal_form for o in group if o.legal_form)
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
        org_rows["confidence"].append(org_confidence(group, tree))
        for e in tree:
            edge_rows["org_id"].append(org_id)
            for col in ("a", "b", "kind", "score", "confidence", "reason"):
                edge_rows[col].append(getattr(e, col))
            edge_rows["run_id"].append(run_id)
        if ref is None:
            for k in _keys(group):
                n = sum(1 for o in group if (o.key, country_of(o.registered_domain) or "") == k)
                if k not in existing and (k not in key_claims or (-n, org_id) < (-key_claims[k][0], key_claims[k][1])):
                    key_claims[k] = (n, org_id)
        for d in doms:
            domain_to_org[d] = org_id
    key_rows: dict[str, list[Any]] = defaultdict(list)
    for (key, cc), (_n, org_id) in sorted(key_claims.items()):
        key_rows["name_key"].append(key)
        key_rows["country"].append(cc)
        key_rows["org_id"].append(org_id)
        key_rows["first_run"].append(run_id)
    orgs = pa.table(org_rows) if org_rows else pa.table({"org_id": pa.array([], pa.string())})
    keys = pa.table(key_rows) if key_rows else pa.table({"name_key": pa.array([], pa.string())})
    edges = pa.table(edge_rows, schema=EDGE_SCHEMA) if edge_rows else EDGE_SCHEMA.empty_table()
    return Orgs(orgs, keys, domain_to_org, edges)


EDGE_SCHEMA = pa.schema(
    [
        ("org_id", pa.string()),
        ("a", pa.string()),
        ("b", pa.string()),
        ("kind", pa.string()),
        ("score", pa.float64()),
        ("confidence", pa.float64()),
        ("reason", pa.string()),
        ("run_id", pa.int64()),
    ]
)
"""``org_edges`` (migration 011)."""


def org_confidence(group: Sequence[DomainOwner], tree: Sequence[MergeEdge]) -> float:
    """How sure the org is: one domain, its owner's confidence; several, the weakest edge that holds them.

    The weakest edge of the maximum spanning tree is the best any chain of evidence can do for the worst
    joined pair; a merge below the user's precision target is listed by ``merge_review_candidates``.
    """
    if len(group) == 1 or not tree:
        return round(min(o.confidence for o in group), 4)
    return round(min(e.confidence for e in tree), 4)


def org_relations(
    link_signals: Iterable[tuple[str, str, str, str, str]],
    domain_to_org: Mapping[str, str],
    org_keys: Mapping[str, str],
) -> pa.Table:
    """parent_of / subsidiary_of edges from JSON-LD parentOrganization (rows of ``hard_link_signals``)."""
    rows: dict[str, list[Any]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for dom, kind, value, page, _context in link_signals:
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
