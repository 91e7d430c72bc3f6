-- 006_drift: drift reports and retraining decisions (classifiers/drift.py, classifiers/retrain.py,
-- orgmap/stages/drift.py). Read through the views in view_drift.sql.

CREATE SEQUENCE IF NOT EXISTS drift_report_seq START 1;

-- One row per `orgmap drift` check: which windows were compared, with which model, and the verdict.
CREATE TABLE drift_reports (
    report_id      BIGINT PRIMARY KEY DEFAULT nextval('drift_report_seq'),
    created_at     TIMESTAMP NOT NULL,
    target         VARCHAR NOT NULL,    -- page (the target whose predictions are compared)
    reference      VARCHAR NOT NULL,    -- the window spec as given: run:12, date:2026-01-01..2026-02-01, trained
    "current"      VARCHAR NOT NULL,    -- latest, run:13, ...
    reference_runs JSON,                -- the ingestion runs the reference window resolved to
    current_runs   JSON,
    n_reference    BIGINT NOT NULL,     -- pages in each window
    n_current      BIGINT NOT NULL,
    model_version  VARCHAR,             -- the promoted model whose predictions were compared
    drift          BOOLEAN NOT NULL,    -- any measure over its threshold and significant
    n_flagged      INTEGER NOT NULL,
    flagged        JSON,                -- names of the flagged measures
    settings       JSON,                -- thresholds and test settings used
    run_id         BIGINT               -- the runs row of the check
);

-- One row per (report, measure): value in each window, effect, threshold, p-value, flag.
CREATE TABLE drift_measures (
    report_id      BIGINT NOT NULL,
    measure        VARCHAR NOT NULL,    -- class_psi, class_js, confidence_drop, lf_coverage:news_tld, ...
    family         VARCHAR NOT NULL,    -- predictions | confidence | lf | input | domains | gold
    reference      DOUBLE,              -- the measure's value in the reference window (where it has one)
    "current"      DOUBLE,              -- ... and in the current window
    effect         DOUBLE,              -- what is compared with the threshold (PSI, JS, drop, change)
    threshold      DOUBLE NOT NULL,
    p_value        DOUBLE,              -- domain-cluster permutation / binomial test; NULL: not testable
    drift          BOOLEAN NOT NULL,    -- effect >= threshold and p_value < alpha
    detail         JSON,                -- per-category shares etc.
    PRIMARY KEY (report_id, measure)
);

-- One row per target and `orgmap retrain` decision: what was compared and why it was (not) promoted.
CREATE TABLE retrain_decisions (
    run_id         BIGINT NOT NULL,
    target         VARCHAR NOT NULL,
    decided_at     TIMESTAMP NOT NULL,
    candidate      VARCHAR,             -- models.version trained (NULL when nothing was trained)
    "current"      VARCHAR,             -- the version promoted before the decision
    promoted       BOOLEAN NOT NULL,
    reasons        JSON,                -- ["macro-F1 0.912 >= 0.905 - 0.01", ...]
    candidate_eval JSON,                -- held-out gold: macro_f1, per_class_f1, ece, brier, n
    current_eval   JSON,
    data_state     JSON,                -- {"max_run": .., "n_gold": .., "last_gold_at": ..}: what scheduled mode compares
    PRIMARY KEY (run_id, target)
);
