"""Arrow schemas of the store's tables, derived from the migrations: the ``CREATE TABLE`` is the one definition.

A stage that writes a batch builds it with :func:`rows`, so the batch's column types are the table's and
no second list of columns can drift from the DDL.

>>> rows("links", {"from_domain": ["a.com"], "to_domain": ["b.com"], "n_links": [3]}).schema.types
[DataType(string), DataType(string), DataType(int64)]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from orgmap.store.database import Store
from resolver import sql
from resolver.errors import StoreError

__all__ = ["rows", "table_schema"]

Q = sql.load_queries("orgmap.store.queries", "store.sql")


@functools.cache
def _schemas() -> dict[str, pa.Schema]:
    """Every table's schema, read once from an in-memory database with all migrations applied."""
    with Store(":memory:") as store:
        names = [r[0] for r in store.con.execute(Q["tables"]).fetchall()]
        return {name: sql.table_schema(store.con, name) for name in names}


def table_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table`` as the migrations define it (all columns, in table order)."""
    try:
        return _schemas()[table]
    except KeyError:
        raise StoreError(f"no table {table!r} in the migrations; known tables: {', '.join(_schemas())}") from None


def rows(table: str, columns: Mapping[str, Sequence[Any] | pa.Array] | pa.Table) -> pa.Table:
    """An Arrow table of ``columns`` (name → values, or a table a library built) typed as those columns of ``table``.

    Columns the batch leaves out stay NULL (or take their default) when it is written; a column the table
    lacks is an error, not a silently dropped value. Values that do not fit the column's type raise. A batch
    with no columns at all (a stage that had nothing to write) is an empty batch of every column.
    """
    schema = table_schema(table)
    names = columns.column_names if isinstance(columns, pa.Table) else list(columns)
    if not names:
        return schema.empty_table()
    unknown = [c for c in names if schema.get_field_index(c) < 0]
    if unknown:
        raise StoreError(f"{table} has no column(s) {', '.join(unknown)}")
    typed = pa.schema([schema.field(c) for c in names])
    if isinstance(columns, pa.Table):
        return columns.cast(typed)
    return pa.table(dict(columns), schema=typed)
