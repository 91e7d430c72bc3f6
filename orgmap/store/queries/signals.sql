-- Queries of the signals stage (orgmap/stages/signals.py), one per "-- name:" block.

-- name: pages_without_features
-- Pages with content that have not been through signal extraction (a new page version has a new page_id).
SELECT p.page_id
FROM pages p
WHERE p.has_content AND (p.html_z IS NOT NULL OR p.text IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM page_features f WHERE f.page_id = p.page_id)
ORDER BY p.page_id;

-- name: pages_with_content
-- Every page with content (re-extraction of everything).
SELECT p.page_id
FROM pages p
WHERE p.has_content AND (p.html_z IS NOT NULL OR p.text IS NOT NULL)
ORDER BY p.page_id;

-- name: page_batch
-- One batch of pages to extract; _signal_ids is the batch's registered id list.
SELECT p.page_id, p.url, p.url_norm, p.registered_domain, p.html_z, p.text, p.lang
FROM pages p JOIN _signal_ids i ON i.page_id = p.page_id
ORDER BY p.page_id;

-- name: delete_page_signals
-- The batch's own signal rows (NER rows belong to the resolve stage, which replaces them itself).
DELETE FROM page_signals
WHERE page_id IN (SELECT page_id FROM _signal_ids)
  AND kind NOT IN ('ner_org', 'phrase_match');

-- name: delete_page_features
-- The batch's feature rows, replaced by the new extraction.
DELETE FROM page_features WHERE page_id IN (SELECT page_id FROM _signal_ids);

-- name: update_page_title_lang
-- The batch's pages get the title and language the extraction found: ingest does not parse a page, so that
-- each page is parsed once (here).
UPDATE pages SET title = f.title, lang = f.lang
FROM page_features f
WHERE pages.page_id = f.page_id AND f.page_id IN (SELECT page_id FROM _signal_ids);

-- name: delete_links
-- Links are recomputed as a whole from the link_domain signals.
DELETE FROM links;

-- name: insert_links
-- Domain-to-domain link counts, aggregated from every page's link_domain signals (context = link count).
INSERT INTO links (from_domain, to_domain, n_links, n_pages)
SELECT registered_domain, value, sum(coalesce(try_cast(context AS BIGINT), 1)), count(DISTINCT page_id)
FROM page_signals
WHERE kind = 'link_domain' AND value <> registered_domain
GROUP BY registered_domain, value;

-- name: count_links
-- Rows in links after recomputation, for the summary.
SELECT count(*) FROM links;

-- name: delete_page_errors
-- The batch's page_errors rows of this stage, replaced by the new extraction.
DELETE FROM page_errors WHERE stage = 'signals' AND page_id IN (SELECT page_id FROM _signal_ids);
