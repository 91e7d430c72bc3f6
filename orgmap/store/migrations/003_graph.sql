-- 003_graph: the domain/org graph (graph/build.py), materialized with its analytics.
-- Derived data: `orgmap graph build` (and `orgmap resolve`) re-derive it from domains, links, redirects,
-- orgs, domain_org, org_relations and labels, and merge the result in by diff, so a re-run changes
-- nothing and a new batch only touches what changed (created_run / updated_run say when).

-- One row per node. Typed columns hold what users filter and rank on; `attrs` holds the rest.
CREATE TABLE graph_nodes (
    node_id          VARCHAR PRIMARY KEY,  -- '<kind>:<item_id>', e.g. 'domain:acme.co.uk', 'org:org-1a2b3c'
    kind             VARCHAR NOT NULL,     -- domain | org | host | page
    item_id          VARCHAR NOT NULL,     -- registered_domain | org_id | host | page_id (joins back to sources)
    label            VARCHAR NOT NULL,     -- display name: Unicode domain, canonical org name, host, page title
    class            VARCHAR,              -- labels.label (classification), NULL before classification
    class_confidence DOUBLE,               -- probability of `class`
    confidence       DOUBLE,               -- domain: owner confidence; org: best confidence over its domains
    owner_id         VARCHAR,              -- domain: org_id of its owner (NULL when unknown)
    country          VARCHAR,              -- org: ISO 3166-1 alpha-2 where known
    n_domains        INTEGER,              -- org: domains it owns
    n_pages          BIGINT,               -- pages crawled (domain, host) or over its domains (org)
    links_in         BIGINT,               -- inbound links: from other domains / from other orgs' domains
    links_out        BIGINT,               -- outbound links, likewise
    degree           INTEGER,              -- in_degree + out_degree, over every edge kind
    in_degree        INTEGER,
    out_degree       INTEGER,
    pagerank         DOUBLE,               -- PageRank over links_to (weighted by links); org: sum over its domains
    component        INTEGER,              -- connected component (all edge kinds, undirected); 1 = largest
    community        INTEGER,              -- Louvain community (fixed seed); 1 = largest; NULL when skipped
    first_seen       TIMESTAMP,
    last_seen        TIMESTAMP,
    attrs            JSON,                 -- everything else: aliases, legal form, class probabilities, ...
    created_run      BIGINT,               -- run that first built this node
    updated_run      BIGINT                -- run that last changed it
);

-- One row per (src, dst, kind): directed edges between graph_nodes.
CREATE TABLE graph_edges (
    src          VARCHAR NOT NULL,         -- graph_nodes.node_id
    dst          VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,         -- owned_by | links_to | redirects_to | parent_of | subsidiary_of
                                           -- | same_as | part_of (host→domain, page→host)
    weight       DOUBLE,                   -- links_to: links; owned_by/relations: confidence; else 1 or a count
    confidence   DOUBLE,                   -- owned_by, parent_of, subsidiary_of, same_as
    n_links      BIGINT,                   -- links_to: links; redirects_to: redirects seen
    n_pages      BIGINT,                   -- links_to: pages linking; owned_by: pages of the domain
    attrs        JSON,                     -- evidence, status, ...
    created_run  BIGINT,
    updated_run  BIGINT,
    PRIMARY KEY (src, dst, kind)
);

-- One row per graph build: what changed, for `orgmap graph stats` and audits.
CREATE TABLE graph_builds (
    run_id         BIGINT,
    built_at       TIMESTAMP NOT NULL,
    n_nodes        BIGINT NOT NULL,
    n_edges        BIGINT NOT NULL,
    nodes_added    BIGINT NOT NULL,
    nodes_changed  BIGINT NOT NULL,
    nodes_removed  BIGINT NOT NULL,
    edges_added    BIGINT NOT NULL,
    edges_changed  BIGINT NOT NULL,
    edges_removed  BIGINT NOT NULL,
    options        JSON,                   -- node kinds included, analytics settings
    seconds        DOUBLE
);
