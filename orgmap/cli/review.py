"""``orgmap review push|pull|export|import|brat|config``: people check owners and merges; their answers stick."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from
from orgmap.cli.label import TokenOption, UrlOption, _client
from orgmap.store.database import Store

review_app = typer.Typer(
    help="Human review of owners and merges: Label Studio or files; answers become final.\n\n"
    "Example: orgmap review push --what owners --n 200",
    no_args_is_help=True,
)

WhatOption = Annotated[str, typer.Option("--what", help="owners (who owns a domain) or merges (pairs of domains).")]
TitleOption = Annotated[str | None, typer.Option("--project-title", help="Project title (default: 'orgmap <what>').")]
StrategyOption = Annotated[
    str, typer.Option("--strategy", help="uncertainty (expected value; the default) or random (owners).")
]


@review_app.command("push")
@friendly
def push_cmd(
    what: WhatOption = "owners",
    n: Annotated[int, typer.Option("--n", help="How many tasks to add.")] = 200,
    strategy: StrategyOption = "uncertainty",
    url: UrlOption = "http://localhost:8080",
    token: TokenOption = "",
    project_title: TitleOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Push the N reviews worth most to Label Studio (the project 'orgmap owners' or 'orgmap merges').

    Owners: one task per domain, its pages and top candidates with evidence, orgmap's answer pre-filled.
    Merges: pairs of domains near the merge threshold, where rules and names disagree, weakest links.
    Tasks are served most valuable first (Label Studio's uncertainty sampling). Re-pushing adds only new ones.

    Example: orgmap review push --what owners --n 200
    """
    from orgmap.owner_inputs import scorer_of
    from orgmap.stages.review import push

    settings = settings_from(config, db)
    threshold = scorer_of(settings).threshold
    with Store.open(settings) as store, _client(url, token) as client:
        run_id = store.start_run("review push", {"what": what, "n": n}, settings.to_dict())
        out = push(
            store, settings, client, what, n, threshold=threshold, title=project_title, strategy=strategy,
            run_id=run_id,
        )  # fmt: skip
        store.finish_run(run_id, "ok", out.__dict__)
    typer.echo(
        f"project {out.project_id}: {out.imported} {what} tasks imported, {out.skipped} already there "
        f"({out.selected} selected); open {url.rstrip('/')}/projects/{out.project_id}"
    )


def _report(out: object, source: str) -> None:
    from orgmap.stages.review import PullSummary

    assert isinstance(out, PullSummary)
    typer.echo(
        f"{out.n_tasks} tasks read from {source}: {out.owners} owner answers and {out.pairs} pair answers new; "
        f"{len(out.problems)} skipped. Run `orgmap resolve` to apply them"
    )
    for p in out.problems[:20]:
        typer.echo(f"  skipped: {p}", err=True)


@review_app.command("pull")
@friendly
def pull_cmd(
    what: WhatOption = "owners",
    url: UrlOption = "http://localhost:8080",
    token: TokenOption = "",
    project_title: TitleOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Store the project's answers as verified owners / pair decisions (who, when, which task).

    The latest answer for a domain or pair counts; every resolve run applies it.

    Example: orgmap review pull --what owners
    """
    from orgmap.stages.review import pull

    settings = settings_from(config, db)
    with Store.open(settings) as store, _client(url, token) as client:
        run_id = store.start_run("review pull", {"what": what}, settings.to_dict())
        out = pull(store, client, what, title=project_title)
        store.finish_run(run_id, "ok", {"owners": out.owners, "pairs": out.pairs, "tasks": out.n_tasks})
    _report(out, url)


@review_app.command("export")
@friendly
def export_cmd(
    out: Annotated[Path, typer.Argument(help="File to write (.json, .csv or .jsonl).")],
    what: WhatOption = "owners",
    fmt: Annotated[
        str | None, typer.Option("--format", help="labelstudio (JSON), csv or prodigy (JSONL); default: from the name.")
    ] = None,
    n: Annotated[int, typer.Option("--n", help="How many tasks.")] = 200,
    strategy: StrategyOption = "uncertainty",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the N reviews worth most to a file, to answer without a server (fill in `answer`, or accept in Prodigy).

    Example: orgmap review export owners.csv --what owners --n 100
    """
    from orgmap.owner_inputs import scorer_of
    from orgmap.review.formats import detect_review_format
    from orgmap.stages.review import export_file

    settings = settings_from(config, db)
    kind = fmt or detect_review_format(out)
    threshold = scorer_of(settings).threshold
    with Store.open(settings) as store:
        rows = export_file(store, settings, what, n, out, kind, threshold=threshold, strategy=strategy)
    typer.echo(f"{rows} {what} tasks written to {out} ({kind})")


@review_app.command("import")
@friendly
def import_cmd(
    path: Annotated[
        Path, typer.Argument(help="A filled-in review file: .json (Label Studio), .csv, .jsonl (Prodigy).")
    ],
    fmt: Annotated[str | None, typer.Option("--format", help="Override the format detected from the name.")] = None,
    annotator: Annotated[
        str | None, typer.Option("--annotator", help="Who answered (when the file does not say).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Store the answers of a filled-in review file as verified owners / pair decisions.

    Example: orgmap review import owners.csv --annotator alice
    """
    from orgmap.stages.review import import_file

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        out = import_file(store, path, fmt, annotator)
    _report(out, str(path))


@review_app.command("brat")
@friendly
def brat_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Folder for <page>.txt / <page>.ann and annotation.conf.")],
    domain: Annotated[list[str] | None, typer.Option("--domain", help="Only these registered domains.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Export the ORG mentions on each page's ownership text as brat standoff, to correct NER in brat.

    Example: orgmap review brat out/brat --domain example.com
    """
    from orgmap.stages.review import export_brat

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        n = export_brat(store, out_dir, domain or None)
    typer.echo(f"{n} pages written to {out_dir} (brat standoff)")


@review_app.command("config")
@friendly
def config_cmd(what: WhatOption = "owners") -> None:
    """Print the Label Studio labeling config of owner or merge review tasks.

    Example: orgmap review config --what merges
    """
    from orgmap.review.tasks import WHATS, config_for
    from resolver.errors import InputError

    if what not in WHATS:
        raise InputError(f"unknown review {what!r}; choose one of {', '.join(WHATS)}")
    typer.echo(config_for(what))


@review_app.command("calibrate")
@friendly
def calibrate_cmd(db: DbOption = None, config: ConfigOption = None) -> None:
    """Check the merge threshold against people's pair answers: precision of "same" per name-score threshold.

    Prints the curve and the lowest threshold meeting resolve.min_precision; set it as resolve.match_threshold.

    Example: orgmap review calibrate --db orgmap.duckdb
    """
    from orgmap.stages.review import calibrate_merges

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        cal = calibrate_merges(store, settings)
    typer.echo(f"{cal.pairs} answered pairs; threshold  pairs above  'same' among them  precision")
    for p in cal.curve:
        if p.kept:
            typer.echo(f"  {p.threshold:>9.0f}  {p.kept:>11}  {p.correct:>16}  {p.precision:>9.3f}")
    target = settings.resolve.min_precision
    if cal.suggested is None:
        typer.echo(f"not enough answers to suggest a threshold for precision {target}; keep {cal.current:g}")
    else:
        typer.echo(f"suggested resolve.match_threshold = {cal.suggested:g} (now {cal.current:g}; target {target})")
