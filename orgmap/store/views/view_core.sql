-- Public views over the core tables; re-created every time the store opens.

-- The newest version of every URL (pages keeps one row per URL and content).
CREATE OR REPLACE VIEW pages_latest AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY url_norm ORDER BY has_content DESC, fetched_at DESC NULLS LAST, ingested_at DESC
    ) AS rn
    FROM pages
) WHERE rn = 1;

-- Ingestion errors summarized per run and reason.
CREATE OR REPLACE VIEW ingest_error_summary AS
SELECT run_id, reason, count(*) AS n, min(source_file) AS example_file, min(detail) AS example
FROM ingest_errors GROUP BY run_id, reason ORDER BY run_id, n DESC;
