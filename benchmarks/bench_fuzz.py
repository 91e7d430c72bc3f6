"""Hostile-input figures: every malformed input ingested in a process of its own, timed, its peak RSS taken.

    python -m benchmarks fuzz [--quick]

The inputs are the corpus of ``tests/support/malformed.py`` (the fuzz test suite reads the same, in one
process) plus three decompression bombs: about a megabyte of gzip that unpacks to a gigabyte (quick: a
quarter) as one JSON Lines line, one string in a JSON array, one CSV cell. Each input is read by a child
forked from this process once the imports are done (so its peak RSS counts the ~200 MB they take), into a
copy of an empty database, with an address-space limit of 4 GB so that a runaway child fails alone.

Figures: ``inputs``; ``tracebacks`` (anything but a one-line ``OrgmapError``); ``one_line_errors``;
``accounted`` (records stored + errored = records read, and = the records the input holds where the corpus
knows it; also the ``ingest_errors`` rows); ``max_seconds`` and the slowest input; ``over_60s``;
``max_rss_mb`` and the input; ``over_1gb``; and per bomb its compressed size, seconds and peak RSS.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from orgmap.store.database import Store
from tests.support.malformed import Case, Outcome, check, corpus

CHILD_SECONDS = 300
ADDRESS_SPACE = 4 << 30
PAGE_AFTER = json.dumps({"url": "https://site1.example.com/", "html": "<p>one</p>"}).encode()


def bombs(gigabytes: float) -> list[Case]:
    """One repeated byte, ``gigabytes`` of it, inside a JSONL line, a JSON string and a CSV cell (gzip)."""
    member = gzip.compress(b"a" * (1 << 24), compresslevel=9)
    filler = member * int(gigabytes * 64)

    def gz(head: bytes, tail: bytes) -> bytes:
        return gzip.compress(head) + filler + gzip.compress(tail)

    return [
        Case(
            "bomb_line.jsonl.gz",
            gz(b'{"url": "https://site0.example.com/", "html": "', b'"}\n' + PAGE_AFTER + b"\n"),
            2,
        ),
        Case(
            "bomb_string.json.gz",
            gz(b'[{"url": "https://site0.example.com/", "html": "', b'"},\n' + PAGE_AFTER + b"]"),
            2,
        ),
        Case(
            "bomb_cell.csv.gz",
            gz(b'url,html\nhttps://site0.example.com/,"', b'"\nhttps://site1.example.com/,<p>one</p>\n'),
            2,
        ),
    ]


def _empty_database(path: Path) -> None:
    """A migrated, empty database, made in another process: this one forks and must hold no DuckDB threads."""
    code = f"from orgmap.store.database import Store\nwith Store({str(path)!r}): pass\n"
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    )


def _in_child(case: Case, root: Path, template: Path) -> tuple[Outcome, int]:
    """Read ``case`` in a forked child: its outcome and the child's peak RSS in MB."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read one input, report, exit without cleanup
        os.close(read_fd)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
            db = root / f"{case.name}.duckdb"
            shutil.copyfile(template, db)
            with Store(str(db)) as store:
                out = check(case, root, store)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            os.write(write_fd, json.dumps({"outcome": asdict(out), "rss": rss}).encode())
        except BaseException:  # noqa: BLE001 - reported as a traceback by the parent
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    data = b""
    deadline = time.monotonic() + CHILD_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([read_fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            break
        data += chunk
    os.close(read_fd)
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if not data:
        why = f"child ended with status {status}" + (" after the time limit" if time.monotonic() >= deadline else "")
        return Outcome(case.name, kind="traceback", error=why, expected=case.records, seconds=CHILD_SECONDS), 0
    got = json.loads(data)
    return Outcome(**got["outcome"]), int(got["rss"])


def run(quick: bool = False) -> dict[str, Any]:
    cases = corpus(seed=0, mutations=40 if quick else 120)
    if quick:
        cases = cases[::3]
    with tempfile.TemporaryDirectory(prefix="orgmap-fuzz-") as tmp:
        root = Path(tmp)
        template = root / "empty.duckdb"
        _empty_database(template)
        results = [_in_child(case, root, template) for case in cases]
        bomb_results = [_in_child(case, root, template) + (len(case.data),) for case in bombs(0.25 if quick else 1.0)]  # type: ignore[arg-type]
    outcomes = [o for o, _ in results]
    slowest = max(outcomes, key=lambda o: o.seconds)
    fattest = max(results, key=lambda r: r[1])
    return {
        "inputs": len(outcomes),
        "tracebacks": sum(o.kind == "traceback" for o in outcomes),
        "one_line_errors": sum(o.kind == "one_line" for o in outcomes),
        "accounted": f"{sum(o.accounted for o in outcomes)}/{len(outcomes)}",
        "unaccounted": [o.name for o in outcomes if not o.accounted],
        "max_seconds": round(slowest.seconds, 2),
        "slowest_input": slowest.name,
        "over_60s": sum(o.seconds > 60 for o in outcomes),
        "max_rss_mb": fattest[1],
        "max_rss_input": fattest[0].name,
        "over_1gb": sum(rss >= 1024 for _, rss in results),
        "bombs": {
            o.name: {
                "gzip_bytes": size,
                "seconds": round(o.seconds, 1),
                "peak_rss_mb": rss,
                "ok": o.kind == "ok" and o.accounted,
            }
            for o, rss, size in bomb_results
        },
    }


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
