-- Named queries of graph/export.py: filtered subgraphs selected in DuckDB (never in NetworkX).
-- _x_nodes holds the selected node ids; _x_frontier the nodes reached in the last step.

-- name: match_orgs
-- Orgs whose name or an alias contains the query (case and accents ignored).
SELECT node_id, label FROM graph_nodes
WHERE kind = 'org'
  AND contains(lower(strip_accents(label || ' ' || coalesce(attrs->>'aliases', ''))), lower(strip_accents($q)))
ORDER BY pagerank DESC NULLS LAST, node_id;

-- name: org_names
-- Every org's label and aliases, for suggesting the closest names when --org matches none (graph.export).
SELECT node_id, label, CAST(attrs->'aliases' AS VARCHAR[]) AS aliases, pagerank
FROM graph_nodes WHERE kind = 'org'
ORDER BY node_id;

-- name: seed
-- The matched orgs and their own domains (an org's domains are part of the org, not a hop away).
CREATE OR REPLACE TEMP TABLE _x_nodes AS
SELECT DISTINCT node_id FROM (
    SELECT unnest($ids::VARCHAR[]) AS node_id
    UNION ALL
    SELECT e.src FROM graph_edges e WHERE e.kind = 'owned_by' AND list_contains($ids::VARCHAR[], e.dst)
      AND (e.confidence IS NULL OR e.confidence >= $min_conf)
);

-- name: count_next
-- Nodes the last hop reached (0: the neighbourhood is complete).
SELECT count(*) FROM _x_next;

-- name: count_selected
-- Nodes selected so far.
SELECT count(*) FROM _x_nodes;

-- name: seed_frontier
-- The first frontier: the seeds themselves.
CREATE OR REPLACE TEMP TABLE _x_frontier AS SELECT node_id FROM _x_nodes;

-- name: expand
-- One hop along any edge, either direction; then the owners of the domains reached (free: a domain and
-- its owner come together). Edges below the confidence floor are not followed.
CREATE OR REPLACE TEMP TABLE _x_next AS
WITH hop AS (
    SELECT e.dst AS node_id FROM graph_edges e JOIN _x_frontier f ON f.node_id = e.src
    WHERE e.confidence IS NULL OR e.confidence >= $min_conf
    UNION
    SELECT e.src FROM graph_edges e JOIN _x_frontier f ON f.node_id = e.dst
    WHERE e.confidence IS NULL OR e.confidence >= $min_conf
),
fresh AS (SELECT node_id FROM hop WHERE node_id NOT IN (SELECT node_id FROM _x_nodes))
SELECT node_id FROM fresh
UNION
SELECT e.dst FROM graph_edges e JOIN fresh f ON f.node_id = e.src
WHERE e.kind = 'owned_by' AND (e.confidence IS NULL OR e.confidence >= $min_conf)
  AND e.dst NOT IN (SELECT node_id FROM _x_nodes);

-- name: expand_commit
-- The nodes of the last hop join the selection.
INSERT INTO _x_nodes SELECT node_id FROM _x_next;
CREATE OR REPLACE TEMP TABLE _x_frontier AS SELECT node_id FROM _x_next;

-- name: all_nodes
-- No --org: every node is selected (the filters below still apply).
CREATE OR REPLACE TEMP TABLE _x_nodes AS SELECT node_id FROM graph_nodes;

-- name: filter_nodes
-- Kinds, classes and (with a confidence floor) orgs left without any sure domain; seeds always stay.
-- A class keeps the orgs of that organization type and the domains of that site category, and with an org its
-- domains, their hosts and pages (`--class government`: the government bodies and the sites they run, whatever
-- each site's category).
CREATE OR REPLACE TEMP TABLE _x_nodes AS
WITH related AS (  -- orgs with a sure edge other than ownership (a relation): kept even without a sure domain
    SELECT src AS node_id FROM graph_edges
    WHERE $min_conf > 0 AND kind <> 'owned_by' AND src LIKE 'org:%' AND coalesce(confidence, 1) >= $min_conf
    UNION
    SELECT dst FROM graph_edges
    WHERE $min_conf > 0 AND kind <> 'owned_by' AND dst LIKE 'org:%' AND coalesce(confidence, 1) >= $min_conf
), class_nodes AS (
    SELECT node_id FROM graph_nodes WHERE NOT $no_class AND list_contains($classes::VARCHAR[], class)
), class_domains AS (
    SELECT node_id FROM class_nodes WHERE node_id LIKE 'domain:%'
    UNION
    SELECT d.node_id FROM graph_nodes d JOIN class_nodes o ON o.node_id = 'org:' || d.owner_id
    WHERE d.kind = 'domain' AND o.node_id LIKE 'org:%'
), class_hosts AS (
    SELECT h.node_id FROM graph_nodes h JOIN class_domains d ON d.node_id = 'domain:' || (h.attrs->>'registered_domain')
    WHERE h.kind = 'host'
), in_class AS (
    SELECT node_id FROM class_nodes
    UNION SELECT node_id FROM class_domains
    UNION SELECT node_id FROM class_hosts
    UNION SELECT e.src FROM graph_edges e JOIN class_hosts h ON h.node_id = e.dst WHERE e.kind = 'part_of'
)
SELECT x.node_id FROM _x_nodes x JOIN graph_nodes n USING (node_id) LEFT JOIN related r USING (node_id)
WHERE list_contains($seeds::VARCHAR[], n.node_id) OR (
    list_contains($kinds::VARCHAR[], n.kind)
    AND ($no_class OR n.node_id IN (SELECT node_id FROM in_class))
    AND ($min_conf <= 0 OR n.kind <> 'org' OR coalesce(n.confidence, 0) >= $min_conf OR r.node_id IS NOT NULL)
);

-- name: known_classes
-- The classes the graph's nodes have, per kind (to say which exist when --class names none of them).
SELECT kind, list(DISTINCT class ORDER BY class) FROM graph_nodes WHERE class IS NOT NULL GROUP BY kind ORDER BY kind;

-- name: top_nodes
-- Keep the N highest-PageRank nodes (seeds always kept).
CREATE OR REPLACE TEMP TABLE _x_nodes AS
SELECT node_id FROM (
    SELECT x.node_id, list_contains($seeds::VARCHAR[], x.node_id) AS is_seed,
           row_number() OVER (ORDER BY list_contains($seeds::VARCHAR[], x.node_id) DESC,
                                       n.pagerank DESC NULLS LAST, n.degree DESC, x.node_id) AS r
    FROM _x_nodes x JOIN graph_nodes n USING (node_id)
) WHERE is_seed OR r <= $top;

-- name: selected_nodes
-- The selected nodes without the run bookkeeping, orgs first, then by PageRank.
SELECT n.* EXCLUDE (created_run, updated_run) FROM graph_nodes n JOIN _x_nodes x USING (node_id)
ORDER BY n.kind DESC, n.pagerank DESC NULLS LAST, n.node_id;

-- name: selected_edges
-- Edges between selected nodes at or above the confidence floor.
SELECT e.* EXCLUDE (created_run, updated_run) FROM graph_edges e
JOIN _x_nodes s ON s.node_id = e.src JOIN _x_nodes d ON d.node_id = e.dst
WHERE e.confidence IS NULL OR e.confidence >= $min_conf
ORDER BY e.kind, e.src, e.dst;

-- name: drop_temp
-- The selection's temp tables, dropped whatever happened.
DROP TABLE IF EXISTS _x_nodes; DROP TABLE IF EXISTS _x_frontier; DROP TABLE IF EXISTS _x_next;
