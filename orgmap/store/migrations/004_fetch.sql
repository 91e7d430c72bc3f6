-- 004_fetch: the fetch queue of `orgmap fetch` — one row per URL, its status and what fetching it gave.
-- Resumable by construction: URLs are queued (pending) before they are fetched, results are written in
-- small batches, and a re-run fetches only what is still pending (or everything again with --refresh).

CREATE SEQUENCE IF NOT EXISTS fetch_url_seq START 1;

CREATE TABLE fetch_queue (
    url_norm        VARCHAR PRIMARY KEY,    -- normalized URL (resolver.domains.normalize_url): the key
    url_id          BIGINT NOT NULL DEFAULT nextval('fetch_url_seq'),  -- ingest_errors.record_no of source 'fetch'
    url             VARCHAR NOT NULL,       -- the URL requested (url_norm drops www, so it is not fetchable as is)
    domain          VARCHAR NOT NULL,       -- the registered domain it was queued for
    kind            VARCHAR NOT NULL,       -- home | legal | about | contact | url (given with --urls)
    is_fallback     BOOLEAN NOT NULL DEFAULT false,  -- a common path tried because the home page linked none
    status          VARCHAR NOT NULL DEFAULT 'pending',
                                            -- pending | done | failed | skipped_robots | skipped_unsafe
                                            -- | skipped_content_type | skipped_too_large
    reason          VARCHAR,                -- short, stable: http_404, timeout, dns_error, loopback, robots, ...
    detail          VARCHAR,                -- human-readable specifics of the last attempt
    transient       BOOLEAN,                -- the failure may go away (5xx, 429, resets): --retry-failed retries it
    attempts        INTEGER NOT NULL DEFAULT 0,  -- HTTP attempts over all runs (retries included)
    http_status     INTEGER,
    final_url       VARCHAR,                -- where redirects ended
    final_url_norm  VARCHAR,                -- its normalized form: joins pages.url_norm
    content_type    VARCHAR,
    n_bytes         BIGINT,                 -- decoded body size read
    ip              VARCHAR,                -- the checked address the answer came from
    n_redirects     INTEGER,
    queued_at       TIMESTAMP NOT NULL,
    fetched_at      TIMESTAMP,
    run_id          BIGINT                  -- the run that last fetched it
);
