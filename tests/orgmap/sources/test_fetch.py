"""The fetcher against a real HTTP server on loopback (no mocks): politeness, redirects, retries, caps, safety."""

from __future__ import annotations

import asyncio
import gzip
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from orgmap.sources.fetch import FetchConfig, Fetcher, FetchResult, Resolve
from orgmap.sources.netguard import AddressPolicy, parse_allow
from orgmap.sources.robots import MAX_ROBOTS_BYTES
from tests.support.http_server import Reply, TestServer, gzip_bomb, map_hosts

pytestmark = pytest.mark.integration

HTML = {"Content-Type": "text/html; charset=utf-8"}
TEXT = {"Content-Type": "text/plain"}
HOSTS = ["alpha-site.com", "www.alpha-site.com", "beta-site.com"]


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer({"/robots.txt": Reply(404, b"", TEXT)}) as srv:
        yield srv


def config(**kw: Any) -> FetchConfig:
    base: dict[str, Any] = {
        "delay": 0.0,
        "backoff": 0.01,
        "retries": 2,
        "connect_timeout": 5.0,
        "read_timeout": 5.0,
        "total_timeout": 20.0,
        "policy": AddressPolicy(allow_loopback=True),
    }
    base.update(kw)
    return FetchConfig(**base)


def fetch(url: str, cfg: FetchConfig | None = None, resolve: Resolve | None = None) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(cfg or config(), resolve=resolve or map_hosts(HOSTS)) as f:
            return await f.fetch(url)

    return asyncio.run(go())


def test_page_is_fetched_with_metadata(server: TestServer) -> None:
    server.routes["/"] = Reply(body=b"<title>Acme</title>", headers=HTML)
    r = fetch(server.url("/"))
    assert (r.status, r.reason, r.http_status, r.content) == ("done", None, 200, b"<title>Acme</title>")
    assert r.charset == "utf-8" and r.ip == "127.0.0.1" and r.attempts == 1 and r.redirects == ()
    ua = [h for h, p in server.requests]
    assert ua  # robots.txt first, then the page
    assert server.requests[0][1] == "/robots.txt" and server.requests[-1][1] == "/"


def test_user_agent_is_sent(server: TestServer) -> None:
    seen: list[str] = []

    def echo(req: Any) -> Reply:
        seen.append(req.headers.get("User-Agent"))
        return Reply(body=b"<p>x</p>", headers=HTML)

    server.routes["/ua"] = echo
    fetch(server.url("/ua"), config(user_agent="probe-bot/9 (+https://example.org)"))
    assert seen == ["probe-bot/9 (+https://example.org)"]


# -- robots.txt ---------------------------------------------------------------------------------------


def test_robots_disallow_is_honoured(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /private\nAllow: /private/impressum", headers=TEXT
    )
    server.routes["/private/x"] = Reply(body=b"<p>secret</p>", headers=HTML)
    server.routes["/private/impressum"] = Reply(body=b"<p>Acme GmbH</p>", headers=HTML)

    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(config()) as f:
            return await f.fetch(server.url("/private/x")), await f.fetch(server.url("/private/impressum"))

    blocked, allowed = asyncio.run(go())
    assert (blocked.status, blocked.reason) == ("skipped_robots", "robots")
    assert allowed.status == "done"
    paths = [p for _, p in server.requests]
    assert "/private/x" not in paths
    assert paths.count("/robots.txt") == 1  # cached per origin


def test_robots_group_for_our_agent_and_crawl_delay(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /\n\nUser-agent: orgmap\nDisallow: /shop\nCrawl-delay: 7\n", headers=TEXT
    )
    server.routes["/"] = Reply(body=b"<p>home</p>", headers=HTML)

    async def go() -> tuple[FetchResult, FetchResult, float]:
        async with Fetcher(config(delay=0.0, max_crawl_delay=0.05)) as f:
            home = await f.fetch(server.url("/"))
            shop = await f.fetch(server.url("/shop/1"))
            return home, shop, f.host_delay("127.0.0.1")

    home, shop, delay = asyncio.run(go())
    assert home.status == "done" and shop.status == "skipped_robots"
    assert delay == 0.05  # the crawl-delay raised the host delay, capped by max_crawl_delay


