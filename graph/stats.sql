-- Named queries of graph/stats.py: summary figures of the stored graph (orgmap graph stats).

-- name: count_nodes
-- Nodes in the stored graph (0: nothing built yet).
SELECT count(*) FROM graph_nodes;

-- name: nodes_by_kind
-- Node count per kind, the most common first.
SELECT kind, count(*) FROM graph_nodes GROUP BY 1 ORDER BY 2 DESC;

-- name: edges_by_kind
-- Edge count per kind, the most common first.
SELECT kind, count(*) FROM graph_edges GROUP BY 1 ORDER BY 2 DESC;

-- name: component_sizes
-- Connected components by size, the largest first.
SELECT component, count(*) AS n FROM graph_nodes GROUP BY 1 ORDER BY n DESC, component;

-- name: count_communities
-- Communities found (Leiden) (0 when community detection was skipped).
SELECT count(DISTINCT community) FROM graph_nodes;

-- name: top_by_domains
-- The $top orgs owning the most domains.
SELECT label, class, n_domains AS value, pagerank FROM graph_nodes
WHERE kind = 'org' AND n_domains > 0
ORDER BY n_domains DESC, pagerank DESC NULLS LAST, node_id LIMIT $top;

-- name: top_by_inbound_links
-- The $top orgs receiving the most links from other orgs' (or unowned) domains.
SELECT label, class, links_in AS value, pagerank FROM graph_nodes
WHERE kind = 'org' AND links_in > 0
ORDER BY links_in DESC, pagerank DESC NULLS LAST, node_id LIMIT $top;

-- name: last_build
-- What the newest graph build changed.
SELECT run_id, built_at, nodes_added, nodes_changed, nodes_removed, edges_added, edges_changed,
       edges_removed, seconds
FROM graph_builds ORDER BY built_at DESC LIMIT 1;
