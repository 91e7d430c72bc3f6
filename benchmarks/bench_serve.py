"""``orgmap serve`` under load: many concurrent one-task ``/predict`` requests on loopback.

The backend (a real end model trained on generated pages, the app ``orgmap serve`` builds, uvicorn) runs in
its own process; this one opens all connections of a round at once, each sending one task, and waits for every
answer. Latency is from connect to the last byte of the answer. RSS is the server's, after a warm-up round
(not counted) and after the last round: flat RSS means nothing piles up per request.

Example::

    python -m benchmarks serve            # 500 concurrent requests, 4 rounds
    python -m benchmarks serve --quick    # 200 concurrent requests, 2 rounds
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import socket
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.bench_classify import _VOCAB, page_frame
from classifiers.model import EndModel

TASK_COLUMNS = ("registered_domain", "suffix", "url", "title", "description", "text", "jsonld", "link_domains")


def _serve(model_bytes: bytes, port: int) -> None:
    """Child process: the backend on 127.0.0.1:``port`` until terminated."""
    import uvicorn

    from orgmap.review.backend import ModelHolder, create_app

    app = create_app(ModelHolder(EndModel.from_bytes(model_bytes), "page-bench"), target="page")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical", backlog=2048)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _request(body: bytes) -> bytes:
    return (
        b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
    ) + body


async def _one(port: int, request: bytes) -> tuple[float, bool]:
    """Latency (s) of one request on its own connection, and whether it was a 200 with one prediction."""
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 60)
        writer.close()
    except (OSError, TimeoutError):
        return time.perf_counter() - t0, False
    head, _, body = answer.partition(b"\r\n\r\n")
    ok = head.startswith(b"HTTP/1.1 200") and len(json.loads(body or b"{}").get("results", [])) == 1
    return time.perf_counter() - t0, ok


async def _round(port: int, requests: list[bytes]) -> list[tuple[float, bool]]:
    return await asyncio.gather(*(_one(port, r) for r in requests))


def _wait_up(port: int, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the backend did not come up on port {port}")


def run(quick: bool = False) -> dict[str, Any]:
    """Figures: errors, p50/p99/max latency per round and overall, the server's RSS before and after."""
    concurrency, rounds = (200, 2) if quick else (500, 4)
    frame = page_frame(2_000)
    model = EndModel.fit(frame, np.arange(len(frame)) % len(_VOCAB), classes=tuple(_VOCAB), target="page")
    rows = frame[list(TASK_COLUMNS)].to_dict("records")
    requests = [_request(json.dumps({"tasks": [{"data": rows[i % len(rows)]}]}).encode()) for i in range(concurrency)]
    port = _free_port()
    proc = mp.get_context("spawn").Process(target=_serve, args=(model.to_bytes(), port), daemon=True)
    proc.start()
    try:
        _wait_up(port)
        asyncio.run(_round(port, requests))  # warm-up, not counted: first-call imports, the first big batch
        assert proc.pid is not None
        rss_before = _rss_mb(proc.pid)
        per_round, latencies, errors = {}, [], 0
        for r in range(rounds):
            t0 = time.perf_counter()
            outcomes = asyncio.run(_round(port, requests))
            wall = time.perf_counter() - t0
            lat = np.array([s for s, _ in outcomes])
            bad = sum(not ok for _, ok in outcomes)
            errors += bad
            latencies.extend(lat.tolist())
            per_round[f"round {r + 1}"] = (
                f"{bad} errors, p50 {np.percentile(lat, 50):.3f} s, p99 {np.percentile(lat, 99):.3f} s, "
                f"{len(outcomes) / wall:.0f} req/s"
            )
        rss_after = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.join(10)
    lat = np.array(latencies)
    return {
        "concurrency": concurrency,
        "rounds": rounds,
        "requests": len(lat),
        "errors": errors,
        "p50_s": float(np.percentile(lat, 50)),
        "p99_s": float(np.percentile(lat, 99)),
        "max_s": float(lat.max()),
        "server_rss_mb_before": round(rss_before, 1),
        "server_rss_mb_after": round(rss_after, 1),
        "per_round": per_round,
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(run(), indent=2))
