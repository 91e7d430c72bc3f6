"""``orgmap graph build|stats`` and ``orgmap export kumu|spreadsheet|graphml|gexf``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from orgmap.cli._common import ConfigOption, DbOption, friendly, option_sets, settings_from
from orgmap.store.database import Store

if TYPE_CHECKING:
    from graph.export import ExportFilter

err = Console(stderr=True)

graph_app = typer.Typer(
    help="Build and inspect the domain/org graph.\n\nExample: orgmap graph stats --top 20", no_args_is_help=True
)
export_app = typer.Typer(
    help="Export the graph (or a neighbourhood of it) for Kumu, Gephi, spreadsheets.\n\n"
    "Every export takes the same filter options (--org, --depth, --class, --min-confidence, --top, --kind).\n\n"
    'Example: orgmap export kumu --org "Acme" --depth 2 -o acme.json',
    no_args_is_help=True,
)


@dataclass(frozen=True)
class ExportFilterOptions:
    """Which part of the graph an export writes: the options every ``orgmap export`` command takes."""

    org: Annotated[
        str | None, typer.Option("--org", help="Only this org's neighbourhood: text in its name or an alias.")
    ] = None
    depth: Annotated[int, typer.Option("--depth", min=0, help="Hops from --org (its own domains are hop 0).")] = 1
    classes: Annotated[
        list[str] | None,
        typer.Option(
            "--class",
            help="Keep orgs of this organization type (with their domains) and domains of this site category "
            "(repeatable; see classifiers/taxonomy.toml).",
            show_default=False,
        ),
    ] = None
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", min=0.0, max=1.0, help="Drop ownership/relation edges below this."),
    ] = None
    top: Annotated[int | None, typer.Option("--top", min=1, help="Keep the N nodes with the highest PageRank.")] = None
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Node kinds to include: domain, org, host, page (repeatable).")
    ] = None

    def to_filter(self, warn_elements: int | None) -> ExportFilter:
        """The library's ``ExportFilter`` for these options (warn above WARN_ELEMENTS elements; None: never)."""
        from graph.export import ExportFilter

        return ExportFilter(
            org=self.org,
            depth=self.depth,
            classes=tuple(self.classes or ()),
            min_confidence=self.min_confidence or 0.0,
            top=self.top,
            kinds=tuple(self.kind) if self.kind else ExportFilter.kinds,
            warn_elements=warn_elements,
        )


WHOLE_GRAPH = ExportFilterOptions()
"""No filter: the export commands' default."""


def _report(result: Any) -> None:
    if result.matched_orgs:
        shown = ", ".join(repr(m) for m in result.matched_orgs[:5])
        more = f" (+{len(result.matched_orgs) - 5} more)" if len(result.matched_orgs) > 5 else ""
        err.print(f"matched orgs: {shown}{more}")
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {w}")
    typer.echo(
        f"wrote {', '.join(result.paths)}: {result.elements:,} elements, {result.connections:,} connections "
        f"(of {result.total_nodes:,} nodes in the graph)"
    )


@graph_app.command("build")
@friendly
def build_cmd(db: DbOption = None, config: ConfigOption = None) -> None:
    """Rebuild the graph from the resolved tables (orgmap resolve does this at its end).

    Example: orgmap graph build --db orgmap.duckdb
    """
    from orgmap.runs import recorded
    from orgmap.stages.graph import build_graph

    settings = settings_from(config, db)
    with Store.open(settings) as store:
        with recorded(store, "graph build", settings) as (run, counts):
            summary = build_graph(store, settings, run)
            counts.update(summary.__dict__)
    for note in summary.notes:
        err.print(f"[yellow]note:[/] {note}")
    typer.echo(
        f"graph: {sum(summary.nodes.values()):,} nodes {summary.nodes}, {sum(summary.edges.values()):,} edges "
        f"{summary.edges}; {summary.added:,} added, {summary.changed:,} changed, {summary.removed:,} removed "
        f"in {summary.seconds:.1f}s"
    )


