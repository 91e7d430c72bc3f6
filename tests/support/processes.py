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


def kill_after_progress(
    args: list[str], *, prefix: str, lines: int, cwd: Path, env: Mapping[str, str], seconds: float = 300
) -> int:
    """Run ``python -m orgmap ARGS``; SIGKILL it once ``lines`` progress lines starting with ``prefix`` came.

    Progress lines go to stderr (one per committed batch when ``ORGMAP_PROGRESS_SECONDS=0``). Returns how
    many were seen: fewer than ``lines`` when the process ended first or ``seconds`` ran out.
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
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return seen
