"""A real headless Chromium, driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``).

The pipe needs no websocket client and no port: Chromium reads NUL-terminated JSON commands on fd 3 and
writes replies and events on fd 4. Enough of the protocol to load a page, read what its scripts would see
(``Runtime.evaluate``), collect console errors and take a screenshot.

Example::

    with Browser() as browser:
        page = browser.open(Path("report.html").resolve().as_uri())
        page.evaluate("document.images.length"), page.errors
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("ORGMAP_CHROMIUM", "/usr/bin/chromium"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--remote-debugging-pipe",
)


def _onto_3_and_4(commands: int, replies: int) -> None:
    """In the child: the command pipe on fd 3, the reply pipe on fd 4 (via high fds, so neither clobbers the other)."""
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands, replies)]
    os.dup2(high[0], 3)
    os.dup2(high[1], 4)


@dataclass
class Page:
    """One loaded tab: evaluate expressions in it, read its console errors, take a screenshot."""

    browser: Browser
    session: str
    errors: list[str] = field(default_factory=list)
    """Console errors, uncaught exceptions and failed loads (``Log.entryAdded`` at level error)."""

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page."""
        reply = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        return reply["result"].get("value")

    def screenshot(self, path: Path, width: int = 1100) -> None:
        """A PNG of the whole page, ``width`` CSS pixels wide."""
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        params = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self.browser.call("Emulation.setDeviceMetricsOverride", params, self.session)
        params = {"format": "png", "captureBeyondViewport": True}
        shot = self.browser.call("Page.captureScreenshot", params, self.session)
        path.write_bytes(base64.b64decode(shot["data"]))


class Browser:
    """Chromium started headless with a throwaway profile; stopped (and the profile removed) on exit."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._next = 0
        self._events: list[dict[str, Any]] = []
        self._buffer = b""

    def __enter__(self) -> Browser:
        self.profile = tempfile.mkdtemp(prefix="orgmap-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium expects the command pipe on fd 3 and the reply pipe on fd 4.
        self.proc = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=lambda: _onto_3_and_4(to_chrome_r, from_chrome_w),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close")
        except (OSError, TimeoutError, RuntimeError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are kept for :meth:`events`)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """The next event ``method`` of ``session``."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self._events.pop(i)
            self._events.append(self._read())
        raise TimeoutError(method)

    def open(self, url: str) -> Page:
        """Open ``url`` in a new tab, wait for its load event and collect its errors."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=session)
        self.call("Page.navigate", {"url": url}, session)
        self.wait_for("Page.loadEventFired", session)
        page = Page(self, session)
        self.evaluate_settled(page)
        for event in self._events:
            if event.get("sessionId") != session:
                continue
            p = event.get("params", {})
            if event.get("method") == "Runtime.exceptionThrown":
                page.errors.append(json.dumps(p.get("exceptionDetails", {}))[:300])
            elif event.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                page.errors.append(json.dumps(p.get("args", []))[:300])
            elif event.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                page.errors.append(p["entry"].get("text", "")[:300])
        return page

    @staticmethod
    def evaluate_settled(page: Page) -> None:
        """Wait until every image has finished decoding (loaded or failed)."""
        deadline = time.monotonic() + page.browser.timeout
        while not page.evaluate("[...document.images].every(i => i.complete)"):
            if time.monotonic() > deadline:
                raise TimeoutError("images still loading")
            time.sleep(0.05)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)
