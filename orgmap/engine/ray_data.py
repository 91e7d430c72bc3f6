"""The Ray engine: batches written as Parquet shards, mapped by a Ray Data job, results streamed back in order.

Needs the ``ray`` extra (``pip install 'orgmap[ray]'``). Without an address a local Ray runtime is started
in this process; with one (``auto``, ``ray://head:10001``) the job runs on that cluster, whose nodes must
import the same orgmap and read ``shard_dir`` (docs/scale-out.md).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from orgmap.engine.base import BatchFn
from resolver.errors import ConfigError


class RayEngine:
    """Ray Data over Parquet shards; one shard per input batch, one ``map_batches`` call per shard."""

    name = "ray"

    def __init__(self, address: str = "", shard_dir: str = "", shard_rows: int = 1_000) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError(
                "the ray engine needs Ray: pip install 'orgmap[ray]' (or run without --engine ray)"
            ) from exc
        if not ray.is_initialized():
            ray.init(address=address or None, include_dashboard=False, log_to_driver=False, configure_logging=False)
        self._ray = ray
        self.shard_dir = shard_dir
        self.shard_rows = max(1, shard_rows)
        self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map_batches(self, fn: BatchFn, batches: Iterable[pa.Table], **kwargs: Any) -> Iterator[pa.Table]:
        """Write ``batches`` as shards, map ``fn`` over them on the cluster, yield the results in order."""
        import ray.data

        root = Path(self.shard_dir) if self.shard_dir else Path(tempfile.gettempdir())
        job_dir = root / f"orgmap-shards-{uuid.uuid4().hex[:12]}"
        job_dir.mkdir(parents=True)
        try:
            paths = []
            for i, batch in enumerate(batches):
                if batch.num_rows:
                    paths.append(str(job_dir / f"part-{i:06d}.parquet"))
                    pq.write_table(batch, paths[-1])
            if not paths:
                return
            context = ray.data.DataContext.get_current()
            context.execution_options.preserve_order = True
            context.enable_progress_bars = False
            # The directory, not the list of files: Ray resolves a list in threads, and there its optional fsspec
            # HTTP import races (ImportError without aiohttp). Shard names sort in batch order.
            dataset = ray.data.read_parquet(str(job_dir), override_num_blocks=len(paths))
            mapped = dataset.map_batches(
                fn, fn_kwargs=kwargs, batch_format="pyarrow", batch_size=self.shard_rows, zero_copy_batch=True
            )
            for out in mapped.iter_batches(batch_format="pyarrow", batch_size=None):
                table: pa.Table = out  # batch_format="pyarrow": Arrow tables (Ray types the union of all formats)
                if table.num_rows:
                    yield table
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)

    def close(self) -> None:
        """Nothing to stop: the Ray runtime lives as long as this process (jobs of later stages reuse it)."""
