-- 017_page_errors: pages a stage read only in part, or could not read, and why (issue 16).
-- A page over a bound of resolver.bounds.PageLimits (size, nesting, JSON-LD nodes, names) or over the time
-- limit is kept, its signals taken from the part within the bounds; each bound it hit is one row here.
-- reason (stage signals):
--   html_too_large | too_deep | too_many_nodes | too_many_names | timeout   the page was read in part
--   unreadable                                                               the stored HTML cannot be read
--   jsonld_unparsable | jsonld_repaired                                      a JSON-LD script, as named
--   error                                                                    an extraction step failed (detail)
-- Re-extracting a page replaces its rows.
CREATE TABLE page_errors (
    page_id    VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    detail     VARCHAR,
    run_id     BIGINT,
    logged_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (page_id, stage, reason)
);
