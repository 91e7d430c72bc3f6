"""``orgmap ingest``: read crawl files into the store and print what was stored and skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from

FORMAT_HELP = "Input format when the file name does not say: jsonl, json, csv, parquet, warc, html_dir, urllist."

commands = typer.Typer()
"""``ingest`` (a top-level command)."""


def summary_table(summary: Any) -> Table:
    """The run summary as a two-column table (what the command prints)."""
    table = Table(title=f"orgmap ingest · run {summary.run_id}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    table.add_row("files", f"{summary.files:,}")
    table.add_row("pages read", f"{summary.pages_read:,}")
    table.add_row(
        "stored", f"{summary.stored:,}" + (f" ({summary.to_fetch:,} URL-only, to fetch)" if summary.to_fetch else "")
    )
    table.add_row("duplicates", f"{summary.duplicates:,}")
    table.add_row("redirects", f"{summary.redirects:,}")
    skipped = sum(summary.skipped.values())
    detail = ", ".join(f"{k} {v:,}" for k, v in summary.skipped.items())
    table.add_row("skipped", f"{skipped:,}" + (f" ({detail})" if detail else ""))
    table.add_row("hosts", f"{summary.hosts:,}")
    table.add_row("registered domains", f"{summary.registered_domains:,}")
    table.add_row("time", f"{summary.seconds:.1f} s · {summary.pages_per_second:,.0f} pages/s")
    return table


def bad_records_line(summary: Any) -> str | None:
    """One line saying how many records were skipped and where to look, or None when none was."""
    from orgmap.stages.ingest import WHERE_TO_LOOK

    if not summary.bad:
        return None
    what = "1 record was" if summary.bad == 1 else f"{summary.bad:,} records were"
    return f"{what} bad and skipped. {WHERE_TO_LOOK.format(run_id=summary.run_id)}"


@commands.command()
@friendly
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Input files or directories.", show_default=False)],
    db: DbOption = None,
    config: ConfigOption = None,
    url_col: Annotated[str | None, typer.Option("--url-col", help="Column holding the page URL.")] = None,
    html_col: Annotated[str | None, typer.Option("--html-col", help="Column holding the raw HTML.")] = None,
    text_col: Annotated[str | None, typer.Option("--text-col", help="Column holding plain text.")] = None,
    time_col: Annotated[str | None, typer.Option("--time-col", help="Column holding the fetch time.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    max_page_bytes: Annotated[
        int | None, typer.Option("--max-page-bytes", help="Skip pages larger than this (bytes) as too_large.")
    ] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", help="Records per transaction.")] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Read scraped pages (JSONL/JSON, CSV, Parquet, WARC, a directory of .html, a URL list) into the database.

    Bad records are skipped and listed in the ingest_errors table; re-running stores nothing twice,
    and a killed run is completed by running the same command again.

    Example: orgmap ingest crawl.jsonl.gz pages.warc.gz --db orgmap.duckdb
    """
    from orgmap.cli.report import write_after_run
    from orgmap.progress import SILENT, for_terminal, progress_context
    from orgmap.runs import recorded
    from orgmap.sources.readers import plan_inputs
    from orgmap.stages.ingest import ingest as run_ingest
    from orgmap.stages.ingest import require_usable_records
    from orgmap.store.database import Store

    settings = settings_from(config, db, **{"ingest.max_page_bytes": max_page_bytes, "ingest.batch_size": batch_size})
    given = {"url": url_col, "html": html_col, "text": text_col, "fetched_at": time_col}
    columns = {k: v for k, v in given.items() if v}
    plan_inputs(paths, columns=columns, fmt=fmt)  # fail before the database is opened or created
    progress = SILENT if no_progress else for_terminal(every=settings.progress_seconds)
    inputs = [str(p) for p in paths]
    with (
        Store(settings.db, wait=settings.db_wait) as store,
        recorded(store, "ingest", settings, inputs, columns=columns, fmt=fmt) as (run, counts),
        progress_context(progress),
    ):
        summary = run_ingest(store, settings, run, progress)
        counts.update(summary.counts())
        Console().print(summary_table(summary))
        if not summary.all_bad and (line := bad_records_line(summary)):
            typer.echo(line, err=True)
        require_usable_records(summary)  # the run fails; its bad records stay in ingest_errors
    write_after_run(settings, summary.run_id)
