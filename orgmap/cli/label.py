"""``orgmap label push|pull|export|import|config`` and ``orgmap serve`` (the Label Studio ML backend)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from
from orgmap.store.database import Store

commands = typer.Typer()
"""``serve`` (a top-level command)."""
label_app = typer.Typer(
    help="Human labels: Label Studio round trip, files, active learning.\n\n"
    "Example: orgmap label push --target domain --n 200",
    no_args_is_help=True,
)

TargetOption = Annotated[str, typer.Option("--target", help="page, domain or org.")]
UrlOption = Annotated[
    str,
    typer.Option("--url", envvar="LABEL_STUDIO_URL", help="Label Studio base URL (env LABEL_STUDIO_URL)."),
]
TokenOption = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="LABEL_STUDIO_TOKEN",
        help="Label Studio access token (env LABEL_STUDIO_TOKEN).",
        show_default=False,
    ),
]
TitleOption = Annotated[str | None, typer.Option("--project-title", help="Project title (default: 'orgmap <target>').")]
StrategyOption = Annotated[
    str,
    typer.Option(
        "--strategy",
        help="uncertainty (= margin), least_confidence, margin, entropy, lf_disagreement or random.",
    ),
]


def _client(url: str, token: str) -> Any:
    from orgmap.review.labelstudio import LabelStudio, LabelStudioError

    if not token:
        raise LabelStudioError("no Label Studio token; pass --token or set LABEL_STUDIO_TOKEN (Account & Settings)")
    return LabelStudio(url, token)


@label_app.command("push")
@friendly
def push_cmd(
    target: TargetOption = "domain",
    n: Annotated[int, typer.Option("--n", help="How many tasks to add.")] = 200,
    strategy: StrategyOption = "uncertainty",
    no_diversity: Annotated[bool, typer.Option("--no-diversity", help="Keep near-duplicates in the batch.")] = False,
    url: UrlOption = "http://localhost:8080",
    token: TokenOption = "",
    project_title: TitleOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Push the N most informative unlabelled items to the target's Label Studio project.

    Creates or reuses the project; each task has orgmap's prediction as a pre-annotation
    (score = priority, lower first). Re-pushing skips items already in the project.

    Example: orgmap label push --target domain --n 200 --strategy uncertainty
    """
    from orgmap.stages.label import push

    settings = settings_from(config, db)
    with Store(settings.db, wait=settings.db_wait) as store, _client(url, token) as client:
        run_id = store.start_run("label push", {"target": target, "n": n, "strategy": strategy}, settings.to_dict())
        out = push(
            store, settings, client, target, n, strategy, diverse=not no_diversity, project_title=project_title,
            run_id=run_id,
        )  # fmt: skip
        store.finish_run(run_id, "ok", out.__dict__)
    typer.echo(
        f"project {out.project_id}: {out.imported} tasks imported, {out.skipped} already there "
        f"({out.selected} selected by {out.strategy}); open {client.url}/projects/{out.project_id}"
    )


