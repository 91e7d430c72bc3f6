"""Entity resolution of organization names: the public face of blocking, scoring, clustering, linking.

The pieces, one concept per module:

- :mod:`resolver.blocking`: candidate pairs in DuckDB (rare words, acronyms, prefixes, sorted
  neighbourhood), never all pairs;
- :mod:`resolver.scoring`: rapidfuzz similarity of two keys with the reason, and jurisdictions;
- :mod:`resolver.clustering`: names → organizations with a chaining guard and hard evidence,
  and incremental batches (:func:`assign_to_existing`);
- :mod:`resolver.reference`: a user's reference list of organizations and linking to it.

Example::

    >>> import pyarrow as pa
    >>> names = pa.table({"name_id": ["1", "2", "3"], "name": ["ACME Widgets GmbH", "Acme Widgets", "Acme Bank"]})
    >>> out = cluster_names(names)
    >>> len(set(out["cluster_id"].to_pylist()))
    2
"""

from __future__ import annotations

from resolver.blocking import BlockingParams, candidate_pairs, reduction_ratio
from resolver.clustering import ClusterParams, ClusterResult, assign_to_existing, cluster_names, resolve_clusters
from resolver.reference import load_reference, match_reference
from resolver.scoring import KeyInfo, Score, jurisdiction, score_keys

__all__ = [
    "BlockingParams",
    "ClusterParams",
    "ClusterResult",
    "KeyInfo",
    "Score",
    "assign_to_existing",
    "candidate_pairs",
    "cluster_names",
    "jurisdiction",
    "load_reference",
    "match_reference",
    "reduction_ratio",
    "resolve_clusters",
    "score_keys",
]
