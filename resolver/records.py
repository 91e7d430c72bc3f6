"""Typed records passed between orgmap's stages (stdlib only).

One item travels as a frozen dataclass; many items travel as a DuckDB table or an Arrow batch.
``graph``, ``classifiers`` and ``orgmap`` may import this module; it imports nothing of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HostParts:
    """A host split by the Public Suffix List, as ``resolver.domains.parse_host`` returns it."""

    host: str
    """The host in lower-case ASCII (punycode for IDNs), without port, userinfo, trailing dot."""
    host_unicode: str
    """The same host with IDN labels decoded to Unicode, for display."""
    registered_domain: str
    """The registrable domain (e.g. ``acme-widgets.co.uk``, ``alice.github.io``); the IP for IP hosts."""
    registered_domain_unicode: str
    """``registered_domain`` with IDN labels decoded to Unicode."""
    subdomain: str
    """What stands left of the registered domain (``shop`` in ``shop.acme.co.uk``), without ``www``."""
    domain: str
    """The label left of the suffix (``acme-widgets``); the IP for IP hosts."""
    suffix: str
    """The public suffix (``co.uk``, ``github.io``); empty for IP hosts."""
    is_private: bool = False
    """True when the suffix comes from the PSL's private section (``github.io``, ``blogspot.com``)."""
    is_ip: bool = False
    """True for IPv4/IPv6 literal hosts: kept as such, their own registered domain."""


@dataclass(frozen=True, slots=True)
class NormalizedURL:
    """A URL after normalization: the key under which a page is stored."""

    url: str
    """The normalized URL: lower-case scheme and host, default port dropped, fragment dropped."""
    scheme: str
    """``http`` or ``https`` (other schemes are rejected)."""
    port: int | None
    """An explicit non-default port, else None."""
    parts: HostParts
    """The host split by the Public Suffix List."""


@dataclass(frozen=True, slots=True)
class OrgCandidate:
    """A name that some signal on some page says is the organization behind a domain."""

    registered_domain: str
    page_id: str
    name: str
    """The name as it appears on the page."""
    signal: str
    """Which signal produced it: ``jsonld``, ``og_site_name``, ``title``, ``copyright``, ``legal_page``,
    ``ner``, ``phrase_match``, ``application_name``, ``reference``, ``redirect``."""
    weight: float
    """How reliable this signal is in [0, 1], before name-fits-domain and frequency are considered."""
    context: str = ""
    """The snippet it came from, kept as evidence."""
    scope: str = ""
    """What the name speaks for (``page_signals.scope``: site, host, section, page; "" unknown)."""


@dataclass(frozen=True, slots=True)
class NameKey:
    """An organization name reduced to what identifies it (see ``resolver.names``)."""

    original: str
    key: str
    """Case/Unicode-folded, punctuation-free, legal form and leading "the" removed: the identity key."""
    legal_form: str | None = None
    """The legal form found (``GmbH``, ``Ltd``, ``SAS``), kept as an attribute, not used for identity."""
    acronym: str | None = None
    """The initials of the key's words (``bb`` for British Broadcasting Corporation: the legal word is not in
    the key); ``resolver.names.name_acronyms`` gives every plausible acronym (``bbc`` too)."""
    tokens: tuple[str, ...] = field(default_factory=tuple)
