"""What goes into the graph and how it is analysed (stdlib only: settings import it cheaply)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    """What to put in the graph and how to analyse it (from ``settings.graph``)."""

    include_hosts: bool = False
    """Add host nodes with ``part_of`` edges to their domain."""
    include_pages: bool = False
    """Add page nodes with ``part_of`` edges to their host (implies hosts; large)."""
    pagerank_alpha: float = 0.85
    """PageRank damping factor."""
    pagerank_max_iter: int = 100
    community_seed: int = 0
    """Leiden's seed: the same graph gets the same communities, run after run."""
    community_resolution: float = 1.0
    """Modularity resolution (γ): above 1 more, smaller communities; below 1 fewer, larger ones."""
    community_iterations: int = 2
    """Leiden passes, each refining the last (negative: until one no longer improves; much slower)."""
    community_fallback: bool = True
    """Where igraph is missing or fails, communities come from label propagation (False: NULL, with a note)."""
