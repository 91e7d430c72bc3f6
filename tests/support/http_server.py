"""A real HTTP server on loopback for the fetcher's tests and benchmark (stdlib, one thread per connection).

Why in the package rather than under ``tests/``: the benchmark and the stage tests start the same server,
and a user can point ``orgmap fetch --allow-loopback`` at it to try the command without the internet.
It only ever binds loopback addresses.

Routes map a path (optionally per ``Host`` header) to a :class:`Reply` or to a function of the request
returning one, so stateful cases ("500, then 200") are a closure. ``connections`` counts accepted sockets:
tests assert a refused redirect target saw none.

Example::

    with TestServer({"/": Reply(body=b"<title>Hi</title>")}) as server:
        server.url("/")   # 'http://127.0.0.1:PORT/'
"""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Reply", "TestServer", "gzip_bomb", "map_hosts"]


@dataclass(frozen=True)
class Reply:
    """What the server answers."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    """Seconds to wait before answering (slow servers, timeouts)."""
    chunked: bool = False
    """Send the body with chunked transfer encoding (no Content-Length: the fetcher must count)."""
    trickle: float = 0.0
    """Seconds between 1 KiB chunks of the body (a trickling server)."""


Route = Reply | Callable[[http.server.BaseHTTPRequestHandler], Reply]


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes gzip-compressed (1 MB becomes ~1 kB): a decompression bomb in miniature."""
    return gzip.compress(b"\0" * size, 9)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms delayed-ACK stalls
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        srv = self.server
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = self.path
        with srv.lock:
            srv.requests.append((host, path))
        route = srv.routes.get(f"{host}{path}") or srv.routes.get(path) or srv.routes.get(path.split("?")[0])
        if route is None:
            route = srv.routes.get("*", Reply(404, b"not found", {"Content-Type": "text/plain"}))
        reply = route(self) if callable(route) else route
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif not any(k.lower() == "content-length" for k in reply.headers):
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.chunked or reply.trickle:
                for i in range(0, len(reply.body), 1024):
                    piece = reply.body[i : i + 1024]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if reply.chunked else piece)
                    self.wfile.flush()
                    if reply.trickle:
                        time.sleep(reply.trickle)
                if reply.chunked:
                    self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str]] = []
        self.connections = 0
        self.lock = threading.Lock()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        with self.lock:
            self.connections += 1
        return conn, addr


class TestServer:
    """A threaded HTTP/1.1 server on ``host`` (a loopback address) and ``port`` (0: an ephemeral one)."""

    __test__ = False  # not a pytest test class

    def __init__(self, routes: Mapping[str, Route] | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if not host.startswith("127."):
            raise ValueError("TestServer binds IPv4 loopback addresses only")
        self.routes: dict[str, Route] = dict(routes or {})
        self._server = _Server((host, port), self.routes)
        self.host = host
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()

    @property
    def connections(self) -> int:
        """Sockets accepted so far."""
        return self._server.connections

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(Host header without port, path) of every request so far."""
        with self._server.lock:
            return list(self._server.requests)

    def url(self, path: str = "/", host: str | None = None) -> str:
        """``http://HOST:PORT/path``, with ``host`` (a name mapped by :func:`map_hosts`) instead of the IP."""
        return f"http://{host or self.host}:{self.port}{path}"


def map_hosts(names: Iterable[str], address: str = "127.0.0.1") -> Callable[[str, int], Any]:
    """A resolver for :class:`orgmap.sources.fetch.Fetcher` mapping ``names`` to ``address``; other names fail."""
    table = {n.lower(): address for n in names}

    async def resolve(host: str, port: int) -> list[str]:
        try:
            return [table[host.lower().rstrip(".")]]
        except KeyError:
            raise OSError(f"test resolver: unknown host {host}") from None

    return resolve
