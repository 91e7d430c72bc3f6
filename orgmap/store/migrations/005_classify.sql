-- 005_classify: labels, gold labels, the model registry, LF runs (classifiers/, orgmap/stages/classify.py).

-- The current class of every page, domain and org: one row per (target, item_id), replaced per target
-- by each classify run. `source` says who decided: the end model, the label model (no end model yet),
-- or a human (gold labels always win).
CREATE TABLE labels (
    target         VARCHAR NOT NULL,    -- page | domain | org
    item_id        VARCHAR NOT NULL,    -- page_id | registered_domain | org_id
    label          VARCHAR NOT NULL,    -- a class id of the taxonomy
    confidence     DOUBLE NOT NULL,     -- probability of `label`
    probs          JSON,                -- {"news": 0.91, "blog": 0.05, ...}
    model_version  VARCHAR,             -- models.version that produced it (NULL for gold)
    source         VARCHAR NOT NULL,    -- end_model | label_model | gold
    evidence       JSON,                -- {"lf": {"news_tld": "news", ...}, "label_model": {"label":..., "p":...}}
    run_id         BIGINT,
    PRIMARY KEY (target, item_id)
);

-- Human labels (Label Studio, CSV, ...): used to evaluate and, optionally, to train.
CREATE TABLE gold_labels (
    target         VARCHAR NOT NULL,
    item_id        VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,
    annotator      VARCHAR,
    annotated_at   TIMESTAMP,
    source         VARCHAR NOT NULL,    -- labelstudio | csv | synth | ...
    PRIMARY KEY (target, item_id)
);

-- The model registry: every trained model version with what it was trained on and how good it is.
CREATE TABLE models (
    version        VARCHAR PRIMARY KEY, -- "<target>-v<n>"
    target         VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    status         VARCHAR NOT NULL,    -- candidate | promoted | retired (one promoted per target)
    config         JSON,                -- featurizer/training settings, taxonomy classes and source
    lf_set         JSON,                -- [{name, kind, label}] the LFs whose votes trained it
    data_window    JSON,                -- {"runs": [min, max], "n_rows": .., "n_train": .., "n_gold": ..}
    metrics        JSON,                -- {"gold": {...}, "label_model_gold": {...}, "lf_coverage": ..}
    artifact       BLOB,                -- zlib-compressed JSON model (classifiers.model.EndModel.to_bytes)
    artifact_path  VARCHAR,             -- set when the artifact is kept beside the database instead
    sha256         VARCHAR NOT NULL,    -- checksum of the artifact, verified on load
    run_id         BIGINT,
    note           VARCHAR              -- why it was (not) promoted
);

-- Per classify/train run and LF: coverage and conflicts, the history drift checks read.
CREATE TABLE lf_runs (
    run_id         BIGINT NOT NULL,
    target         VARCHAR NOT NULL,
    lf             VARCHAR NOT NULL,
    kind           VARCHAR,
    n_rows         BIGINT NOT NULL,
    coverage       DOUBLE NOT NULL,
    "overlaps"     DOUBLE NOT NULL,
    conflicts      DOUBLE NOT NULL,
    emp_acc        DOUBLE,              -- against gold labels, where any
    failures       BIGINT NOT NULL,
    PRIMARY KEY (run_id, target, lf)
);
