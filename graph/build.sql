-- Named queries of graph/build.py: the graph is derived in DuckDB, set at a time.
-- Temporary tables start with _g_ and live only for the connection.

-- name: has_table
-- Whether table $1 exists (the labels table appears with the classification stage).
SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?;

-- name: labels_from_table
-- The classification's labels, as the graph reads them.
CREATE OR REPLACE TEMP VIEW _g_labels AS
SELECT target, item_id, label, confidence, probs::JSON AS probs, model_version FROM labels;

-- name: labels_empty
-- Before the classification stage exists (or ran), classes are NULL.
CREATE OR REPLACE TEMP VIEW _g_labels AS
SELECT NULL::VARCHAR AS target, NULL::VARCHAR AS item_id, NULL::VARCHAR AS label,
       NULL::DOUBLE AS confidence, NULL::JSON AS probs, NULL::VARCHAR AS model_version
WHERE false;

-- name: edges
-- Every edge, one row per (src, dst, kind). Self-loops are left out (a domain linking to itself says nothing).
CREATE OR REPLACE TEMP TABLE _g_edges AS
SELECT 'domain:' || registered_domain AS src, 'org:' || org_id AS dst, 'owned_by' AS kind,
       confidence AS weight, confidence, NULL::BIGINT AS n_links, n_pages::BIGINT AS n_pages,
       json_object('status', status, 'runner_up', runner_up, 'evidence', evidence) AS attrs
FROM domain_org WHERE org_id IS NOT NULL
UNION ALL
SELECT 'domain:' || from_domain, 'domain:' || to_domain, 'links_to',
       n_links::DOUBLE, NULL, n_links, n_pages, NULL::JSON
FROM links WHERE from_domain <> to_domain
UNION ALL
SELECT 'domain:' || from_domain, 'domain:' || to_domain, 'redirects_to',
       count(*)::DOUBLE, NULL, count(*), NULL,
       json_object('statuses', list(DISTINCT status ORDER BY status), 'sources', list(DISTINCT source ORDER BY source),
                   'first_seen', min(seen_at), 'last_seen', max(seen_at))
FROM redirects WHERE from_domain <> to_domain GROUP BY from_domain, to_domain
UNION ALL
SELECT 'org:' || org_id, 'org:' || other_id, kind, confidence, confidence, NULL, NULL,
       json_object('evidence', evidence)
FROM org_relations WHERE org_id <> other_id;

-- name: edges_hosts
-- part_of edges from each host to its registered domain (--hosts).
INSERT INTO _g_edges
SELECT 'host:' || host, 'domain:' || registered_domain, 'part_of', 1.0, NULL, NULL, n_pages, NULL::JSON
FROM hosts;

-- name: edges_pages
-- part_of edges from each page with content to its host (--pages).
INSERT INTO _g_edges
SELECT DISTINCT ON (page_id) 'page:' || page_id, 'host:' || host, 'part_of', 1.0, NULL, NULL, NULL, NULL::JSON
FROM pages WHERE has_content;

-- name: domain_nodes
-- Every domain the sources mention: crawled, owned, linked to or redirected to.
CREATE OR REPLACE TEMP TABLE _g_nodes AS
WITH ids AS (
    SELECT registered_domain AS d FROM domains
    UNION SELECT registered_domain FROM domain_org
    UNION SELECT from_domain FROM links UNION SELECT to_domain FROM links
    UNION SELECT from_domain FROM redirects UNION SELECT to_domain FROM redirects
    UNION SELECT registered_domain FROM hosts WHERE $hosts
)
SELECT 'domain:' || ids.d AS node_id, 'domain' AS kind, ids.d AS item_id,
       coalesce(dm.domain_unicode, ids.d) AS label,
       lb.label AS class, lb.confidence AS class_confidence,
       dor.confidence AS confidence, dor.org_id AS owner_id, NULL::VARCHAR AS country,
       NULL::INTEGER AS n_domains, coalesce(dm.n_pages, 0)::BIGINT AS n_pages,
       dm.first_seen, dm.last_seen,
       json_object('crawled', dm.registered_domain IS NOT NULL, 'suffix', dm.suffix,
                   'is_private_suffix', dm.is_private_suffix, 'is_ip', dm.is_ip,
                   'n_urls', dm.n_urls, 'n_hosts', dm.n_hosts,
                   'owner_name', dor.org_name, 'owner_status', coalesce(dor.status, 'unresolved'),
                   'runner_up', dor.runner_up,
                   'class_probs', lb.probs, 'class_model', lb.model_version) AS attrs
