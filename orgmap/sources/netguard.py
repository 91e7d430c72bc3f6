"""Which addresses the fetcher may connect to: a pure check over ``ipaddress`` objects, and host parsing.

``orgmap fetch`` follows names and redirects that strangers control. It checks every address it resolves with
:func:`refusal` and connects to that very address: no SSRF, no DNS rebinding. What is refused: docs/fetch.md.

Example::

    >>> policy = AddressPolicy()
    >>> refusal(ipaddress.ip_address("169.254.169.254"), 80, policy)
    'link_local'
    >>> refusal(ipaddress.ip_address("93.184.216.34"), 443, policy) is None
    True
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["AddressPolicy", "IPAddress", "embedded_ipv4", "parse_ip_host", "parse_allow", "refusal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIXTOFOUR = ipaddress.ip_network("2002::/16")
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")
_V4_COMPAT = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class AddressPolicy:
    """What the fetcher may connect to beyond public unicast addresses.

    ``allow`` is a precise allow-list of (address, port) pairs that pass whatever else is refused (tests
    allow exactly their loopback server). ``allow_loopback`` lets every loopback address through
    (``127.0.0.0/8``, ``::1``): for tests and local development only.
    """

    allow_loopback: bool = False
    """Let ``127.0.0.0/8`` and ``::1`` through (tests, local servers)."""
    allow: frozenset[tuple[IPAddress, int]] = field(default_factory=frozenset)
    """Exact ``(address, port)`` pairs always allowed, e.g. ``{(IPv4Address('127.0.0.1'), 8080)}``."""


def parse_allow(items: Iterable[str]) -> frozenset[tuple[IPAddress, int]]:
    """``["127.0.0.1:8080", "[::1]:8080"]`` → the ``AddressPolicy.allow`` set; ValueError on a bad item."""
    out: set[tuple[IPAddress, int]] = set()
    for item in items:
        text = item.strip()
        m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([0-9.]+):(\d{1,5})", text)
        if not m:
            raise ValueError(f"allow entry {item!r} is not ip:port (IPv6 as [addr]:port)")
        addr, port = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if not 0 < int(port) < 65536:
            raise ValueError(f"allow entry {item!r}: port out of range")
        out.add((ipaddress.ip_address(addr), int(port)))
    return frozenset(out)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo), or None."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _V4_COMPAT:
        if ip in _V4_COMPAT and int(ip) <= 1:  # :: and ::1 are themselves, not 0.0.0.0/0.0.0.1
            return None
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address (a short stable word), or None when it is."""
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address):
        if ip in _CGNAT:
            return "shared_address_space"
        if ip == ipaddress.IPv4Address("255.255.255.255"):
            return "broadcast"
    else:
        if ip in _SITE_LOCAL:
            return "site_local"
        if ip in _NAT64_LOCAL:
            return "private"
        inner = embedded_ipv4(ip)
        if inner is not None:
            inner_kind = _kind(inner)
            if inner_kind is not None:
                return inner_kind
            return None if ip.ipv4_mapped is not None or ip in _NAT64 or ip in _SIXTOFOUR else "reserved"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not_global"
    return None


def refusal(ip: IPAddress, port: int, policy: AddressPolicy) -> str | None:
    """Why connecting to ``ip:port`` is refused under ``policy`` (``loopback``, ``private``, ...), or None.

    Pure: no DNS, no sockets. The fetcher calls it on every address it resolved, before connecting.
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
    if (ip, port) in policy.allow:
        return None
    kind = _kind(ip)
    if kind == "loopback" and policy.allow_loopback:
        return None
    return kind


_LEGACY_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, or None when it is a name to resolve.

    Beyond dotted quads and bracketed IPv6 this reads the forms ``inet_aton`` and browsers accept, which
    a check on the literal text would miss: ``2130706433`` (one 32-bit number), ``0x7f.1``, ``0177.0.0.1``
    (octal), ``127.1`` (short forms). A host that looks numeric but overflows is not an address (None).

    Example::

        >>> parse_ip_host("2130706433")
        IPv4Address('127.0.0.1')
    """
    h = host.strip().rstrip(".")
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h.split("%", 1)[0])
        except ValueError:
            return None
    parts = h.split(".")
    if not 1 <= len(parts) <= 4 or not all(_LEGACY_PART.fullmatch(p) for p in parts):
        return None
    nums = [_legacy_number(p) for p in parts]
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def _legacy_number(part: str) -> int:
    """One part of a legacy IPv4 host: ``0x..`` hex, ``0..`` octal, else decimal."""
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)
