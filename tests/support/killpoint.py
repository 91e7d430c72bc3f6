"""Run the orgmap command line and SIGKILL this very process at a chosen point (the kill tests' subject).

A kill from outside lands wherever the process happens to be; this one lands exactly where a test says,
so each kill point is tested every time. The process is a real ``orgmap`` run on a real DuckDB file, and
SIGKILL gives it no chance to clean up. ``KILLPOINT_AT`` says where:

- ``<stage>:<n>``       right after the stage's n-th committed transaction;
- ``<stage>:<n>:open``  inside the stage's n-th transaction, its writes done, before it commits;
- ``after:<stage>``     when the stage has returned, before the next one starts;
- ``trace``             kill nowhere; print ``commit <stage> <n>`` for every commit (to choose points).

Usage: ``python -m tests.support.killpoint resolve CRAWL --db DB`` (the arguments of ``orgmap``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import resolver.sql

_POINT = os.environ.get("KILLPOINT_AT", "")
_state: dict[str, Any] = {"stage": None, "commits": 0}
_original = resolver.sql.transaction


def _die() -> None:
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _at(stage: str, n: int, *, open_: bool) -> bool:
    parts = _POINT.split(":")
    return (
        len(parts) >= 2
        and parts[0] == stage
        and parts[1] == str(n)
        and (len(parts) == 3 and parts[2] == "open") == open_
    )


@contextlib.contextmanager
def _transaction(con: Any) -> Iterator[Any]:
    stage = _state["stage"]
    with _original(con) as inner:
        yield inner
        if stage is not None and _at(stage, _state["commits"] + 1, open_=True):
            _die()
    if stage is not None:
        _state["commits"] += 1
        if _POINT == "trace":
            print(f"commit {stage} {_state['commits']}", file=sys.stderr, flush=True)
        if _at(stage, _state["commits"], open_=False):
            _die()


resolver.sql.transaction = _transaction  # before anything imports it by name (graph.build does)


def _wrap(name: str, stage: Any) -> Any:
    def run(*args: Any) -> Any:
        _state["stage"], _state["commits"] = name, 0
        try:
            return stage(*args)
        finally:
            _state["stage"] = None
            if _POINT == f"after:{name}":
                _die()

    return run


def main() -> None:
    """Patch the pipeline's stages and run the command line."""
    from orgmap import pipeline
    from orgmap.cli import app

    for name, stage in list(pipeline.STAGES.items()):
        pipeline.STAGES[name] = _wrap(name, stage)
    app()


if __name__ == "__main__":
    main()