FROM ids
LEFT JOIN domains dm ON dm.registered_domain = ids.d
LEFT JOIN domain_org dor ON dor.registered_domain = ids.d
LEFT JOIN _g_labels lb ON lb.target = 'domain' AND lb.item_id = ids.d;

-- name: org_nodes
-- Every org: those resolved, plus any only named by domain_org / org_relations (kept, flagged).
INSERT INTO _g_nodes
WITH ids AS (
    SELECT org_id AS o FROM orgs
    UNION SELECT org_id FROM domain_org WHERE org_id IS NOT NULL
    UNION SELECT org_id FROM org_relations UNION SELECT other_id FROM org_relations
),
owned AS (
    SELECT dor.org_id, max(dor.confidence) AS confidence, count(*) AS n_domains,
           sum(coalesce(dm.n_pages, 0)) AS n_pages, min(dor.org_name) AS org_name
    FROM domain_org dor LEFT JOIN domains dm USING (registered_domain)
    WHERE dor.org_id IS NOT NULL GROUP BY dor.org_id
)
SELECT 'org:' || ids.o, 'org', ids.o,
       coalesce(o.canonical_name, ow.org_name, ids.o),
       lb.label, lb.confidence, ow.confidence, NULL, o.country,
       coalesce(o.n_domains, ow.n_domains, 0)::INTEGER, coalesce(ow.n_pages, 0)::BIGINT,
       o.first_seen, o.last_seen,
       json_object('name_key', o.name_key, 'legal_form', o.legal_form, 'aliases', o.aliases,
                   'domains', o.domains, 'source', o.source, 'reference_id', o.reference_id,
                   'in_orgs_table', o.org_id IS NOT NULL,
                   'class_probs', lb.probs, 'class_model', lb.model_version)
FROM ids
LEFT JOIN orgs o ON o.org_id = ids.o
LEFT JOIN owned ow ON ow.org_id = ids.o
LEFT JOIN _g_labels lb ON lb.target = 'org' AND lb.item_id = ids.o;

-- name: host_nodes
-- One node per host (--hosts).
INSERT INTO _g_nodes
SELECT 'host:' || host, 'host', host, host, NULL, NULL, NULL, NULL, NULL, NULL, n_pages,
       first_seen, last_seen, json_object('registered_domain', registered_domain)
FROM hosts;

-- name: page_nodes
-- One node per page with content (--pages), titled by its <title> or URL.
INSERT INTO _g_nodes
SELECT 'page:' || p.page_id, 'page', p.page_id, coalesce(nullif(p.title, ''), p.url_norm),
       lb.label, lb.confidence, NULL, NULL, NULL, NULL, 1, p.fetched_at, p.fetched_at,
       json_object('url', p.url_norm, 'lang', p.lang, 'status', p.status,
                   'class_probs', lb.probs, 'class_model', lb.model_version)
FROM (SELECT DISTINCT ON (page_id) * FROM pages WHERE has_content) p
LEFT JOIN _g_labels lb ON lb.target = 'page' AND lb.item_id = p.page_id;

-- name: index_nodes
-- Dense integer ids for the array analytics (deterministic: ordered by node_id).
CREATE OR REPLACE TEMP TABLE _g_index AS
SELECT node_id, kind, (row_number() OVER (ORDER BY node_id) - 1)::BIGINT AS ix FROM _g_nodes;

-- name: edge_index
-- Edges as dense node indexes, for the array analytics.
SELECT s.ix AS src, d.ix AS dst, e.kind, e.weight
FROM _g_edges e JOIN _g_index s ON s.node_id = e.src JOIN _g_index d ON d.node_id = e.dst
ORDER BY s.ix, d.ix, e.kind;

-- name: dangling_edges
-- Edges whose endpoint is no node (cannot happen from the sources above; guards hand-made tables).
SELECT count(*) FROM _g_edges e
WHERE NOT EXISTS (SELECT 1 FROM _g_nodes n WHERE n.node_id = e.src)
   OR NOT EXISTS (SELECT 1 FROM _g_nodes n WHERE n.node_id = e.dst);

