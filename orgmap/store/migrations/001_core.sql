-- 001_core: runs, pages, hosts, domains, redirects, ingest_errors.
-- Public tables are documented in README.md ("Public schema"). Internal tables start with "_".

CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1;

-- Every orgmap run (ingest, resolve, fetch, train, ...): one row, opened at start, closed at end.
-- A run killed mid-way stays 'running' until the next run marks it 'interrupted'.
CREATE TABLE runs (
    run_id      BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),
    command     VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP,
    status      VARCHAR NOT NULL,          -- running | ok | failed | interrupted
    inputs      JSON,                      -- the paths or arguments the run was given
    settings    JSON,                      -- the effective settings, saved with every run
    counts      JSON,                      -- what the run read, stored, skipped (by reason)
    error       VARCHAR
);

-- One row per page version: (normalized URL, content hash). Re-ingesting the same page stores nothing.
CREATE TABLE pages (
    page_id           VARCHAR PRIMARY KEY,  -- hex digest of url_norm + content_hash
    url               VARCHAR NOT NULL,     -- as given in the input
    url_norm          VARCHAR NOT NULL,     -- normalized (resolver.domains.normalize_url)
    host              VARCHAR NOT NULL,     -- ASCII/punycode host, no port, no www
    registered_domain VARCHAR NOT NULL,     -- PSL registrable domain (private suffixes included)
    fetched_at        TIMESTAMP,            -- from the input, when it says
    content_hash      VARCHAR,              -- sha1 of the decoded content; NULL for URL-only rows
    has_content       BOOLEAN NOT NULL,     -- false for URL/domain lists: pages to fetch later
    source            VARCHAR NOT NULL,     -- jsonl | json | csv | parquet | warc | html_dir | urllist | fetch
    source_file       VARCHAR NOT NULL,
    record_no         BIGINT,
    html_z            BLOB,                 -- zlib-compressed UTF-8 HTML (Store.page_html decodes)
    text              VARCHAR,              -- plain text, when the input was text rather than HTML
    title             VARCHAR,              -- <title>, for quick SQL browsing
    lang              VARCHAR,              -- ISO 639-1 guess from the text (py3langid)
    encoding          VARCHAR,              -- charset the bytes were decoded with
    status            INTEGER,              -- HTTP status when known
    content_type      VARCHAR,
    n_bytes           BIGINT,               -- size of the content as read
    run_id            BIGINT NOT NULL,      -- the run that first stored this page (its batch)
    ingested_at       TIMESTAMP NOT NULL
);

-- Redirects seen in the input (WARC 3xx, fetcher chains): a cross-domain redirect is ownership evidence.
CREATE TABLE redirects (
    from_url     VARCHAR NOT NULL,
    to_url       VARCHAR NOT NULL,
    from_domain  VARCHAR NOT NULL,
    to_domain    VARCHAR NOT NULL,
    status       INTEGER,
    source       VARCHAR NOT NULL,
    run_id       BIGINT NOT NULL,
    seen_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (from_url, to_url)
);

-- Records skipped during ingestion, with the reason: the batch went on without them.
CREATE TABLE ingest_errors (
    run_id       BIGINT NOT NULL,
    source_file  VARCHAR NOT NULL,
    record_no    BIGINT,
    url          VARCHAR,
    reason       VARCHAR NOT NULL,         -- no_url | bad_url | binary | undecodable | too_large | empty | corrupt_file | bad_record
    detail       VARCHAR,
    logged_at    TIMESTAMP NOT NULL
);

-- Derived from pages after every ingest (replaced as a whole inside the run's last transaction).
CREATE TABLE hosts (
    host              VARCHAR PRIMARY KEY,
    registered_domain VARCHAR NOT NULL,
    n_pages           BIGINT NOT NULL,
    first_seen        TIMESTAMP,
    last_seen         TIMESTAMP
);

CREATE TABLE domains (
    registered_domain VARCHAR PRIMARY KEY,
    domain_unicode    VARCHAR NOT NULL,     -- IDN labels decoded, for display
    suffix            VARCHAR NOT NULL,     -- public suffix ('' for IP hosts)
    is_private_suffix BOOLEAN NOT NULL,     -- github.io, blogspot.com, ...: a site of its own, not the platform's
    is_ip             BOOLEAN NOT NULL,
    n_pages           BIGINT NOT NULL,      -- page versions with content
    n_urls            BIGINT NOT NULL,      -- distinct normalized URLs, with or without content
    n_hosts           BIGINT NOT NULL,
    first_seen        TIMESTAMP,
    last_seen         TIMESTAMP
);
