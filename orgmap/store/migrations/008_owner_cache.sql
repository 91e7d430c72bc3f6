-- 008_owner_cache: owners scored in earlier runs, keyed by a fingerprint of everything scoring reads (the
-- domain's candidate names, its page count, how widely its names occur, the scoring code), so a new batch
-- re-scores only the domains it changed (orgmap/stages/resolve.py). A cache: deleting it only costs time.
CREATE TABLE _owner_cache (
    registered_domain VARCHAR PRIMARY KEY,
    fingerprint       VARCHAR NOT NULL,
    owner             JSON NOT NULL
);
