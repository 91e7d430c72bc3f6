"""The DuckDB store: one file holds every table orgmap writes; the only place records become rows.

Users query results with plain SQL, and set-at-a-time work runs inside the database, written in bulk through
Arrow scans. Migrations (``migrations/NNN_name.sql``) apply once each, in order; views (``views/*.sql``) are
re-applied on every open; every other query is a named block of ``queries/*.sql``.

Example::

    with Store("orgmap.duckdb") as store:
        store.con.sql("select count(*) from pages").fetchone()
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from orgmap.config import Settings, StoreSettings
from resolver import sql
from resolver.errors import ConfigError, StoreError
from resolver.sql import load_queries, now

Q = load_queries("orgmap.store.queries", "store.sql")
_MIGRATION = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def _sql_files() -> list[tuple[str, str]]:
    """All packaged SQL files as (name, text), sorted by name."""
    out = []
    for sub in ("migrations", "views"):
        root = resources.files(f"orgmap.store.{sub}")
        out += [(p.name, p.read_text("utf-8")) for p in root.iterdir() if p.name.endswith(".sql")]
    return sorted(out)


def migrations() -> list[tuple[int, str, str]]:
    """The forward migrations shipped with this orgmap, as (version, name, sql), in order."""
    out = []
    for name, text in _sql_files():
        m = _MIGRATION.match(name)
        if m:
            out.append((int(m.group(1)), m.group(2), text))
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migrations share a version number: {sorted(versions)}")
    return out


def view_sql() -> list[tuple[str, str]]:
    """The view files, re-applied on every open."""
    return [(n, t) for n, t in _sql_files() if n.startswith("view_")]


def public_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the views orgmap defines (those not starting with ``_``)."""
    rows = con.execute(Q["public_views"]).fetchall()
    return [r[0] for r in rows if not r[0].startswith("_")]


def compress_html(html: str) -> bytes:
    """Compress HTML for the ``pages.html_z`` column (zlib level 1: fast, ~4x smaller)."""
    return zlib.compress(html.encode("utf-8"), 1)


def decompress_html(blob: bytes | None) -> str | None:
    """Inverse of :func:`compress_html`; None stays None."""
    return None if blob is None else zlib.decompress(blob).decode("utf-8")


