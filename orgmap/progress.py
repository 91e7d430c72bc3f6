"""Progress sinks: stages report work done; a terminal shows bars, a log gets a line every few seconds.

Stages only call :meth:`Progress.task` and the returned :class:`Task`'s methods, so the same stage code
drives a rich bar on a terminal, plain log lines under cron or CI, or nothing in tests.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from types import TracebackType
from typing import Any, Protocol, TextIO


class Task(Protocol):
    """One unit of work being counted (pages parsed, domains scored)."""

    def advance(self, n: float = 1) -> None:
        """Count ``n`` more items done."""

    def set_total(self, total: float | None) -> None:
        """Set or change how many items there are (None: unknown)."""

    def describe(self, text: str) -> None:
        """Change what is shown beside the count (the file being read, a stage step)."""

    def close(self) -> None:
        """The work is finished (a log sink prints its final line)."""


class Progress(Protocol):
    """Where a stage reports progress."""

    def task(self, label: str, total: float | None = None, unit: str = "items") -> Task:
        """Start counting a unit of work."""


class _SilentTask:
    def advance(self, n: float = 1) -> None:
        pass

    def set_total(self, total: float | None) -> None:
        pass

    def describe(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class Silent:
    """Reports nothing (tests, library calls)."""

    def task(self, label: str, total: float | None = None, unit: str = "items") -> Task:
        """A task that ignores every call."""
        return _SilentTask()


SILENT = Silent()


def _eta(done: float, total: float | None, elapsed: float) -> str:
    """``ETA 1m05s`` from the average rate so far, or empty when it cannot be told.

    >>> _eta(50, 100, 10.0)
    'ETA 10s'
    >>> _eta(0, 100, 10.0)
    ''
    """
    if not total or done <= 0 or done >= total:
        return ""
    left = (total - done) * elapsed / done
    minutes, seconds = divmod(int(round(left)), 60)
    return f"ETA {minutes}m{seconds:02d}s" if minutes else f"ETA {seconds}s"


class _LogTask:
    def __init__(self, sink: LogLines, label: str, total: float | None, unit: str) -> None:
        self.sink, self.label, self.total, self.unit = sink, label, total, unit
        self.done = 0.0
        self.text = ""
        self.t0 = self.last = time.monotonic()

    def advance(self, n: float = 1) -> None:
        self.done += n
        self.sink.tick(self)

    def set_total(self, total: float | None) -> None:
        self.total = total

    def describe(self, text: str) -> None:
        self.text = text

    def close(self) -> None:
        self.sink.finish(self)

    def line(self, now: float, final: bool = False) -> str:
        elapsed = max(now - self.t0, 1e-9)
        parts = [f"{self.label}:"]
        if self.done or self.total:  # a task that counts nothing (a whole stage) shows its time only
            of = f"/{_amount(self.total, self.unit)}" if self.total else ""
            parts.append(f"{_amount(self.done, self.unit, bare=bool(of) and self.unit != 'bytes')}{of}")
        if self.done:
            parts.append(f"{_amount(self.done / elapsed, self.unit)}/s")
        parts.append(f"done in {elapsed:.1f}s" if final else f"{elapsed:.0f}s so far")
        if not final:
            parts.append(_eta(self.done, self.total, elapsed))
        if self.text:
            parts.append(f"({self.text})")
        return " ".join(p for p in parts if p)


def _amount(value: float, unit: str, bare: bool = False) -> str:
    """A count with its unit for a log line; bytes in KB/MB/GB so big inputs stay readable.

    >>> _amount(12_345, "pages"), _amount(12_345_678, "bytes"), _amount(0.25, "targets"), _amount(3, "pages", bare=True)
    ('12,345 pages', '12.3 MB', '0.2 targets', '3')
    """
    if unit == "bytes":
        for size, name in ((1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
            if value >= size:
                return f"{value / size:,.1f}" + ("" if bare else f" {name}")
    number = f"{value:,.1f}" if 0 < value < 10 and value != int(value) else f"{value:,.0f}"
    return number if bare else f"{number} {unit}"


class LogLines:
    """Plain lines on a stream every ``every`` seconds and when a task ends: for cron, CI and log files.

    A line comes every ``every`` seconds while a task is open even when the stage reports nothing for
    a while (one long step, a model training): a background thread repeats the newest open task's line,
    so a log never goes silent for long.
    """

    def __init__(self, stream: TextIO | None = None, every: float = 5.0) -> None:
        self.stream = stream
        self.every = every
        self._open: list[_LogTask] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def task(self, label: str, total: float | None = None, unit: str = "items") -> Task:
        """A task that prints its count, rate and ETA now and then."""
        task = _LogTask(self, label, total, unit)
        with self._lock:
            self._open.append(task)
            if self._thread is None and self.every > 0:  # every <= 0: a line at every advance, nothing between
                self._wake = threading.Event()
                self._thread = threading.Thread(
                    target=self._heartbeat, args=(self._wake,), name="orgmap-progress", daemon=True
                )
                self._thread.start()
        return task

    def tick(self, task: _LogTask) -> None:
        """Print ``task``'s line if its last one is ``every`` seconds old."""
        now = time.monotonic()
        with self._lock:  # the stage and the heartbeat thread both tick: one line per period
            due = now - task.last >= self.every
            if due:
                task.last = now
        if due:
            self.write(task.line(now))

    def finish(self, task: _LogTask) -> None:
        """Print ``task``'s final line and stop repeating it."""
        with self._lock:
            if task in self._open:
                self._open.remove(task)
            if not self._open and self._thread is not None:
                self._wake.set()  # the thread ends; the next task starts another
                self._thread = None
        self.write(task.line(time.monotonic(), final=True))

    def write(self, line: str) -> None:
        """Print one progress line (to stderr unless another stream was given)."""
        print(line, file=self.stream or sys.stderr, flush=True)

    def _heartbeat(self, stop: threading.Event) -> None:
        while not stop.wait(self.every / 2):
            with self._lock:
                newest = self._open[-1] if self._open else None
            if newest is not None:
                self.tick(newest)


