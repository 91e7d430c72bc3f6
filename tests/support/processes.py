"""Real ``orgmap`` subprocesses for the kill tests: start one, wait for its progress lines, kill it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def children_of(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from ``/proc``; Linux)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while we looked
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ...
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(entry.name))
    return out


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (not ended, not zombies)."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def kill_after_progress(
    args: list[str],
    *,
    prefix: str,
    lines: int,
    cwd: Path,
    env: Mapping[str, str],
    seconds: float = 300,
    children: set[int] | None = None,
) -> int:
    """Run ``python -m orgmap ARGS``; SIGKILL it once ``lines`` progress lines starting with ``prefix`` came.

    Progress lines go to stderr (one per committed batch when ``ORGMAP_PROGRESS_SECONDS=0``). Returns how
    many were seen: fewer than ``lines`` when the process ended first or ``seconds`` ran out. When
    ``children`` is given, the run's child processes at the moment of the kill are added to it.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "orgmap", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "ORGMAP_PROGRESS_SECONDS": "0", **env},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    seen = 0
    deadline = time.monotonic() + seconds
    while seen < lines and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line.startswith(prefix)
    if children is not None:
        children |= children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return seen
