"""What may join two domains into one organization: hard evidence, and names strong enough to match on.

A hard link (redirect, hreflang, JSON-LD url/sameAs) merges clusters whatever the names say, so a wrong one
fuses unrelated organizations and a hub (a social network every site names) fuses hundreds: only another
site's home page counts (:func:`hard_links`). Names join domains by similarity only when the domain gives
them in strong evidence (:func:`join_names`). Why: docs/matching.md, sections 4 and 5.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from resolver.domains import is_home_url, registered_domain
from resolver.linking import DomainOwner
from resolver.owners import normalize

STRONG_KINDS = frozenset(
    {
        "jsonld_legal_name",
        "jsonld_name",
        "jsonld_alternate_name",
        "legal_entity",
        "copyright",
        "og_site_name",
        "application_name",
        "reference",
        "redirect",
    }
)
"""Evidence kinds whose names may join domains: structured data, legal names, the site's own name, a
reference list, a redirect. Not ``ner_org``/``phrase_match`` (a mention) nor a lone ``title``."""

REPEATED_KINDS = frozenset({"title_brand", "title"})
"""Evidence kinds that join only when the same name is on :data:`REPEAT_PAGES` pages of the domain: a
brand repeated in every title is the site's name, one title may be the page's subject."""

REPEAT_PAGES = 2

SAME_SITE_KINDS = ("jsonld_url", "jsonld_same_as", "redirect", "hreflang")
"""Signals that name another domain as the same site. Not ``canonical``: a canonical URL on another domain
is mostly syndication (msn.com → theguardian.com, welt.de → sat1regional.de), two owners."""

SAME_AS_HUB = 5
"""A domain that this many other domains call their JSON-LD ``url``/``sameAs`` is a platform, not a sibling;
a domain whose JSON-LD names this many other sites is a directory, not their owner.

Themes fill empty social fields with "https://twitter.com/": every site using one would become one org.
Directories (reviews, listings) describe each business with its own ``url``: they would absorb them all.
A group's own sister sites carry names that match anyway."""


def is_site_home(url: str) -> bool:
    """True for a site's home page URL ("https://acme.de/", "https://acme.com/en-gb/"), not a profile on it.

    JSON-LD ``sameAs`` lists an organization's profiles on platforms ("https://twitter.com/acme",
    "https://de.wikipedia.org/wiki/Acme"): the platform is where the org has an account, not its domain.
    Only a home page says "this other domain is us".
    """
    return is_home_url(url, allow_query=False)


def join_names(owner: DomainOwner) -> tuple[str, ...]:
    """The owner's names that may join its domain to other domains by similarity; empty: none may.

    The owner's name when its evidence holds a strong kind (:data:`STRONG_KINDS`, or a title brand on
    :data:`REPEAT_PAGES` pages), then the aliases that such evidence itself carries, in order.

    >>> from resolver.linking import Evidence
    >>> mention = (Evidence("ner_org", "Acme", "p1", 0.4),)
    >>> join_names(DomainOwner("jobs.example", "linked", "Acme", "acme", None, 0.5, 0.0, evidence=mention))
    ()
    """
    if owner.status != "linked" or not owner.name:
        return ()
    pages: dict[tuple[str, str], int] = defaultdict(int)
    for e in owner.evidence:
        if e.signal in REPEATED_KINDS:
            pages[(e.signal, e.name)] += e.n_pages
    strong = [
        e.name
        for e in owner.evidence
        if e.signal in STRONG_KINDS or (e.signal in REPEATED_KINDS and pages[(e.signal, e.name)] >= REPEAT_PAGES)
    ]
    if not strong:
        return ()
    return tuple(dict.fromkeys([owner.name, *(a for a in owner.aliases if a in strong)]))


def own_keys(owners: Iterable[DomainOwner]) -> dict[str, frozenset[str]]:
    """Domain → name keys of the names it gives itself (:func:`join_names`), for :func:`hard_links`."""
    out: dict[str, frozenset[str]] = {}
    for o in owners:
        keys = frozenset(k for n in join_names(o) if (k := normalize(n).key))
        if keys:
            out[o.registered_domain] = keys
    return out


def hard_links(
    redirects: Iterable[tuple[str, str, int]],
    link_signals: Iterable[tuple[str, str, str, str, str]],
    own: Mapping[str, Collection[str]] | None = None,
) -> list[tuple[str, str, str]]:
    """Pairs of domains that hard evidence says share an owner.

    HTTP and meta-refresh redirects, hreflang alternates, and JSON-LD url/sameAs naming another site's home
    page (not a profile on a platform, see :func:`is_site_home`; nor a domain :data:`SAME_AS_HUB` sites
    claim; nor from a directory naming as many). ``redirects``: rows of the ``cross_domain_redirects``
    query; ``link_signals``: of ``hard_link_signals`` (domain, kind, value, page, context: for JSON-LD the
    node's name). ``own``: domain → keys of its owner's names (:func:`own_keys`); when given, a JSON-LD
    node's url/sameAs counts only if the node is unnamed or names the domain's owner.
    """
    pairs = {(a, b, "redirect") for a, b, _ in redirects}
    claimed: dict[str, set[str]] = defaultdict(set)
    claims: dict[str, set[str]] = defaultdict(set)
    for dom, kind, value, _page, context in link_signals:
        if kind not in SAME_SITE_KINDS:
            continue
        other = registered_domain(value)
        if not other or other == dom:
            continue
        if kind in ("jsonld_url", "jsonld_same_as"):
            if not is_site_home(value):
                continue
            if own is not None and context and normalize(context).key not in own.get(dom, ()):
                continue  # the page describes another organization (a listing, a profile, a partner)
            claimed[other].add(dom)
            claims[dom].add(other)
        pairs.add((dom, other, kind))
    hubs = {d for d, sources in claimed.items() if len(sources) >= SAME_AS_HUB}
    directories = {d for d, targets in claims.items() if len(targets) >= SAME_AS_HUB}
    return sorted(
        p for p in pairs if not (p[2] in ("jsonld_url", "jsonld_same_as") and (p[1] in hubs or p[0] in directories))
    )
