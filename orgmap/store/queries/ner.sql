-- Queries of the NER stage (orgmap/stages/ner.py), one per "-- name:" block.

-- name: pages_needing_ner
-- Pages whose ownership text has not been through NER yet (n_ent_org is filled by NER, -1 where the gate
-- left the model out), and what the gate reads: the URL (a home page?), a legal or an about page, and
-- whether the page is its domain's first (shortest URL, over all its pages: a resumed run picks the same).
SELECT page_id, registered_domain, text, url_norm, legal, about, first_of_domain
FROM (
    SELECT page_id, registered_domain, coalesce(owner_text, title, '') AS text, url_norm, n_ent_org,
           coalesce(is_legal_page, false) AS legal, coalesce(is_about_page, false) AS about,
           page_id = first(page_id ORDER BY length(url_norm), url_norm, page_id)
               OVER (PARTITION BY registered_domain) AS first_of_domain
    FROM page_features
)
WHERE n_ent_org IS NULL AND text <> ''
ORDER BY page_id;

-- name: count_pages_needing_ner
-- How many pages pages_needing_ner returns (how many workers are worth starting).
SELECT count(*) FROM page_features WHERE n_ent_org IS NULL AND coalesce(owner_text, title, '') <> '';

-- name: known_org_names
-- Names of organizations known from earlier runs and reference lists, for the phrase matcher.
SELECT DISTINCT name FROM (
    SELECT canonical_name AS name FROM orgs
    UNION ALL
    SELECT unnest(aliases) AS name FROM orgs
) WHERE length(name) >= 4;

-- name: structured_candidates
-- The candidate names of the domains bound as the parameter, without NER's: what the gate scores owners by.
SELECT s.registered_domain, s.page_id, s.kind, s.value, s.weight, coalesce(s.context, '') AS context,
       coalesce(s.scope, '') AS scope
FROM page_signals s
WHERE s.registered_domain IN (SELECT unnest(?::varchar[]))
  AND s.kind NOT IN ('email_domain', 'link_domain', 'jsonld_type', 'og_type', 'jsonld_url', 'jsonld_same_as',
                     'jsonld_parent', 'redirect', 'canonical', 'hreflang', 'ner_org', 'phrase_match')
ORDER BY s.registered_domain, s.page_id, s.kind, s.value;

-- name: delete_mentions
-- Mentions of the pages in _ner_counts, before they are written again.
DELETE FROM page_signals
WHERE kind IN ('ner_org', 'phrase_match') AND page_id IN (SELECT page_id FROM _ner_counts);

-- name: update_entity_counts
-- Entity counts per page (n_ent_org set marks the page as done).
UPDATE page_features f SET n_ent_org = c.n_org, n_ent_gpe = c.n_gpe, n_ent_money = c.n_money
FROM _ner_counts c WHERE f.page_id = c.page_id;
