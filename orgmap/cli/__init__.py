"""The ``orgmap`` command: a thin shell over the library.

Each command opens the store, calls one function, and turns an ``OrgmapError`` into one line on stderr
and a non-zero exit (``friendly``). One module per area holds its commands as module-level functions on
module-level Typer groups; this module puts them together, in the order ``orgmap --help`` lists them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from orgmap.cli import classify, dedupe, drift, evaluate, fetch, graph, ingest, label, report, resolve, sql, synth
from orgmap.cli._common import GLOBAL_OPTIONS, friendly

__all__ = ["app", "friendly", "main"]

app = typer.Typer(
    name="orgmap",
    help="Which organization is behind each domain, and what kind of thing is each page, domain and org.\n\n"
    "Example: orgmap resolve data/sample --db orgmap.duckdb",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            min=0,
            metavar="SECONDS",
            help="Wait up to SECONDS for another run's lock on the database, instead of failing at once.",
        ),
    ] = None,
) -> None:
    """Options every command takes, given before it: orgmap --wait 600 resolve crawl/."""
    GLOBAL_OPTIONS.clear()
    GLOBAL_OPTIONS["wait"] = wait


@app.command()
def version() -> None:
    """Print orgmap's version.

    Example: orgmap version
    """
    from orgmap import __version__

    typer.echo(__version__)


for _area in (classify, dedupe, drift, fetch, ingest, label, report, resolve, sql, synth):
    app.add_typer(_area.commands)  # no name: the area's commands join the top level
app.add_typer(classify.lf_app, name="lf")
app.add_typer(classify.model_app, name="model")
app.add_typer(evaluate.eval_app, name="eval")
app.add_typer(graph.graph_app, name="graph")
app.add_typer(graph.export_app, name="export")
app.add_typer(label.label_app, name="label")


def main() -> None:
    """Entry point for ``python -m orgmap`` and ``python -m orgmap.cli``."""
    app(prog_name="orgmap")
