"""``orgmap report``: write the HTML report of a run again (resolve and ingest write it after every run)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from

if TYPE_CHECKING:
    from orgmap.config import Settings

commands = typer.Typer()
"""``report`` (a top-level command)."""


@commands.command()
@friendly
def report(
    run: Annotated[
        int | None, typer.Option("--run", help="Run id (default: the newest resolve or ingest run).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="HTML file (default: <db stem>.report.html beside the database)."),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the run report: owners, classes, calibration, LFs, graph, ingest errors and stage times, with plots.

    One self-contained HTML file (plots embedded); opens the database read-only.

    Example: orgmap report --run 3 --db orgmap.duckdb
    """
    from orgmap.report import write_report

    settings = settings_from(config, db)
    typer.echo(f"report: {write_report(settings, run, output)}")


def write_after_run(settings: Settings, run_id: int | None) -> None:
    """Write the report of the run that just ended; a failure is a warning, the run's work is done."""
    from orgmap.report import write_report
    from resolver.errors import OrgmapError

    try:
        typer.echo(f"report: {write_report(settings, run_id)}")
    except (OrgmapError, OSError) as exc:
        typer.echo(f"orgmap: warning: no run report: {exc}", err=True)
