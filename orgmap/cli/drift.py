"""``orgmap drift`` (compare two windows; exit 0 no drift, 1 drift, 2 error) and ``orgmap retrain``."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, settings_from
from orgmap.store.database import Store
from resolver.errors import InputError

console = Console()
err = Console(stderr=True)

commands = typer.Typer()
"""``drift`` and ``retrain`` (top-level commands)."""

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """``90s``, ``30m``, ``1h``, ``1d`` → seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"--every {text!r}: use a positive number with s, m, h or d (e.g. 1h)")
    return float(m.group(1)) * _UNITS[m.group(2)]


@commands.command("drift")
@friendly
def drift_cmd(
    reference: Annotated[
        str, typer.Option("--reference", help="Window: run:N, run:A..B, date:A..B, trained, previous, all.")
    ] = "trained",
    current: Annotated[str, typer.Option("--current", help="Window: latest, latest:K, run:N, ...")] = "latest",
    db: DbOption = None,
    config: ConfigOption = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="List every measure, not only the notable ones.")] = False,
) -> None:
    """Compare the pages of two windows under the promoted model; exit 0 (no drift), 1 (drift), 2 (error).

    Measures: predicted-class PSI/JS, confidence, LF coverage/conflicts, tokens, language, TLD, page
    length, new-domain and unknown-owner rates, agreement with new gold labels (docs/drift.md).
    The check is stored in drift_reports / drift_measures.

    Example: orgmap drift --reference run:12 --current latest --html out/drift.html
    """
    from classifiers.drift_report import render_html
    from orgmap.stages.drift import check

    settings = settings_from(config, db)
    with Store(settings.db, wait=settings.db_wait) as store:
        run_id = store.start_run("drift", {"reference": reference, "current": current}, settings.to_dict())
        try:
            out = check(store, settings, reference, current, run_id=run_id)
        except BaseException as exc:
            store.finish_run(run_id, "failed", {}, error=str(exc))
            raise
        rep = out.report
        store.finish_run(run_id, "ok", {"drift": rep.drift, "flagged": [m.name for m in rep.flagged]})
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "reference": f"{reference} (runs {list(out.reference.runs)})",
            "current": f"{current} (runs {list(out.current.runs)})",
            "model": out.model_version,
            "report_id": out.report_id,
        }
        if out.in_sample:
            meta["note"] = "the reference is the model's training data: confidence and gold cannot flag drift"
        title = f"orgmap drift: {reference} vs {current}"
        html.write_text(render_html(rep, out.history, out.confidence, title=title, meta=meta), "utf-8")
    if as_json:
        doc = {"report_id": out.report_id, "model_version": out.model_version, "in_sample": out.in_sample,
               **rep.to_dict()}  # fmt: skip
        typer.echo(json.dumps(doc, indent=1, default=str))
    else:
        table = Table("measure", "reference", "current", "effect", "threshold", "p", "drift",
                      title=f"drift — {reference} ({rep.n_reference} pages) vs {current} "
                      f"({rep.n_current} pages), model {out.model_version}")  # fmt: skip
        for m in rep.measures:
            quiet = m.name.startswith(("lf_coverage:", "lf_conflict:")) and not m.drift
            if quiet and not show_all:
                continue
            table.add_row(
                m.name, _f(m.reference), _f(m.current), _f(m.effect), _f(m.threshold), _f(m.p_value),
                "[red]DRIFT[/]" if m.drift else "",
            )  # fmt: skip
        console.print(table)
        names = ", ".join(m.name for m in rep.flagged)
        verdict = f"drift: {len(rep.flagged)} measure(s) flagged: {names}" if rep.drift else "no drift"
        if out.in_sample:
            typer.echo("note: the reference is the model's training data (in-sample); confidence and gold "
                       "measures cannot flag drift; compare with a batch scored after training")  # fmt: skip
        typer.echo(f"{verdict} (report {out.report_id}{f', HTML {html}' if html else ''})")
    if rep.drift:
        raise typer.Exit(1)


@commands.command("retrain")
@friendly
def retrain_cmd(
    db: DbOption = None,
    config: ConfigOption = None,
    every: Annotated[
        str | None, typer.Option("--every", help="Scheduled mode: check for new data every 30m, 1h, 1d ...")
    ] = None,
    tolerance: Annotated[
        float | None, typer.Option("--tolerance", min=0.0, help="Held-out macro-F1 a candidate may lose.")
    ] = None,
    window: Annotated[
        str | None, typer.Option("--window", help="Batches to train on (default: latest), plus all gold.")
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="page, domain, org or a comma list.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Retrain even when no new data arrived.")] = False,
) -> None:
    """Retrain on the latest window plus all gold labels; promote only what passes held-out validation.

    A candidate replaces the current model only when it is not worse on held-out gold (macro-F1,
    per-class F1, calibration); the decision and its reasons go to the registry; labels are redone.

    Does nothing when no pages or gold labels arrived since the last retrain. Roll back with
    `orgmap model use VERSION`. Exit 1 when a candidate was kept out (for CI).

    Example: orgmap retrain --every 1h --tolerance 0.01
    """
    flags = {"classify.promotion.tolerance": tolerance, "drift.retrain_window": window, "drift.retrain_targets": target}
    if every is None:
        if _retrain_once(config, db, flags, force):
            raise typer.Exit(1)
        return
    seconds = parse_every(every)
    while True:  # scheduled mode: one retrain per period (settings read anew); no new data, nothing done
        _retrain_once(config, db, flags, force)
        err.print(f"next check in {every} (Ctrl-C to stop)")
        time.sleep(seconds)


def _retrain_once(config: Path | None, db: str | None, flags: dict[str, Any], force: bool) -> bool:
    """Retrain once and print the decisions; True when a candidate was kept out."""
    from orgmap.pipeline import retrain
    from orgmap.runs import recorded

    settings = settings_from(config, db, **flags)
    with (
        Store(settings.db, wait=settings.db_wait) as store,
        recorded(store, "retrain", settings, {"window": settings.drift.retrain_window}) as (run, counts),
    ):
        out = retrain(store, settings, run, force=force)
        counts.update({"skipped": out.skipped, "decisions": out.decisions, "relabelled": out.relabelled})
    if out.skipped:
        typer.echo(out.reason)
        return False
    kept = 0
    for d in out.decisions:
        cand = d.get("candidate_eval") or {}
        cur = d.get("current_eval") or {}
        f1 = f"held-out macro-F1 {cand['macro_f1']:.3f}" if "macro_f1" in cand else "no held-out score"
        if "macro_f1" in cur:
            f1 += f" vs {cur['macro_f1']:.3f} ({d['current']})"
        state = "promoted" if d["promoted"] else "kept current"
        kept += int(not d["promoted"])
        typer.echo(f"{d['target']}: {d['candidate'] or '-'} {state}; {f1}; " + "; ".join(d["reasons"]))
    if out.relabelled:
        typer.echo("re-labelled: " + ", ".join(f"{k} {v}" for k, v in out.relabelled.items()))
    return kept > 0


def _f(v: float | None) -> str:
    return "" if v is None or v != v else f"{v:.3f}"
