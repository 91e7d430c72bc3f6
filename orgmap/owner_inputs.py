"""What owner scoring reads from the store, shared by the stages that score owners (resolve, and NER's gate)."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa

from orgmap.config import Settings
from orgmap.store.database import Store
from resolver.errors import ConfigError
from resolver.owner_model import ARTICLE_TYPES, PageInfo, load_model
from resolver.owners import DomainFacts, Scorer
from resolver.records import OrgCandidate
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "resolve.sql")


def load_candidates(store: Store) -> dict[str, list[OrgCandidate]]:
    """All candidate names, grouped by registered domain."""
    return candidates_from(store.arrow(Q["name_candidates"]))


def candidates_from(table: pa.Table) -> dict[str, list[OrgCandidate]]:
    """Candidate rows (registered_domain, page_id, kind, value, weight, context, scope), grouped by domain."""
    out: dict[str, list[OrgCandidate]] = defaultdict(list)
    names = ("registered_domain", "page_id", "kind", "value", "weight", "context", "scope")
    cols = [table.column(c).to_pylist() for c in names]
    for dom, page, kind, value, weight, context, scope in zip(*cols, strict=True):
        out[dom].append(OrgCandidate(dom, page, value, kind, float(weight), context, scope))
    return out


def load_facts(store: Store) -> dict[str, DomainFacts]:
    """Page count and suffix of every registered domain."""
    return {
        dom: DomainFacts(int(n or 1), suffix or "", bool(private))
        for dom, n, suffix, private, _ip in store.con.execute(Q["domain_facts"]).fetchall()
    }


def load_pages(store: Store) -> dict[str, PageInfo]:
    """The kind of each page that carries candidates (the owner model's features read them)."""
    rows = store.con.execute(Q["page_info"], [sorted(ARTICLE_TYPES)]).fetchall()
    return {page_id: PageInfo(home, legal, about, article) for page_id, home, legal, about, article in rows}


def scorer_of(settings: Settings) -> Scorer:
    """The owner scorer the settings ask for; the model's threshold comes from ``min_precision``."""
    rs = settings.resolve
    if rs.scorer == "noisy_or":
        return Scorer("noisy_or", threshold=rs.linking.min_confidence)
    if rs.scorer != "model":
        raise ConfigError(f"resolve.scorer: unknown scorer {rs.scorer!r}; use model or noisy_or")
    model = load_model(rs.owner_model or None)
    return Scorer("model", model, model.threshold_for(rs.min_precision))
