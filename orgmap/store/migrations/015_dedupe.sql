-- 015_dedupe: `orgmap dedupe FILE` (resolver/dedupe.py): a list of organization records clustered without pages.
-- One dataset (the file's stem, or --dataset) is replaced as a whole by each run over it.
-- dedupe_clusters: one row per record: its cluster, the cluster's size, canonical name and confidence (its
--   weakest merge, 1.0 for a record alone), and the strongest edge that put the record there (score, reason).
-- dedupe_edges: the edges that hold each cluster together (kind: name, domain, hard); merged: the edge joined
--   two clusters (else both ends were already one).
-- dedupe_pairs: pairs scored near the merge threshold, for a person to review (verdict: what the clustering
--   did with the pair: merged, same cluster, below threshold, guard, jurisdiction, identifier, language).
CREATE TABLE dedupe_clusters (
    dataset         VARCHAR NOT NULL,
    record_id       VARCHAR NOT NULL,
    name            VARCHAR,
    cluster_id      VARCHAR NOT NULL,
    cluster_size    BIGINT NOT NULL,
    canonical_name  VARCHAR,
    confidence      DOUBLE NOT NULL,
    score           DOUBLE,
    reason          VARCHAR,
    run_id          BIGINT,
    PRIMARY KEY (dataset, record_id)
);

CREATE TABLE dedupe_edges (
    dataset     VARCHAR NOT NULL,
    cluster_id  VARCHAR NOT NULL,
    record_a    VARCHAR NOT NULL,
    record_b    VARCHAR NOT NULL,
    score       DOUBLE NOT NULL,
    reason      VARCHAR,
    kind        VARCHAR NOT NULL,
    merged      BOOLEAN NOT NULL,
    run_id      BIGINT
);

CREATE TABLE dedupe_pairs (
    dataset       VARCHAR NOT NULL,
    record_a      VARCHAR NOT NULL,
    record_b      VARCHAR NOT NULL,
    name_a        VARCHAR,
    name_b        VARCHAR,
    score         DOUBLE NOT NULL,
    reason        VARCHAR,
    verdict       VARCHAR NOT NULL,
    same_cluster  BOOLEAN NOT NULL,
    run_id        BIGINT
);
