"""A sandbox for SQL a user writes: it may read the database, and do nothing else.

``orgmap sql`` runs its query here, and so should any other SQL a user supplies. Two layers, each enough on
its own: a read-only connection without files, network or extensions (:func:`open_sandboxed`), and the
statements typed by DuckDB's own parser, anything but a query refused (:func:`check_sql`). See
docs/ingest.md, "Querying the store".

Example::

    >>> con = open_sandboxed()  # in memory; pass the database path to read an orgmap store
    >>> run_query(con, "with t as (select 42 as answer) from t")
    (['answer'], [(42,)])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from orgmap.store.database import connect
from resolver.errors import InputError

__all__ = ["SANDBOX_CONFIG", "check_sql", "open_sandboxed", "run_query"]

SANDBOX_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,  # last: nothing after it, and no user SET, can change the settings above
}
"""DuckDB settings of a sandboxed connection, given to ``duckdb.connect`` so they hold from the first statement."""

ALLOWED = frozenset({duckdb.StatementType.SELECT})
"""Statement types user SQL may run. DuckDB types WITH, FROM-first, VALUES, SHOW, DESCRIBE and SUMMARIZE as SELECT."""

_HINT = "user SQL may only query: SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE"


def open_sandboxed(path: str | Path | None = None, *, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """A connection to the database at ``path`` (read-only), or to an empty one in memory, for user SQL.

    Raises :class:`StoreError` when the file is missing or another process holds it for writing (waited for
    up to ``wait`` seconds).
    """
    return connect(":memory:" if path is None else str(path), read_only=True, wait=wait, config=SANDBOX_CONFIG)


def check_sql(sql: str, allowed: frozenset[duckdb.StatementType] = ALLOWED) -> list[duckdb.Statement]:
    """The statements of ``sql``, parsed by DuckDB; :class:`InputError` (one line) if any is not ``allowed``.

    A syntax error is reported as such; an empty string (or only comments) is refused.

    >>> check_sql("select 1; copy (select 1) to 'x.csv'")
    Traceback (most recent call last):
    ...
    resolver.errors.InputError: refused: COPY (user SQL may only query: SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE)
    """
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise InputError(f"SQL error: {_first_line(exc)}") from exc
    if not statements:
        raise InputError(f"no SQL statement given ({_HINT})")
    for statement in statements:
        if statement.type not in allowed:
            raise InputError(f"refused: {_keyword(statement.query)} ({_HINT})")
    return statements


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Check ``sql`` with :func:`check_sql`, run it on ``con`` and return the last statement's columns and rows.

    A DuckDB error becomes a one-line :class:`InputError`: "refused: ..." when the sandbox stopped a file or
    network access, "SQL error: ..." otherwise.
    """
    check_sql(sql)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    except duckdb.PermissionException as exc:
        raise InputError(f"refused: {_first_line(exc)}") from exc
    except duckdb.Error as exc:
        raise InputError(f"SQL error: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    """DuckDB's message without the query excerpt it appends (``LINE 1: ...`` and a caret line)."""
    return next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _keyword(statement: str) -> str:
    """The statement's first keyword as written (``USE``; ``FORCE INSTALL``), comments skipped, for messages."""
    tokens = duckdb.tokenize(statement)[:4]
    ends = [pos for pos, _ in tokens[1:]] + [len(statement)]
    words = [
        statement[pos:end].split()[0].upper()
        for (pos, kind), end in zip(tokens, ends, strict=True)
        if kind == duckdb.token_type.keyword
    ]
    if not words:
        return "this statement"
    return " ".join(words[:2]) if words[0] == "FORCE" else words[0]
