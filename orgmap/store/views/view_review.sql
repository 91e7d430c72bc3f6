-- People's answers that count (orgmap/stages/review.py, docs/labeling.md "Answers that stick"); re-created
-- every time the store opens.
--
-- Conflict rule, one for owners and pairs: the latest answer wins (annotated_at; then the latest pull; then
-- the answer's text, so the choice is deterministic). A correction, or a second reviewer's later decision,
-- supersedes; cancelled and skipped annotations never became answers.

-- The verified owner of every registered domain a person answered for: final, applied by every resolve run.
CREATE OR REPLACE VIEW verified_owners AS
SELECT registered_domain, status, name, choice, annotator, annotated_at, task_id, source, origin,
       n_answers, n_distinct > 1 AS conflict
FROM (
    SELECT *,
           row_number() OVER (PARTITION BY registered_domain
                              ORDER BY annotated_at DESC, pulled_at DESC, status, coalesce(name, '')) AS rank_,
           count(*) OVER (PARTITION BY registered_domain) AS n_answers,
           count(DISTINCT status || ':' || coalesce(name, '')) OVER (PARTITION BY registered_domain) AS n_distinct
    FROM review_owner_answers
)
WHERE rank_ = 1;

-- The decision that counts for every pair of registered domains a person answered for: same forces the
-- merge, different forbids it, parent_subsidiary forbids it and adds an org_relations edge.
CREATE OR REPLACE VIEW verified_pairs AS
SELECT a, b, decision, parent, annotator, annotated_at, task_id, source, origin,
       n_answers, n_distinct > 1 AS conflict
FROM (
    SELECT *,
           row_number() OVER (PARTITION BY a, b
                              ORDER BY annotated_at DESC, pulled_at DESC, decision, coalesce(parent, '')) AS rank_,
           count(*) OVER (PARTITION BY a, b) AS n_answers,
           count(DISTINCT decision || ':' || coalesce(parent, '')) OVER (PARTITION BY a, b) AS n_distinct
    FROM review_pair_answers
)
WHERE rank_ = 1;
