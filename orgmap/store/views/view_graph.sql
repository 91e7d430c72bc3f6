-- Public views over graph_nodes / graph_edges: the usual questions, answered without NetworkX.
-- Re-created every time the store opens. Documented with example queries in docs/graph.md.

-- Every organization node, with what users rank and filter on.
CREATE OR REPLACE VIEW graph_orgs AS
SELECT item_id AS org_id, label AS name, class, class_confidence, country,
       attrs->>'legal_form' AS legal_form, n_domains, n_pages, links_in, links_out, degree,
       pagerank, component, community, confidence, first_seen, last_seen,
       CAST(attrs->'aliases' AS VARCHAR[]) AS aliases, attrs->>'source' AS source, attrs->'class_probs' AS class_probs
FROM graph_nodes WHERE kind = 'org';

-- Every domain node with its owner (NULL owner: unknown, platform or never resolved).
CREATE OR REPLACE VIEW graph_domains AS
SELECT n.item_id AS registered_domain, n.label AS domain_unicode, n.class, n.class_confidence,
       n.owner_id AS org_id, o.label AS org_name, n.confidence AS owner_confidence,
       n.attrs->>'owner_status' AS owner_status, CAST(n.attrs->>'crawled' AS BOOLEAN) AS crawled,
       n.n_pages, n.links_in, n.links_out, n.degree, n.pagerank, n.component, n.community,
       n.first_seen, n.last_seen
FROM graph_nodes n LEFT JOIN graph_nodes o ON o.node_id = 'org:' || n.owner_id
WHERE n.kind = 'domain';

-- Domains of every org (one row per owned_by edge), best evidence first.
CREATE OR REPLACE VIEW graph_org_domains AS
SELECT o.item_id AS org_id, o.label AS org_name, d.item_id AS registered_domain, e.confidence,
       e.attrs->>'status' AS status, d.class AS domain_class, d.n_pages, d.links_in, d.pagerank
FROM graph_edges e
JOIN graph_nodes d ON d.node_id = e.src
JOIN graph_nodes o ON o.node_id = e.dst
WHERE e.kind = 'owned_by';

-- Orgs per class (NULL class: not classified yet).
CREATE OR REPLACE VIEW graph_orgs_by_class AS
SELECT class, count(*) AS n_orgs, sum(n_domains) AS n_domains, sum(n_pages) AS n_pages,
       avg(class_confidence) AS mean_confidence,
       list(label ORDER BY pagerank DESC NULLS LAST, label)[1:5] AS top_orgs
FROM graph_nodes WHERE kind = 'org' GROUP BY class;

-- Orgs ranked by links they receive from other orgs' (or unowned) domains; internal links do not count.
CREATE OR REPLACE VIEW graph_top_linked_orgs AS
SELECT row_number() OVER (ORDER BY links_in DESC, pagerank DESC NULLS LAST, node_id) AS rank,
       item_id AS org_id, label AS name, class, links_in, links_out, n_domains, pagerank
FROM graph_nodes WHERE kind = 'org' AND links_in > 0;

-- The link graph between orgs, aggregated from links between their domains (internal links left out).
CREATE OR REPLACE VIEW graph_org_links AS
SELECT fo.item_id AS from_org_id, fo.label AS from_org, t_o.item_id AS to_org_id, t_o.label AS to_org,
       sum(e.n_links) AS n_links, count(*) AS n_domain_pairs,
       list(DISTINCT fd.item_id ORDER BY fd.item_id)[1:10] AS from_domains
FROM graph_edges e
JOIN graph_nodes fd ON fd.node_id = e.src
JOIN graph_nodes td ON td.node_id = e.dst
JOIN graph_nodes fo ON fo.node_id = 'org:' || fd.owner_id
JOIN graph_nodes t_o ON t_o.node_id = 'org:' || td.owner_id
WHERE e.kind = 'links_to' AND fd.owner_id <> td.owner_id
GROUP BY ALL;

