"""The graph stage: build the domain/org graph from the resolved tables, and export it for Kumu.

Runs after resolution and classification in ``orgmap resolve``; ``orgmap graph build`` runs it alone.
Reads settings and passes plain arguments to :mod:`graph.build` / :mod:`graph.export`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.build import BuildSummary, build
from graph.export import ExportFilter, ExportResult, select_subgraph, write_empty, write_kumu
from graph.stats import count_nodes
from orgmap.config import Settings
from orgmap.outputs import output_path
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store.database import Store

__all__ = ["ExportSummary", "GraphSummary", "build_graph", "export_kumu"]


@dataclass(frozen=True)
class GraphSummary:
    """What the graph stage built and changed."""

    nodes: dict[str, int]
    edges: dict[str, int]
    added: int
    """Nodes + edges added."""
    changed: int
    removed: int
    components: int
    communities: int
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    path: str
    elements: int
    connections: int
    warnings: list[str] = field(default_factory=list)


def build_graph(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> GraphSummary:
    """Derive the graph, compute its analytics and merge it into ``graph_nodes`` / ``graph_edges``."""
    t0 = time.perf_counter()
    s: BuildSummary = build(store.con, settings.graph.build, run_id=run.run_id)
    return GraphSummary(
        nodes=s.nodes,
        edges=s.edges,
        added=s.nodes_added + s.edges_added,
        changed=s.nodes_changed + s.edges_changed,
        removed=s.nodes_removed + s.edges_removed,
        components=s.components,
        communities=s.communities,
        notes=s.notes,
        seconds=round(time.perf_counter() - t0, 2),
    )


def export_kumu(
    store: Store,
    settings: Settings,
    run: Run,
    progress: Progress = SILENT,
    *,
    path: str | Path | None = None,
    filters: ExportFilter | None = None,
) -> ExportSummary:
    """Write a Kumu blueprint (``settings.graph.kumu_path``; by default ``<db stem>.kumu.json`` beside the database).

    Without ``filters`` (the pipeline's case) edges below ``settings.graph.min_confidence`` are left out and
    a graph larger than ``kumu_max_elements`` is cut to its highest-PageRank nodes, with a warning saying
    how to export a neighbourhood instead: the default file must open in Kumu as-is.
    """
    g = settings.graph
    if filters is None:
        filters = ExportFilter(min_confidence=g.min_confidence, max_elements=g.kumu_max_elements)
    if filters.warn_elements is None:
        filters = ExportFilter(**{**filters.__dict__, "warn_elements": g.kumu_max_elements})
    out = Path(path or g.kumu_path or output_path(settings, "kumu.json"))
    if not count_nodes(store.con):
        write_empty(out)
        return ExportSummary(str(out), 0, 0, ["the graph is empty: nothing resolved yet, wrote an empty blueprint"])
    result: ExportResult = write_kumu(select_subgraph(store.con, filters), out)
    return ExportSummary(str(out), result.elements, result.connections, result.warnings)