class _BarTask:
    def __init__(self, bars: Any, task_id: Any) -> None:
        self.bars, self.id = bars, task_id

    def advance(self, n: float = 1) -> None:
        self.bars.advance(self.id, n)

    def set_total(self, total: float | None) -> None:
        self.bars.update(self.id, total=total)

    def describe(self, text: str) -> None:
        self.bars.update(self.id, detail=text)

    def close(self) -> None:
        self.bars.update(self.id, visible=False)


def _rate_column_class() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second, in the task's unit."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.1f} {task.fields.get('unit', '')}/s")

    return RateColumn


class Bars:
    """Rich progress bars with count, rate and ETA, for a terminal. Use as a context manager."""

    def __init__(self, console: Any = None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        _RateColumn = _rate_column_class()
        self._bars = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[detail]}"),
            console=console,
            transient=True,
        )

    def __enter__(self) -> Bars:
        self._bars.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bars.stop()

    def task(self, label: str, total: float | None = None, unit: str = "items") -> Task:
        """A bar with count, percentage, elapsed time and ETA."""
        return _BarTask(self._bars, self._bars.add_task(label, total=total, unit=unit, detail=""))


def for_terminal(stream: TextIO | None = None, every: float = 5.0) -> Bars | LogLines:
    """Bars when ``stream`` (default stderr) is a terminal, else a log line every ``every`` seconds."""
    from rich.console import Console

    console = Console(file=stream or sys.stderr)
    return Bars(console) if console.is_terminal else LogLines(stream, every)


def progress_context(progress: Progress) -> contextlib.AbstractContextManager[Any]:
    """``progress`` itself when it is a context manager (bars start and stop), else a no-op context."""
    return progress if isinstance(progress, contextlib.AbstractContextManager) else contextlib.nullcontext()
