"""Hard evidence that two domains are one organization's: redirects, hreflang, JSON-LD url/sameAs.

Hard links merge clusters whatever the names say (``resolver.clustering``), so a wrong one fuses unrelated
organizations, and a hub fuses hundreds: on real pages every news site's JSON-LD ``sameAs`` lists its
Twitter, Facebook and Wikipedia pages, and once those platforms are crawled too, the CBS News, NZZ and
Planetary Press sites would become one org through them. So only a *home page* of another site counts,
never a profile on it, and a domain that many sites claim is a platform, not a sibling.

Pure functions over query rows; the resolve stage feeds them from DuckDB.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from resolver.domains import is_home_url, registered_domain

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


def hard_links(
    redirects: Iterable[tuple[str, str, int]], link_signals: Iterable[tuple[str, str, str, str]]
) -> list[tuple[str, str, str]]:
    """Pairs of domains that hard evidence says share an owner.

    HTTP and meta-refresh redirects, hreflang alternates, and JSON-LD url/sameAs naming another site's home
    page (not a profile on a platform, see :func:`is_site_home`; nor a domain :data:`SAME_AS_HUB` sites
    claim; nor from a directory naming as many). ``redirects``: rows of the ``cross_domain_redirects``
    query; ``link_signals``: of ``hard_link_signals``.
    """
    pairs = {(a, b, "redirect") for a, b, _ in redirects}
    claimed: dict[str, set[str]] = defaultdict(set)
    claims: dict[str, set[str]] = defaultdict(set)
    for dom, kind, value, _page in link_signals:
        if kind not in SAME_SITE_KINDS:
            continue
        other = registered_domain(value)
        if not other or other == dom:
            continue
        if kind in ("jsonld_url", "jsonld_same_as"):
            if not is_site_home(value):
                continue
            claimed[other].add(dom)
            claims[dom].add(other)
        pairs.add((dom, other, kind))
    hubs = {d for d, sources in claimed.items() if len(sources) >= SAME_AS_HUB}
    directories = {d for d, targets in claims.items() if len(targets) >= SAME_AS_HUB}
    return sorted(
        p for p in pairs if not (p[2] in ("jsonld_url", "jsonld_same_as") and (p[1] in hubs or p[0] in directories))
    )
