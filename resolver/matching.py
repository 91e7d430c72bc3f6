"""Entity resolution of organization names: the public face of blocking, scoring, clustering, linking.

The pieces, one concept per module:

- :mod:`resolver.blocking`: candidate pairs in DuckDB (rare words, acronyms, prefixes, sorted
  neighbourhood), never all pairs;
- :mod:`resolver.scoring`: rapidfuzz similarity of two keys with the reason, and jurisdictions;
- :mod:`resolver.clustering`: names → organizations with a chaining guard and hard evidence;
- :mod:`resolver.orgs`: clusters of owners → organizations whose ids stay stable across runs;
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
