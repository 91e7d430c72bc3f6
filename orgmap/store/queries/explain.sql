-- Queries of `orgmap explain` (orgmap/cli/resolve.py), one per "-- name:" block.

-- name: domain_owner
-- The owner row of one registered domain, with its own site name and hosting platform.
SELECT registered_domain, org_id, org_name, confidence, status, evidence, runner_up, n_pages, site_name, platform
FROM domain_org WHERE registered_domain = ?;

-- name: org
-- One organization with its names and domains.
SELECT org_id, canonical_name, legal_form, country, aliases, domains, confidence
FROM orgs WHERE org_id = ?;

-- name: org_edges
-- The edges that hold one org together (its maximum spanning tree), with whether each is left for review.
SELECT e.a, e.b, e.kind, e.score, e.confidence, e.reason,
       EXISTS (SELECT 1 FROM merge_review_candidates r
               WHERE r.org_id = e.org_id AND r.a = e.a AND r.b = e.b AND r.kind = e.kind) AS review
FROM org_edges e WHERE e.org_id = ?
ORDER BY e.confidence DESC, e.a, e.b;

-- name: schema_version
-- The newest migration applied to the database (explain reads without migrating).
SELECT max(version) FROM schema_version;

-- name: classes
-- The site category of a domain and the organization type of its owner, with what decided them.
SELECT target, label, confidence, probs, source, model_version, evidence, validation, model_label
FROM labels WHERE (target = 'domain' AND item_id = $domain) OR (target = 'org' AND item_id = $org)
ORDER BY target;
