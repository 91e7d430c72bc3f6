"""Where page-heavy work runs: a module-level function mapped over batches of page rows, results in order.

:class:`LocalEngine` runs it in worker processes on this machine (``--workers``, default every core);
``RayEngine`` (:mod:`orgmap.engine.ray_data`, ``--engine ray``) runs it as a Ray Data job over Parquet shards
(docs/scale-out.md). The function takes an Arrow table and keyword arguments and returns an Arrow table; the
stage writes what comes back into the store in its own process, so writes stay in one process.
"""

from orgmap.engine.base import BatchFn, Engine, available_cores, open_engine, workers_for
from orgmap.engine.local import LocalEngine

__all__ = ["BatchFn", "Engine", "LocalEngine", "available_cores", "open_engine", "workers_for"]