def connect(
    path: str, *, read_only: bool = False, wait: float = 0.0, config: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file at ``path``; a failure is a :class:`StoreError` that names its real cause.

    A missing file (read-only opens do not create one), permissions (the file, or the directory where the
    database writes its ``.wal``), or a lock: then the orgmap run holding it, if it is one. A lock is waited
    for up to ``wait`` seconds (``orgmap --wait SECONDS``).
    """
    if path == ":memory:":
        return duckdb.connect(path, config=dict(config or {}))
    file = Path(path)
    if read_only and not file.exists():
        raise StoreError(f"{path} does not exist; check --db, or create it with: orgmap resolve PATH --db {path}")
    if not read_only:
        require_writable(file)
    deadline = time.monotonic() + wait
    waiting = False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=dict(config or {}))
        except duckdb.IOException as exc:
            pid = _lock_pid(str(exc))
            if pid is None:
                raise StoreError(f"cannot open {path}: {_first_line(exc)}") from exc
            if time.monotonic() >= deadline:
                raise StoreError(_locked_message(path, pid, read_only, wait)) from exc
            if not waiting:
                waiting = True
                print(f"orgmap: waiting up to {wait:g} s for {_holder(path, pid)} to release {path}", file=sys.stderr)
            time.sleep(min(0.25, max(deadline - time.monotonic(), 0.0)))


def probe_dir(where: Path) -> None:
    """Create ``where`` if needed and write (and drop) a file in it: OSError when that cannot be done."""
    where.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=where, prefix=".orgmap-probe-"):
        pass


def require_writable(file: Path) -> None:
    """Fail now, not mid-run, when the database or its directory cannot be written."""
    where = file.parent
    try:
        probe_dir(where)
    except OSError as exc:
        raise StoreError(
            f"cannot write in {where} ({exc.strerror or exc}): the database {file.name} and its write-ahead log "
            f"{file.name}.wal live there. Pass a --db in a writable directory; reading commands (orgmap sql, "
            "explain, graph stats, report) open a database read-only and work on a read-only copy",
        ) from exc
    if file.exists():
        try:
            with file.open("r+b"):
                pass
        except OSError as exc:
            raise StoreError(
                f"cannot write {file} ({exc.strerror or exc}); fix its permissions (chmod u+w {file}) or pass "
                "another --db. Reading commands (orgmap sql, explain, graph stats, report) work on a read-only file",
            ) from exc


_LOCK_PID = re.compile(r"Conflicting lock is held in .*?\(PID (\d+)\)")


def _lock_pid(message: str) -> int | None:
    """The process DuckDB says holds the file's lock, from its error message; None for other errors.

    >>> _lock_pid('IO Error: Could not set lock on file "x": Conflicting lock is held in /usr/bin/python3 (PID 42).')
    42
    """
    m = _LOCK_PID.search(message)
    return int(m.group(1)) if m else None


def _run_file(path: str) -> Path:
    """``<db>.run``: the run (pid, run id, command) that has the database open for writing."""
    return Path(f"{path}.run")


def _lock_holder_run(path: str, pid: int) -> dict[str, Any] | None:
    """The run process ``pid`` said it was in ``<db>.run``, or None (not a run, or the file is stale)."""
    try:
        holder = json.loads(_run_file(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) and holder.get("pid") == pid else None


def _holder(path: str, pid: int) -> str:
    """Who holds the lock, in words: the orgmap run if it is one."""
    holder = _lock_holder_run(path, pid)
    if holder is not None:
        started = holder["started_at"][:19]
        return f"orgmap run {holder['run_id']} ({holder['command']}, started {started} UTC, PID {pid})"
    return f"process {pid}, not an orgmap run (another program, or an orgmap command reading it)"


def _locked_message(path: str, pid: int, read_only: bool, wait: float) -> str:
    who = _holder(path, pid)
    waited = f" after waiting {wait:g} s" if wait else ""
    how = "for reading" if read_only else "for writing"
    return (
        f"{path} is locked by {who}{waited}, so it cannot be opened {how}. Wait for it to finish: "
        f"orgmap --wait SECONDS <command> ... waits up to SECONDS for the lock; or pass another --db"
    )


def _first_line(exc: Exception) -> str:
    """An error message's first non-empty line."""
    return next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def apply_settings(con: duckdb.DuckDBPyConnection, path: str, settings: StoreSettings) -> None:
    """Give DuckDB the memory limit, spill directory and threads of ``settings`` (``[store]``).

    Set on the open connection, not passed to ``duckdb.connect``: DuckDB refuses a second connection to a
    file with another configuration, and these settings hold for every connection to the database anyway.
    The spill directory defaults to ``<db>.tmp`` beside the database file (none for ``:memory:``).
    """
    temp = settings.temp_directory or ("" if path == ":memory:" else f"{path}.tmp")
    con.execute(Q["return_freed_memory"])
    for key, value in (
        ("memory_limit", settings.memory_limit),
        ("temp_directory", temp),
        ("threads", settings.threads),
    ):
        if not value:
            continue  # DuckDB's default
        try:
            con.execute(Q[f"set_{key}"], [value]).fetchall()
        except duckdb.Error as exc:
            raise ConfigError(f"store.{key} = {value!r} is refused by DuckDB: {_first_line(exc)}") from exc


class Store:
    """An open orgmap database: migrations applied, views current.

    Use as a context manager, or call :meth:`close`. ``con`` is the DuckDB connection; SQL users
    need nothing else. ``read_only=True`` opens without migrating (for reports while a run writes, or a
    read-only file). ``wait``: seconds to wait for another process's lock (see :func:`connect`). ``limits``
    (``settings.store``; defaults when None) bound DuckDB's memory, spill directory and threads, on read-only
    opens too. :meth:`open` takes all three from the run's settings.
    """

    def __init__(
        self,
        path: str | Path = "orgmap.duckdb",
        *,
        read_only: bool = False,
        wait: float = 0.0,
        limits: StoreSettings | None = None,
    ) -> None:
        self.path = str(path)
        self.con = connect(self.path, read_only=read_only, wait=wait)
        self.limits = limits or StoreSettings()
        try:
            apply_settings(self.con, self.path, self.limits)
        except ConfigError:
            self.close()
            raise
        if not read_only:
            self.migrate()

    @classmethod
    def open(cls, settings: Settings, *, read_only: bool = False) -> Store:
        """The database of ``settings`` (``db``), waiting ``db_wait`` for a lock, DuckDB bounded by ``store``.

        What every command uses, so that ``[store]`` reaches DuckDB however orgmap opens the database.
        """
        return cls(settings.db, read_only=read_only, wait=settings.db_wait, limits=settings.store)

    def drop_cache(self) -> None:
        """Let DuckDB evict the table blocks it keeps cached (up to ``memory_limit``) between stages.

        The blocks are read again from the file when a later query needs them; meanwhile the memory is free for
        the frames and models of the next stage. Done by lowering the limit for a moment (DuckDB evicts what it
        can) and setting it back.
        """
        with contextlib.suppress(duckdb.Error):
            self.con.execute(Q["set_memory_limit"], ["64MB"]).fetchall()
        with contextlib.suppress(duckdb.Error):
            self.con.execute(Q["set_memory_limit"], [self.limits.memory_limit or "80%"]).fetchall()

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with contextlib.suppress(Exception):
            self.con.close()

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, each in its own transaction; then refresh views."""
        con = self.con
        con.execute(Q["create_schema_version"])
        have = {r[0] for r in con.execute(Q["applied_versions"]).fetchall()}
        known = migrations()
        newest = max((v for v, _, _ in known), default=0)
        if have and max(have) > newest:
            raise StoreError(
                f"{self.path} has schema version {max(have)}, newer than this orgmap knows ({newest}). "
                "Upgrade orgmap, or use another --db."
            )
        applied = []
        for version, name, text in known:
            if version in have:
                continue
            with self.transaction():
                con.execute(text)
                con.execute(Q["record_version"], [version, name, now()])
            applied.append(version)
        for _name, text in view_sql():
            con.execute(text)
        return applied

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One atomic unit of work: committed on success, rolled back on any exception (or a kill)."""
        with sql.transaction(self.con) as con:
            yield con

    # -- runs ------------------------------------------------------------------------------
    def start_run(self, command: str, inputs: Sequence[str] | Mapping[str, Any], settings: Mapping[str, Any]) -> int:
        """Open a ``runs`` row; runs left ``running`` by a killed process are marked ``interrupted``.

        Beside the file, ``<db>.run`` says which run this process is, so that another process the database
        lock keeps out can say which run holds it (a locked database cannot be read).
        """
        with self.transaction() as con:
            con.execute(Q["interrupt_runs"], [now()])
            started = now()
            row = con.execute(
                Q["start_run"], [command, started, json.dumps(inputs, default=str), json.dumps(settings, default=str)]
            ).fetchone()
        assert row is not None
        if self.path != ":memory:":
            holder = {"pid": os.getpid(), "run_id": int(row[0]), "command": command, "started_at": str(started)}
            with contextlib.suppress(OSError):
                _run_file(self.path).write_text(json.dumps(holder), "utf-8")
        return int(row[0])

    def finish_run(self, run_id: int, status: str, counts: Mapping[str, Any], error: str | None = None) -> None:
        """Close a ``runs`` row with its final status and counts."""
        self.con.execute(Q["finish_run"], [now(), status, json.dumps(counts, default=str), error, run_id])
        if self.path != ":memory:" and (_lock_holder_run(self.path, os.getpid()) or {}).get("run_id") == run_id:
            _run_file(self.path).unlink(missing_ok=True)

    # -- bulk writes -----------------------------------------------------------------------
    def insert_new(self, table: str, rows: pa.Table, key: Sequence[str]) -> int:
        """Insert the rows of ``rows`` whose ``key`` is not yet in ``table``; returns how many were new.

        Duplicates *within* ``rows`` are collapsed to their first occurrence. Columns are matched by
        name, so ``rows`` may omit nullable columns. Call inside :meth:`transaction` to make a batch atomic.
        """
        if rows.num_rows == 0:
            return 0
        # Not a named query: the table, its key and the column list come from the caller and the batch.
        cols = ", ".join(sql.quote(c) for c in rows.column_names)
        keys = ", ".join(sql.quote(k) for k in key)
        join = " and ".join(f"t.{sql.quote(k)} is not distinct from s.{sql.quote(k)}" for k in key)
        self.con.register("_orgmap_batch", rows)
        try:
            # DuckDB 2 streams results: an INSERT over a registered Arrow table must be consumed.
            row = self.con.execute(
                f"insert into {sql.quote(table)} ({cols}) "
                f"select {cols} from (select *, row_number() over (partition by {keys}) as _rn from _orgmap_batch) s "
                f"where s._rn = 1 and not exists (select 1 from {sql.quote(table)} t where {join})"
            ).fetchone()
            return int(row[0]) if row else 0
        finally:
            self.con.unregister("_orgmap_batch")

    def replace(self, table: str, rows: pa.Table, delete: str, params: Sequence[Any] = ()) -> None:
        """Run ``delete`` (a named query removing the rows being replaced) and append ``rows`` to ``table``.

        How a stage replaces its own output; call inside :meth:`transaction` to make it atomic.
        """
        self.con.execute(delete, list(params)).fetchall()
        self.append(table, rows)

    def append(self, table: str, rows: pa.Table) -> None:
        """Append ``rows`` (matched by column name) to ``table`` in one scan."""
        sql.append(self.con, table, rows)

    # -- reads -----------------------------------------------------------------------------
    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return its rows as an Arrow table (no extra copy).

        DuckDB 2 refuses a new relation while an ``execute()`` result is unread, so that one is completed
        first: a caller that ignored an ``execute()`` result cannot break a later reader.
        """
        self.con.complete()
        return self.con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def page_html(self, page_id: str) -> str | None:
        """The decompressed HTML of one page, or None."""
        row = self.con.execute(Q["page_html"], [page_id]).fetchone()
        return decompress_html(row[0]) if row else None
