"""``orgmap resolve`` (the main job) and ``orgmap explain`` (why a domain got its owner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import (
    ConfigOption,
    DbOption,
    EngineOption,
    RayAddressOption,
    WorkersOption,
    friendly,
    settings_from,
)
from orgmap.progress import for_terminal, progress_context
from orgmap.store.database import Store
from resolver.sql import load_queries

if TYPE_CHECKING:
    from resolver.orgs import MergeEdge

console = Console(stderr=True)
commands = typer.Typer()
"""``resolve`` and ``explain`` (top-level commands)."""


def _summary_table(report: Any) -> Table:
    table = Table(title=f"orgmap run {report.run_id}", show_header=True, header_style="bold")
    table.add_column("stage")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    for name, value in report.stages.items():
        if hasattr(value, "__dataclass_fields__"):
            items = {k: getattr(value, k) for k in value.__dataclass_fields__ if k != "seconds"}
        elif isinstance(value, dict):
            items = value
        else:
            items = {"result": value}
        text = ", ".join(f"{k}={_fmt(v)}" for k, v in items.items())
        table.add_row(name, text, f"{report.seconds.get(name, 0):.1f}")
    return table


def _where_to_look(report: Any) -> list[str]:
    """Lines saying how many records or pages had problems in this run, and where they are listed."""
    from orgmap.cli.ingest import bad_records_line

    lines = []
    if "ingest" in report.stages and (line := bad_records_line(report.stages["ingest"])):
        lines.append(line)
    signals = report.stages.get("signals")
    if signals is not None and signals.pages_with_errors:
        lines.append(
            f"{signals.pages_with_errors:,} pages had extraction problems (their other signals are kept); "
            f"examples: orgmap sql \"select counts->'signals'->'problems' from runs where run_id = {report.run_id}\""
        )
    return lines


def _fmt(value: Any) -> str:
    """Short form for the summary: lists become counts, nested values are cut."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} examples in runs.counts"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in list(value.items())[:12]) + "}"
    if isinstance(value, list | tuple):
        if all(isinstance(v, str) for v in value) and len(value) <= 4:
            return "[" + ", ".join(value) + "]"
        return f"{len(value)} items"
    if isinstance(value, float):
        return f"{value:.3g}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


