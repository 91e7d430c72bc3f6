-- Queries of the classify stage (orgmap/stages/classify.py), one per "-- name:" block.
-- Each *_frame query returns the columns of classifiers.frames (item_id first).

-- name: page_frame
-- One row per page with features: text, structure, NER counts and outbound link domains.
WITH link_doms AS (
    SELECT page_id, string_agg(DISTINCT value, ' ') AS link_domains
    FROM page_signals WHERE kind = 'link_domain' GROUP BY page_id
)
SELECT f.page_id AS item_id, f.registered_domain, coalesce(d.suffix, '') AS suffix, f.url_norm AS url,
       f.title, f.description, f.text, f.lang, f.og_type,
       CASE WHEN len(f.jsonld_types) > 0 THEN '|' || lower(array_to_string(f.jsonld_types, '|')) || '|' ELSE '' END
           AS jsonld,
       array_to_string(f.legal_forms, ' ') AS legal_forms, l.link_domains,
       f.is_legal_page, f.is_about_page, f.n_links_internal, f.n_links_external, f.n_words,
       f.n_ent_org, f.n_ent_gpe, f.n_ent_money
FROM page_features f
LEFT JOIN domains d USING (registered_domain)
LEFT JOIN link_doms l USING (page_id)
ORDER BY f.page_id;

-- name: domain_frame
-- One row per domain with pages: titles and text of its pages, the union of their structured data,
-- outbound link domains, and the class mix of its pages (from _cls_page_pred: item_id, label).
WITH pl AS (
    SELECT f.registered_domain, p.label, count(*) AS n
    FROM page_features f JOIN _cls_page_pred p ON p.item_id = f.page_id
    GROUP BY ALL
), dist AS (
    SELECT registered_domain,
           first(label ORDER BY n DESC, label) AS pages_top,
           max(n) / sum(n) AS pages_top_share,
           string_agg(label || ':' || round(n / total, 3), ' ' ORDER BY n DESC, label) AS class_dist
    FROM (SELECT *, sum(n) OVER (PARTITION BY registered_domain) AS total FROM pl)
    GROUP BY registered_domain
), ranked AS (
    SELECT f.*, row_number() OVER (PARTITION BY registered_domain ORDER BY length(url_norm), page_id) AS rn
    FROM page_features f
), agg AS (
    SELECT registered_domain,
           string_agg(title, ' | ' ORDER BY rn) FILTER (WHERE rn <= 20) AS title,
           string_agg(description, ' | ' ORDER BY rn) FILTER (WHERE rn <= 5) AS description,
           string_agg(left(text, 800), ' \n ' ORDER BY rn) FILTER (WHERE rn <= 5) AS text,
           mode(og_type) AS og_type,
           list_distinct(flatten(list(jsonld_types))) AS jsonld_types,
           list_distinct(flatten(list(legal_forms))) AS legal_forms,
           bool_or(is_legal_page) AS is_legal_page,
           bool_or(is_about_page) AS is_about_page,
           mode(lang) AS lang,
           sum(n_words) AS n_words, sum(n_ent_org) AS n_ent_org, sum(n_ent_gpe) AS n_ent_gpe,
           sum(n_ent_money) AS n_ent_money, sum(n_links_internal) AS n_links_internal,
           sum(n_links_external) AS n_links_external, count(*) AS n_pages,
           first(url_norm ORDER BY rn) AS url
    FROM ranked GROUP BY registered_domain
), outl AS (
    SELECT from_domain AS registered_domain, string_agg(to_domain, ' ' ORDER BY n_links DESC, to_domain) AS link_domains
    FROM links WHERE from_domain <> to_domain GROUP BY from_domain
), inl AS (
    -- the majority class of the domains linking here (share 0 below 3 linking domains: too little evidence)
    SELECT registered_domain,
           first(pages_top ORDER BY n DESC, pages_top) AS inlinks_top,
           CASE WHEN sum(n) >= 3 THEN max(n) / sum(n) ELSE 0 END AS inlinks_top_share
    FROM (SELECT l.to_domain AS registered_domain, t.pages_top, count(*) AS n
          FROM links l JOIN dist t ON t.registered_domain = l.from_domain
          WHERE l.from_domain <> l.to_domain GROUP BY ALL)
    GROUP BY registered_domain
)
SELECT a.registered_domain AS item_id, a.registered_domain, coalesce(d.suffix, '') AS suffix, a.url,
       a.title, a.description, a.text, a.lang, a.og_type,
       CASE WHEN len(a.jsonld_types) > 0 THEN '|' || lower(array_to_string(a.jsonld_types, '|')) || '|' ELSE '' END
           AS jsonld,
       array_to_string(a.legal_forms, ' ') AS legal_forms, o.link_domains,
       a.is_legal_page, a.is_about_page, a.n_links_internal, a.n_links_external, a.n_words,
       a.n_ent_org, a.n_ent_gpe, a.n_ent_money, a.n_pages,
       t.pages_top, t.pages_top_share, t.class_dist, i.inlinks_top, i.inlinks_top_share
