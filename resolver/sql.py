"""SQL plumbing shared by the libraries and the store: named queries, transactions, bulk appends, schemas.

Queries live in packaged ``.sql`` files, one block per query headed ``-- name: <name>`` and a comment
saying what it is for. Only SQL whose identifiers are not known until run time is built in code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from importlib import resources

import duckdb
import pyarrow as pa

_NAME = re.compile(r"^--\s*name:\s*([A-Za-z0-9_]+)\s*$")


def load_queries(package: str, filename: str) -> dict[str, str]:
    """Named queries from the packaged file ``filename`` of ``package``."""
    text = resources.files(package).joinpath(filename).read_text("utf-8")
    return parse_queries(text)


def parse_queries(text: str) -> dict[str, str]:
    """Split SQL text into its ``-- name:`` blocks.

    >>> parse_queries("-- name: one\\nselect 1;\\n-- name: two\\nselect 2")
    {'one': 'select 1;', 'two': 'select 2'}
    """
    queries: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        m = _NAME.match(line)
        if m:
            if name:
                queries[name] = "\n".join(lines).strip()
            name, lines = m.group(1), []
        elif name is not None:
            lines.append(line)
    if name:
        queries[name] = "\n".join(lines).strip()
    return queries


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One atomic unit of work: committed on success, rolled back on any exception (or a kill)."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    else:
        con.commit()


def quote(identifier: str) -> str:
    """Quote an SQL identifier (values are always bound as parameters, never formatted in).

    >>> quote('a"b')
    '"a""b"'
    """
    return '"' + identifier.replace('"', '""') + '"'


def append(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Append ``rows`` (matched by column name) to ``table`` in one scan."""
    if rows.num_rows == 0:
        return
    # Not a named query: the table and the column list come from the caller and the batch.
    cols = ", ".join(quote(c) for c in rows.column_names)
    con.register("_orgmap_batch", rows)
    try:
        con.execute(f"insert into {quote(table)} ({cols}) select {cols} from _orgmap_batch").fetchall()
    finally:
        con.unregister("_orgmap_batch")


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The Arrow schema of ``table`` (or view) as DuckDB defines it: what a batch written to it should have.

    >>> con = duckdb.connect()
    >>> _ = con.execute("create table t (id VARCHAR, n INTEGER)")
    >>> table_schema(con, "t").types
    [DataType(string), DataType(int32)]
    """
    return con.table(table).limit(0).to_arrow_table().schema


def now() -> dt.datetime:
    """The current UTC time without tzinfo, as stored in TIMESTAMP columns."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
