"""Fetching pages over HTTP: polite (robots.txt, per-host limits and delays), safe (address guard, size caps), robust.

:meth:`Fetcher.fetch` obeys robots.txt, waits for a host slot, connects only to addresses
``orgmap.sources.netguard`` allows (:class:`GuardedBackend`), follows redirects by hand, streams a capped body
and retries transient failures with backoff. A per-URL problem never raises: it comes back as a
:class:`FetchResult` with a ``status`` and a short ``reason``. The steps in order: docs/fetch.md.

Example::

    async with Fetcher(FetchConfig(user_agent="mybot/1.0 (+https://example.org/bot)")) as fetcher:
        result = await fetcher.fetch("https://example.com/impressum")
        result.status, result.http_status, len(result.content or b"")
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import email.utils
import importlib.util
import ipaddress
import random
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from orgmap.sources.netguard import AddressPolicy, IPAddress, parse_ip_host, refusal
from orgmap.sources.robots import ALLOW_ALL, DISALLOW_ALL, MAX_ROBOTS_BYTES, RobotsRules, parse_robots
from resolver.errors import FetchError

__all__ = [
    "STATUSES",
    "FetchConfig",
    "FetchResult",
    "Fetcher",
    "GuardedBackend",
    "Hop",
    "Resolve",
    "UnsafeAddressError",
    "system_resolve",
]

STATUSES = (
    "pending",
    "done",
    "failed",
    "skipped_robots",
    "skipped_unsafe",
    "skipped_content_type",
    "skipped_too_large",
)
"""Every status a URL can have in the fetch queue (``pending`` before it is fetched)."""

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
"""Content types whose body is read and stored; any other is recorded as metadata only."""

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_REDIRECT_FAILURES = frozenset({"too_many_redirects", "redirect_loop", "bad_redirect", "scheme"})
TRANSIENT_CODES = frozenset({408, 429, 500, 502, 503, 504})

Resolve = Callable[[str, int], Awaitable[Sequence[str]]]
"""``async (host, port) -> addresses``: how names become addresses (tests map test hosts to loopback)."""


@dataclass(frozen=True)
class FetchConfig:
    """How the fetcher behaves (``settings.fetch.client``; the stage adds the address policy)."""

    user_agent: str = "orgmap/0.1 (+https://github.com/orgmap/orgmap; organization resolution)"
    """Sent with every request and matched (by its product token) against robots.txt groups."""
    concurrency: int = 32
    """Requests in flight at once, over all hosts."""
    per_host: int = 2
    """Requests in flight at once to one host."""
    delay: float = 1.0
    """Seconds between request starts to one host; robots.txt ``Crawl-delay`` wins when larger."""
    max_crawl_delay: float = 60.0
    """A robots.txt crawl-delay above this is capped (some sites ask for hours)."""
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    """Seconds without a byte from the server."""
    total_timeout: float = 20.0
    """Seconds for a whole redirect chain's requests, from connecting to the last body byte (a trickling
    server, or a chain of slow redirects, is cut); waits for politeness delays are not counted."""
    max_bytes: int = 5_000_000
    """Cap on a body, counted after decompression."""
    max_redirects: int = 5
    retries: int = 3
    """Retries after the first attempt, for transient failures only."""
    backoff: float = 1.0
    """First retry wait in seconds; doubles each retry (with up to 25 % jitter)."""
    max_retry_after: float = 120.0
    """A ``Retry-After`` longer than this ends the retries (the URL fails as ``http_429``/``http_503``)."""
    http2: bool = True
    """Use HTTP/2 where the server offers it, if the ``h2`` package is installed."""
    respect_robots: bool = True
    policy: AddressPolicy = field(default_factory=AddressPolicy)
    """Which non-public addresses may be connected to (none by default)."""

    @property
    def http2_enabled(self) -> bool:
        """Whether HTTP/2 is actually used (asked for, and ``h2`` importable)."""
        return self.http2 and importlib.util.find_spec("h2") is not None


@dataclass(frozen=True)
class Hop:
    """One redirect followed: ``from_url`` answered ``status`` with ``Location: to_url``."""

    from_url: str
    to_url: str
    status: int


@dataclass(frozen=True)
class FetchResult:
    """What fetching one URL gave; never an exception for a per-URL problem."""

    url: str
    """The URL asked for."""
    final_url: str
    """Where the redirects ended (the page's own URL); ``url`` when there were none."""
    status: str
    """One of :data:`STATUSES` except ``pending``."""
    reason: str | None = None
    """Short and stable, for grouping (``http_404``, ``timeout``, ``loopback``, ``too_large``...); None when done."""
    detail: str = ""
    """Human-readable specifics."""
    http_status: int | None = None
    content_type: str | None = None
    charset: str | None = None
    """The ``charset`` parameter of the Content-Type header, if any (decoding also looks at ``<meta>``)."""
    content: bytes | None = None
    """The decoded (decompressed) body for HTML/text pages that were read; else None."""
    redirects: tuple[Hop, ...] = ()
    attempts: int = 1
    fetched_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))
    elapsed: float = 0.0
    """Seconds spent on this URL, waits for politeness and retries included."""
    ip: str | None = None
    """The address the final response came from."""
    transient: bool = False
    """True when the failure may go away (5xx, 429, resets): worth retrying in a later run."""

    @property
    def n_bytes(self) -> int:
        """Size of the decoded body read."""
        return len(self.content) if self.content is not None else 0