@label_app.command("pull")
@friendly
def pull_cmd(
    target: TargetOption = "domain",
    url: UrlOption = "http://localhost:8080",
    token: TokenOption = "",
    project_title: TitleOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Import the project's annotations as gold labels.

    Cancelled/skipped annotations are ignored; the most recent annotation of a task wins, ties by majority.

    Example: orgmap label pull --target domain
    """
    from orgmap.stages.label import pull

    settings = settings_from(config, db)
    with Store(settings.db, wait=settings.db_wait) as store, _client(url, token) as client:
        run_id = store.start_run("label pull", {"target": target}, settings.to_dict())
        out = pull(store, settings, client, target, project_title=project_title, run_id=run_id)
        store.finish_run(run_id, "ok", {"n_tasks": out.n_tasks, "n_gold": out.n_gold})
    typer.echo(
        f"{out.n_tasks} annotated tasks, {out.n_gold} gold labels new or changed, "
        f"{out.n_conflicts} conflicts resolved, {len(out.problems)} skipped"
    )
    for p in out.problems[:20]:
        typer.echo(f"  skipped: {p}", err=True)


@label_app.command("export")
@friendly
def export_cmd(
    out: Annotated[Path, typer.Argument(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="labelstudio (JSON), doccano (JSONL) or csv.")] = "labelstudio",
    target: TargetOption = "domain",
    n: Annotated[int, typer.Option("--n", help="How many items.")] = 200,
    strategy: StrategyOption = "uncertainty",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the N most informative unlabelled items to a labeling file (no server needed).

    Example: orgmap label export to_label.csv --format csv --target domain --n 100
    """
    from orgmap.review.formats import write_file
    from orgmap.stages.label import build_tasks, record_tasks, select_items

    settings = settings_from(config, db)
    with Store(settings.db, wait=settings.db_wait) as store:
        selected = select_items(store, settings, target, n, strategy, seed=settings.classify.seed)
        rows = write_file(build_tasks(selected, target), out, fmt)
        record_tasks(store, selected, server=f"file:{fmt}", project_id=0, target=target, strategy=strategy)
    typer.echo(f"{rows} {target} items written to {out} ({fmt})")


@label_app.command("import")
@friendly
def import_cmd(
    path: Annotated[Path, typer.Argument(help="Labelled file: .json (Label Studio export), .jsonl (doccano), .csv.")],
    fmt: Annotated[str | None, typer.Option("--format", help="Override the format detected from the name.")] = None,
    annotator: Annotated[
        str | None, typer.Option("--annotator", help="Who labelled (when the file does not say).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Import a labelled file as gold labels.

    Example: orgmap label import labelled.csv --annotator alice
    """
    from classifiers.taxonomy import TARGETS
    from orgmap.models import taxonomy_for
    from orgmap.review.formats import detect_format, read_file
    from orgmap.stages.label import PullSummary, record_pull, write_gold

    settings = settings_from(config, db)
    tax = taxonomy_for(settings)
    kind = fmt or detect_format(path)
    gold, problems = read_file(path, {t: tax.classes(t) for t in TARGETS}, kind, annotator)
    source = "labelstudio_file" if kind == "labelstudio" else kind
    with Store(settings.db, wait=settings.db_wait) as store:
        n_gold = write_gold(store, gold, source)
        for t in TARGETS:
            mine = [g for g in gold if g.target == t]
            if mine:
                s = PullSummary(len(mine), n_gold, sum(g.conflict for g in mine), problems)
                record_pull(store, source=source, origin=str(path), target=t, n_tasks=len(mine), summary=s,
                            run_id=None)  # fmt: skip
    typer.echo(f"{len(gold)} gold labels read from {path} ({kind}), {n_gold} new or changed, {len(problems)} skipped")
    for p in problems[:20]:
        typer.echo(f"  skipped: {p}", err=True)


@label_app.command("config")
@friendly
def config_cmd(target: TargetOption = "domain", config: ConfigOption = None) -> None:
    """Print the Label Studio labeling config orgmap uses for a target (from the taxonomy).

    Example: orgmap label config --target org
    """
    from orgmap.models import taxonomy_for
    from orgmap.review.labelstudio import labeling_config

    typer.echo(labeling_config(target, taxonomy_for(settings_from(config)).classes(target)))


@commands.command("serve")
@friendly
def serve_cmd(
    target: TargetOption = "domain",
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 9090,
    retrain_every: Annotated[
        int, typer.Option("--retrain-every", help="Retrain after this many new annotations (0: never).")
    ] = 20,
    auth_file: Annotated[
        Path | None,
        typer.Option(
            "--auth-file", help="File whose first line is user:password, required from Label Studio (Basic auth)."
        ),
    ] = None,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", help="Larger request bodies are refused (413).")
    ] = 32.0,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Run the ML backend Label Studio connects to (Model settings → Connect model → http://HOST:PORT).

    Predictions as labellers open tasks, retraining in the background after --retrain-every annotations.

    Credentials (user:password) come from --auth-file or ORGMAP_SERVE_AUTH, never the command line.

    Without them only a loopback --host (127.0.0.1, the default) is accepted.

    Example: orgmap serve --target domain --host 0.0.0.0 --port 9090 --auth-file ~/.orgmap-serve-auth
    """
    import uvicorn

    from orgmap.review.backend import AUTH_ENV, ServeLimits, credentials, is_loopback
    from orgmap.stages.label import serve_app
    from resolver.errors import InputError

    auth = credentials(auth_file)
    if auth is None and not is_loopback(host):
        raise InputError(
            f"--host {host} would let anyone on the network retrain and promote models: set {AUTH_ENV} "
            "or --auth-file (user:password), or listen on 127.0.0.1"
        )
    settings = settings_from(config, db)
    limits = ServeLimits(max_body_bytes=int(max_body_mb * 2**20))
    app_ = serve_app(settings, target, retrain_every=retrain_every, basic_auth=auth, limits=limits)
    typer.echo(f"orgmap ML backend for {target} on http://{host}:{port} (model {app_.state.holder.version})")
    uvicorn.run(app_, host=host, port=port, log_level=os.environ.get("ORGMAP_SERVE_LOG", "warning"))
