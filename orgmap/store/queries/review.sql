-- Queries of the review stage (orgmap/stages/review.py): what to ask people about owners and merges, and
-- their answers. One per "-- name:" block.

-- name: owner_rows
-- Every domain's current owner with what makes a review of it worth more: pages, links in and out, graph
-- degree (the graph stage's, else the distinct domains it links with). Verified domains are left out.
WITH link_counts AS (
    SELECT d, sum(n) AS n_links, count(DISTINCT other) AS n_neighbours
    FROM (SELECT from_domain AS d, to_domain AS other, n_links AS n FROM links
          UNION ALL
          SELECT to_domain AS d, from_domain AS other, n_links AS n FROM links)
    WHERE d <> other
    GROUP BY d
)
SELECT o.registered_domain, o.status,
       CASE WHEN o.status = 'linked' THEN o.org_name ELSE o.evidence->>'name' END AS name,
       o.confidence, coalesce(o.n_pages, 0) AS n_pages,
       coalesce(g.links_in + g.links_out, l.n_links, 0) AS n_links,
       coalesce(g.degree, l.n_neighbours, 0) AS degree
FROM domain_org o
LEFT JOIN link_counts l ON l.d = o.registered_domain
LEFT JOIN graph_nodes g ON g.node_id = 'domain:' || o.registered_domain
WHERE o.registered_domain NOT IN (SELECT registered_domain FROM verified_owners)
ORDER BY o.registered_domain;

-- name: owner_candidates
-- The candidate names of the domains $1 (names only: no links or types), one row per name (case folded)
-- with its total weight, pages, and its two strongest pieces of evidence (kind, context, page URL).
WITH s AS (
    SELECT s.registered_domain, s.value, lower(trim(s.value)) AS k, s.kind, s.weight,
           coalesce(s.context, '') AS context, s.page_id, coalesce(p.url, '') AS url
    FROM page_signals s LEFT JOIN pages p USING (page_id)
    WHERE s.registered_domain IN (SELECT unnest(?::varchar[]))
      AND s.kind NOT IN ('email_domain', 'link_domain', 'jsonld_type', 'og_type', 'jsonld_url',
                         'jsonld_same_as', 'jsonld_parent', 'redirect', 'canonical', 'hreflang')
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY registered_domain, k ORDER BY weight DESC, kind, page_id) AS r
    FROM s
)
SELECT registered_domain, any_value(value ORDER BY weight DESC, value) AS name, sum(weight) AS weight,
       count(DISTINCT page_id) AS n_pages,
       list({'kind': kind, 'context': context, 'url': url} ORDER BY r) FILTER (WHERE r <= 2) AS evidence
FROM ranked
GROUP BY registered_domain, k
ORDER BY registered_domain, weight DESC, name;

-- name: owner_pages
-- Up to five page URLs of each of the domains $1, shortest (home pages) first.
SELECT registered_domain, list(url ORDER BY length(url), url)[1:5] AS urls
FROM pages WHERE registered_domain IN (SELECT unnest(?::varchar[]))
GROUP BY registered_domain;

-- name: pair_edges
-- Every merge edge holding an org together, with its org's size and the run's precision target
-- (as merge_review_candidates reads it).
SELECT e.org_id, o.n_domains, e.a, e.b, e.kind, e.score, e.confidence, e.reason,
       coalesce(try_cast(json_extract_string(r.settings, '$.resolve.min_precision') AS DOUBLE), 0.9) AS target
FROM org_edges e JOIN orgs o USING (org_id) LEFT JOIN runs r ON r.run_id = e.run_id
ORDER BY e.org_id, e.confidence, e.a, e.b;

