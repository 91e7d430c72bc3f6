-- Queries of the classify stage (orgmap/stages/classify.py), one per "-- name:" block.
-- Each *_frame query returns the columns of classifiers.frames (item_id first).

-- name: page_frame
-- One row per page with features: text, structure, NER counts, outbound link domains, and who the page says
-- is behind it: owner_names (copyright, site name, title brand, legal entity, application name) and
-- owner_text (title, header, footer and legal lines: resolver.signals.ownership_text).
WITH link_doms AS (
    SELECT page_id, string_agg(DISTINCT value, ' ') AS link_domains
    FROM page_signals WHERE kind = 'link_domain' GROUP BY page_id
), names AS (
    SELECT page_id, string_agg(DISTINCT value, ' | ' ORDER BY value) AS owner_names
    FROM page_signals
    WHERE kind IN ('copyright', 'og_site_name', 'title_brand', 'legal_entity', 'jsonld_legal_name', 'application_name')
    GROUP BY page_id
)
SELECT f.page_id AS item_id, f.registered_domain, coalesce(d.suffix, '') AS suffix, f.url_norm AS url,
       f.title, f.description, f.text, f.lang, f.og_type, f.owner_text, n.owner_names, f.menu,
       CASE WHEN len(f.jsonld_types) > 0 THEN '|' || lower(array_to_string(f.jsonld_types, '|')) || '|' ELSE '' END
           AS jsonld,
       array_to_string(f.legal_forms, ' | ') AS legal_forms, l.link_domains,
       f.is_legal_page, f.is_about_page, f.n_links_internal, f.n_links_external, f.n_words,
       nullif(f.n_ent_org, -1) AS n_ent_org, f.n_ent_gpe, f.n_ent_money  -- -1: NER gated out (stages/ner.py)
FROM page_features f
LEFT JOIN domains d USING (registered_domain)
LEFT JOIN link_doms l USING (page_id)
LEFT JOIN names n USING (page_id)
ORDER BY f.page_id;

-- name: domain_frame
-- One row per domain with pages: titles and text of its pages, the union of their structured data, outbound
-- link domains, the mix of its pages' types (from _cls_page_pred: item_id, label), who its pages say is
-- behind it, and its owner as the resolver found it (owner_status: linked | person | platform | unknown;
-- name and legal_form of the linked org). A domain's category is not the majority of its page types: the
-- page-type mix is one feature among others.
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
           string_agg(left(owner_text, 1500), ' \n ' ORDER BY rn) FILTER (WHERE rn <= 5) AS owner_text,
           array_to_string(list_distinct(flatten(list(string_split(menu, ' | ') ORDER BY rn)
                                         FILTER (WHERE rn <= 5 AND menu IS NOT NULL))), ' | ') AS menu,
           mode(og_type) AS og_type,
           list_distinct(flatten(list(jsonld_types))) AS jsonld_types,
           list_distinct(flatten(list(legal_forms))) AS legal_forms,
           bool_or(is_legal_page) AS is_legal_page,
           bool_or(is_about_page) AS is_about_page,
           mode(lang) AS lang,
           sum(n_words) AS n_words, sum(nullif(n_ent_org, -1)) AS n_ent_org, sum(n_ent_gpe) AS n_ent_gpe,
           sum(n_ent_money) AS n_ent_money, sum(n_links_internal) AS n_links_internal,
           sum(n_links_external) AS n_links_external, count(*) AS n_pages,
           first(url_norm ORDER BY rn) AS url
    FROM ranked GROUP BY registered_domain
), names AS (
    SELECT registered_domain, string_agg(DISTINCT value, ' | ' ORDER BY value) AS owner_names
    FROM page_signals
    WHERE kind IN ('copyright', 'og_site_name', 'title_brand', 'legal_entity', 'jsonld_legal_name', 'application_name')
    GROUP BY registered_domain
), owner AS (
    SELECT d.registered_domain, d.status AS owner_status,
           CASE WHEN d.status = 'linked'
                THEN coalesce(o.canonical_name, d.org_name)
                     || coalesce(' | ' || nullif(array_to_string(o.aliases, ' | '), ''), '') END AS name,
           CASE WHEN d.status = 'linked' THEN o.legal_form END AS legal_form
    FROM domain_org d LEFT JOIN orgs o USING (org_id)
), outl AS (
    SELECT from_domain AS registered_domain, string_agg(to_domain, ' ' ORDER BY n_links DESC, to_domain) AS link_domains
    FROM links WHERE from_domain <> to_domain GROUP BY from_domain
), inl AS (
    -- the majority category of the domains linking here, as last classified (share 0 below 3 linking
    -- domains: too little evidence)
    SELECT registered_domain,
           first(label ORDER BY n DESC, label) AS inlinks_top,
           CASE WHEN sum(n) >= 3 THEN max(n) / sum(n) ELSE 0 END AS inlinks_top_share
    FROM (SELECT l.to_domain AS registered_domain, t.label, count(*) AS n
          FROM links l JOIN _cls_domain_pred t ON t.item_id = l.from_domain
          WHERE l.from_domain <> l.to_domain GROUP BY ALL)
    GROUP BY registered_domain
)
SELECT a.registered_domain AS item_id, a.registered_domain, coalesce(d.suffix, '') AS suffix, a.url,
       a.title, a.description, a.text, a.owner_text, nm.owner_names, a.menu, a.lang, a.og_type,
       CASE WHEN len(a.jsonld_types) > 0 THEN '|' || lower(array_to_string(a.jsonld_types, '|')) || '|' ELSE '' END
           AS jsonld,
       array_to_string(a.legal_forms, ' | ') AS legal_forms, o.link_domains,
       a.is_legal_page, a.is_about_page, a.n_links_internal, a.n_links_external, a.n_words,
       a.n_ent_org, a.n_ent_gpe, a.n_ent_money, a.n_pages,
       ow.owner_status, ow.name, ow.legal_form,
       t.pages_top, t.pages_top_share, t.class_dist, i.inlinks_top, i.inlinks_top_share
