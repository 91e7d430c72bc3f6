"""Progress in a log (cron, CI, a file): a line every few seconds while any stage works, even a silent one."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from orgmap.progress import LogLines

REPO = Path(__file__).resolve().parents[2]


class Lines(io.StringIO):
    """A stream that tells when a line arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()

    def write(self, text: str) -> int:
        self.arrived.set()
        return super().write(text)


def test_a_task_that_reports_nothing_still_gets_a_line_every_period() -> None:
    stream = Lines()
    sink = LogLines(stream, every=0.01)
    task = sink.task("graph", unit="stages")
    assert stream.arrived.wait(timeout=60), "no line while the task was open"
    task.close()
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"graph: \d+s so far", lines[0])
    assert re.fullmatch(r"graph: done in \d+\.\ds", lines[-1])


def test_log_lines_show_counts_rate_eta_and_bytes_in_units() -> None:
    stream = io.StringIO()
    task = LogLines(stream, every=3600).task("ingest", total=4_000_000, unit="bytes")
    task.advance(1_000_000)
    line = task.line(task.t0 + 2)  # type: ignore[attr-defined]
    assert line == "ingest: 1.0 MB/4.0 MB 500.0 KB/s 2s so far ETA 6s"


def test_every_long_stage_prints_progress_lines_when_stderr_is_a_pipe(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ORGMAP_PROGRESS_SECONDS": "0.2"}
    cmd = [sys.executable, "-m", "orgmap", "resolve", str(REPO / "data" / "sample"), "--db", str(tmp_path / "o.duckdb")]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    final = re.compile(r"^\[(\d)/7\] (\w+): done in ([\d.]+)s$")
    ends = [(i, m.group(2), float(m.group(3))) for i, line in enumerate(lines) if (m := final.match(line))]
    assert [name for _, name, _ in ends] == ["ingest", "signals", "ner", "resolve", "classify", "graph", "export"]
    start = 0
    for end, name, seconds in ends:
        if seconds >= 1.0:  # five periods or more: lines (of the stage or of its steps) came while it ran
            assert any("so far" in line for line in lines[start:end]), (name, lines[start:end])
        start = end + 1