-- Pairs of orgs that claim the same domain: one owns it (owned_by) and another lists it (orgs.domains,
-- e.g. from the reference list), or both list it. Usually a merge to review, or a parent and subsidiary.
CREATE OR REPLACE VIEW graph_orgs_sharing_domains AS
WITH claims AS (
    SELECT DISTINCT org_id, registered_domain FROM (
        SELECT o.item_id AS org_id, d.item_id AS registered_domain
        FROM graph_edges e JOIN graph_nodes d ON d.node_id = e.src JOIN graph_nodes o ON o.node_id = e.dst
        WHERE e.kind = 'owned_by'
        UNION ALL
        SELECT item_id, unnest(CAST(attrs->'domains' AS VARCHAR[])) FROM graph_nodes WHERE kind = 'org'
    )
)
SELECT a.org_id AS org_a, na.label AS name_a, b.org_id AS org_b, nb.label AS name_b,
       count(*) AS n_shared, list(a.registered_domain ORDER BY a.registered_domain) AS domains
FROM claims a JOIN claims b ON a.registered_domain = b.registered_domain AND a.org_id < b.org_id
JOIN graph_nodes na ON na.node_id = 'org:' || a.org_id
JOIN graph_nodes nb ON nb.node_id = 'org:' || b.org_id
GROUP BY ALL;

-- Domains with no known owner, the most linked-to first: where resolution effort pays most.
CREATE OR REPLACE VIEW graph_unowned_domains AS
SELECT n.item_id AS registered_domain, n.attrs->>'owner_status' AS owner_status,
       CAST(n.attrs->>'crawled' AS BOOLEAN) AS crawled, n.attrs->>'runner_up' AS runner_up,
       n.class, n.n_pages, n.links_in, n.links_out, n.pagerank
FROM graph_nodes n
WHERE n.kind = 'domain'
  AND NOT EXISTS (SELECT 1 FROM graph_edges e WHERE e.src = n.node_id AND e.kind = 'owned_by');

-- Relations between orgs with both names (parent_of, subsidiary_of, same_as).
CREATE OR REPLACE VIEW graph_org_relations AS
SELECT a.item_id AS org_id, a.label AS org_name, e.kind, b.item_id AS other_id, b.label AS other_name,
       e.confidence, e.attrs->'evidence' AS evidence
FROM graph_edges e JOIN graph_nodes a ON a.node_id = e.src JOIN graph_nodes b ON b.node_id = e.dst
WHERE e.kind IN ('parent_of', 'subsidiary_of', 'same_as');

-- Cross-domain redirects with the owners on both sides (a redirect between two orgs is worth a look).
CREATE OR REPLACE VIEW graph_redirects AS
SELECT f.item_id AS from_domain, f.owner_id AS from_org_id, t.item_id AS to_domain, t.owner_id AS to_org_id,
       e.n_links AS n_redirects, f.owner_id IS DISTINCT FROM t.owner_id AS crosses_orgs
FROM graph_edges e JOIN graph_nodes f ON f.node_id = e.src JOIN graph_nodes t ON t.node_id = e.dst
WHERE e.kind = 'redirects_to';

-- Node and edge counts by kind.
CREATE OR REPLACE VIEW graph_summary AS
SELECT 'node' AS what, kind, count(*) AS n FROM graph_nodes GROUP BY kind
UNION ALL
SELECT 'edge', kind, count(*) FROM graph_edges GROUP BY kind;

-- Connected components by size, with their biggest orgs.
CREATE OR REPLACE VIEW graph_components AS
SELECT component, count(*) AS n_nodes, count(*) FILTER (WHERE kind = 'org') AS n_orgs,
       count(*) FILTER (WHERE kind = 'domain') AS n_domains,
       list(label ORDER BY pagerank DESC NULLS LAST, label) FILTER (WHERE kind = 'org')[1:5] AS top_orgs
FROM graph_nodes GROUP BY component;

-- Communities (Leiden) by size, with their biggest orgs and domains.
CREATE OR REPLACE VIEW graph_communities AS
SELECT community, count(*) AS n_nodes, count(*) FILTER (WHERE kind = 'org') AS n_orgs,
       count(*) FILTER (WHERE kind = 'domain') AS n_domains,
       list(label ORDER BY pagerank DESC NULLS LAST, label) FILTER (WHERE kind = 'org')[1:5] AS top_orgs,
       list(label ORDER BY pagerank DESC NULLS LAST, label) FILTER (WHERE kind = 'domain')[1:5] AS top_domains
FROM graph_nodes WHERE community IS NOT NULL GROUP BY community;
