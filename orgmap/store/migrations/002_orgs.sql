-- 002_orgs: what pages say (signals, features, links) and what orgmap concludes (orgs, domain_org).

-- Every signal extracted from a page: candidate org names (title, og:site_name, JSON-LD, copyright,
-- legal page, NER, ...), e-mail domains, outbound link domains, JSON-LD types. Replaced per page.
CREATE TABLE page_signals (
    page_id           VARCHAR NOT NULL,
    registered_domain VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,   -- title | og_site_name | application_name | jsonld_name | jsonld_legal_name
                                          -- | jsonld_alternate_name | jsonld_url | jsonld_same_as | jsonld_parent
                                          -- | copyright | legal_entity | ner_org | phrase_match | email_domain
                                          -- | link_domain | jsonld_type | og_type | redirect
    value             VARCHAR NOT NULL,
    weight            DOUBLE NOT NULL,    -- prior reliability of this kind of signal, in [0, 1]
    context           VARCHAR,            -- the snippet it came from (evidence)
    run_id            BIGINT NOT NULL
);

-- One row per page: compact features for classification and drift (no HTML needed downstream).
CREATE TABLE page_features (
    page_id           VARCHAR PRIMARY KEY,
    registered_domain VARCHAR NOT NULL,
    url_norm          VARCHAR NOT NULL,
    title             VARCHAR,
    description       VARCHAR,            -- meta description / og:description
    text              VARCHAR,            -- main text, truncated (settings), for LFs and end models
    owner_text        VARCHAR,            -- ownership-bearing text (resolver.signals.ownership_text): NER input
    lang              VARCHAR,
    og_type           VARCHAR,
    jsonld_types      VARCHAR[],
    is_legal_page     BOOLEAN,            -- Impressum / legal notice / mentions légales
    is_about_page     BOOLEAN,            -- about / contact
    n_links_internal  INTEGER,
    n_links_external  INTEGER,
    n_words           INTEGER,
    n_ent_org         INTEGER,            -- NER counts over the ownership text
    n_ent_gpe         INTEGER,
    n_ent_money       INTEGER,
    legal_forms       VARCHAR[],          -- legal forms found in names on the page (GmbH, Ltd, ...)
    run_id            BIGINT NOT NULL
);

-- Domain-to-domain links aggregated from pages' outbound links.
CREATE TABLE links (
    from_domain  VARCHAR NOT NULL,
    to_domain    VARCHAR NOT NULL,
    n_links      BIGINT NOT NULL,
    n_pages      BIGINT NOT NULL,
    PRIMARY KEY (from_domain, to_domain)
);

-- Resolved organizations. org_id is stable across runs (see _org_keys).
CREATE TABLE orgs (
    org_id          VARCHAR PRIMARY KEY,
    canonical_name  VARCHAR NOT NULL,
    name_key        VARCHAR NOT NULL,     -- normalized identity key (resolver.names)
    legal_form      VARCHAR,
    country         VARCHAR,              -- ISO 3166-1 alpha-2 where known
    aliases         VARCHAR[],
    domains         VARCHAR[],
    n_domains       INTEGER NOT NULL,
    source          VARCHAR NOT NULL,     -- crawl | reference
    reference_id    VARCHAR,              -- id in the user's --orgs list
    first_seen      TIMESTAMP,
    last_seen       TIMESTAMP
);

-- Which normalized name keys belong to which org: keeps org ids stable across runs and batches.
-- Keyed by (name_key, country) because one name can belong to unrelated orgs in different countries.
CREATE TABLE _org_keys (
    name_key   VARCHAR NOT NULL,
    country    VARCHAR NOT NULL,          -- '' when unknown
    org_id     VARCHAR NOT NULL,
    first_run  BIGINT,
    PRIMARY KEY (name_key, country)
);

-- The owner of every registered domain, with confidence and evidence.
CREATE TABLE domain_org (
    registered_domain VARCHAR PRIMARY KEY,
    org_id            VARCHAR,            -- NULL when unknown
    org_name          VARCHAR NOT NULL,   -- canonical name, or 'unknown' (NULL from 013 on)
    confidence        DOUBLE NOT NULL,    -- in [0, 1]
    status            VARCHAR NOT NULL,   -- linked | unknown | platform (names only the hosting platform) | person (a personal site)
    evidence          JSON,               -- [{signal, name, page_id, url, weight, fit}, ...]
    runner_up         VARCHAR,            -- the next-best candidate name, for review
    n_pages           INTEGER,
    updated_run       BIGINT
);

-- Relations between orgs: parent/subsidiary edges, and same_as where ER kept two records apart.
CREATE TABLE org_relations (
    org_id      VARCHAR NOT NULL,
    other_id    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,         -- parent_of | subsidiary_of | same_as
    confidence  DOUBLE NOT NULL,
    evidence    JSON,
    PRIMARY KEY (org_id, other_id, kind)
);