-- name: final_nodes
-- Nodes with degree, link counts and the analytics (registered as _g_analytics: ix, pagerank, component, community;
-- an org's pagerank is already the sum over its domains).
CREATE OR REPLACE TEMP TABLE _g_final_nodes AS
WITH deg AS (
    SELECT node_id, sum(n_in)::INTEGER AS in_degree, sum(n_out)::INTEGER AS out_degree FROM (
        SELECT dst AS node_id, 1 AS n_in, 0 AS n_out FROM _g_edges
        UNION ALL SELECT src, 0, 1 FROM _g_edges
    ) GROUP BY node_id
),
dom_links AS (
    SELECT node_id, sum(l_in)::BIGINT AS links_in, sum(l_out)::BIGINT AS links_out FROM (
        SELECT dst AS node_id, n_links AS l_in, 0 AS l_out FROM _g_edges WHERE kind = 'links_to'
        UNION ALL SELECT src, 0, n_links FROM _g_edges WHERE kind = 'links_to'
    ) GROUP BY node_id
),
owner AS (SELECT src AS domain_node, dst AS org_node FROM _g_edges WHERE kind = 'owned_by'),
org_links AS (
    -- links between domains of different owners (or from/to unowned domains), credited to each side's org
    SELECT node_id, sum(l_in)::BIGINT AS links_in, sum(l_out)::BIGINT AS links_out FROM (
        SELECT od.org_node AS node_id, e.n_links AS l_in, 0 AS l_out
        FROM _g_edges e JOIN owner od ON od.domain_node = e.dst LEFT JOIN owner os ON os.domain_node = e.src
        WHERE e.kind = 'links_to' AND os.org_node IS DISTINCT FROM od.org_node
        UNION ALL
        SELECT os.org_node, 0, e.n_links
        FROM _g_edges e JOIN owner os ON os.domain_node = e.src LEFT JOIN owner od ON od.domain_node = e.dst
        WHERE e.kind = 'links_to' AND os.org_node IS DISTINCT FROM od.org_node
    ) GROUP BY node_id
)
SELECT n.node_id, n.kind, n.item_id, n.label, n.class, n.class_confidence, n.confidence, n.owner_id,
       n.country, n.n_domains, n.n_pages,
       CASE n.kind WHEN 'org' THEN coalesce(ol.links_in, 0) WHEN 'domain' THEN coalesce(dl.links_in, 0) END
           AS links_in,
       CASE n.kind WHEN 'org' THEN coalesce(ol.links_out, 0) WHEN 'domain' THEN coalesce(dl.links_out, 0) END
           AS links_out,
       coalesce(deg.in_degree, 0) + coalesce(deg.out_degree, 0) AS degree,
       coalesce(deg.in_degree, 0) AS in_degree, coalesce(deg.out_degree, 0) AS out_degree,
       CASE WHEN n.kind IN ('org', 'domain') THEN a.pagerank END AS pagerank,
       a.component, a.community, n.first_seen, n.last_seen, n.attrs
FROM _g_nodes n
JOIN _g_index i USING (node_id)
LEFT JOIN _g_analytics a ON a.ix = i.ix
LEFT JOIN deg USING (node_id)
LEFT JOIN dom_links dl USING (node_id)
LEFT JOIN org_links ol USING (node_id);

-- name: diff_nodes
-- Nodes the build adds, changes and removes, compared with the stored graph.
SELECT
    count(*) FILTER (WHERE g.node_id IS NULL) AS added,
    count(*) FILTER (WHERE g.node_id IS NOT NULL AND (
        n.kind, n.item_id, n.label, n.class, n.class_confidence, n.confidence, n.owner_id, n.country,
        n.n_domains, n.n_pages, n.links_in, n.links_out, n.degree, n.in_degree, n.out_degree, n.pagerank,
        n.component, n.community, n.first_seen, n.last_seen, n.attrs::VARCHAR
    ) IS DISTINCT FROM (
        g.kind, g.item_id, g.label, g.class, g.class_confidence, g.confidence, g.owner_id, g.country,
        g.n_domains, g.n_pages, g.links_in, g.links_out, g.degree, g.in_degree, g.out_degree, g.pagerank,
        g.component, g.community, g.first_seen, g.last_seen, g.attrs::VARCHAR
    )) AS changed,
    (SELECT count(*) FROM graph_nodes x WHERE NOT EXISTS (SELECT 1 FROM _g_final_nodes y WHERE y.node_id = x.node_id))
        AS removed
FROM _g_final_nodes n LEFT JOIN graph_nodes g USING (node_id);

-- name: diff_edges
-- Edges the build adds, changes and removes, compared with the stored graph.
SELECT
    count(*) FILTER (WHERE g.src IS NULL) AS added,
    count(*) FILTER (WHERE g.src IS NOT NULL AND (
        n.weight, n.confidence, n.n_links, n.n_pages, n.attrs::VARCHAR
    ) IS DISTINCT FROM (g.weight, g.confidence, g.n_links, g.n_pages, g.attrs::VARCHAR)) AS changed,
    (SELECT count(*) FROM graph_edges x WHERE NOT EXISTS (
        SELECT 1 FROM _g_edges y WHERE y.src = x.src AND y.dst = x.dst AND y.kind = x.kind)) AS removed
FROM _g_edges n LEFT JOIN graph_edges g USING (src, dst, kind);

-- name: delete_removed_edges
-- Stored edges the sources no longer give (a domain whose owner changed loses its old owned_by).
DELETE FROM graph_edges x WHERE NOT EXISTS (
    SELECT 1 FROM _g_edges y WHERE y.src = x.src AND y.dst = x.dst AND y.kind = x.kind);

-- name: delete_removed_nodes
-- Stored nodes the sources no longer give.
DELETE FROM graph_nodes x WHERE NOT EXISTS (SELECT 1 FROM _g_final_nodes y WHERE y.node_id = x.node_id);

-- name: upsert_nodes
-- Unchanged rows are left alone, so updated_run says which run last changed a node.
INSERT INTO graph_nodes BY NAME
SELECT *, $run AS created_run, $run AS updated_run FROM _g_final_nodes
ON CONFLICT (node_id) DO UPDATE SET
    kind = excluded.kind, item_id = excluded.item_id, label = excluded.label, class = excluded.class,
    class_confidence = excluded.class_confidence, confidence = excluded.confidence,
    owner_id = excluded.owner_id, country = excluded.country, n_domains = excluded.n_domains,
    n_pages = excluded.n_pages, links_in = excluded.links_in, links_out = excluded.links_out,
    degree = excluded.degree, in_degree = excluded.in_degree, out_degree = excluded.out_degree,
    pagerank = excluded.pagerank, component = excluded.component, community = excluded.community,
    first_seen = excluded.first_seen, last_seen = excluded.last_seen, attrs = excluded.attrs,
    updated_run = excluded.updated_run
WHERE (
    graph_nodes.kind, graph_nodes.item_id, graph_nodes.label, graph_nodes.class, graph_nodes.class_confidence,
    graph_nodes.confidence, graph_nodes.owner_id, graph_nodes.country, graph_nodes.n_domains,
    graph_nodes.n_pages, graph_nodes.links_in, graph_nodes.links_out, graph_nodes.degree,
    graph_nodes.in_degree, graph_nodes.out_degree, graph_nodes.pagerank, graph_nodes.component,
    graph_nodes.community, graph_nodes.first_seen, graph_nodes.last_seen, graph_nodes.attrs::VARCHAR
) IS DISTINCT FROM (
    excluded.kind, excluded.item_id, excluded.label, excluded.class, excluded.class_confidence,
    excluded.confidence, excluded.owner_id, excluded.country, excluded.n_domains, excluded.n_pages,
    excluded.links_in, excluded.links_out, excluded.degree, excluded.in_degree, excluded.out_degree,
    excluded.pagerank, excluded.component, excluded.community, excluded.first_seen, excluded.last_seen,
    excluded.attrs::VARCHAR
);

-- name: upsert_edges
-- New edges inserted, changed ones updated with the run id; unchanged rows are left alone.
INSERT INTO graph_edges BY NAME
SELECT src, dst, kind, weight, confidence, n_links, n_pages, attrs, $run AS created_run, $run AS updated_run
FROM _g_edges
ON CONFLICT (src, dst, kind) DO UPDATE SET
    weight = excluded.weight, confidence = excluded.confidence, n_links = excluded.n_links,
    n_pages = excluded.n_pages, attrs = excluded.attrs, updated_run = excluded.updated_run
WHERE (graph_edges.weight, graph_edges.confidence, graph_edges.n_links, graph_edges.n_pages,
       graph_edges.attrs::VARCHAR)
    IS DISTINCT FROM (excluded.weight, excluded.confidence, excluded.n_links, excluded.n_pages,
       excluded.attrs::VARCHAR);

-- name: nodes_by_kind
-- Stored node count per kind, for the build summary.
SELECT kind, count(*) FROM graph_nodes GROUP BY 1 ORDER BY 1;

-- name: edges_by_kind
-- Stored edge count per kind, for the build summary.
SELECT kind, count(*) FROM graph_edges GROUP BY 1 ORDER BY 1;

-- name: record_build
-- One graph_builds row: run, time, totals, nodes and edges added/changed/removed, options, seconds.
INSERT INTO graph_builds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: index_kinds
-- The kind of every node, in index order (for the analytics).
SELECT kind FROM _g_index ORDER BY ix;

-- name: clear_graph
-- Empty the stored graph before writing a whole NetworkX graph (store_networkx).
DELETE FROM graph_edges; DELETE FROM graph_nodes;

-- name: drop_temp
-- The build's temp tables and views.
DROP TABLE IF EXISTS _g_edges; DROP TABLE IF EXISTS _g_nodes; DROP TABLE IF EXISTS _g_index;
DROP TABLE IF EXISTS _g_final_nodes; DROP VIEW IF EXISTS _g_labels;
