"""Progress sinks: stages report work done; a terminal shows bars, a log gets a line every few seconds.

Stages only call :meth:`Progress.task` and the returned :class:`Task`'s methods, so the same stage code
drives a rich bar on a terminal, plain log lines under cron or CI, or nothing in tests.
"""

from __future__ import annotations

import contextlib
import sys
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
        now = time.monotonic()
        if now - self.last >= self.sink.every:
            self.last = now
            self.sink.write(self.line(now))

    def set_total(self, total: float | None) -> None:
        self.total = total

    def describe(self, text: str) -> None:
        self.text = text

    def close(self) -> None:
        self.sink.write(self.line(time.monotonic(), final=True))

    def line(self, now: float, final: bool = False) -> str:
        elapsed = max(now - self.t0, 1e-9)
        of = f"/{self.total:,.0f}" if self.total else ""
        rate = self.done / elapsed
        parts = [f"{self.label}:", f"{self.done:,.0f}{of} {self.unit}", f"{rate:,.1f} {self.unit}/s"]
        parts.append(f"done in {elapsed:.1f}s" if final else _eta(self.done, self.total, elapsed))
        if self.text:
            parts.append(f"({self.text})")
        return " ".join(p for p in parts if p)


class LogLines:
    """Plain lines on a stream every ``every`` seconds and when a task ends: for cron, CI and log files."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0) -> None:
        self.stream = stream
        self.every = every

    def task(self, label: str, total: float | None = None, unit: str = "items") -> Task:
        """A task that prints its count, rate and ETA now and then."""
        return _LogTask(self, label, total, unit)

    def write(self, line: str) -> None:
        """Print one progress line (to stderr unless another stream was given)."""
        print(line, file=self.stream or sys.stderr, flush=True)


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
