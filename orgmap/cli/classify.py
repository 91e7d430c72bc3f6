"""``orgmap lf report``, ``orgmap train``, ``orgmap model list|use`` and ``orgmap eval classify``."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from
from orgmap.cli.evaluate import eval_app
from orgmap.store.database import Store

TargetOption = Annotated[str, typer.Option("--target", help="page, domain, org (train: also 'all').")]
console = Console()

commands = typer.Typer()
"""``train`` (a top-level command)."""
lf_app = typer.Typer(
    help="Labeling functions.\n\nExample: orgmap lf report --target domain --json", no_args_is_help=True
)
model_app = typer.Typer(
    help="The model registry.\n\nExample: orgmap model list --target page",
    no_args_is_help=True,
)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "" if v != v else f"{v:.3f}"
    return str(v)


@lf_app.command("report")
@friendly
def lf_report(
    target: TargetOption = "page",
    db: DbOption = None,
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Coverage, overlaps, conflicts and empirical accuracy (vs gold) per LF, and the class balance.

    Example: orgmap lf report --target domain
    """
    from orgmap.models import lf_report

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        result = lf_report(store, settings, target)
    if result is None:
        typer.echo(f"no {target} rows yet; run `orgmap resolve` first")
        return
    report, summary, n_rows = result
    if as_json:
        typer.echo(json.dumps({"lfs": report.to_dict("records"), **summary}, indent=1, default=str))
        return
    table = Table(title=f"labeling functions — {target} ({n_rows} rows)")
    for col in report.columns:
        table.add_column(col, justify="left" if col in ("lf", "polarity") else "right")
    for rec in report.itertuples(index=False):
        table.add_row(*(_fmt(v) for v in rec))
    console.print(table)
    console.print(
        f"covered {summary['coverage']:.1%}  overlap {summary['overlap']:.1%}  "
        f"conflict {summary['conflict']:.1%}  label model: {summary['method']}"
    )
    bal = Table("class", "share", title="class balance (label model, covered rows)")
    for c, v in sorted(summary["class_balance"].items(), key=lambda kv: -kv[1]):
        bal.add_row(c, f"{v:.3f}")
    console.print(bal)


@commands.command("train")
@friendly
def train_cmd(
    target: TargetOption = "all",
    db: DbOption = None,
    config: ConfigOption = None,
    promote: Annotated[bool, typer.Option("--promote", help="Promote the new version unconditionally.")] = False,
    promote_if_better: Annotated[
        bool,
        typer.Option(
            "--promote-if-better",
            help="Promote only if it passes the promotion gate on gold ([classify.promotion]).",
        ),
    ] = False,
) -> None:
    """Train and register a new model version per target on the current data (weak labels + gold).

    Exit code 1 when --promote-if-better kept the current model of some target (for CI).

    Example: orgmap train --target page --promote-if-better
    """
    from orgmap.models import train

    settings = settings_from(config, db)
    targets = ["page", "domain", "org"] if target == "all" else [target]
    kept = 0
    with Store.open(settings) as store:
        run_id = store.start_run("train", targets, settings.to_dict())
        results = {}
        try:
            for t in targets:
                out = train(store, settings, t, promote=promote, promote_if_better=promote_if_better,
                            run_id=run_id)  # fmt: skip
                results[t] = {"version": out.version, "promoted": out.promoted, "reason": out.reason}
                kept += int(promote_if_better and not out.promoted)
                gold = out.metrics.get("gold") or {}
                f1 = f"gold macro-F1 {gold['macro_f1']:.3f} (n={gold['n']})" if gold.get("n") else "no gold labels"
                state = "promoted" if out.promoted else "candidate"
                typer.echo(f"{out.version}: {state}, {out.validation}; {f1}; {out.reason}")
        except BaseException as exc:
            store.finish_run(run_id, "failed", results, error=str(exc))
            raise
        store.finish_run(run_id, "ok", results)
    if kept:
        raise typer.Exit(1)


@model_app.command("list")
@friendly
def model_list(
    target: Annotated[str | None, typer.Option("--target", help="Only this target.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every model version, newest first, with status and gold metrics.

    Example: orgmap model list --target org
    """
    from classifiers import registry

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        models = registry.list_models(store.con, target)
    table = Table()
    table.add_column("version", no_wrap=True)
    for col in ("target", "created", "status", "validation", "gold macro-F1", "train rows", "note"):
        table.add_column(col)
    for m in models:
        gold = m.metrics.get("gold") or {}
        table.add_row(
            m.version, m.target, str(m.created_at)[:19], m.status, m.validation or "-",
            _fmt(gold.get("macro_f1", float("nan"))), str(m.metrics.get("n_train", "")), m.note or "",
        )  # fmt: skip
    console.print(table)


@model_app.command("use")
@friendly
def model_use(
    version: Annotated[str, typer.Argument(help="A version from `orgmap model list`.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Promote VERSION (roll back or forward); the next classify run uses it.

    Example: orgmap model use page-v2
    """
    from classifiers import registry

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        registry.load(store.con, version)  # exists and checksum holds
        registry.promote(store.con, version, "promoted by `orgmap model use`")
    typer.echo(f"{version} promoted")


@eval_app.command("classify")
@friendly
def eval_classify(
    target: Annotated[str | None, typer.Option("--target", help="Only this target.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Per-class precision/recall/F1 and the confusion matrix of the current labels against gold labels.

    Example: orgmap eval classify --target org
    """
    from orgmap.models import evaluate_labels

    settings = settings_from(config, db)
    any_gold = False
    with Store.open(settings) as store:
        for t in [target] if target else ["page", "domain", "org"]:
            rep = evaluate_labels(store, t)
            if rep is None:
                continue
            any_gold = True
            console.print(f"[bold]{t}[/] ({rep.n} gold items): macro-F1 {rep.macro_f1:.3f}")
            typer.echo(rep.format())
    if not any_gold:
        typer.echo("no gold labels to evaluate against (import some: gold_labels table)")
