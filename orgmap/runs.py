"""A run: one invocation of orgmap over the store (a batch). Its id tags every row it writes.

Stages never open runs; the pipeline and the commands do, with :func:`recorded`, so every run ends as
``ok``, ``failed`` or ``interrupted`` with its counts, whatever happens inside.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orgmap.config import Settings
from orgmap.store.database import Store


@dataclass(frozen=True)
class Run:
    """What a stage knows of the run it works for."""

    run_id: int
    """The ``runs`` row (:func:`recorded` opens one); every row a stage writes carries it."""
    inputs: tuple[str, ...] = ()
    """Input files or directories (ingest)."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """Input field → column name, where auto-detection would not find it (ingest)."""
    fmt: str | None = None
    """Input format, when not detected from the file (ingest)."""


@contextlib.contextmanager
def recorded(
    store: Store,
    command: str,
    settings: Settings,
    inputs: Sequence[str] | Mapping[str, Any] = (),
    *,
    columns: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> Iterator[tuple[Run, dict[str, Any]]]:
    """Open a ``runs`` row, yield the :class:`Run` and a dict for its counts, and close the row.

    The counts dict is saved whatever the outcome: what a failed or interrupted run did is kept.
    """
    run_id = store.start_run(command, inputs, settings.to_dict())
    listed = tuple(str(p) for p in inputs) if not isinstance(inputs, Mapping) else ()
    counts: dict[str, Any] = {}
    try:
        yield Run(run_id, listed, dict(columns or {}), fmt), counts
    except KeyboardInterrupt:
        store.finish_run(run_id, "interrupted", counts, error="interrupted")
        raise
    except BaseException as exc:
        store.finish_run(run_id, "failed", counts, error=f"{type(exc).__name__}: {exc}")
        raise
    store.finish_run(run_id, "ok", counts)
