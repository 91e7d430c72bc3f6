"""The engine interface and the choice of engine from the settings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import pyarrow as pa

from orgmap.config import Settings
from resolver.errors import ConfigError

BatchFn = Callable[..., pa.Table]
"""``fn(batch, **kwargs) -> table``: module-level (workers import it by name), pure, one output table per batch."""

ENGINES = ("local", "ray")


class Engine(Protocol):
    """Maps a batch function over batches of rows; yields the results in the order of the batches."""

    name: str
    workers: int
    """Batches processed at once (processes of the local engine, CPUs of the Ray cluster)."""

    def map_batches(self, fn: BatchFn, batches: Iterable[pa.Table], **kwargs: Any) -> Iterator[pa.Table]:
        """``fn(batch, **kwargs)`` for each batch, in order."""
        ...

    def close(self) -> None:
        """Stop the workers this engine started."""
        ...


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return max(1, count() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


WORK_PER_WORKER = 500
"""Units of work (pages) a worker process must get to pay for its start (imports, the spaCy model: seconds)."""


def workers_for(settings: Settings, work: int | None = None) -> int:
    """``settings.engine.workers``, or every available core when it is 0.

    With 0 (the default) and ``work`` given, no more workers than there are :data:`WORK_PER_WORKER` units of
    work: a small batch runs in one process rather than paying for processes it cannot use. A number the
    user set is used as it is.
    """
    workers = settings.engine.workers
    if settings.engine.name not in ENGINES:
        raise ConfigError(f"engine.name must be one of {', '.join(ENGINES)}, not {settings.engine.name!r}")
    if workers < 0:
        raise ConfigError(f"engine.workers must be 0 (every core) or more, not {workers}")
    if workers:
        return workers
    cores = available_cores()
    return cores if work is None else max(1, min(cores, work // WORK_PER_WORKER))


@contextmanager
def open_engine(settings: Settings, work: int | None = None) -> Iterator[Engine]:
    """The engine ``settings.engine.name`` names, closed on exit (``work``: units of work, see :func:`workers_for`).

    Example::

        with open_engine(settings) as engine:
            for table in engine.map_batches(fn, batches, model="en_core_web_sm"):
                ...
    """
    name = settings.engine.name
    engine: Engine
    if name == "local":
        from orgmap.engine.local import LocalEngine

        engine = LocalEngine(workers_for(settings, work))
    elif name == "ray":
        from orgmap.engine.ray_data import RayEngine

        engine = RayEngine(settings.engine.ray_address, settings.engine.shard_dir, settings.engine.shard_rows)
    else:
        raise ConfigError(f"engine.name must be one of {', '.join(ENGINES)}, not {name!r}")
    try:
        yield engine
    finally:
        engine.close()