-- name: near_misses
-- Pairs of orgs the names nearly merged: same first word of the name key, Jaro-Winkler similarity of the
-- keys at least $1 (0-1), different orgs; one domain of each (its first). Blocks of more than 50 orgs
-- (a common first word) are left out.
WITH o AS (
    SELECT org_id, name_key, domains[1] AS domain, split_part(name_key, ' ', 1) AS block,
           count(*) OVER (PARTITION BY split_part(name_key, ' ', 1)) AS block_size
    FROM orgs WHERE length(name_key) >= 3
)
SELECT x.domain AS a, y.domain AS b, jaro_winkler_similarity(x.name_key, y.name_key) AS similarity
FROM o x JOIN o y ON x.block = y.block AND x.org_id < y.org_id
WHERE x.block_size <= 50 AND jaro_winkler_similarity(x.name_key, y.name_key) >= ?
ORDER BY similarity DESC, a, b;

-- name: pair_sides
-- What a merge task shows of each of the domains $1: its org, country, domains and evidence, and the
-- domain's own owner name (the best name of its evidence; the org's canonical name is shared by both ends).
SELECT d.registered_domain, d.org_id, coalesce(o.canonical_name, d.org_name) AS name,
       coalesce(d.evidence->>'name', d.org_name) AS owner, o.country,
       coalesce(o.domains, [d.registered_domain]) AS domains, d.confidence,
       d.evidence->>'why' AS why,
       [x->>'signal' || ': ' || (x->>'name') || coalesce(' («' || left(x->>'context', 120) || '»)', '')
        FOR x IN coalesce(CAST(d.evidence->'items' AS JSON[]), [])][1:5] AS evidence
FROM domain_org d LEFT JOIN orgs o USING (org_id)
WHERE d.registered_domain IN (SELECT unnest(?::varchar[]));

-- name: decided_pairs
-- Pairs a person already answered (never asked again).
SELECT a, b FROM verified_pairs;

-- name: pushed_items
-- Items already sent to one project: $1 server, $2 project_id, $3 what.
SELECT item_id FROM review_tasks WHERE server = ? AND project_id = ? AND what = ?;

-- name: current_owners
-- The owner orgmap gives each of the domains $1 now, and a person's verified answer where there is one
-- (for the ML backend's /predict on owner tasks).
SELECT d.registered_domain, coalesce(v.status, d.status) AS status,
       CASE WHEN v.status IS NOT NULL THEN v.name WHEN d.status = 'linked' THEN d.org_name
            ELSE d.evidence->>'name' END AS name,
       CASE WHEN v.status IS NOT NULL THEN 1.0 ELSE d.confidence END AS confidence,
       v.status IS NOT NULL AS verified
FROM domain_org d LEFT JOIN verified_owners v USING (registered_domain)
WHERE d.registered_domain IN (SELECT unnest(?::varchar[]));

-- name: current_orgs
-- The org of each of the domains $1 and its confidence (for /predict on merge tasks).
SELECT d.registered_domain, d.org_id, o.confidence
FROM domain_org d LEFT JOIN orgs o USING (org_id)
WHERE d.registered_domain IN (SELECT unnest(?::varchar[]));

-- name: owner_texts
-- The ownership text of every page of the domains $1 (all domains when $1 is NULL) and the ORG names NER
-- and the phrase matcher found on it, for the brat export.
SELECT f.page_id, f.registered_domain, f.url_norm, f.owner_text,
       list(DISTINCT s.value) FILTER (WHERE s.value IS NOT NULL) AS mentions
FROM page_features f
LEFT JOIN page_signals s ON s.page_id = f.page_id AND s.kind IN ('ner_org', 'phrase_match')
WHERE coalesce(f.owner_text, '') <> ''
  AND (?::varchar[] IS NULL OR f.registered_domain IN (SELECT unnest(?::varchar[])))
GROUP BY ALL
ORDER BY f.registered_domain, f.page_id;

-- name: pair_names
-- Every pair decision that counts (view verified_pairs) with the current owner names of both domains
-- (for the merge threshold calibration).
SELECT p.a, p.b, p.decision,
       CASE WHEN x.status = 'linked' THEN x.org_name ELSE x.evidence->>'name' END AS name_a,
       CASE WHEN y.status = 'linked' THEN y.org_name ELSE y.evidence->>'name' END AS name_b
FROM verified_pairs p
JOIN domain_org x ON x.registered_domain = p.a
JOIN domain_org y ON y.registered_domain = p.b
ORDER BY p.a, p.b;
