-- Queries of the ingest stage (orgmap/stages/ingest.py), loaded with orgmap.store.database.load_queries.
-- hosts and domains are derived from pages: recomputed from all pages at the end of every ingest, so a
-- run killed before this point is repaired by the next one. Upserts (not delete + insert) keep any
-- columns later migrations add to these tables.

-- name: count_url_only
-- URL-only rows (pages to fetch later) that this run stored.
select count(*) filter (where not has_content) from pages where run_id = ?;
