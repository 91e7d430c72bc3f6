"""The engines give the same database as one process: whole-table checksums of real ``orgmap resolve`` runs.

``--workers 1`` and ``--workers 2`` on the sample crawl, then ``--engine ray`` on a real 2-node Ray cluster
(``ray.cluster_utils.Cluster``, one CPU per node, loopback only), each compared table by table with what
differs by nature (run ids, timestamps, per-run logs) left out, as the kill tests compare. Classification,
the graph and the export run in the main process whatever the engine, so these runs leave them out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from orgmap.config import EngineSettings, Settings
from orgmap.engine import LocalEngine, available_cores, workers_for
from orgmap.engine.local import _negate
from tests.orgmap.test_kills import ENV, checksums, differences
from tests.support.processes import alive, kill_after_progress

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
SKIP = ("--skip", "classify", "--skip", "graph", "--skip", "export")
SLOW = 1800
"""Seconds a slow test may take: the machine that runs the suite is shared and often loaded."""


def resolve(db: Path, *flags: str, env: dict[str, str] | None = None) -> dict[str, tuple[int, str]]:
    run_env = {**os.environ, **ENV, **(env or {}), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "orgmap", "resolve", str(SAMPLE), "--db", str(db), *SKIP, *flags]
    done = subprocess.run(cmd, cwd=db.parent, env=run_env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return checksums(db)


def test_workers_zero_means_every_available_core() -> None:
    assert workers_for(Settings(engine=EngineSettings(workers=0))) == available_cores() >= 1
    assert workers_for(Settings()) == available_cores()  # the default: every core
    assert workers_for(Settings(engine=EngineSettings(workers=3))) == 3
    # by default a small batch runs in one process; a number the user set is kept whatever the work
    assert workers_for(Settings(), 10) == 1
    assert workers_for(Settings(), 10**9) == available_cores()
    assert workers_for(Settings(engine=EngineSettings(workers=2)), 10) == 2


def test_local_engine_keeps_the_order_of_batches() -> None:
    engine = LocalEngine(2)
    try:
        batches = [pa.table({"x": list(range(i, i + 3))}) for i in range(0, 30, 3)]
        out = [t.column("x").to_pylist() for t in engine.map_batches(_negate, batches)]
    finally:
        engine.close()
    assert out == [[-x for x in range(i, i + 3)] for i in range(0, 30, 3)]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    return resolve(tmp_path_factory.mktemp("w2") / "w2.duckdb", "--workers", "2")


@pytest.mark.slow
@pytest.mark.timeout(SLOW)
def test_two_workers_write_the_tables_one_worker_writes(
    two_workers: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    one = resolve(tmp_path / "w1.duckdb", "--workers", "1")
    assert one["page_signals"][0] > 100 and one["domain_org"][0] > 5
    assert differences(two_workers, one) == {}


@pytest.mark.slow
@pytest.mark.timeout(SLOW)
@pytest.mark.parametrize("prefix", ["signals: ", "NER: "])
def test_a_killed_run_leaves_no_worker_process_behind(prefix: str, tmp_path: Path) -> None:
    """Workers block on pipes their parent holds; killed with SIGKILL, the parent never closes them."""
    children: set[int] = set()
    seen = kill_after_progress(
        ["resolve", str(SAMPLE), "--db", str(tmp_path / "k.duckdb"), "--workers", "2", *SKIP],
        prefix=prefix,
        lines=1,
        cwd=tmp_path,
        env=ENV,
        children=children,
    )
    assert seen == 1, f"the run never reported {prefix!r} progress"
    assert children, "the run had no worker processes when it was killed"
    deadline = time.monotonic() + 60
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(children), "worker processes outlived the killed run"


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    # Ray reads this at import: every address it hands out is then 127.0.0.1 (a loopback-only cluster).
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    pytest.importorskip("ray", reason="the ray extra is not installed")
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 1, "node_ip_address": "127.0.0.1"}
    for attempt in range(3):  # a node that registers after Ray's fixed 30 s fails; under load, try again
        cluster = Cluster()
        try:
            cluster.add_node(**node, include_dashboard=False)
            cluster.add_node(**node)
            cluster.wait_for_nodes(timeout=300)
            break
        except Exception:
            cluster.shutdown()
            if attempt == 2:
                raise
    try:
        yield cluster.address
    finally:
        cluster.shutdown()


@pytest.mark.slow
@pytest.mark.timeout(SLOW)
def test_a_two_node_ray_cluster_writes_the_tables_the_local_engine_writes(
    ray_cluster: str, two_workers: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    env = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "ORGMAP_ENGINE__SHARD_DIR": str(tmp_path / "shards")}
    on_ray = resolve(tmp_path / "ray.duckdb", "--engine", "ray", "--ray-address", ray_cluster, env=env)
    assert differences(on_ray, two_workers) == {}
    assert not list((tmp_path / "shards").iterdir())  # the shards are removed after each job