@graph_app.command("stats")
@friendly
def stats_cmd(
    db: DbOption = None,
    config: ConfigOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many orgs per ranking.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Print node and edge counts by kind, components, and the top orgs by domains and by inbound links.

    Example: orgmap graph stats --top 20
    """
    from graph.stats import graph_stats

    settings = settings_from(config, db)
    with Store.open(settings, read_only=True) as store:
        stats = graph_stats(store.con, top=top)
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False, indent=2, default=str))
        return
    _print_stats(stats)


ForceOption = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


def _select(
    filters: ExportFilterOptions,
    output: Path | None,
    default_name: str,
    db: str | None,
    config: Path | None,
    *,
    force: bool,
    for_kumu: bool = True,
    files: Callable[[Path], list[Path]] = lambda out: [out],
) -> tuple[Any, Path]:
    """The part of the graph FILTERS selects, and the file to write it to (checked: new, or --force).

    Without ``-o`` the file goes beside the database, named after it (``crawl.kumu.json``). Only Kumu
    formats warn about Kumu's size limit. ``files`` lists the files a writer makes of the output path.
    """
    from graph import export
    from orgmap.outputs import output_path, require_new

    settings = settings_from(config, db)
    f = filters.to_filter(settings.graph.kumu_max_elements if for_kumu else None)
    out = output or output_path(settings, default_name)
    require_new(files(out), force)
    with Store.open(settings, read_only=True) as store:
        sub = export.select_subgraph(store.con, f)
    return sub, out


@export_app.command("kumu")
@friendly
@option_sets
def kumu_cmd(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="JSON file (default: <db stem>.kumu.json by the database).")
    ] = None,
    force: ForceOption = False,
    filters: ExportFilterOptions = WHOLE_GRAPH,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write a Kumu JSON blueprint (drop it onto a Kumu map) of the graph or of one org's neighbourhood.

    Example: orgmap export kumu --org "Acme" --depth 2 --min-confidence 0.8 -o acme.json
    """
    from graph.export import write_kumu

    sub, out = _select(filters, output, "kumu.json", db, config, force=force)
    _report(write_kumu(sub, out))


@export_app.command("spreadsheet")
@friendly
@option_sets
def spreadsheet_cmd(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File stem or .xlsx file (default: <db stem>.kumu beside the database)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv (two files) or xlsx (one workbook).")] = "csv",
    force: ForceOption = False,
    filters: ExportFilterOptions = WHOLE_GRAPH,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write Kumu's spreadsheet form: Elements and Connections sheets (CSV files or one XLSX workbook).

    Example: orgmap export spreadsheet --format xlsx -o out/acme.xlsx --org Acme
    """
    from graph.export import spreadsheet_paths, write_spreadsheet

    sub, out = _select(filters, output, "kumu", db, config, force=force, files=lambda out: spreadsheet_paths(out, fmt))
    _report(write_spreadsheet(sub, out, fmt))


@export_app.command("graphml")
@friendly
@option_sets
def graphml_cmd(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: <db stem>.graphml beside the database).")
    ] = None,
    force: ForceOption = False,
    filters: ExportFilterOptions = WHOLE_GRAPH,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write GraphML (Gephi, yEd, Cytoscape).

    Example: orgmap export graphml -o out/graph.graphml --top 5000
    """
    from graph.export import write_graphml

    sub, out = _select(filters, output, "graphml", db, config, force=force, for_kumu=False)
    _report(write_graphml(sub, out))


@export_app.command("gexf")
@friendly
@option_sets
def gexf_cmd(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: <db stem>.gexf beside the database).")
    ] = None,
    force: ForceOption = False,
    filters: ExportFilterOptions = WHOLE_GRAPH,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write GEXF, Gephi's own format.

    Example: orgmap export gexf -o out/graph.gexf --class news_media
    """
    from graph.export import write_gexf

    sub, out = _select(filters, output, "gexf", db, config, force=force, for_kumu=False)
    _report(write_gexf(sub, out))


def _print_stats(stats: dict[str, Any]) -> None:
    out = Console()
    t = Table(title="graph", header_style="bold")
    t.add_column("what")
    t.add_column("kind")
    t.add_column("count", justify="right")
    for kind, n in stats["nodes"].items():
        t.add_row("nodes", kind, f"{n:,}")
    for kind, n in stats["edges"].items():
        t.add_row("edges", kind, f"{n:,}")
    c = stats["components"]
    t.add_row("components", "", f"{c['count']:,}")
    t.add_row("", "largest (nodes)", ", ".join(f"{x:,}" for x in c["largest"]))
    t.add_row("", "isolated nodes", f"{c['isolated']:,}")
    t.add_row("communities", "", f"{stats['communities']:,}" if stats["communities"] is not None else "not computed")
    out.print(t)
    for key, title, col in (
        ("top_by_domains", "top orgs by domains", "domains"),
        ("top_by_inbound_links", "top orgs by inbound links", "inbound links"),
    ):
        rows = stats[key]
        if not rows:
            continue
        tt = Table(title=title, header_style="bold")
        for name in ("#", "org", "class", col, "pagerank"):
            tt.add_column(name, justify="right" if name in ("#", col, "pagerank") else "left")
        for i, r in enumerate(rows, 1):
            pr = f"{r['pagerank']:.2e}" if r.get("pagerank") is not None else "-"
            tt.add_row(str(i), r["name"], r.get("class") or "-", f"{r['value']:,}", pr)
        out.print(tt)
    if stats.get("last_build"):
        b = stats["last_build"]
        out.print(
            f"last build: run {b['run_id']} at {b['built_at']}: +{b['nodes_added']:,}/~{b['nodes_changed']:,}/"
            f"-{b['nodes_removed']:,} nodes, +{b['edges_added']:,}/~{b['edges_changed']:,}/-{b['edges_removed']:,} "
            f"edges in {b['seconds']:.1f}s"
        )
