-- Queries of the model registry (classifiers/registry.py) on the store's `models` table.

-- name: count_versions
-- Versions of one target so far (the next one is numbered after them).
SELECT count(*) FROM models WHERE target = ?;

-- name: insert_version
-- A new model version with its config, LF set, data window, metrics, artifact and validation.
INSERT INTO models (version, target, created_at, status, config, lf_set, data_window, metrics, artifact, sha256, run_id,
                    validation)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: artifact
-- The stored artifact of a version, its checksum, and its file when kept outside the database.
SELECT artifact, sha256, artifact_path FROM models WHERE version = ?;

-- name: promoted
-- The promoted version of a target (the one classify uses).
SELECT version FROM models WHERE target = ? AND status = 'promoted' ORDER BY created_at DESC LIMIT 1;

-- name: target_of
-- The target a version belongs to.
SELECT target FROM models WHERE version = ?;

-- name: retire_others
-- Retire the target's promoted version before another one is promoted.
UPDATE models SET status = 'retired' WHERE target = ? AND status = 'promoted' AND version <> ?;

-- name: promote
-- Promote a version, recording why.
UPDATE models SET status = 'promoted', note = coalesce(?, note) WHERE version = ?;

-- name: set_note
-- Why a version was (not) promoted.
UPDATE models SET note = ? WHERE version = ?;

-- name: list_versions
-- Every version of one target (or of all when the target is NULL), newest first.
SELECT version, target, created_at, status, metrics, sha256, note, validation FROM models
WHERE ? IS NULL OR target = ? ORDER BY created_at DESC, version DESC;

-- name: metrics
-- The stored metrics of a version.
SELECT metrics FROM models WHERE version = ?;

-- name: data_state
-- What scheduled retraining compares with its last run: newest batch, pages, gold labels, newest gold label.
SELECT (SELECT max(run_id) FROM pages), (SELECT count(*) FROM pages),
       (SELECT count(*) FROM gold_labels), (SELECT max(annotated_at) FROM gold_labels);

-- name: validation
-- Whether a version was validated on gold labels before promotion.
SELECT validation FROM models WHERE version = ?;

-- name: same_training
-- The newest version of a target trained on the same inputs (data_window.fingerprint), or in the given run.
SELECT version FROM models
WHERE target = ? AND (json_extract_string(data_window, '$.fingerprint') = ? OR (? IS NOT NULL AND run_id = ?))
ORDER BY created_at DESC, version DESC LIMIT 1;