@commands.command()
@friendly
def resolve(
    paths: Annotated[list[Path] | None, typer.Argument(help="Input files or directories (optional).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    orgs: Annotated[
        Path | None,
        typer.Option(
            "--orgs",
            help="Reference list of organizations to link to first: CSV, JSON Lines, or a ROR dump (.zip/.json).",
        ),
    ] = None,
    skip: Annotated[
        list[str] | None,
        typer.Option("--skip", help="Stage to leave out (signals, resolve, classify, graph, export)."),
    ] = None,
    reference_labels: Annotated[
        list[Path] | None,
        typer.Option(
            "--reference-labels",
            help="CSV of domain,class or domain,target,class: a labeling function (distant supervision). Repeatable.",
        ),
    ] = None,
    min_precision: Annotated[
        float | None,
        typer.Option(
            "--min-precision",
            min=0.0,
            max=1.0,
            help="Owner precision target: the model links a domain when its owner is this likely right on the gold"
            " the model was calibrated on (default 0.95; see docs/owners.md).",
        ),
    ] = None,
    min_confidence: Annotated[
        float | None, typer.Option(help="Owner confidence threshold of the noisy_or scorer (resolve.scorer).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline for NER.")] = None,
    no_ner: Annotated[bool, typer.Option("--no-ner", help="Skip spaCy NER (faster, fewer candidates).")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for the Kumu export and the run report (default: the database's)."),
    ] = None,
    workers: WorkersOption = None,
    engine: EngineOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Run the main job: ingest PATHS, extract signals, find every domain's owner, classify, build the graph.

    Incremental: re-running the same input changes nothing; a new batch links to existing orgs.
    --min-precision trades coverage for precision: 0.99 leaves more domains unknown than 0.95.
    --reference-labels: your own lists of domains with their class (example.gov,government) vote as labeling
    functions for the domains' site categories and their owners' organization types.

    Page extraction and NER run on every core (--workers), or on a Ray cluster with --engine ray.

    Example: orgmap resolve data/sample --db orgmap.duckdb --min-precision 0.99
    """
    from orgmap.cli.report import write_after_run
    from orgmap.outputs import output_path, require_writable_dir
    from orgmap.pipeline import run
    from orgmap.store.database import require_writable

    overrides: dict[str, Any] = {
        "resolve.linking.min_confidence": min_confidence,
        "resolve.min_precision": min_precision,
        "ner.model": model,
        "resolve.orgs_file": str(orgs) if orgs else None,
        "classify.reference_labels": ",".join(str(p) for p in reference_labels) if reference_labels else None,
        "out_dir": str(out) if out else None,
        "engine.workers": workers,
        "engine.name": engine,
        "engine.ray_address": ray_address,
    }
    if no_ner:
        overrides["ner.enabled"] = False
    settings = settings_from(config, db, **overrides)
    kumu = Path(settings.graph.kumu_path or output_path(settings, "kumu.json"))
    require_writable(Path(settings.db))  # the database first: it is the cause when both are in one directory
    if "export" not in (skip or ()):
        require_writable_dir(kumu.parent, "the Kumu export")  # now, not after an hour of work
    replaced = kumu.exists()
    progress = for_terminal(every=settings.progress_seconds)
    with progress_context(progress):
        report = run(settings, [str(p) for p in (paths or [])], skip=skip or (), progress=progress)
    Console().print(_summary_table(report))
    for line in _where_to_look(report):
        typer.echo(line, err=True)
    if "export" in report.stages:
        again = " (replacing this database's export from an earlier run)" if replaced else ""
        typer.echo(f"Kumu blueprint: {report.stages['export'].path}{again}")
    write_after_run(settings, report.run_id)
    typer.echo(f'database: {settings.db}  (try: duckdb {settings.db} -c "select * from domain_org limit 5")')


@commands.command()
@friendly
def explain(
    domain: Annotated[str | None, typer.Argument(help="A domain, host or URL.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="An org id: its domains and the edges that joined them.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the evidence as JSON.")] = False,
) -> None:
    """Print why DOMAIN was linked to its organization (or why it is unknown), and why it shares it.

    For each other domain of the organization, the chain of merge edges that joins them: kind (name,
    acronym, hard:redirect, hard:hreflang, hard:jsonld_url, hard:jsonld_same_as, reference), score and
    confidence. With --org ID: the org's domains and every edge that holds it together.

    Example: orgmap explain acme-widgets.co.uk
    """
    from resolver.domains import registered_domain
    from resolver.errors import InputError
    from resolver.orgs import merge_paths

    settings = settings_from(config, db)
    if (domain is None) == (org is None):
        raise InputError("give a DOMAIN or --org ID (one of them)")
    reg = registered_domain(domain) if domain is not None else None
    if domain is not None and reg is None:
        raise InputError(f"{domain!r} is not a valid domain or URL")
    with Store.open(settings, read_only=True) as store:
        _require_current_schema(store, settings.db)
        if org is not None or reg is None:
            _explain_org(store, org or "", settings.db, as_json)
            return
        row = store.con.execute(EXPLAIN["domain_owner"], [reg]).fetchone()
        if row is None:
            raise InputError(f"{reg} is not in {settings.db}; ingest and resolve it first (orgmap resolve PATH)")
        org_row = store.con.execute(EXPLAIN["org"], [row[1]]).fetchone() if row[1] else None
        paths = merge_paths(_edges(store, row[1]), reg) if row[1] else {}
        classes = _classes(store, reg, row[1])
    evidence = json.loads(row[5]) if row[5] else {}
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "domain": reg,
                    "org_id": row[1],
                    "org_name": row[2],
                    "confidence": row[3],
                    "status": row[4],
                    "evidence": evidence,
                    "runner_up": row[6],
                    "site_name": row[8],
                    "platform": row[9],
                    "org_confidence": org_row[6] if org_row else None,
                    "merges": [{"domain": d, "edges": [_edge_json(e) for e in path]} for d, path in paths.items()],
                    "classes": classes,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    out = Console()
    owner = row[2] if row[2] is not None else "no organization"
    out.print(f"[bold]{reg}[/] → [bold]{owner}[/] ({row[4]}, confidence {row[3]:.2f}, {row[7]} pages)")
    if org_row:
        conf = f", org confidence {org_row[6]:.2f}" if org_row[6] is not None else ""
        out.print(f"  org {row[1]}: legal form {org_row[2] or '-'}, country {org_row[3] or '-'}{conf}")
        out.print(f"  aliases: {', '.join(org_row[4] or []) or '-'}")
        out.print(f"  domains: {', '.join(org_row[5] or [])}")
    if evidence.get("why"):
        out.print(f"  why: {evidence['why']}", markup=False)
    for item in evidence.get("items", [])[:1]:
        if item["signal"] == "verified":  # orgmap review pull / import
            out.print(f"  verified by a person: {item.get('context') or '-'}", markup=False)
    if row[8] or row[9]:
        out.print(f"  site name: {row[8] or '-'}" + (f"; hosted on the platform {row[9]}" if row[9] else ""))
    if evidence.get("name"):
        out.print(f"  best candidate name: {evidence['name']!r}, fits the domain: {evidence.get('fit', 0):.2f}")
    if evidence.get("contributions"):
        parts = ", ".join(f"{k} {v:+.2f}" for k, v in evidence["contributions"].items())
        out.print(f"  owner model ({evidence.get('scorer')}): largest feature contributions: {parts}", markup=False)
    table = Table("signal", "name", "weight", "pages", "first page", "context")
    for item in evidence.get("items", []):
        table.add_row(
            item["signal"],
            item["name"],
            f"{item['weight']:.2f}",
            str(item.get("n_pages", 1)),
            item.get("url") or item["page_id"][:12],
            (item.get("context") or "")[:60],
        )
    out.print(table)
    if row[6]:
        out.print(f"  runner-up: {row[6]!r}")
    for other, path in paths.items():
        out.print(f"  shares its organization with [bold]{other}[/]:")
        here = reg
        for e in path:
            here = e.b if here == e.a else e.a
            step = f"    → {here}: {e.kind}, score {e.score:.0f}, confidence {e.confidence:.2f} ({e.reason})"
            out.print(step, markup=False)
    _print_classes(out, classes)


EXPLAIN = load_queries("orgmap.store.queries", "explain.sql")

_CLASS_NAMES = {"domain": "site category", "org": "organization type"}


def _classes(store: Store, domain: str, org_id: str | None) -> dict[str, Any]:
    """The domain's site category and its owner's organization type: class, probability, who decided, LF votes."""
    out: dict[str, Any] = {}
    rows = store.con.execute(EXPLAIN["classes"], {"domain": domain, "org": org_id or ""}).fetchall()
    for target, label, conf, probs, source, version, evidence, validation, model_label in rows:
        ev = json.loads(evidence) if evidence else {}
        p = json.loads(probs) if probs else {}
        out[target] = {
            "class": label,
            "probability": conf,
            "source": source,
            "model_version": version,
            "validation": validation,
            "model_class": model_label,
            "model_probability": p.get(model_label) if model_label else None,
            "runner_up": max(((c, v) for c, v in p.items() if c != label), key=lambda cv: cv[1], default=None),
            "lfs": ev.get("lf") or {},
            "label_model": ev.get("label_model"),
        }
    return out


def _print_classes(out: Console, classes: dict[str, Any]) -> None:
    """The class section of ``orgmap explain``."""
    if not classes:
        out.print("  classes: not classified yet (orgmap resolve runs the classify stage)")
        return
    for target in ("domain", "org"):
        c = classes.get(target)
        if c is None:
            continue
        who = "a person's gold label" if c["source"] == "gold" else (c["model_version"] or "the label model")
        line = f"  {_CLASS_NAMES[target]}: [bold]{c['class']}[/] (probability {c['probability']:.2f}, {who}"
        out.print(line + f", {c['validation'] or 'validation unknown'})")
        if c["source"] == "gold" and c["model_class"]:
            own = f"{c['model_probability']:.2f}" if c["model_probability"] is not None else "-"
            out.print(f"    the model alone says {c['model_class']} ({own})", markup=False)
        if c["runner_up"]:
            out.print(f"    runner-up: {c['runner_up'][0]} ({c['runner_up'][1]:.2f})", markup=False)
        votes = ", ".join(f"{lf} → {cls}" for lf, cls in sorted(c["lfs"].items())) or "none (the model decided alone)"
        out.print(f"    labeling functions that voted: {votes}", markup=False)
        lm = c["label_model"]
        if lm:
            out.print(f"    label model: {lm['label']} ({lm['p']:.2f})", markup=False)


def _require_current_schema(store: Store, db: str) -> None:
    """A read-only store is not migrated: one an older orgmap wrote lacks the merge edges."""
    import duckdb

    from orgmap.store.database import migrations
    from resolver.errors import InputError

    try:
        have = store.con.execute(EXPLAIN["schema_version"]).fetchone()[0]  # type: ignore[index]
    except duckdb.CatalogException:
        have = None
    newest = max(v for v, _, _ in migrations())
    if have is None or have < newest:
        raise InputError(
            f"{db} was written by an older orgmap (schema {have}, this one needs {newest}) or by none; "
            f"run `orgmap resolve --db {db}` (it updates the database and re-resolves), then explain again"
        )


def _edges(store: Store, org_id: str) -> list[MergeEdge]:
    from resolver.orgs import MergeEdge

    return [MergeEdge(*r[:6]) for r in store.con.execute(EXPLAIN["org_edges"], [org_id]).fetchall()]


def _edge_json(e: MergeEdge) -> dict[str, Any]:
    return {"a": e.a, "b": e.b, "kind": e.kind, "score": e.score, "confidence": e.confidence, "reason": e.reason}


def _explain_org(store: Store, org_id: str, db: str, as_json: bool) -> None:
    """``orgmap explain --org ID``: the org, its domains and the edges that joined them."""
    from resolver.errors import InputError
    from resolver.orgs import MergeEdge

    org = store.con.execute(EXPLAIN["org"], [org_id]).fetchone()
    if org is None:
        raise InputError(
            f'no org {org_id!r} in {db}; list them with: orgmap sql "select org_id, canonical_name from orgs"'
        )
    edges = store.con.execute(EXPLAIN["org_edges"], [org_id]).fetchall()
    if as_json:
        out_edges = [{**_edge_json(MergeEdge(*r[:6])), "review": bool(r[6])} for r in edges]
        typer.echo(
            json.dumps(
                {
                    "org_id": org[0],
                    "canonical_name": org[1],
                    "confidence": org[6],
                    "domains": org[5],
                    "edges": out_edges,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    out = Console()
    conf = f"confidence {org[6]:.2f}" if org[6] is not None else "confidence -"
    out.print(f"[bold]{org[1]}[/] ({org[0]}, {conf}): legal form {org[2] or '-'}, country {org[3] or '-'}")
    out.print(f"  domains: {', '.join(org[5] or [])}")
    if not edges:
        out.print("  one domain: no merge")
        return
    table = Table("a", "b", "kind", "score", "confidence", "reason", "review")
    for column in table.columns:
        column.overflow = "fold"
    for a, b, kind, score, confidence, reason, review in edges:
        table.add_row(a, b, kind, f"{score:.0f}", f"{confidence:.2f}", reason or "", "below target" if review else "")
    out.print(table)