def test_a_huge_crawl_delay_is_capped_not_ignored(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(body=b"User-agent: *\nCrawl-delay: 86400000\n", headers=TEXT)
    server.routes["/"] = Reply(body=b"<p>home</p>", headers=HTML)

    async def go() -> tuple[FetchResult, float]:
        async with Fetcher(config(delay=0.0, max_crawl_delay=0.05)) as f:
            return await f.fetch(server.url("/")), f.host_delay("127.0.0.1")

    home, delay = asyncio.run(go())
    assert home.status == "done" and delay == 0.05


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_robots_over_the_size_cap_is_parsed_up_to_the_cap(server: TestServer, encoding: str) -> None:
    head = b"User-agent: *\nDisallow: /private\n"
    # a long comment, then a rule the cap cuts after "Disallow: /b": half a line must not become a rule
    text = head + b"#" * (MAX_ROBOTS_BYTES - len(head) - 13) + b"\nDisallow: /beyond-the-cap\n"
    assert text[:MAX_ROBOTS_BYTES].endswith(b"\nDisallow: /b")
    headers = dict(TEXT) if encoding == "identity" else {**TEXT, "Content-Encoding": "gzip"}
    server.routes["/robots.txt"] = Reply(body=text if encoding == "identity" else gzip.compress(text), headers=headers)
    server.routes["*"] = Reply(body=b"<p>page</p>", headers=HTML)

    async def go() -> list[FetchResult]:
        async with Fetcher(config()) as f:
            return [await f.fetch(server.url(p)) for p in ("/private/x", "/beyond-the-cap", "/ok")]

    private, beyond, ok = asyncio.run(go())
    assert (private.status, private.reason) == ("skipped_robots", "robots")
    assert beyond.status == "done" and ok.status == "done"  # rules past the cap are not read; the file still counts


@pytest.mark.timeout(60)  # a guard against the hang, not a timing assertion
def test_a_backtracking_robots_rule_does_not_stall_the_fetch(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b$\n", headers=TEXT)
    server.routes["*"] = Reply(body=b"<p>page</p>", headers=HTML)
    assert fetch(server.url("/" + "a" * 3_000)).status == "done"
    assert fetch(server.url("/" + "a" * 3_000 + "b")).status == "skipped_robots"


def test_robots_server_error_means_try_later(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(503, b"busy", TEXT)
    server.routes["/"] = Reply(body=b"<p>home</p>", headers=HTML)
    r = fetch(server.url("/"), config(retries=0))
    assert (r.status, r.reason) == ("failed", "robots_unreachable")
    assert "/" not in [p for _, p in server.requests]


def test_robots_can_be_turned_off(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /", headers=TEXT)
    server.routes["/"] = Reply(body=b"<p>home</p>", headers=HTML)
    assert fetch(server.url("/"), config(respect_robots=False)).status == "done"


# -- redirects ----------------------------------------------------------------------------------------


def test_redirect_within_domain_keeps_the_chain(server: TestServer) -> None:
    p = server.port
    server.routes["alpha-site.com/"] = Reply(301, headers={"Location": f"http://www.alpha-site.com:{p}/de/"})
    server.routes["www.alpha-site.com/de/"] = Reply(302, headers={"Location": "/de/start"})
    server.routes["www.alpha-site.com/de/start"] = Reply(body=b"<p>start</p>", headers=HTML)
    r = fetch(server.url("/", host="alpha-site.com"))
    assert r.status == "done" and r.final_url == f"http://www.alpha-site.com:{p}/de/start"
    assert [(h.from_url, h.to_url, h.status) for h in r.redirects] == [
        (f"http://alpha-site.com:{p}/", f"http://www.alpha-site.com:{p}/de/", 301),
        (f"http://www.alpha-site.com:{p}/de/", f"http://www.alpha-site.com:{p}/de/start", 302),
    ]


def test_redirect_across_domains_is_followed_and_recorded(server: TestServer) -> None:
    p = server.port
    server.routes["alpha-site.com/"] = Reply(308, headers={"Location": f"http://beta-site.com:{p}/welcome#top"})
    server.routes["beta-site.com/welcome"] = Reply(body=b"<p>Beta Holdings Ltd</p>", headers=HTML)
    r = fetch(server.url("/", host="alpha-site.com"))
    assert r.status == "done" and r.content == b"<p>Beta Holdings Ltd</p>"
    assert r.redirects[0].to_url == f"http://beta-site.com:{p}/welcome"  # fragment dropped
    assert ("beta-site.com", "/robots.txt") in server.requests  # the new host's robots.txt is honoured too


def test_redirect_loop_and_limit(server: TestServer) -> None:
    server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(302, headers={"Location": "/a"})
    for i in range(10):
        server.routes[f"/r{i}"] = Reply(302, headers={"Location": f"/r{i + 1}"})
    loop = fetch(server.url("/a"))
    assert (loop.status, loop.reason) == ("failed", "redirect_loop") and len(loop.redirects) == 2
    chain = fetch(server.url("/r0"), config(max_redirects=3))
    assert (chain.status, chain.reason) == ("failed", "too_many_redirects")


def test_redirect_to_other_scheme_is_refused(server: TestServer) -> None:
    server.routes["/x"] = Reply(302, headers={"Location": "file:///etc/passwd"})
    r = fetch(server.url("/x"))
    assert (r.status, r.reason) == ("skipped_unsafe", "scheme")


# -- slow servers, retries ----------------------------------------------------------------------------


def test_slow_response_times_out_without_retry(server: TestServer) -> None:
    server.routes["/slow"] = Reply(body=b"<p>late</p>", headers=HTML, delay=2.0)
    r = fetch(server.url("/slow"), config(read_timeout=0.3))
    assert (r.status, r.reason, r.attempts) == ("failed", "timeout", 1)


def test_trickling_body_hits_the_total_timeout(server: TestServer) -> None:
    server.routes["/trickle"] = Reply(body=b"x" * 50_000, headers=HTML, trickle=0.1)
    r = fetch(server.url("/trickle"), config(total_timeout=0.5, read_timeout=5.0))
    assert (r.status, r.reason) == ("failed", "timeout")


def _sequence(*replies: Reply) -> Any:
    lock = threading.Lock()
    calls = iter(replies)
    last = replies[-1]

    def route(_req: Any) -> Reply:
        with lock:
            return next(calls, last)

    return route


def test_429_honours_retry_after(server: TestServer) -> None:
    server.routes["/busy"] = _sequence(
        Reply(429, b"slow down", {**TEXT, "Retry-After": "1"}), Reply(body=b"<p>ok</p>", headers=HTML)
    )
    r = fetch(server.url("/busy"))
    assert (r.status, r.attempts) == ("done", 2)


def test_retry_after_too_long_gives_up(server: TestServer) -> None:
    server.routes["/busy"] = Reply(429, b"", {**TEXT, "Retry-After": "3600"})
    r = fetch(server.url("/busy"), config(max_retry_after=5))
    assert (r.status, r.reason, r.attempts, r.transient) == ("failed", "http_429", 1, True)


def test_500_then_success_is_retried(server: TestServer) -> None:
    server.routes["/flaky"] = _sequence(Reply(500, b"oops", TEXT), Reply(502, b"", TEXT), Reply(body=b"<p>ok</p>"))
    r = fetch(server.url("/flaky"))
    assert (r.status, r.attempts) == ("done", 3)


def test_permanent_errors_are_not_retried(server: TestServer) -> None:
    r = fetch(server.url("/missing"))
    assert (r.status, r.reason, r.attempts, r.transient) == ("failed", "http_404", 1, False)
    unknown = fetch("http://nowhere-site.com/")
    assert (unknown.status, unknown.reason, unknown.attempts) == ("failed", "dns_error", 1)


def test_connection_refused_is_transient() -> None:
    with TestServer() as srv:
        port = srv.port
    r = fetch(f"http://127.0.0.1:{port}/", config(respect_robots=False))  # nothing listens any more
    assert (r.status, r.reason, r.attempts, r.transient) == ("failed", "connect_error", 3, True)
    via_robots = fetch(f"http://127.0.0.1:{port}/")  # robots.txt (retried once) fails first: the page shares its fate
    assert (via_robots.status, via_robots.reason, via_robots.transient) == ("failed", "connect_error", True)


def test_per_host_limit_holds(server: TestServer) -> None:
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(_req: Any) -> Reply:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        try:
            threading.Event().wait(0.05)
            return Reply(body=b"<p>x</p>", headers=HTML)
        finally:
            with lock:
                state["now"] -= 1

    server.routes["*"] = slow

    async def go() -> list[FetchResult]:
        async with Fetcher(config(per_host=2, concurrency=16)) as f:
            return await asyncio.gather(*(f.fetch(server.url(f"/p{i}")) for i in range(12)))

    results = asyncio.run(go())
    assert all(r.status == "done" for r in results)
    assert state["max"] <= 2


# -- bodies -------------------------------------------------------------------------------------------


def test_oversized_bodies_are_cut(server: TestServer) -> None:
    server.routes["/big"] = Reply(body=b"a" * 200_000, headers=HTML)
    server.routes["/big-chunked"] = Reply(body=b"a" * 200_000, headers=HTML, chunked=True)
    cfg = config(max_bytes=50_000)
    declared = fetch(server.url("/big"), cfg)
    streamed = fetch(server.url("/big-chunked"), cfg)
    assert (declared.status, declared.reason, declared.content) == ("skipped_too_large", "too_large", None)
    assert "Content-Length" in declared.detail
    assert (streamed.status, streamed.reason) == ("skipped_too_large", "too_large")


def test_gzip_is_decoded_and_bombs_are_cut(server: TestServer) -> None:
    page = "<title>Grüße</title>".encode() * 100
    server.routes["/gz"] = Reply(body=gzip.compress(page), headers={**HTML, "Content-Encoding": "gzip"})
    bomb = gzip_bomb(20_000_000)
    assert len(bomb) < 50_000
    server.routes["/bomb"] = Reply(body=bomb, headers={**HTML, "Content-Encoding": "gzip"})
    cfg = config(max_bytes=1_000_000)
    ok = fetch(server.url("/gz"), cfg)
    assert ok.status == "done" and ok.content == page
    cut = fetch(server.url("/bomb"), cfg)
    assert (cut.status, cut.reason, cut.content) == ("skipped_too_large", "too_large", None)


def test_deflate_raw_and_unknown_encodings(server: TestServer) -> None:
    import zlib

    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = raw.compress(b"<p>raw deflate</p>") + raw.flush()
    server.routes["/raw"] = Reply(body=body, headers={**HTML, "Content-Encoding": "deflate"})
    server.routes["/br"] = Reply(body=b"\x00\x01", headers={**HTML, "Content-Encoding": "br"})
    server.routes["/corrupt"] = Reply(body=b"not gzip at all", headers={**HTML, "Content-Encoding": "gzip"})
    assert fetch(server.url("/raw")).content == b"<p>raw deflate</p>"
    assert fetch(server.url("/br")).reason == "unsupported_encoding"
    assert fetch(server.url("/corrupt")).reason == "decode_error"


def test_wrong_charset_body_is_returned_as_bytes(server: TestServer) -> None:
    body = "<p>Über uns — Müller GmbH, Straße 1</p>".encode("cp1252", "replace")
    server.routes["/latin"] = Reply(body=body, headers={"Content-Type": "text/html; charset=UTF-8"})
    r = fetch(server.url("/latin"))
    assert r.status == "done" and r.content == body and r.charset == "UTF-8"  # decoding is the ingester's job


def test_non_html_is_metadata_only(server: TestServer) -> None:
    server.routes["/report.pdf"] = Reply(
        body=b"%PDF-1.7" + b"\0" * 100_000, headers={"Content-Type": "application/pdf"}
    )
    r = fetch(server.url("/report.pdf"))
    assert (r.status, r.content_type, r.http_status, r.content) == (
        "skipped_content_type",
        "application/pdf",
        200,
        None,
    )
    text = fetch(server.url("/robots.txt"), config(respect_robots=False))  # 404 text: a failure, not content
    assert text.reason == "http_404"


# -- safety: refusals before any connection -----------------------------------------------------------


def test_redirect_outside_the_allowed_set_is_refused_before_connecting() -> None:
    with (
        TestServer({"/robots.txt": Reply(404, b"", TEXT)}) as allowed,
        TestServer({"*": Reply(body=b"<p>internal</p>", headers=HTML)}, host="127.0.0.2") as other_ip,
        TestServer({"*": Reply(body=b"<p>internal</p>", headers=HTML)}) as other_port,
    ):
        policy = AddressPolicy(allow=parse_allow([f"127.0.0.1:{allowed.port}"]))
        allowed.routes["/to-ip"] = Reply(302, headers={"Location": other_ip.url("/admin")})
        allowed.routes["/to-port"] = Reply(302, headers={"Location": other_port.url("/admin")})
        allowed.routes["/to-name"] = Reply(302, headers={"Location": f"http://evil-site.com:{other_ip.port}/"})
        resolve = map_hosts(["evil-site.com"], "127.0.0.2")
        cfg = config(policy=policy)
        for path in ("/to-ip", "/to-port", "/to-name"):
            r = fetch(allowed.url(path), cfg, resolve)
            assert (r.status, r.reason) == ("skipped_unsafe", "loopback"), path
            assert len(r.redirects) == 1
        assert other_ip.connections == 0
        assert other_port.connections == 0
        assert allowed.connections >= 1


def test_loopback_is_refused_by_default(server: TestServer) -> None:
    r = fetch(server.url("/"), config(policy=AddressPolicy()))
    assert (r.status, r.reason) == ("skipped_unsafe", "loopback")
    numeric = fetch(f"http://2130706433:{server.port}/", config(policy=AddressPolicy()))
    assert (numeric.status, numeric.reason) == ("skipped_unsafe", "loopback")
    named = fetch(server.url("/", host="alpha-site.com"), config(policy=AddressPolicy()))
    assert (named.status, named.reason) == ("skipped_unsafe", "loopback")
    assert server.connections == 0


def test_system_resolver_is_checked_too(server: TestServer) -> None:
    server.routes["/"] = Reply(body=b"<p>local</p>", headers=HTML)

    async def go(policy: AddressPolicy) -> FetchResult:
        async with Fetcher(config(policy=policy)) as f:  # no resolver hook: getaddrinfo
            return await f.fetch(f"http://localhost:{server.port}/")

    assert asyncio.run(go(AddressPolicy())).status == "skipped_unsafe"
    assert server.connections == 0
    assert asyncio.run(go(AddressPolicy(allow_loopback=True))).status == "done"


def test_per_host_delay_spaces_requests(server: TestServer) -> None:
    import time

    arrivals: list[float] = []

    def stamp(_req: Any) -> Reply:
        arrivals.append(time.monotonic())
        return Reply(body=b"<p>x</p>", headers=HTML)

    server.routes["*"] = stamp

    async def go() -> list[FetchResult]:
        async with Fetcher(config(delay=0.3, per_host=4)) as f:
            return await asyncio.gather(*(f.fetch(server.url(f"/p{i}")) for i in range(3)))

    assert all(r.status == "done" for r in asyncio.run(go()))
    gaps = [b - a for a, b in zip(sorted(arrivals), sorted(arrivals)[1:], strict=False)]
    # a lower bound only (sleeps never end early); half the delay leaves room for arrival jitter
    assert len(gaps) == 2 and min(gaps) >= 0.15


def test_robots_redirected_somewhere_unusable_counts_as_unavailable(server: TestServer) -> None:
    server.routes["/robots.txt"] = Reply(302, headers={"Location": "http://10.0.0.1/robots.txt"})
    server.routes["/"] = Reply(body=b"<p>home</p>", headers=HTML)
    r = fetch(server.url("/"))
    assert r.status == "done"  # the private address was refused (never connected); the page itself is fine


def test_dns_rebinding_cannot_reach_an_unchecked_address() -> None:
    """Each connection is made to the address its own resolution returned and the guard checked."""
    with TestServer({"/robots.txt": Reply(404, b"", TEXT), "*": Reply(body=b"<p>public</p>", headers=HTML)}) as good:
        with TestServer({"*": Reply(body=b"<p>internal</p>", headers=HTML)}, host="127.0.0.2", port=good.port) as bad:
            answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 20)  # first answer passes, later ones rebind

            async def rebinding(host: str, port: int) -> list[str]:
                return [next(answers)]

            policy = AddressPolicy(allow=parse_allow([f"127.0.0.1:{good.port}"]))

            async def go() -> list[FetchResult]:
                async with Fetcher(config(policy=policy, per_host=4, retries=0), resolve=rebinding) as f:
                    first = await f.fetch(good.url("/a", host="alpha-site.com"))  # robots + page: one connection
                    rest = await asyncio.gather(*(f.fetch(good.url(f"/b{i}", host="alpha-site.com")) for i in range(3)))
                    return [first, *rest]

            results = asyncio.run(go())
            assert results[0].status == "done"
            assert any(r.status == "skipped_unsafe" for r in results[1:])  # new connections re-resolved: refused
            assert all(r.status in ("done", "skipped_unsafe") for r in results)
            assert bad.connections == 0


def test_http2_only_when_h2_is_installed() -> None:
    import importlib.util

    has_h2 = importlib.util.find_spec("h2") is not None
    assert FetchConfig(http2=True).http2_enabled is has_h2
    assert FetchConfig(http2=False).http2_enabled is False


def test_the_total_timeout_covers_the_whole_redirect_chain(server: TestServer) -> None:
    """Each hop answers within the limit; the chain of four does not."""
    for i in range(4):
        server.routes[f"/hop{i}"] = Reply(302, b"", {"Location": f"/hop{i + 1}"}, delay=0.3)
    server.routes["/hop4"] = Reply(body=b"<p>end</p>", headers=HTML)
    r = fetch(server.url("/hop0"), config(total_timeout=0.8, read_timeout=5.0, retries=0))
    assert (r.status, r.reason) == ("failed", "timeout") and len(r.redirects) >= 2
    assert fetch(server.url("/hop0"), config(total_timeout=5.0)).status == "done"
