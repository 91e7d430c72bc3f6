"""robots.txt per RFC 9309: groups by user agent, longest match wins, ``*`` and ``$`` wildcards, crawl-delay.

Not ``urllib.robotparser``: it takes the first matching rule, not the most specific, and ignores wildcards, so
``Disallow: /`` + ``Allow: /impressum`` blocks the Impressum. Pure (text in, rules out), matched in linear time
without regular expressions; the fetcher caches one :class:`RobotsRules` per origin. More: docs/fetch.md.

Example::

    >>> rules = parse_robots("User-agent: *\\nDisallow: /\\nAllow: /impressum\\nCrawl-delay: 2", "orgmap")
    >>> rules.allowed("/impressum"), rules.allowed("/shop"), rules.crawl_delay
    (True, False, 2.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

__all__ = ["ALLOW_ALL", "DISALLOW_ALL", "RobotsRules", "parse_robots", "product_token"]

MAX_ROBOTS_BYTES = 512_000
"""RFC 9309 asks crawlers to parse at least 500 KiB; the rest is ignored."""


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one robots.txt for one user agent."""

    rules: tuple[tuple[bool, str], ...] = ()
    """(allow, path pattern) pairs of the group that applies to us, in file order."""
    crawl_delay: float | None = None
    """Seconds between requests the site asks for (non-standard but widely used), or None; as written, however
    large: the fetcher caps it (``FetchConfig.max_crawl_delay``)."""
    disallow_all: bool = False
    """True when robots.txt was unreachable (5xx, network error): nothing may be fetched for now."""
    source: str = "parsed"
    """``parsed``, ``unavailable`` (4xx: no restrictions) or ``unreachable`` (5xx: everything disallowed)."""

    def allowed(self, path: str) -> bool:
        """Whether ``path`` (path and query of a URL) may be fetched: the longest match wins, allow on ties."""
        if self.disallow_all:
            return False
        target = _normalize_path(path or "/")
        best_len, best_allow = -1, True
        for allow, pattern in self.rules:
            if not pattern:
                continue  # "Disallow:" with no path allows everything
            if _matches(pattern, target):
                n = len(pattern)
                if n > best_len or (n == best_len and allow):
                    best_len, best_allow = n, allow
        return best_allow


ALLOW_ALL = RobotsRules(source="unavailable")
DISALLOW_ALL = RobotsRules(disallow_all=True, source="unreachable")


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: ``orgmap`` for ``orgmap/0.1 (+https://…)``."""
    m = re.match(r"\s*([A-Za-z_-]+)", user_agent)
    return m.group(1).lower() if m else "*"


def parse_robots(text: str, user_agent: str) -> RobotsRules:
    """Rules for ``user_agent`` (a full UA string or its product token) from a robots.txt body.

    Groups naming our product token win over ``*``; several groups naming the same agent are merged, as
    the RFC says. Unknown lines and junk are ignored.
    """
    token = product_token(user_agent)
    groups: list[tuple[list[str], list[tuple[bool, str]], list[float]]] = []
    agents: list[str] = []
    rules: list[tuple[bool, str]] = []
    delays: list[float] = []
    in_rules = False
    for raw in text[:MAX_ROBOTS_BYTES].splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in ("user-agent", "useragent", "user agent"):
            if in_rules:
                groups.append((agents, rules, delays))
                agents, rules, delays, in_rules = [], [], [], False
            agents.append(value.lower())
        elif key in ("allow", "disallow") and agents:
            in_rules = True
            rules.append((key == "allow", _normalize_path(value) if value else ""))
        elif key == "crawl-delay" and agents:
            in_rules = True
            try:
                delay = float(value)
            except ValueError:
                continue
            if delay >= 0:  # not NaN, not negative; a huge value is capped by the fetcher, not ignored
                delays.append(delay)
    if agents:
        groups.append((agents, rules, delays))
    mine = [g for g in groups if any(_agent_matches(a, token) for a in g[0])]
    if not mine:
        mine = [g for g in groups if "*" in g[0]]
    merged_rules = tuple(r for g in mine for r in g[1])
    merged_delays = [d for g in mine for d in g[2]]
    return RobotsRules(rules=merged_rules, crawl_delay=max(merged_delays) if merged_delays else None)


def _agent_matches(agent: str, token: str) -> bool:
    return agent != "*" and (agent == token or agent.split("/", 1)[0].strip() == token)


def _normalize_path(path: str) -> str:
    """Percent-encode the same way on both sides so ``/über`` and ``/%C3%BCber`` compare equal."""
    return quote(unquote(path), safe="/?=&;:@!$'()*+,-._~%$")


def _matches(pattern: str, path: str) -> bool:
    """RFC 9309 matching: prefix match, ``*`` any run of characters, a trailing ``$`` anchors the end.

    Linear in ``len(path)``: the parts between stars are found left to right, each at its first occurrence
    after the previous one (the earliest place never loses a match when the only wildcard is ``*``), so there
    is nothing to backtrack into.
    """
    anchored = pattern.endswith("$")
    parts = (pattern[:-1] if anchored else pattern).split("*")
    first, middle, last = parts[0], parts[1:-1], parts[-1]
    if len(parts) == 1:
        return path == first if anchored else path.startswith(first)
    if not path.startswith(first):
        return False
    pos = len(first)
    for part in middle:
        found = path.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    if anchored:
        return len(path) - len(last) >= pos and path.endswith(last)
    return path.find(last, pos) >= 0
