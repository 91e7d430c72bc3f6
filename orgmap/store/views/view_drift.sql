-- Views over drift reports and retraining decisions (re-created on every open).

-- Every drift check, newest first, with its flagged measures.
CREATE OR REPLACE VIEW drift_history AS
SELECT report_id, created_at, target, reference, "current", n_reference, n_current, model_version,
       drift, n_flagged, flagged
FROM drift_reports ORDER BY report_id DESC;

-- The measures of the latest drift check, flagged first.
CREATE OR REPLACE VIEW drift_latest AS
SELECT m.* FROM drift_measures m
WHERE m.report_id = (SELECT max(report_id) FROM drift_reports)
ORDER BY m.drift DESC, m.family, m.measure;

-- Retraining decisions, newest first.
CREATE OR REPLACE VIEW retrain_history AS
SELECT run_id, target, decided_at, candidate, "current", promoted, reasons,
       candidate_eval->>'$.macro_f1' AS candidate_macro_f1, current_eval->>'$.macro_f1' AS current_macro_f1
FROM retrain_decisions ORDER BY decided_at DESC, target;
