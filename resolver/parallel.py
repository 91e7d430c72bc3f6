"""Pure-Python work spread over forked worker processes: name cleaning and pair scoring of large lists.

That work holds the GIL; workers are forked so what they read (``shared``) is inherited, not pickled.
Without ``fork``, or for a short list, the work runs in this process with the same results.

Example::

    >>> fork_map(_double_all, [[1, 2], [3]], processes=1, shared=10)
    [[20, 40], [60]]
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

__all__ = ["MIN_ITEMS", "chunks", "fork_map"]

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 2
"""Fewer items than this run in this process (the callers hand over chunks of thousands)."""

_SHARED: Any = None


def fork_map(fn: Callable[[Any, T], R], items: Sequence[T], *, processes: int, shared: Any = None) -> list[R]:
    """``[fn(shared, item) for item in items]``, in ``processes`` forked workers when there are several.

    ``fn`` must be a module-level function (it is sent to the workers by name).
    """
    if processes <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(shared, item) for item in items]
    global _SHARED
    _SHARED = shared
    gc.freeze()  # the workers' garbage collector then leaves the inherited heap alone: no copy-on-write storm
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            return pool.map(partial(_call, fn), items, chunksize=1)
    finally:
        gc.unfreeze()
        _SHARED = None


def _call(fn: Callable[[Any, T], R], item: T) -> R:
    return fn(_SHARED, item)


def _double_all(factor: int, xs: list[int]) -> list[int]:
    return [factor * 2 * x for x in xs]


def chunks(n: int, size: int) -> list[range]:
    """``range(n)`` cut into consecutive ranges of at most ``size`` (the items a caller hands over).

    >>> chunks(5, 2)
    [range(0, 2), range(2, 4), range(4, 5)]
    """
    return [range(i, min(i + size, n)) for i in range(0, n, max(size, 1))]