class UnsafeAddressError(FetchError):
    """A host resolved only to addresses the policy refuses; raised before any connection is made."""


class _DNSError(FetchError):
    """A host name did not resolve."""


# -- resolving and connecting ------------------------------------------------------------------


async def system_resolve(host: str, port: int) -> Sequence[str]:
    """The system resolver (``getaddrinfo``), run off the event loop; IPv4 and IPv6 addresses in its order."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks, then connects to the checked address.

    httpcore hands it the URL's host; TLS is started by httpcore afterwards with that same host as SNI and
    certificate name, and httpx sends it as ``Host`` — only the socket goes to the pinned address.
    ``connections`` counts the sockets opened (for tests and statistics).
    """

    def __init__(self, policy: AddressPolicy, resolve: Resolve | None = None) -> None:
        self._policy = policy
        self._resolve = resolve or system_resolve
        self._inner = httpcore.AnyIOBackend()
        self.connections = 0

    async def addresses(self, host: str, port: int, timeout: float | None = None) -> list[IPAddress]:
        """The addresses of ``host`` that the policy allows; raises when there is none."""
        literal = parse_ip_host(host)
        if literal is not None:
            found: list[IPAddress] = [literal]
        else:
            try:
                async with asyncio.timeout(timeout):
                    names = await self._resolve(host, port)
            except (OSError, UnicodeError) as exc:
                raise _DNSError("dns_error", url=host, detail=str(exc)) from None
            except TimeoutError:
                raise _DNSError("dns_error", url=host, detail="resolver timed out") from None
            found = []
            for name in names:
                with contextlib.suppress(ValueError):
                    found.append(ipaddress.ip_address(name.split("%", 1)[0]))
            if not found:
                raise _DNSError("dns_error", url=host, detail="no address")
        allowed = [ip for ip in found if refusal(ip, port, self._policy) is None]
        if not allowed:
            why = refusal(found[0], port, self._policy) or "refused"
            shown = ", ".join(str(ip) for ip in found[:4])
            raise UnsafeAddressError(why, url=f"{host}:{port}", detail=f"resolves to {shown}")
        return allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and check ``host``, then connect to the first allowed address that answers."""
        last: Exception | None = None
        for ip in await self.addresses(host, port, timeout):
            try:
                stream = await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            self.connections += 1
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        """Refused: the fetcher talks TCP only."""
        raise UnsafeAddressError("unix_socket", url=path)

    async def sleep(self, seconds: float) -> None:  # noqa: D102
        await self._inner.sleep(seconds)


_HTTPCORE_TO_HTTPX = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
}


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except tuple(_HTTPCORE_TO_HTTPX) as exc:
        for core, mapped in _HTTPCORE_TO_HTTPX.items():
            if isinstance(exc, core):
                raise mapped(str(exc)) from exc
        raise  # pragma: no cover


class _CoreStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


class _GuardedTransport(httpx.AsyncBaseTransport):
    """httpx transport over an httpcore pool whose sockets come from :class:`GuardedBackend`."""

    def __init__(self, backend: GuardedBackend, *, http2: bool, max_connections: int) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            http1=True,
            http2=http2,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            resp = await self._pool.handle_async_request(req)
        return httpx.Response(
            status_code=resp.status, headers=resp.headers, stream=_CoreStream(resp.stream), extensions=resp.extensions
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


# -- bodies ------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _BoundedDecoder:
    """Content-Encoding decoding that never produces more than ``cap`` bytes in total (no bombs).

    Each ``zlib`` call is given ``max_length``, so a 10 kB gzip bomb yields at most ``cap + 1`` bytes
    before :class:`_TooLarge` stops the read. With ``truncate`` the output stops at ``cap`` bytes instead
    (``full`` turns true), for robots.txt, which is read up to the cap rather than refused.
    """

    def __init__(self, content_encoding: str | None, cap: int, *, truncate: bool = False) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        for c in codings:
            if c not in ("gzip", "x-gzip", "deflate"):
                raise FetchError("unsupported_encoding", url="", detail=f"Content-Encoding {c}")
        self._codings = list(reversed(codings))  # the last applied is undone first
        self._zs = [self._new(c) for c in self._codings]
        self._fed = [False] * len(self._codings)
        self._cap = cap
        self._truncate = truncate
        self.size = 0
        self.full = False

    @staticmethod
    def _new(coding: str) -> Any:
        return zlib.decompressobj(16 + zlib.MAX_WBITS if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        for i, coding in enumerate(self._codings):
            data = self._inflate(i, coding, data)
        if self.size + len(data) > self._cap:
            if not self._truncate:
                raise _TooLarge
            data, self.full = data[: self._cap - self.size], True
        self.size += len(data)
        return data

    def _inflate(self, i: int, coding: str, data: bytes) -> bytes:
        out = bytearray()
        while data:
            z = self._zs[i]
            try:
                chunk = z.decompress(data, self._cap + 1 - self.size - len(out))
            except zlib.error:
                if coding == "deflate" and not self._fed[i]:
                    self._fed[i] = True
                    self._zs[i] = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                    continue
                raise
            self._fed[i] = True
            out += chunk
            if self.size + len(out) > self._cap:
                if self._truncate:
                    break  # feed keeps the first cap bytes
                raise _TooLarge
            if z.eof:
                data = z.unused_data  # a further gzip member
                if data:
                    self._zs[i] = self._new(coding)
            else:
                data = z.unconsumed_tail
        return bytes(out)


# -- politeness --------------------------------------------------------------------------------


class _HostGate:
    """At most ``limit`` requests in flight to one host, starts spaced by ``delay`` seconds."""

    def __init__(self, limit: int, delay: float) -> None:
        self._sem = asyncio.Semaphore(max(1, limit))
        self.delay = delay
        self._next = 0.0
        self._lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._sem:
            async with self._lock:
                wait = self._next - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next = time.monotonic() + self.delay
            yield

    def back_off(self, seconds: float) -> None:
        """Push the next start to at least ``seconds`` from now (a 429/503 with Retry-After)."""
        self._next = max(self._next, time.monotonic() + seconds)


@dataclass
class _Outcome:
    """The result of one attempt, and whether (and after how long) to retry it."""

    result: FetchResult
    retry_after: float | None = None
    retry: bool = False


# -- the fetcher -------------------------------------------------------------------------------


class Fetcher:
    """An async HTTP fetcher; use as ``async with Fetcher(config) as f: await f.fetch(url)``.

    ``resolve`` replaces the system resolver (tests map their host names to loopback with it).
    ``stats`` counts requests, retries and bytes for progress displays.
    """

    def __init__(self, config: FetchConfig | None = None, *, resolve: Resolve | None = None) -> None:
        self.config = config or FetchConfig()
        self.backend = GuardedBackend(self.config.policy, resolve)
        c = self.config
        self._client = httpx.AsyncClient(
            # in-flight requests are bounded by the semaphore below; the pool keeps as many idle keep-alive
            # connections again (a site's next page reuses its connection). Not more: httpcore's pool does
            # O(connections²) work per request, which a pool of hundreds turns into the bottleneck.
            transport=_GuardedTransport(
                self.backend,
                http2=c.http2_enabled,
                max_connections=max(c.concurrency, 1) * 2,
            ),
            timeout=httpx.Timeout(c.total_timeout, connect=c.connect_timeout, read=c.read_timeout),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": c.user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self._global = asyncio.Semaphore(max(1, c.concurrency))
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[tuple[str, str, int], asyncio.Task[tuple[RobotsRules, FetchResult | None]]] = {}
        self.stats: dict[str, int] = {"requests": 0, "retries": 0, "bytes": 0}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close connections and cancel robots.txt fetches still running."""
        for task in self._robots.values():
            task.cancel()
        await self._client.aclose()

    # -- public ---------------------------------------------------------------------------------
    async def fetch(self, url: str) -> FetchResult:
        """Fetch ``url`` (following redirects, retrying transient failures); never raises for per-URL problems."""
        t0 = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = await self._attempt(url, robots_txt=False)
            except (httpx.HTTPError, httpx.InvalidURL, ValueError, UnicodeError, OSError) as exc:
                # an odd URL or server that slipped past the checks above: one failed URL, not a crashed run
                detail = f"{type(exc).__name__}: {exc}"
                outcome = _Outcome(FetchResult(url=url, final_url=url, status="failed", reason="error", detail=detail))
            if outcome.retry and attempt <= self.config.retries:
                wait = self._wait(attempt, outcome.retry_after)
                if wait is not None:
                    self.stats["retries"] += 1
                    await asyncio.sleep(wait)
                    continue
            return _replace(outcome.result, attempts=attempt, elapsed=time.monotonic() - t0)

    def host_delay(self, host: str) -> float:
        """The delay currently applied between requests to ``host``."""
        gate = self._gates.get(host)
        return gate.delay if gate else self.config.delay

    # -- internals ------------------------------------------------------------------------------
    def _wait(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= self.config.max_retry_after else None
        base = self.config.backoff * 2 ** (attempt - 1)
        return min(base * (1 + random.random() / 4), 60.0)

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(self.config.per_host, self.config.delay)
        return gate

    async def _robots_for(self, url: httpx.URL) -> tuple[RobotsRules, FetchResult | None]:
        """Rules for ``url``'s origin (fetched once; concurrent callers share the fetch)."""
        key = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        task = self._robots.get(key)
        if task is None:
            robots_url = str(url.copy_with(path="/robots.txt", query=None, fragment=None))
            task = self._robots[key] = asyncio.ensure_future(self._load_robots(robots_url, url.host))
        return await asyncio.shield(task)

    async def _load_robots(self, robots_url: str, host: str) -> tuple[RobotsRules, FetchResult | None]:
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._attempt(robots_url, robots_txt=True)
            r = outcome.result
            if outcome.retry and attempt <= min(self.config.retries, 1):
                wait = self._wait(attempt, outcome.retry_after)
                if wait is not None:
                    await asyncio.sleep(wait)
                    continue
            break
        if r.status == "done" and r.http_status is not None and r.http_status < 300:
            body = r.content or b""
            if len(body) >= MAX_ROBOTS_BYTES:  # read up to the cap: parse whole lines only
                body = body[: max(body.rfind(b"\n"), body.rfind(b"\r")) + 1]
            # parsing half a megabyte is CPU work: off the event loop, which serves every other fetch
            rules = await asyncio.to_thread(parse_robots, body.decode("utf-8", "replace"), self.config.user_agent)
        elif r.http_status is not None and 400 <= r.http_status < 500 and r.http_status != 429:
            rules = ALLOW_ALL
        elif r.redirects and (r.status == "skipped_unsafe" or r.reason in _REDIRECT_FAILURES):
            rules = ALLOW_ALL  # robots.txt redirected somewhere unusable: "unavailable" (RFC 9309 §2.3.1.2)
        elif r.http_status is not None:
            rules = DISALLOW_ALL  # 5xx / 429: the site is struggling; ask again in a later run
            r = None
        else:
            return DISALLOW_ALL, r  # unreachable, refused address...: the page gets the same verdict
        if rules.crawl_delay is not None:
            gate = self._gate(host)
            gate.delay = max(gate.delay, min(rules.crawl_delay, self.config.max_crawl_delay))
        return rules, None

    async def _attempt(self, url: str, *, robots_txt: bool) -> _Outcome:
        """One attempt: the request and its redirect chain; a transient failure says when to retry."""
        hops: list[Hop] = []
        seen = {url}
        current = url
        c = self.config
        loop = asyncio.get_running_loop()
        spent = 0.0  # request time over the whole redirect chain (politeness waits not counted)
        while True:
            fail = _Failure(url, current, hops)
            try:
                target = httpx.URL(current)
            except (httpx.InvalidURL, TypeError, ValueError) as exc:
                return fail("failed", "bad_url", str(exc))
            if target.scheme not in ("http", "https"):
                return fail("skipped_unsafe", "scheme", f"scheme {target.scheme!r} is not http or https")
            if not target.host:
                return fail("failed", "bad_url", "no host")
            if c.respect_robots and not robots_txt:
                rules, verdict = await self._robots_for(target)
                if verdict is not None:
                    return _Outcome(_replace(verdict, url=url, final_url=current, redirects=tuple(hops)))
                if rules.disallow_all:
                    return fail("failed", "robots_unreachable", "robots.txt answered 5xx/429: try again later")
                if not await asyncio.to_thread(rules.allowed, target.raw_path.decode("ascii", "replace")):
                    return fail("skipped_robots", "robots", f"disallowed by {target.host}/robots.txt")
            gate = self._gate(target.host)
            budget = c.total_timeout - spent
            if budget <= 0:
                return fail("failed", "timeout", f"redirect chain not answered within {c.total_timeout:g} s")
            async with gate.slot(), self._global:
                t0 = loop.time()
                try:
                    async with asyncio.timeout(budget):
                        outcome, location = await self._request(url, current, target, hops, robots_txt, gate)
                except TimeoutError:
                    return fail("failed", "timeout", f"no complete answer within {c.total_timeout:g} s")
                finally:
                    spent += loop.time() - t0
            if location is None:
                return outcome
            if len(hops) > c.max_redirects:
                return _Failure(url, current, hops)("failed", "too_many_redirects", f"more than {c.max_redirects}")
            if location in seen:
                return _Failure(url, current, hops)("failed", "redirect_loop", f"back to {location}")
            seen.add(location)
            current = location

    async def _request(
        self, url: str, current: str, target: httpx.URL, hops: list[Hop], robots_txt: bool, gate: _HostGate
    ) -> tuple[_Outcome, str | None]:
        """Send one request; return the outcome, or the next URL when the answer is a redirect."""
        fail = _Failure(url, current, hops)
        c = self.config
        cap = MAX_ROBOTS_BYTES if robots_txt else c.max_bytes
        self.stats["requests"] += 1
        try:
            response = await self._client.send(self._client.build_request("GET", target), stream=True)
        except UnsafeAddressError as exc:
            return fail("skipped_unsafe", exc.reason, exc.detail), None
        except _DNSError as exc:
            return fail("failed", "dns_error", exc.detail), None
        except httpx.HTTPError as exc:
            return _network_failure(fail, exc), None
        try:
            status = response.status_code
            headers = response.headers
            if status in REDIRECT_CODES and "location" in headers:
                await _drain(response)
                try:
                    nxt = str(target.join(headers["location"]).copy_with(fragment=None))
                except (httpx.InvalidURL, ValueError, TypeError) as exc:
                    return fail("failed", "bad_redirect", f"Location {headers['location']!r}: {exc}", status), None
                hops.append(Hop(current, nxt, status))
                return _Outcome(fail("failed", "redirect").result), nxt
            ctype = headers.get("content-type")
            meta: dict[str, Any] = {"http_status": status, "content_type": ctype, "ip": _peer(response)}
            if status >= 400:
                await _drain(response)
            if status in TRANSIENT_CODES:
                retry_after = _retry_after(headers.get("retry-after"))
                if retry_after is not None:
                    gate.back_off(min(retry_after, c.max_retry_after))
                out = fail("failed", f"http_{status}", headers.get("retry-after", ""), **meta)
                return _Outcome(_replace(out.result, transient=True), retry_after, retry=True), None
            if status >= 400 and not robots_txt:
                return fail("failed", f"http_{status}", "", **meta), None
            if status >= 400:
                return _Outcome(_replace(fail("done", None).result, **meta)), None
            mime = (ctype or "").split(";", 1)[0].strip().lower()
            if mime and mime not in TEXT_TYPES and not robots_txt:
                return fail("skipped_content_type", "content_type", mime, **meta), None
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > cap and not robots_txt:  # robots.txt is read up to the cap
                return fail("skipped_too_large", "too_large", f"Content-Length {int(length):,} > {cap:,}", **meta), None
            try:
                body = await self._read(response, cap, truncate=robots_txt)
            except _TooLarge:
                return fail("skipped_too_large", "too_large", f"body over {cap:,} bytes", **meta), None
            except FetchError as exc:
                return fail("failed", exc.reason, exc.detail, **meta), None
            except zlib.error as exc:
                return fail("failed", "decode_error", f"bad compressed body: {exc}", **meta), None
            except httpx.HTTPError as exc:
                return _network_failure(fail, exc, **meta), None
            self.stats["bytes"] += len(body)
            result = FetchResult(
                url=url,
                final_url=current,
                status="done",
                http_status=status,
                content_type=ctype,
                charset=_charset(ctype),
                content=body,
                redirects=tuple(hops),
                ip=meta["ip"],
            )
            return _Outcome(result), None
        finally:
            await response.aclose()

    async def _read(self, response: httpx.Response, cap: int, *, truncate: bool = False) -> bytes:
        """The decoded body, streamed: past ``cap`` bytes (wire or decoded) raise, or with ``truncate`` end there."""
        decoder = _BoundedDecoder(response.headers.get("content-encoding"), cap, truncate=truncate)
        parts: list[bytes] = []
        wire = 0
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > cap:
                if not truncate:
                    raise _TooLarge
                chunk = chunk[: len(chunk) - (wire - cap)]
            parts.append(decoder.feed(chunk))
            if decoder.full or (truncate and wire >= cap):
                break
        return b"".join(parts)


async def _drain(response: httpx.Response, limit: int = 65_536) -> None:
    """Read a small error or redirect body so the connection can be reused (a big one is closed instead)."""
    length = response.headers.get("content-length", "")
    if not length.isdigit() or int(length) > limit:
        return
    with contextlib.suppress(httpx.HTTPError):
        async for _ in response.aiter_raw():
            pass


class _Failure:
    """Builds non-done outcomes for one hop without repeating the URL bookkeeping."""

    def __init__(self, url: str, current: str, hops: list[Hop]) -> None:
        self.url, self.current, self.hops = url, current, hops

    def __call__(
        self, status: str, reason: str | None, detail: str = "", http_status: int | None = None, **meta: Any
    ) -> _Outcome:
        return _Outcome(
            FetchResult(
                url=self.url,
                final_url=self.current,
                status=status,
                reason=reason,
                detail=detail,
                http_status=http_status if http_status is not None else meta.get("http_status"),
                content_type=meta.get("content_type"),
                charset=_charset(meta.get("content_type")),
                redirects=tuple(self.hops),
                ip=meta.get("ip"),
            )
        )


def _network_failure(fail: _Failure, exc: httpx.HTTPError, **meta: Any) -> _Outcome:
    """Name a transport error and say whether it is worth retrying."""
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return fail("failed", "timeout", f"{type(exc).__name__}: {exc}", **meta)
    if isinstance(exc, httpx.ConnectError) and _is_tls(exc):
        return fail("failed", "tls_error", str(exc), **meta)
    reason = {
        httpx.ConnectTimeout: "connect_timeout",
        httpx.PoolTimeout: "connect_timeout",
        httpx.ConnectError: "connect_error",
        httpx.ReadError: "read_error",
        httpx.WriteError: "read_error",
        httpx.RemoteProtocolError: "protocol_error",
    }.get(type(exc))
    if reason is None:
        return fail("failed", "http_error", f"{type(exc).__name__}: {exc}", **meta)
    out = fail("failed", reason, f"{type(exc).__name__}: {exc}".strip(), **meta)
    return _Outcome(_replace(out.result, transient=True), retry=True)


def _is_tls(exc: BaseException) -> bool:
    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 6:
        if isinstance(cur, ssl.SSLError | ssl.CertificateError):
            return True
        cur = cur.__cause__ or cur.__context__
        seen += 1
    return "SSL" in str(exc) or "certificate" in str(exc).lower()


def _peer(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    with contextlib.suppress(Exception):
        addr = stream.get_extra_info("server_addr")
        if addr:
            return str(addr[0])
    return None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")[:40]
    return None


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    v = value.strip()
    if v.isdigit():
        return float(v)
    try:
        when = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _replace(result: FetchResult, **changes: Any) -> FetchResult:
    return dataclasses.replace(result, **changes)
