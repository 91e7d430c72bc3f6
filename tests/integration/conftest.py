"""A real Label Studio server for the integration tests (started once per session, stopped even on failure).

``make test-integration`` installs Label Studio into ``.lsvenv`` and sets ``LABEL_STUDIO_BIN`` to its
``label-studio`` binary; without that variable these tests skip (``make test`` stays fast and needs no server).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
USER = "orgmap-ci@example.com"
PASSWORD = "orgmap-ci-password-1"
TOKEN = "orgmap0ci0token0123456789abcdef012345678"
START_TIMEOUT = float(os.environ.get("LABEL_STUDIO_START_TIMEOUT", "300"))


@dataclass(frozen=True)
class LabelStudioServer:
    """A running Label Studio."""

    url: str
    token: str
    user: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A function returning a free TCP port on loopback."""
    return _free_port


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudioServer]:
    """Start ``label-studio`` on 127.0.0.1 with a fixed user and legacy token; kill its process group at the end."""
    binary = os.environ.get("LABEL_STUDIO_BIN")
    if not binary:
        pytest.skip("Label Studio not available: run `make test-integration` (sets LABEL_STUDIO_BIN)")
    if not Path(binary).exists():
        pytest.skip(f"LABEL_STUDIO_BIN={binary} does not exist; run `make test-integration`")
    base = tmp_path_factory.mktemp("label-studio")
    port = _free_port()
    env = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(base / "data"),
        "LABEL_STUDIO_USERNAME": USER,
        "LABEL_STUDIO_PASSWORD": PASSWORD,
        "LABEL_STUDIO_USER_TOKEN": TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "ML_BLOCK_LOCAL_IP": "false",
        "SSRF_PROTECTION_ENABLED": "false",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
    }
    env.pop("HOST", None)
    log = base / "label-studio.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [binary, "start", "--no-browser", "--host", "127.0.0.1", "--port", str(port)],
            cwd=base,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"label-studio exited with {proc.returncode}; log:\n{log.read_text()[-3000:]}")
            try:
                r = httpx.get(f"{url}/api/projects", headers={"Authorization": f"Token {TOKEN}"}, timeout=5)
                if r.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"label-studio did not answer within {START_TIMEOUT:.0f}s; log:\n{log.read_text()[-3000:]}")
            time.sleep(1.0)
        yield LabelStudioServer(url, TOKEN, USER, log)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def resolved_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in sample crawl resolved into a DuckDB file (pages, domains, orgs, labels, promoted models)."""
    db = tmp_path_factory.mktemp("orgmap") / "sample.duckdb"
    cmd = [sys.executable, "-m", "orgmap.cli", "resolve", str(REPO / "data" / "sample"), "--db", str(db)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return db
