"""Reference and current windows: which ingestion batches a drift check or a retrain looks at.

Every ingestion run is a batch (``pages.run_id``); a window names some of them with a spec such as ``run:12``,
``run:3..5``, ``date:2026-01-01..2026-02-01``, ``latest:3``, ``previous``, ``trained`` or ``all`` (the full
list: docs/drift.md, "Batches and windows").

Example::

    window = resolve_window(con, "run:2")  # Window(spec="run:2", runs=(2,), ...)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import duckdb

from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "windows.sql")

_RUNS_BETWEEN = {"ingested_at": Q["runs_ingested_between"], "fetched_at": Q["runs_fetched_between"]}
_PAGES_BETWEEN = {"ingested_at": Q["pages_ingested_between"], "fetched_at": Q["pages_fetched_between"]}
"""The queries of a date window, by its column."""

_SPEC_HELP = (
    "use run:N, run:A..B, runs:A,B, date:YYYY-MM-DD..YYYY-MM-DD, fetched:.., latest[:K], previous, trained, all"
)


@dataclass(frozen=True)
class Window:
    """A set of pages named by a spec, resolved against one database."""

    spec: str
    """The spec as given (``run:12``, ``trained``)."""
    runs: tuple[int, ...]
    """The ingestion runs (batches) whose pages are in the window (all runs holding pages, for date windows)."""
    date_column: str | None = None
    """``ingested_at`` or ``fetched_at`` for date windows, else None."""
    date_from: dt.datetime | None = None
    """Inclusive lower bound of a date window."""
    date_to: dt.datetime | None = None
    """Exclusive upper bound of a date window."""

    def page_runs(self, con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
        """(page_id, run_id) of every page with content in the window."""
        if self.date_column is not None:
            return con.execute(_PAGES_BETWEEN[self.date_column], [self.date_from, self.date_to]).fetchall()
        return con.execute(Q["pages_of_runs"], [list(self.runs)]).fetchall()


def batches(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Ingestion runs that stored pages, oldest first."""
    return [r[0] for r in con.execute(Q["batches"]).fetchall()]


def resolve_window(con: duckdb.DuckDBPyConnection, spec: str, target: str = "page") -> Window:
    """Resolve ``spec`` against the database; InputError when it is malformed or selects no batch."""
    spec = spec.strip()
    kind, _, arg = spec.partition(":")
    have = batches(con)
    if not have:
        raise InputError("the database holds no pages yet; run `orgmap resolve CRAWL` first")
    if kind in ("date", "fetched"):
        lo, hi = _date_range(arg, spec)
        column = "ingested_at" if kind == "date" else "fetched_at"
        rows = con.execute(_RUNS_BETWEEN[column], [lo, hi]).fetchall()
        if not rows:
            raise InputError(f"window {spec!r}: no pages with {column} in [{lo:%Y-%m-%d}, {hi:%Y-%m-%d})")
        return Window(spec, tuple(r[0] for r in rows), column, lo, hi)
    runs: list[int]
    if kind == "latest":
        k = _int(arg, spec) if arg else 1
        runs = have[-k:]
    elif kind == "previous":
        if len(have) < 2:
            raise InputError("window 'previous': the database holds a single batch; name one with run:N")
        runs = have[-2:-1]
    elif kind == "all":
        runs = have
    elif kind == "trained":
        runs = trained_runs(con, target)
    elif kind in ("run", "runs"):
        if ".." in arg:
            a, b = arg.split("..", 1)
            lo_r, hi_r = _int(a, spec), _int(b, spec)
            runs = [r for r in have if lo_r <= r <= hi_r]
        else:
            runs = [_int(x, spec) for x in arg.split(",") if x.strip()]
        missing = sorted(set(runs) - set(have))
        if missing:
            raise InputError(
                f"window {spec!r}: run(s) {missing} stored no pages; batches with pages: {_fmt_runs(have)}"
            )
    else:
        raise InputError(f"unknown window {spec!r}; {_SPEC_HELP}")
    if not runs:
        raise InputError(f"window {spec!r} selects no batch; batches with pages: {_fmt_runs(have)}")
    return Window(spec, tuple(sorted(runs)))


def trained_runs(con: duckdb.DuckDBPyConnection, target: str = "page") -> list[int]:
    """The batches the promoted model of ``target`` was trained on (its ``data_window``)."""
    row = con.execute(Q["trained_window"], [target]).fetchone()
    if row is None:
        raise InputError(f"window 'trained': no promoted {target} model yet; run `orgmap resolve` or `orgmap train`")
    window = json.loads(row[1] or "{}")
    if window.get("run_ids"):
        return sorted(int(r) for r in window["run_ids"])
    span = window.get("runs") or []
    if len(span) != 2 or span[0] is None:
        raise InputError(f"window 'trained': model {row[0]} records no training batches")
    return [r for r in batches(con) if span[0] <= r <= span[1]]


def _date_range(arg: str, spec: str) -> tuple[dt.datetime, dt.datetime]:
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", arg)
    if not m:
        raise InputError(f"window {spec!r}: expected date:YYYY-MM-DD..YYYY-MM-DD (end exclusive)")
    lo, hi = (dt.datetime.fromisoformat(x) for x in m.groups())
    if hi <= lo:
        raise InputError(f"window {spec!r}: the end date must be after the start date")
    return lo, hi


def _int(text: str, spec: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(f"window {spec!r}: {text!r} is not a run number; {_SPEC_HELP}") from None


def _fmt_runs(runs: list[int]) -> str:
    return ", ".join(map(str, runs[-10:])) + (" ..." if len(runs) > 10 else "")
