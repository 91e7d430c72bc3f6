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
    louvain_seed: int = 0
    """Fixed seed: the same graph gets the same communities."""
    louvain_resolution: float = 1.0
    louvain_max_edges: int = 100_000
    """Above this many node pairs Louvain is not run (NetworkX's Louvain is pure Python: minutes at 200k) …"""
    community_fallback: bool = True
    """… and communities come from vectorized label propagation instead (False: NULL, with a note)."""
