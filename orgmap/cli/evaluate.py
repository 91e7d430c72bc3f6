"""``orgmap eval``: domain→org and org-clustering accuracy against ground truth."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from
from orgmap.store.database import Store

eval_app = typer.Typer(
    help="Measure orgmap against ground truth.\n\n"
    "Alone, it scores domain→org links and org clusters; `eval classify` scores the class labels.\n\n"
    "Example: orgmap eval --truth data/sample",
    invoke_without_command=True,
    no_args_is_help=False,
)
"""``orgmap eval``: alone it evaluates resolution; area modules add subcommands (``eval classify``)."""


@eval_app.callback()
@friendly
def resolve_eval(
    ctx: typer.Context,
    truth: Annotated[
        Path | None,
        typer.Option("--truth", help="Generator output dir (with truth/) or a CSV registered_domain,org_name."),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    threshold: Annotated[float | None, typer.Option(help="Confidence threshold (default: settings).")] = None,
    errors: Annotated[int, typer.Option(help="How many wrong domains to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Domain→org precision/recall/F1 (at the threshold and as a curve) and org clustering P/R/F1.

    Without --truth, uses data/sample/truth when the database was built from the sample.

    Example: orgmap eval --truth data/sample
    """
    if ctx.invoked_subcommand is not None:
        return
    from orgmap.evaluation import evaluate_links, load_truth, predictions_from_store

    settings = settings_from(config, db)
    th = settings.resolve.linking.min_confidence if threshold is None else threshold
    gold = load_truth(truth or Path("data/sample"))
    with Store(settings.db, read_only=True, wait=settings.db_wait) as store:
        pred = predictions_from_store(store)
    result = evaluate_links(gold, pred, th)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(result), indent=1, ensure_ascii=False))
        return
    out = Console()
    out.print(
        f"[bold]domain→org[/] at confidence ≥ {th:.2f}: precision {result.precision:.3f}  "
        f"recall {result.recall:.3f}  F1 {result.f1:.3f}  "
        f"({result.n_correct} correct of {result.n_linked} linked; {result.n_gold} gold-owned domains)"
    )
    p, r, f = result.pairwise
    bp, br, bf = result.bcubed
    out.print(
        f"[bold]org clusters[/]: pairwise P {p:.3f} R {r:.3f} F1 {f:.3f}   B-cubed P {bp:.3f} R {br:.3f} F1 {bf:.3f}"
    )
    curve = Table("threshold", "precision", "recall", "F1", "linked", title="threshold curve")
    for row in result.curve[::2]:
        curve.add_row(
            f"{row['threshold']:.2f}",
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            str(int(row["linked"])),
        )
    out.print(curve)
    if errors and result.errors:
        table = Table("domain", "gold", "predicted", "confidence", title=f"first {errors} errors")
        for e in result.errors[:errors]:
            table.add_row(e["domain"], e["gold"], e["predicted"], e["confidence"])
        out.print(table)
