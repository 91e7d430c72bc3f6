"""Linking domains to a user's reference list of organizations: by listed domain, by name, by label.

A reference list (``--orgs``) is master data: a domain it names, or whose owner's name it lists, joins
that organization before any new one is made; a domain without a page-derived owner may join one whose
name its label spells (``resolver.domain_match``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from resolver.domain_match import DomainMatch, ReferenceIndex
from resolver.domains import country_of, registered_domain
from resolver.label_confidence import LabelModel
from resolver.linking import DomainOwner, Evidence
from resolver.owners import code_version, normalize
from resolver.reference import match_reference
from resolver.same_site import join_names


@dataclass(frozen=True)
class RefOrg:
    """One organization of the user's reference list."""

    ref_id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    org_class: str | None = None


def refs_from_table(table: pa.Table) -> list[RefOrg]:
    """The organizations of a reference list read by :func:`resolver.reference.read_reference`."""
    cols = [table.column(c).to_pylist() for c in ("ref_id", "name", "aliases", "domains", "country", "class")]
    return [
        RefOrg(i, n, tuple(a or ()), tuple(d or ()), c or None, k or None)
        for i, n, a, d, c, k in zip(*cols, strict=True)
        if n
    ]


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


def reference_fingerprint(refs: Sequence[RefOrg]) -> str:
    """A hash of the reference list's names, aliases and countries and of the resolver's code."""
    h = hashlib.sha1(code_version().encode())
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
    label_model: LabelModel | None = None,
    min_label_confidence: float = 0.0,
) -> tuple[list[DomainOwner], dict[str, str]]:
    """Link domains to reference orgs before new orgs are made; returns (owners, domain → ref_id).

    In order of strength: the reference lists the domain; the page-derived owner's name (or an alias), when
    strong evidence gives it (``resolver.same_site.join_names``), matches a reference name or alias
    (``resolver.matching.match_reference``: blocking + rapidfuzz, same rules as clustering); the domain's
    label spells a reference name (``resolver.domain_match``) when the pages named no owner.
    ``match_label``: the label matcher (default: a :class:`LabelMatcher` over ``refs`` without a cache).
    ``label_model``: a label-only link's confidence is its probability of being right
    (``resolver.label_confidence``), and the link is made from ``min_label_confidence`` on; without it, the
    match's own score, lowered by a close runner-up (``DomainMatch.confidence``).
    """
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
        names = join_names(o)[:6] or (None,)  # a name seen only in an NER mention links to nothing
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
            conf = 0.0 if match is None else label_model.confidence(match) if label_model else match.confidence
            if match is not None and match.score >= min_label_score and conf >= min_label_confidence:
                ref = ref_by_id[match.ref_id]
                why = f"domain label spells {match.name!r} (score {match.score:.2f}, confidence {conf:.2f})"
                if match.runner_up:
                    why += f"; runner-up {match.runner_up!r} ({match.runner_up_score:.2f})"
        if ref is None:
            out.append(o)
            continue
        links[dom] = ref.ref_id
        ev = Evidence("reference", ref.name, "", 1.0, why)
        key = normalize(ref.name)
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
