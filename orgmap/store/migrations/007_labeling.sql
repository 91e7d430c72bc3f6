-- 007_labeling: what orgmap sent to Label Studio (or a labeling file), so re-pushing never duplicates a task
-- and every gold label can be traced back to the push that asked for it (orgmap/review/labelstudio.py,
-- orgmap/stages/label.py). Gold labels themselves live in gold_labels (005_classify).

-- One row per item pushed to a Label Studio project (or exported to a file: project_id NULL).
CREATE TABLE label_tasks (
    server         VARCHAR NOT NULL,    -- Label Studio base URL, or 'file:<format>' for file exports
    project_id     BIGINT NOT NULL,     -- Label Studio project id (0 for files)
    target         VARCHAR NOT NULL,    -- page | domain | org
    item_id        VARCHAR NOT NULL,
    task_id        BIGINT,              -- Label Studio task id (NULL for files)
    pushed_at      TIMESTAMP NOT NULL,
    strategy       VARCHAR NOT NULL,    -- uncertainty | margin | entropy | least_confidence | lf_disagreement | random
    informativeness DOUBLE,             -- the strategy's score (higher = asked first)
    priority       DOUBLE,              -- the prediction score sent (lower = served first)
    model_version  VARCHAR,             -- the model whose prediction was the pre-annotation
    predicted      VARCHAR,             -- that prediction
    run_id         BIGINT,
    PRIMARY KEY (server, project_id, target, item_id)
);

-- One row per `orgmap label pull` / `orgmap label import`: how many annotations became gold labels.
CREATE TABLE label_pulls (
    run_id         BIGINT,
    pulled_at      TIMESTAMP NOT NULL,
    source         VARCHAR NOT NULL,    -- labelstudio | labelstudio_file | doccano | csv
    origin         VARCHAR,             -- server URL + project, or file path
    target         VARCHAR NOT NULL,
    n_tasks        BIGINT NOT NULL,     -- tasks / rows read
    n_gold         BIGINT NOT NULL,     -- gold labels written (new or changed)
    n_conflicts    BIGINT NOT NULL,     -- tasks with annotations that disagreed (resolved by the documented rule)
    n_problems     BIGINT NOT NULL      -- rows skipped (unknown class, no orgmap id)
);
