"""Fetch throughput against a local server: pages/s of the fetcher alone and of the whole fetch stage.

The server runs in its own process (a minimal asyncio HTTP/1.1 server with keep-alive, gzip-compressed
~15 kB pages) so it does not share the fetcher's GIL. The URLs spread over 100 host names mapped to
127.0.0.1 by the resolver hook: robots.txt is fetched per host, per-host limits apply, and the address
guard checks every connection (loopback allowed). No delay between requests: this measures the
machinery, not politeness.

Example::

    python -m benchmarks fetch            # 2,000 pages
    python -m benchmarks fetch --quick    # 300 pages
"""

from __future__ import annotations

import asyncio
import gzip
import multiprocessing as mp
import tempfile
import time
from pathlib import Path
from typing import Any

from orgmap.config import FetchSettings, Settings
from orgmap.sources.fetch import FetchConfig, Fetcher
from orgmap.sources.netguard import AddressPolicy
from orgmap.stages.fetch import fetch
from orgmap.store.database import Store
from tests.support.http_server import map_hosts

CONCURRENCY = 32
PER_HOST = 4
N_HOSTS = 100


def _page() -> bytes:
    para = "<p>Acme Widgets GmbH builds precision parts for customers across Europe since 1952.</p>\n"
    return f"<html><head><title>Acme</title></head><body>{para * 170}</body></html>".encode()


def _serve(conn: Any) -> None:
    """Child process: answer every GET with the page (robots.txt: 404), keep-alive."""
    body = gzip.compress(_page(), 6)
    ok = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                writer.write(missing if b" /robots.txt " in head.split(b"\r\n", 1)[0] + b" " else ok)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        conn.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _urls(port: int, n: int) -> list[str]:
    return [f"http://site{i % N_HOSTS}-bench.com:{port}/page/{i}" for i in range(n)]


async def _fetch_all(urls: list[str], resolve: Any) -> tuple[float, float, int]:
    config = FetchConfig(
        concurrency=CONCURRENCY, per_host=PER_HOST, delay=0.0, policy=AddressPolicy(allow_loopback=True)
    )
    async with Fetcher(config, resolve=resolve) as fetcher:
        t0, c0 = time.perf_counter(), time.process_time()
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
        return time.perf_counter() - t0, time.process_time() - c0, sum(r.status == "done" for r in results)


def run(quick: bool = False) -> dict[str, Any]:
    """Figures: pages/s of the fetcher alone and of ``orgmap fetch --urls`` (queue, storage included).

    CPU milliseconds per page are reported too: on a shared machine they vary less than pages/s.
    """
    n = 300 if quick else 2_000
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child,), daemon=True)
    proc.start()
    try:
        port = int(parent.recv())
        resolve = map_hosts(f"site{i}-bench.com" for i in range(N_HOSTS))
        seconds, cpu, done = asyncio.run(_fetch_all(_urls(port, n), resolve))
        fetcher_figures = {
            "pages": n,
            "done": done,
            "seconds": seconds,
            "pages_per_s": n / seconds,
            "cpu_ms_per_page": 1000 * cpu / n,
        }

        settings = Settings(
            fetch=FetchSettings(
                client=FetchConfig(concurrency=CONCURRENCY, per_host=PER_HOST, delay=0.0),
                allow_loopback=True,
                batch_size=200,
            )
        )
        with tempfile.TemporaryDirectory() as tmp:
            urls_file = Path(tmp) / "urls.txt"
            urls_file.write_text("\n".join(u.replace("/page/", "/stage/") for u in _urls(port, n)), "utf-8")
            with Store(Path(tmp) / "bench.duckdb") as store:
                t0, c0 = time.perf_counter(), time.process_time()
                summary = fetch(store, urls=urls_file, settings=settings, progress=False, resolve=resolve)
                stage_seconds, stage_cpu = time.perf_counter() - t0, time.process_time() - c0
        stage_figures = {
            "pages": n,
            "stored": summary.pages_stored,
            "seconds": stage_seconds,
            "pages_per_s": n / stage_seconds,
            "cpu_ms_per_page": 1000 * stage_cpu / n,
        }
    finally:
        proc.terminate()
        proc.join(10)
    return {
        "concurrency": CONCURRENCY,
        "per_host": PER_HOST,
        "hosts": N_HOSTS,
        "page_bytes": len(_page()),
        "fetcher": fetcher_figures,
        "stage (queue + store)": stage_figures,
    }


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(quick=False), indent=2, default=str))
