"""``orgmap synth``: write a synthetic crawl with ground truth (for tests, benchmarks and evaluations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from orgmap.cli._common import friendly

commands = typer.Typer()
"""``synth`` (a top-level command)."""


@commands.command()
@friendly
def synth(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output directory (created if missing).")],
    pages: Annotated[int, typer.Option("--pages", min=1, help="Records to write (pages and redirects).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, byte-identical output.")] = 0,
    shift: Annotated[
        str | None,
        typer.Option("--shift", help="Distribution shift for drift tests: new_class, vocab, language, class_mix."),
    ] = None,
    orgs: Annotated[int | None, typer.Option("--orgs", min=1, help="Organizations (default: pages / 11).")] = None,
    languages: Annotated[
        str, typer.Option("--languages", help="Comma-separated page languages (en, de, fr, es, it).")
    ] = "en,de,fr",
    world_seed: Annotated[
        int | None,
        typer.Option("--world-seed", help="Seed of the orgs and sites (default: --seed); same value, same web."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Write a synthetic crawl (DIR/pages.jsonl.gz) and its ground truth (DIR/truth/*.csv, manifest.json).

    Fictional orgs (companies, news outlets, government bodies, universities, NGOs, hospitals, ...) with
    main, brand, acronym, IDN and redirect domains, plus parked domains and personal sites; see docs/synth.md.

    Example: orgmap synth -o out/crawl --pages 10000 --seed 1 --shift vocab
    """
    from orgmap.synth import generate

    console = Console(stderr=True)
    langs = tuple(x.strip() for x in languages.split(",") if x.strip())
    with Progress(
        TextColumn("[bold]synth"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as bar:
        task = bar.add_task("pages", total=pages)
        m = generate(
            out,
            n_pages=pages,
            seed=seed,
            shift=shift,
            n_orgs=orgs,
            languages=langs,
            world_seed=world_seed,
            progress=lambda k: bar.advance(task, k),
        )
    status = m.counts.get("status", {})
    console.print(
        f"wrote {m.n_pages:,} records ({status.get('200', 0):,} pages, {status.get('301', 0):,} redirects) "
        f"for {m.n_orgs:,} orgs on {m.n_domains:,} domains to {m.out_dir} "
        f"in {m.seconds:.1f} s ({m.pages_per_second:,.0f} records/s); seed {m.seed}"
        + (f", shift {m.shift}" if m.shift else "")
    )
