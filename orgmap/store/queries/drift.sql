-- Queries of the drift stage (orgmap/stages/drift.py), one per "-- name:" block.

-- name: model_created_at
-- When the promoted model was trained (gold labels after it are new evidence of drift).
SELECT created_at FROM models WHERE version = ?;

-- name: page_units
-- Per page: its batch, its domain's first batch, whether the domain has an owner, and its unit (org or domain)
-- for the group permutation tests.
SELECT p.page_id AS item_id, p.run_id, f.first_run, (o.org_id IS NOT NULL) AS has_owner,
       coalesce(o.org_id, p.registered_domain) AS unit
FROM pages p
JOIN (SELECT registered_domain, min(run_id) AS first_run FROM pages GROUP BY 1) f USING (registered_domain)
LEFT JOIN domain_org o USING (registered_domain);

-- name: page_gold
-- Gold page labels and when they were given.
SELECT item_id, label AS gold, annotated_at AS gold_at FROM gold_labels WHERE target = ?;

-- name: insert_report
-- One drift report; its measures go to drift_measures under the returned id.
INSERT INTO drift_reports (created_at, target, reference, "current", reference_runs, current_runs,
                           n_reference, n_current, model_version, drift, n_flagged, flagged, settings, run_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING report_id;
