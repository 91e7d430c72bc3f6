"""The address guard as pure functions: no DNS, no sockets."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgmap.sources.netguard import AddressPolicy, embedded_ipv4, parse_allow, parse_ip_host, refusal

DEFAULT = AddressPolicy()
ip = ipaddress.ip_address


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link_local"),  # cloud metadata
        ("fe80::1", "link_local"),
        ("febf:ffff::1", "link_local"),  # still inside fe80::/10
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "shared_address_space"),  # CGNAT
        ("100.127.255.254", "shared_address_space"),
        ("255.255.255.255", "broadcast"),
        ("240.0.0.1", "private"),  # reserved class E (ipaddress files it under is_private)
        ("192.0.2.10", "private"),  # documentation
        ("198.18.0.1", "private"),  # benchmarking
        ("fec0::1", "site_local"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link_local"),
        ("64:ff9b::a9fe:a9fe", "link_local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
    ],
)
def test_refused_by_default(address: str, why: str) -> None:
    assert refusal(ip(address), 80, DEFAULT) == why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ip(address), 443, DEFAULT) is None


def test_allow_loopback_lets_only_loopback_through() -> None:
    policy = AddressPolicy(allow_loopback=True)
    assert refusal(ip("127.0.0.1"), 8080, policy) is None
    assert refusal(ip("127.0.0.2"), 1, policy) is None
    assert refusal(ip("::1"), 80, policy) is None
    assert refusal(ip("10.0.0.1"), 80, policy) == "private"
    assert refusal(ip("169.254.169.254"), 80, policy) == "link_local"
    assert refusal(ip("0.0.0.0"), 80, policy) == "unspecified"


def test_allow_list_is_exact_address_and_port() -> None:
    policy = AddressPolicy(allow=parse_allow(["127.0.0.1:8080", "[::1]:9000"]))
    assert refusal(ip("127.0.0.1"), 8080, policy) is None
    assert refusal(ip("127.0.0.1"), 8081, policy) == "loopback"
    assert refusal(ip("127.0.0.2"), 8080, policy) == "loopback"
    assert refusal(ip("::1"), 9000, policy) is None
    assert refusal(ip("::1"), 8080, policy) == "loopback"


@pytest.mark.parametrize("bad", ["127.0.0.1", "localhost:80", "[::1]", "1.2.3.4:99999", "1.2.3.4:0"])
def test_parse_allow_rejects_malformed(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_allow([bad])


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),  # http://2130706433/
        ("0x7f000001", "127.0.0.1"),
        ("0x7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
        ("0.0.0.0", "0.0.0.0"),
        ("3232235777", "192.168.1.1"),
        ("169.254.169.254", "169.254.169.254"),
        ("[::]", "::"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[fe80::1%25eth0]", "fe80::1"),  # the zone id is dropped: still link-local, still refused
        ("fe80::1", "fe80::1"),
        ("8.8.8.8.", "8.8.8.8"),
    ],
)
def test_parse_ip_host_reads_legacy_forms(host: str, expected: str | None) -> None:
    got = parse_ip_host(host)
    assert (str(got) if got is not None else None) == expected


@pytest.mark.parametrize(
    "host", ["example.com", "1.2.3.4.5", "256.1.1.1", "4294967296", "0x1ffffffff", "09.1.1.1", "1e3"]
)
def test_parse_ip_host_leaves_names_and_overflows(host: str) -> None:
    assert parse_ip_host(host) is None


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::]", "0"])
def test_numeric_loopback_forms_are_refused(host: str) -> None:
    parsed = parse_ip_host(host)
    assert parsed is not None
    assert refusal(parsed, 80, DEFAULT) in ("loopback", "unspecified")


def test_embedded_ipv4() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("::ffff:1.2.3.4")) == ipaddress.IPv4Address("1.2.3.4")
    assert embedded_ipv4(ipaddress.IPv6Address("64:ff9b::102:304")) == ipaddress.IPv4Address("1.2.3.4")
    assert embedded_ipv4(ipaddress.IPv6Address("2002:102:304::1")) == ipaddress.IPv4Address("1.2.3.4")
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1111")) is None
    assert embedded_ipv4(ipaddress.IPv6Address("::1")) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_in_every_form_gets_the_same_verdict(n: int) -> None:
    addr = ipaddress.IPv4Address(n)
    mapped = ipaddress.IPv6Address(f"::ffff:{addr}")
    assert parse_ip_host(str(n)) == addr
    assert parse_ip_host(hex(n)) == addr
    assert refusal(mapped, 80, DEFAULT) == refusal(addr, 80, DEFAULT)
    if refusal(addr, 80, DEFAULT) is None:
        assert addr.is_global


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_no_ipv6_that_is_not_global_passes(n: int) -> None:
    addr = ipaddress.IPv6Address(n)
    if refusal(addr, 443, DEFAULT) is None:
        assert addr.is_global
        inner = embedded_ipv4(addr)
        assert inner is None or inner.is_global
