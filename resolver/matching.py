"""Entity resolution of organization names: the public face of blocking, scoring, clustering, linking.

One concept per module: :mod:`resolver.blocking` (candidate pairs), :mod:`resolver.scoring` (similarity,
jurisdictions), :mod:`resolver.clustering` (names → organizations), :mod:`resolver.reference` (a user's
list of organizations); :mod:`resolver.orgs` keeps org ids stable across runs. How: docs/matching.md.

Example::

    >>> import pyarrow as pa
    >>> names = pa.table({"name_id": ["1", "2", "3"], "name": ["ACME Widgets GmbH", "Acme Widgets", "Acme Bank"]})
    >>> len(set(cluster_names(names)["cluster_id"].to_pylist()))
    2
"""

from __future__ import annotations

from resolver.blocking import BlockingParams, candidate_pairs, reduction_ratio
from resolver.clustering import ClusterParams, ClusterResult, cluster_names, resolve_clusters
from resolver.reference import load_reference, match_reference
from resolver.scoring import KeyInfo, Score, jurisdiction, score_keys

__all__ = [
    "BlockingParams",
    "ClusterParams",
    "ClusterResult",
    "KeyInfo",
    "Score",
    "candidate_pairs",
    "cluster_names",
    "jurisdiction",
    "load_reference",
    "match_reference",
    "reduction_ratio",
    "resolve_clusters",
    "score_keys",
]
