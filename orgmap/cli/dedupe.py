"""``orgmap dedupe``: cluster a file of organization records (a CRM export, a list of affiliations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from

commands = typer.Typer()
"""``dedupe`` (a top-level command)."""


def _column(field: str, what: str) -> Any:
    return typer.Option(f"--{field}-col", help=f"Column holding {what} (default: detected by its name).")


@commands.command()
@friendly
def dedupe(
    file: Annotated[
        Path, typer.Argument(help="Records: CSV/TSV, Parquet or JSON Lines (.gz too).", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Write the records with their cluster columns here (.csv, .parquet, .jsonl)."),
    ] = None,
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="Write the pairs scored near the threshold here, for review.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Write the files only, not the database.")] = False,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="Name of the dataset in the database (default: the file's stem).")
    ] = None,
    name_col: Annotated[str | None, _column("name", "the organization's name")] = None,
    id_col: Annotated[str | None, _column("id", "a unique record id (default: the row number)")] = None,
    country_col: Annotated[str | None, _column("country", "ISO codes or country names")] = None,
    city_col: Annotated[str | None, _column("city", "the city")] = None,
    domain_col: Annotated[str | None, _column("domain", "a domain, URL or e-mail address")] = None,
    identifier_col: Annotated[
        str | None, _column("identifier", "one identifier scheme (registration number, LEI, VAT id)")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0, max=100, help="Names scoring this or more (0-100) may merge.")
    ] = 90.0,
    review_margin: Annotated[
        float, typer.Option("--review-margin", min=0, help="Pairs this close to the threshold go to --pairs.")
    ] = 5.0,
    whole_names: Annotated[
        bool,
        typer.Option("--whole-names", help="Never read 'Dept. X, University Y, Country' as an affiliation."),
    ] = False,
) -> None:
    """Give every record of FILE a cluster id: records of one organization share it.

    A record has a name and optionally a country, city, domain and identifier (columns found by their
    names, or named with --name-col and the like). The same identifier always joins two records; the same
    registered domain joins alike names, even across countries; a shared city helps, different cities and
    different countries keep records apart. The output repeats every input column and adds cluster_id,
    cluster_size, cluster_name, cluster_confidence, match_score and match_reason; the database gets
    dedupe_clusters, dedupe_edges and dedupe_pairs.

    Example: orgmap dedupe crm.csv -o crm.clusters.csv --pairs review.csv
    """
    from dataclasses import replace

    from orgmap.dedupe import dedupe_file
    from resolver.dedupe import DedupeParams

    settings = settings_from(config, db)
    params = replace(DedupeParams.with_threshold(threshold, review_margin), affiliations=not whole_names)
    columns = {
        "name": name_col,
        "id": id_col,
        "country": country_col,
        "city": city_col,
        "domain": domain_col,
        "identifier": identifier_col,
    }
    run = dedupe_file(
        file,
        out=out,
        pairs_out=pairs,
        settings=settings,
        store=not no_store,
        dataset=dataset,
        columns=columns,
        params=params,
    )
    s = run.result.stats
    console = Console(stderr=True)
    fields = [f"{f}={getattr(run.columns, f)!r}" for f in ("name", "id", "country", "city", "domain", "identifier")]
    used = ", ".join(x for x in fields if not x.endswith("=None"))
    console.print(f"columns: {used}")
    console.print(
        f"{s['records']:,} records → {s['clusters']:,} clusters ({s['records_in_clusters']:,} records share a "
        f"cluster); {s['review_pairs']:,} pairs near the threshold; {s['seconds']:.1f} s"
    )
    for target, what in ((out, "records with clusters"), (pairs, "pairs for review")):
        if target is not None:
            console.print(f"wrote {what} to {target}")
    if run.run_id is not None:
        console.print(f"stored as dataset {run.dataset!r} in {settings.db} (run {run.run_id})")
