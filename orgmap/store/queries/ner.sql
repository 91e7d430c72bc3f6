-- Queries of the NER stage (orgmap/stages/ner.py), one per "-- name:" block.

-- name: pages_needing_ner
-- Pages whose ownership text has not been through NER yet (n_ent_org is filled by NER).
SELECT page_id, registered_domain, coalesce(owner_text, title, '') AS text
FROM page_features
WHERE n_ent_org IS NULL AND coalesce(owner_text, title, '') <> ''
ORDER BY page_id;

-- name: known_org_names
-- Names of organizations known from earlier runs and reference lists, for the phrase matcher.
SELECT DISTINCT name FROM (
    SELECT canonical_name AS name FROM orgs
    UNION ALL
    SELECT unnest(aliases) AS name FROM orgs
) WHERE length(name) >= 4;

-- name: delete_mentions
-- Mentions of the pages in _ner_counts, before they are written again.
DELETE FROM page_signals
WHERE kind IN ('ner_org', 'phrase_match') AND page_id IN (SELECT page_id FROM _ner_counts);

-- name: update_entity_counts
-- Entity counts per page (n_ent_org set marks the page as done).
UPDATE page_features f SET n_ent_org = c.n_org, n_ent_gpe = c.n_gpe, n_ent_money = c.n_money
FROM _ner_counts c WHERE f.page_id = c.page_id;