FROM agg a
LEFT JOIN domains d USING (registered_domain)
LEFT JOIN dist t USING (registered_domain)
LEFT JOIN names nm USING (registered_domain)
LEFT JOIN owner ow USING (registered_domain)
LEFT JOIN outl o USING (registered_domain)
LEFT JOIN inl i USING (registered_domain)
ORDER BY a.registered_domain;

-- name: org_frame
-- One row per org: its names, legal form, its id in the reference list it was linked to (--orgs), its domains'
-- suffixes and categories, their pages' structured data and owner lines, and the category mix of its domains
-- (from _cls_domain_pred: item_id, label).
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
           list_distinct(flatten(list(f.legal_forms))) AS legal_forms,
           string_agg(f.title, ' | ' ORDER BY length(f.url_norm), f.page_id) AS titles,
           string_agg(left(f.owner_text, 1000), ' \n ' ORDER BY length(f.url_norm), f.page_id) AS owner_text,
           mode(f.lang) AS lang,
           sum(f.n_words) AS n_words
    FROM od JOIN page_features f USING (registered_domain) GROUP BY od.org_id
), names AS (
    SELECT od.org_id, string_agg(DISTINCT s.value, ' | ' ORDER BY s.value) AS owner_names
    FROM od JOIN page_signals s USING (registered_domain)
    WHERE s.kind IN ('copyright', 'og_site_name', 'title_brand', 'legal_entity', 'jsonld_legal_name', 'application_name')
    GROUP BY od.org_id
)
SELECT o.org_id AS item_id, o.canonical_name || coalesce(' | ' || nullif(array_to_string(o.aliases, ' | '), ''), '')
           AS name,
       coalesce(o.legal_form, '') AS legal_form, coalesce(o.reference_id, '') AS reference_id,
       coalesce(doms.suffix, '') AS suffix,
       coalesce(doms.domains, '') AS registered_domain, left(coalesce(pages.titles, ''), 2000) AS title,
       left(coalesce(pages.owner_text, ''), 4000) AS owner_text, names.owner_names, pages.lang,
       CASE WHEN len(pages.jsonld_types) > 0 THEN '|' || lower(array_to_string(pages.jsonld_types, '|')) || '|'
            ELSE '' END AS jsonld,
       array_to_string(pages.legal_forms, ' | ') AS legal_forms, 'linked' AS owner_status,
       o.n_domains, coalesce(pages.n_words, 0) AS n_words,
       t.domains_top, t.domains_top_share, t.class_dist
FROM orgs o
LEFT JOIN doms USING (org_id)
LEFT JOIN pages USING (org_id)
LEFT JOIN names USING (org_id)
LEFT JOIN dist t USING (org_id)
ORDER BY o.org_id;

-- name: gold
-- Gold labels of one target, with where they came from ('synth': generated, not a person's).
SELECT item_id, label, source FROM gold_labels WHERE target = ?;

-- name: owners_of_domains
-- The org the resolver linked each of a list of domains to (an org gold label given by domain lands on it).
SELECT registered_domain, org_id FROM domain_org WHERE list_contains(?, registered_domain) AND status = 'linked';

-- name: page_predictions_view
-- The current page types, read by the domain frame (a domain is described by its pages' types). The model's own
-- answer, also for gold items: a model learns from the kind of input it is later applied to.
CREATE OR REPLACE TEMP VIEW _cls_page_pred AS
SELECT item_id, coalesce(model_label, label) AS label FROM labels WHERE target = 'page';

-- name: domain_predictions_view
-- The current site categories (the model's own answers), read by the org frame.
CREATE OR REPLACE TEMP VIEW _cls_domain_pred AS
SELECT item_id, coalesce(model_label, label) AS label FROM labels WHERE target = 'domain';

-- name: no_domain_predictions_view
-- The domain frame's view of linking domains' categories: empty. Reading the stored site categories there would
-- make a domain's answer depend on the answers of an earlier (or a killed) run, so re-runs would not repeat.
CREATE OR REPLACE TEMP VIEW _cls_domain_pred AS
SELECT item_id, label FROM labels WHERE false;

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
