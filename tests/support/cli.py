"""Run ``python -m orgmap`` in a subprocess, as a user would, optionally subject to file modes even as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def orgmap(
    *args: str, cwd: Path | None = None, unprivileged: bool = False, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The finished process; ``unprivileged`` drops root's power to ignore file modes (or skips without setpriv)."""
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file modes cannot be enforced")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [*prefix, sys.executable, "-m", "orgmap", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
