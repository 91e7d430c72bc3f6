-- Queries of `orgmap dedupe` (orgmap/dedupe.py), one per "-- name:" block.

-- name: delete_clusters
-- A dataset's record clusters, removed before a new run over it writes them again.
DELETE FROM dedupe_clusters WHERE dataset = ?;

-- name: delete_edges
-- A dataset's cluster edges, removed before a new run over it writes them again.
DELETE FROM dedupe_edges WHERE dataset = ?;

-- name: delete_pairs
-- A dataset's pairs for review, removed before a new run over it writes them again.
DELETE FROM dedupe_pairs WHERE dataset = ?;
