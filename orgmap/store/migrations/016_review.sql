-- 016_review: people's answers on owners and merges (orgmap/review/, orgmap/stages/review.py), kept for good.
-- Every answer pulled from Label Studio or read from a file is one row; none is ever deleted by a run. The
-- answer that counts for an item is the latest (views verified_owners, verified_pairs in view_review.sql);
-- the resolve stage applies it on every run, so a verified owner survives re-runs and retraining.

-- One row per owner answer: who owns this registered domain, said by a person.
CREATE TABLE review_owner_answers (
    registered_domain VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,   -- linked | person | platform | unknown
    name              VARCHAR,            -- the owner's name (linked; a person's name where given)
    choice            VARCHAR NOT NULL,   -- what was chosen: candidate 1..5 | another | person | platform | unknown
    annotator         VARCHAR,            -- e-mail or id of whoever answered
    annotated_at      TIMESTAMP NOT NULL, -- when they answered (UTC)
    task_id           BIGINT,             -- Label Studio's task id (NULL for files)
    source            VARCHAR NOT NULL,   -- labelstudio | labelstudio_file | csv | prodigy
    origin            VARCHAR,            -- server URL + project, or the file's path
    predicted         VARCHAR,            -- orgmap's answer when the task was made ('linked:<name>', 'person', ...)
    pulled_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (registered_domain, source, annotated_at, choice)
);

-- One row per pair answer: are the organizations of two registered domains one organization?
CREATE TABLE review_pair_answers (
    a                 VARCHAR NOT NULL,   -- registered domain (a < b)
    b                 VARCHAR NOT NULL,   -- registered domain
    decision          VARCHAR NOT NULL,   -- same | different | parent_subsidiary
    parent            VARCHAR,            -- for parent_subsidiary: the parent's domain (a or b)
    annotator         VARCHAR,
    annotated_at      TIMESTAMP NOT NULL,
    task_id           BIGINT,
    source            VARCHAR NOT NULL,
    origin            VARCHAR,
    predicted         VARCHAR,            -- orgmap's view when the task was made: same (one org) | different
    pair_confidence   DOUBLE,             -- the merge edge's confidence then (NULL: no edge)
    pulled_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (a, b, source, annotated_at, decision)
);

-- One row per review task sent to Label Studio or written to a file, so re-pushing never duplicates one.
CREATE TABLE review_tasks (
    server            VARCHAR NOT NULL,   -- Label Studio base URL, or 'file:<format>'
    project_id        BIGINT NOT NULL,    -- 0 for files
    what              VARCHAR NOT NULL,   -- owners | merges
    item_id           VARCHAR NOT NULL,   -- registered domain, or 'a|b'
    task_id           BIGINT,
    pushed_at         TIMESTAMP NOT NULL,
    value             DOUBLE,             -- expected value of the answer (higher = asked first)
    priority          DOUBLE,             -- the prediction score sent (lower = served first)
    predicted         VARCHAR,
    run_id            BIGINT,
    PRIMARY KEY (server, project_id, what, item_id)
);