FROM agg a
LEFT JOIN domains d USING (registered_domain)
LEFT JOIN dist t USING (registered_domain)
LEFT JOIN outl o USING (registered_domain)
LEFT JOIN inl i USING (registered_domain)
ORDER BY a.registered_domain;

-- name: org_frame
-- One row per org: its names, legal form, its domains' suffixes and labels, their pages' structured
-- data, and the class mix of its domains (from _cls_domain_pred: item_id, label).
WITH od AS (
    SELECT org_id, registered_domain FROM domain_org WHERE org_id IS NOT NULL
    UNION
    SELECT org_id, unnest(domains) AS registered_domain FROM orgs
), dl AS (
    SELECT od.org_id, p.label, count(*) AS n
    FROM od JOIN _cls_domain_pred p ON p.item_id = od.registered_domain GROUP BY ALL
), dist AS (
    SELECT org_id,
           first(label ORDER BY n DESC, label) AS domains_top,
           max(n) / sum(n) AS domains_top_share,
           string_agg(label || ':' || round(n / total, 3), ' ' ORDER BY n DESC, label) AS class_dist
    FROM (SELECT *, sum(n) OVER (PARTITION BY org_id) AS total FROM dl)
    GROUP BY org_id
), doms AS (
    SELECT od.org_id,
           string_agg(DISTINCT coalesce(d.suffix, ''), ' ') AS suffix,
           string_agg(DISTINCT od.registered_domain, ' ') AS domains
    FROM od LEFT JOIN domains d USING (registered_domain) GROUP BY od.org_id
), pages AS (
    SELECT od.org_id,
           list_distinct(flatten(list(f.jsonld_types))) AS jsonld_types,
           string_agg(f.title, ' | ' ORDER BY length(f.url_norm), f.page_id) AS titles,
           sum(f.n_words) AS n_words
    FROM od JOIN page_features f USING (registered_domain) GROUP BY od.org_id
)
SELECT o.org_id AS item_id, o.canonical_name || coalesce(' | ' || nullif(array_to_string(o.aliases, ' | '), ''), '')
           AS name,
       coalesce(o.legal_form, '') AS legal_form, coalesce(doms.suffix, '') AS suffix,
       coalesce(doms.domains, '') AS registered_domain, left(coalesce(pages.titles, ''), 2000) AS title,
       CASE WHEN len(pages.jsonld_types) > 0 THEN '|' || lower(array_to_string(pages.jsonld_types, '|')) || '|'
            ELSE '' END AS jsonld,
       o.n_domains, coalesce(pages.n_words, 0) AS n_words,
       t.domains_top, t.domains_top_share, t.class_dist
FROM orgs o
LEFT JOIN doms USING (org_id)
LEFT JOIN pages USING (org_id)
LEFT JOIN dist t USING (org_id)
ORDER BY o.org_id;

-- name: gold
-- Gold labels of one target.
SELECT item_id, label FROM gold_labels WHERE target = ?;

-- name: page_predictions_view
-- The current page labels, read by the domain frame (a domain is described by its pages' classes).
CREATE OR REPLACE TEMP VIEW _cls_page_pred AS SELECT item_id, label FROM labels WHERE target = 'page';

-- name: domain_predictions_view
-- The current domain labels, read by the org frame.
CREATE OR REPLACE TEMP VIEW _cls_domain_pred AS SELECT item_id, label FROM labels WHERE target = 'domain';

-- name: run_range
-- The batches a model was trained on (recorded in its data window).
SELECT min(run_id), max(run_id) FROM pages;

-- name: gold_vs_labels
-- Gold labels beside the current labels of the same items (with the model's probabilities).
SELECT g.label, l.label, l.source, l.probs FROM gold_labels g JOIN labels l USING (target, item_id)
WHERE g.target = ?;

-- name: last_retrain_state
-- The data state recorded by the last retrain.
SELECT data_state FROM retrain_decisions ORDER BY decided_at DESC LIMIT 1;

-- name: insert_retrain_decision
-- One retrain decision with its reasons and both models' held-out scores.
INSERT INTO retrain_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: domains_of_pages
-- The registered domains of a window's pages (domains are retrained on the window's domains).
SELECT DISTINCT registered_domain FROM pages WHERE list_contains(?, page_id);

-- name: delete_labels
-- The labels of one target, before they are written again.
DELETE FROM labels WHERE target = ?;

-- name: delete_lf_runs
-- The LF report of one run and target, before it is written again.
DELETE FROM lf_runs WHERE run_id = ? AND target = ?;
