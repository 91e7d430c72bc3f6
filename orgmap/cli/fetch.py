"""``orgmap fetch``: fetch the pages that name each domain's owner, politely and safely; resumable."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from

DOMAINS_HELP = (
    "Which domains: unknown-owner (owner not found, or no content), all-without-pages, "
    "or a FILE of domains / home-page URLs (one per line)."
)

commands = typer.Typer()
"""``fetch`` (a top-level command)."""


def summary_table(summary: Any) -> Table:
    """The run summary as a two-column table (what the command prints)."""
    table = Table(title=f"orgmap fetch · run {summary.run_id}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    table.add_row("domains", f"{summary.domains:,}")
    table.add_row("URLs fetched", f"{summary.fetched:,}")
    for status, n in summary.by_status.items():
        table.add_row(f"  {status}", f"{n:,}")
    if summary.by_reason:
        top = ", ".join(f"{k} {v:,}" for k, v in list(summary.by_reason.items())[:8])
        table.add_row("reasons", top)
    table.add_row("pages stored", f"{summary.pages_stored:,}")
    table.add_row("redirects", f"{summary.redirects:,} new ({summary.cross_domain_redirects:,} cross-domain followed)")
    table.add_row(
        "still pending", f"{summary.still_pending:,}" + (" (run again to continue)" if summary.still_pending else "")
    )
    table.add_row("requests", f"{summary.requests:,} ({summary.retries:,} retries)")
    table.add_row("time", f"{summary.seconds:.1f} s · {summary.pages_per_second:,.1f} pages/s")
    return table


@commands.command()
@friendly
def fetch(
    domains: Annotated[str | None, typer.Option("--domains", help=DOMAINS_HELP)] = None,
    urls: Annotated[
        str | None,
        typer.Option("--urls", help="A FILE of URLs to fetch as given, or url-only: the URL-only pages ingested."),
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max", help="Fetch at most this many URLs in this run (the rest stay pending).")
    ] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Requests in flight at once.")] = None,
    per_host: Annotated[int | None, typer.Option("--per-host", help="Requests in flight to one host.")] = None,
    delay: Annotated[
        float | None, typer.Option("--delay", help="Seconds between requests to one host (crawl-delay wins).")
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="User-Agent sent, and matched against robots.txt.")
    ] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds for one request, in all.")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch URLs already done again.")] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Fetch URLs that failed in earlier runs again.")
    ] = False,
    allow_loopback: Annotated[
        bool, typer.Option("--allow-loopback", help="Allow 127.0.0.0/8 and ::1 (local test servers only).")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Fetch each domain's home page and the pages that name its owner (Impressum, legal notice, about, contact).

    Honours robots.txt and crawl-delay, never connects to private, loopback or link-local addresses,
    caps sizes. Every URL is queued in fetch_queue: a second run continues where the first stopped.

    Example: orgmap fetch --domains unknown-owner --max 500 --db orgmap.duckdb
    """
    from orgmap.stages.fetch import fetch as run_fetch
    from orgmap.store.database import Store

    settings = settings_from(
        config,
        db,
        **{
            "fetch.client.concurrency": concurrency,
            "fetch.client.per_host": per_host,
            "fetch.client.delay": delay,
            "fetch.client.user_agent": user_agent,
            "fetch.client.total_timeout": timeout,
            "fetch.allow_loopback": True if allow_loopback else None,
        },
    )
    with Store(settings.db, wait=settings.db_wait) as store:
        summary = run_fetch(
            store,
            domains=domains,
            urls=urls,
            settings=settings,
            max_pages=max_pages,
            refresh=refresh,
            retry_failed=retry_failed,
            progress=not no_progress,
        )
    Console().print(summary_table(summary))
