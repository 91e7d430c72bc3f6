"""Domain normalization: PSL conformance, edge cases, and properties over arbitrary text."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolver.domains import normalize_url, parse_host, registered_domain
from resolver.errors import InvalidURLError

EVAL_DIR = Path(os.environ.get("ORGMAP_EVAL_DIR", Path(__file__).resolve().parents[3] / "shared" / "eval"))
PSL_CASES = EVAL_DIR / "domains" / "psl_registrable_domain_cases.csv"


def _psl_cases() -> list[tuple[str, str | None, str]]:
    if not PSL_CASES.exists():
        return []
    with PSL_CASES.open(encoding="utf-8") as fh:
        return [(r["input"], r["expected_registrable_domain"] or None, r["section"]) for r in csv.DictReader(fh)]


@pytest.mark.skipif(not PSL_CASES.exists(), reason=f"eval data absent ({PSL_CASES}); set ORGMAP_EVAL_DIR")
@pytest.mark.parametrize(("text", "expected", "section"), _psl_cases() or [("", None, "")])
def test_psl_registrable_domain_cases(text: str, expected: str | None, section: str) -> None:
    # The PSL's own cases include its default "*" rule for unlisted TLDs (example.example).
    got = registered_domain(text, unlisted_tld=True)
    want = None if expected is None else idna.encode(expected, uts46=True).decode("ascii")
    assert got == want, section


@pytest.mark.parametrize(
    ("url", "norm", "domain"),
    [
        ("https://shop.Acme-Widgets.co.uk:443/x", "https://shop.acme-widgets.co.uk/x", "acme-widgets.co.uk"),
        ("Example.COM", "http://example.com/", "example.com"),
        ("example.com/path?q=1#frag", "http://example.com/path?q=1", "example.com"),
        ("//cdn.example.org/a.js", "http://cdn.example.org/a.js", "example.org"),
        ("HTTP://user:secret@WWW.Example.com.:8080/a/./b/../c", "http://example.com:8080/a/c", "example.com"),
        ("http://www2.example.com:80", "http://example.com/", "example.com"),
        ("https://alice.github.io/blog", "https://alice.github.io/blog", "alice.github.io"),
        ("http://bücher.de/straße", "http://xn--bcher-kva.de/stra%C3%9Fe", "xn--bcher-kva.de"),
        ("http://XN--BCHER-KVA.de", "http://xn--bcher-kva.de/", "xn--bcher-kva.de"),
        ("http://192.168.0.1:8000/x", "http://192.168.0.1:8000/x", "192.168.0.1"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]/", "2001:db8::1"),
        ("http://example.com/a b", "http://example.com/a%20b", "example.com"),
        ("http://www.ck/", "http://www.ck/", "www.ck"),
        ("http://my_site.blogspot.com/", "http://my_site.blogspot.com/", "my_site.blogspot.com"),
    ],
)
def test_normalize_url(url: str, norm: str, domain: str) -> None:
    n = normalize_url(url)
    assert n.url == norm
    assert n.parts.registered_domain == domain
    assert normalize_url(n.url) == n


def test_host_parts() -> None:
    p = parse_host("WWW.Shop.Acme-Widgets.co.uk.")
    assert (p.host, p.subdomain, p.domain, p.suffix) == ("shop.acme-widgets.co.uk", "shop", "acme-widgets", "co.uk")
    assert not p.is_private and not p.is_ip
    gh = parse_host("alice.github.io")
    assert gh.is_private and gh.registered_domain == "alice.github.io"
    idn = parse_host("www.食狮.中国")
    assert idn.host == "xn--85x722f.xn--fiqs8s"
    assert idn.host_unicode == "食狮.中国" == idn.registered_domain_unicode
    ip = parse_host("10.0.0.1")
    assert ip.is_ip and ip.registered_domain == "10.0.0.1" and ip.suffix == ""


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty URL"),
        ("   ", "empty URL"),
        ("mailto:a@example.com", "unsupported scheme 'mailto'"),
        ("javascript:void(0)", "unsupported scheme 'javascript'"),
        ("ftp://example.com/f", "unsupported scheme 'ftp'"),
        ("http://", "no host"),
        ("http://co.uk/", "public suffix"),
        ("http://github.io/", "public suffix"),
        ("http://intranet.local/", "unknown top-level domain 'local'"),
        ("http://localhost:8000/", "unknown top-level domain"),
        ("http://exa mple.com/", "invalid characters"),
        ("http://a..b.com/", "empty label"),
        ("http://.example.com/", "empty label"),
        ("http://" + "a" * 64 + ".com/", "longer than 63"),
        ("http://example.com:99999/", "invalid port"),
        ("http://example.com:8o/", "invalid port"),
        ("http://[::1/", "IPv6"),
        ("http://300.1.1.1/", "invalid IP"),
        ("http://1.2.3/", "numeric top-level label"),
        ("http://xn--a.com/", "punycode"),
    ],
)
def test_invalid_urls_have_reasons(url: str, reason: str) -> None:
    with pytest.raises(InvalidURLError) as info:
        normalize_url(url)
    assert reason in info.value.reason
    assert registered_domain(url) is None


def test_parse_host_is_memoized() -> None:
    assert parse_host("memo.example.com") is parse_host("memo.example.com")


def test_registered_domain_never_raises_on_non_text() -> None:
    assert registered_domain(None) is None  # type: ignore[arg-type]
    assert registered_domain("") is None


_url_ish = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda s, h, p: f"{s}{h}{p}",
        st.sampled_from(["http://", "https://", "HTTPS://", "//", "", "ftp://", "http:/"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
        | st.from_regex(r"[a-zA-Z0-9.\-_\[\]:@]{0,30}\.(com|co\.uk|de|github\.io|xn--fiqs8s)", fullmatch=True),
        st.text(max_size=30),
    ),
)


@settings(max_examples=600, deadline=None)
@given(_url_ish)
def test_normalize_never_raises_anything_else_and_is_idempotent(text: str) -> None:
    try:
        n = normalize_url(text)
    except InvalidURLError:
        assert registered_domain(text) is None or "/" not in text and ":" not in text
        return
    again = normalize_url(n.url)
    assert again.url == n.url
    assert again.parts == n.parts
    assert n.url.isascii()
    assert registered_domain(n.url) == n.parts.registered_domain


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_host_only_raises_invalid_url(text: str) -> None:
    try:
        p = parse_host(text)
    except InvalidURLError:
        return
    assert parse_host(p.host) == p


_ascii_url = st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}{rest}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"([a-zA-Z0-9_@:\[\]-]{0,12}\.){0,3}(com|co\.uk|de|github\.io|org)(:[0-9]{1,6})?", fullmatch=True),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)


@settings(max_examples=500, deadline=None)
@given(_ascii_url)
def test_fast_path_agrees_with_urlsplit(url: str) -> None:
    # A tab after the scheme sends the URL through urlsplit (which drops tabs); the result must not differ.
    slow = url.replace("://", ":\t//", 1)
    try:
        fast_result = normalize_url(url)
    except InvalidURLError as exc:
        with pytest.raises(InvalidURLError) as info:
            normalize_url(slow)
        assert info.value.reason == exc.reason
        return
    assert normalize_url(slow) == fast_result
