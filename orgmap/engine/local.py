"""The local engine: worker processes on this machine (spawned, so no thread or lock state is inherited)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import pyarrow as pa

from orgmap.engine.base import BatchFn
from orgmap.engine.orphans import die_with_parent


class LocalEngine:
    """``workers`` processes; with one, batches run in this process (no start-up cost, same results).

    At most two batches per worker are in flight, so memory stays bounded whatever the number of batches.

    >>> import pyarrow as pa
    >>> with_one = LocalEngine(1)
    >>> [t.column("x").to_pylist() for t in with_one.map_batches(_negate, [pa.table({"x": [1, 2]})])]
    [[-1, -2]]
    """

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def map_batches(self, fn: BatchFn, batches: Iterable[pa.Table], **kwargs: Any) -> Iterator[pa.Table]:
        """``fn(batch, **kwargs)`` for each batch, in order."""
        if self.workers == 1:
            for batch in batches:
                yield fn(batch, **kwargs)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=mp.get_context("spawn"), initializer=die_with_parent, initargs=(os.getpid(),)
            )
        window: deque[Future[pa.Table]] = deque()
        for batch in batches:
            window.append(self._pool.submit(fn, batch, **kwargs))
            if len(window) >= 2 * self.workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def close(self) -> None:
        """Stop the worker processes (batches not yet started are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _negate(batch: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    return pa.table({"x": pc.negate(batch.column("x"))})
