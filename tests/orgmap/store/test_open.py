"""Opening the database: a failure names its real cause (missing file, permissions, the run holding a lock)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.store.database import Store
from tests.support.cli import orgmap

REPO = Path(__file__).resolve().parents[3]
runner = CliRunner()
READERS = (["graph", "stats"], ["explain", "acme.example.com"], ["sql", "select count(*) from pages"])
"""Commands that only read: they open the database read-only."""


@contextmanager
def held_by_another_process(db: Path, read_only: bool) -> Iterator[int]:
    """Another program holding ``db`` open (for reading or writing) until the block ends; yields its pid."""
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
        "print('ready', flush=True); sys.stdin.read()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db), "ro" if read_only else "rw"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        yield proc.pid
    finally:
        proc.communicate("", timeout=30)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small resolved database (two pages of one domain)."""
    tmp = tmp_path_factory.mktemp("open")
    crawl = tmp / "crawl.jsonl"
    pages = [
        {"url": "https://acme.example.com/", "html": "<title>Acme Widgets Ltd</title><p>Widgets since 1901.</p>"},
        {"url": "https://acme.example.com/about", "html": "<title>About</title><p>© 2024 Acme Widgets Ltd</p>"},
    ]
    crawl.write_text("".join(json.dumps(p) + "\n" for p in pages))
    db = tmp / "o.duckdb"
    result = runner.invoke(app, ["resolve", str(crawl), "--db", str(db), "--no-ner"])
    assert result.exit_code == 0, result.output
    return db


def test_reading_a_missing_database_says_so_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo.duckdb"
    for command in READERS:
        result = runner.invoke(app, [*command, "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"orgmap: error: {db} does not exist; check --db")
        assert "another orgmap run" not in result.stderr
    assert not db.exists()


def test_reading_commands_work_on_a_read_only_file(resolved: Path, tmp_path: Path) -> None:
    db = tmp_path / "ro.duckdb"
    shutil.copy(resolved, db)
    db.chmod(0o444)
    for command in READERS:
        result = orgmap(*command, "--db", str(db), unprivileged=True)
        assert result.returncode == 0, result.stderr
    result = orgmap("resolve", "--db", str(db), "--no-ner", unprivileged=True)
    assert result.returncode == 2 and f"cannot write {db} (Permission denied)" in result.stderr


def test_reading_commands_work_while_another_process_reads(resolved: Path) -> None:
    with held_by_another_process(resolved, read_only=True):
        for command in READERS:
            result = orgmap(*command, "--db", str(resolved))
            assert result.returncode == 0, result.stderr


def test_a_lock_held_by_another_program_names_the_process_not_a_run(resolved: Path) -> None:
    with held_by_another_process(resolved, read_only=False) as pid:
        result = orgmap("graph", "stats", "--db", str(resolved))
    assert result.returncode == 2
    assert f"is locked by process {pid}, not an orgmap run" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_lock_held_by_a_run_names_the_run_and_wait_waits_for_it(tmp_path: Path) -> None:
    db = tmp_path / "o.duckdb"
    store = Store(db)
    run_id = store.start_run("resolve", ["crawl/"], {})
    try:
        result = orgmap("sql", "select 1", "--db", str(db))
        assert result.returncode == 2
        assert f"is locked by orgmap run {run_id} (resolve, started" in result.stderr
        assert f"PID {os.getpid()})" in result.stderr and "orgmap --wait SECONDS" in result.stderr
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        cmd = [sys.executable, "-m", "orgmap", "--wait", "120", "sql", "select count(*) from runs", "--db", str(db)]
        waiting = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert waiting.stderr is not None
        line = waiting.stderr.readline()
        assert line.startswith(f"orgmap: waiting up to 120 s for orgmap run {run_id} (resolve")
        store.finish_run(run_id, "ok", {})
    finally:
        store.close()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "1" in out
    assert not Path(f"{db}.run").exists()  # the run finished: nothing says it holds the database any more
