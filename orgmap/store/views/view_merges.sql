-- Merges left for review; re-created every time the store opens.

-- Every edge that holds an organization together with less confidence than the user's precision target
-- (`resolve.min_precision` of the run that wrote it; 0.9 when that run had none): a person should
-- confirm it or split the org. One row per weak edge, weakest first.
CREATE OR REPLACE VIEW merge_review_candidates AS
SELECT e.org_id, o.canonical_name, o.n_domains, o.confidence AS org_confidence,
       e.a, e.b, e.kind, e.score, e.confidence, e.reason,
       coalesce(try_cast(json_extract_string(r.settings, '$.resolve.min_precision') AS DOUBLE), 0.9) AS target,
       e.run_id
FROM org_edges e
JOIN orgs o USING (org_id)
LEFT JOIN runs r ON r.run_id = e.run_id
WHERE e.confidence < coalesce(try_cast(json_extract_string(r.settings, '$.resolve.min_precision') AS DOUBLE), 0.9)
ORDER BY e.confidence, e.org_id, e.a, e.b;
