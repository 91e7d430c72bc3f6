"""``orgmap sql``: run SQL against the store when the ``duckdb`` command-line tool is not installed."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from
from orgmap.store.sandbox import open_sandboxed, run_query

commands = typer.Typer()
"""``sql`` (a top-level command)."""


@commands.command()
@friendly
def sql(
    query: Annotated[str, typer.Argument(help="A SQL query (read-only connection).")],
    db: DbOption = None,
    config: ConfigOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    limit: Annotated[int, typer.Option(help="Rows to print at most (table format).")] = 100,
) -> None:
    """Run a read-only SQL query against the orgmap database and print the rows.

    The public tables and views are listed in the README ("Public schema").

    Example: orgmap sql "select registered_domain, org_name, confidence from domain_org limit 5"
    """
    settings = settings_from(config, db)
    with open_sandboxed(settings.db, wait=settings.db_wait) as con:
        cols, rows = run_query(con, query)
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(cols)
        writer.writerows(rows)
    elif fmt == "json":
        typer.echo(json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str, ensure_ascii=False))
    else:
        table = Table(*cols)
        for row in rows[:limit]:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
        if len(rows) > limit:
            typer.echo(f"({len(rows)} rows, {limit} shown; --limit to see more)")
