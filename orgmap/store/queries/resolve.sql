-- Queries of the resolve stage (orgmap/stages/resolve.py), one per "-- name:" block.

-- name: name_candidates
-- Every candidate owner name on every page (signals that are names, not links or types).
SELECT s.registered_domain, s.page_id, s.kind, s.value, s.weight, coalesce(s.context, '') AS context,
       coalesce(s.scope, '') AS scope
FROM page_signals s
WHERE s.kind NOT IN ('email_domain', 'link_domain', 'jsonld_type', 'og_type', 'jsonld_url',
                     'jsonld_same_as', 'jsonld_parent', 'redirect', 'canonical', 'hreflang')
ORDER BY s.registered_domain, s.page_id, s.kind, s.value;

-- name: domain_facts
-- Per registered domain: pages with content, whether it is a private-suffix (platform) site.
SELECT registered_domain, n_pages, suffix, is_private_suffix, is_ip FROM domains;

-- name: cross_domain_redirects
-- Domain-level redirects from one registered domain to another: the source is most likely owned by the
-- target's owner. Domain-level: the source's home page redirects there, or the source has no page of its
-- own and all its redirects go there (a moved or typo domain). A deep link that redirects elsewhere
-- (/donate → paypal.com, /login → login.microsoftonline.com, /jobs → a job board) says nothing about owners.
WITH r AS (
    SELECT from_domain, to_domain, count(*) AS n,
           -- home page: the rule of resolver.domains.is_home_url (/, /index.html, /start, /de/, /en-gb/)
           count(*) FILTER (WHERE regexp_matches(lower(from_url),
               '^[a-z][a-z0-9+.-]*://[^/?#]+/?((index|default|home|start)(\.[a-z0-9]{2,5})?|[a-z]{2}([-_][a-z]{2})?/?)?([?#].*)?$'))
               AS n_home
    FROM redirects WHERE from_domain <> to_domain
    GROUP BY ALL
), targets AS (
    SELECT from_domain, count(*) AS n_targets FROM r GROUP BY ALL
), marketplaces AS (
    -- Domain sale and parking services: many domains redirect there with their own name in the URL
    -- (".../forsale/acme.com", "...?domain=acme.com"); the service does not own them.
    SELECT to_domain FROM redirects
    WHERE from_domain <> to_domain AND contains(lower(to_url), from_domain)
    GROUP BY ALL HAVING count(DISTINCT from_domain) >= 5
)
SELECT r.from_domain, r.to_domain, r.n
FROM r JOIN targets USING (from_domain)
WHERE (r.n_home > 0
       OR (targets.n_targets = 1
           AND r.from_domain NOT IN (SELECT registered_domain FROM page_features)))
  AND r.to_domain NOT IN (SELECT to_domain FROM marketplaces);

-- name: hard_link_signals
-- JSON-LD url / sameAs / parentOrganization, meta-refresh redirects, canonical and hreflang URLs per domain:
-- hard ER evidence (another domain named as the same site) and org relations. context: for JSON-LD, the
-- name of the node that gives the url (resolver.same_site.hard_links checks it names the domain's owner).
SELECT registered_domain, kind, value, page_id, coalesce(context, '') AS context
FROM page_signals
WHERE kind IN ('jsonld_url', 'jsonld_same_as', 'jsonld_parent', 'email_domain', 'redirect', 'canonical', 'hreflang');

-- name: label_cache
-- Label matches of an earlier run against the same reference list (and code): domain → DomainMatch JSON.
SELECT registered_domain, "match" FROM _label_cache WHERE reference = ?;

-- name: owner_cache
-- Owners scored in earlier runs, with the fingerprint of what their scoring read.
SELECT registered_domain, fingerprint, owner FROM _owner_cache;

-- name: label_cache_other_lists
-- Label matches against another reference list (or older code): a new list replaces them.
DELETE FROM _label_cache WHERE reference <> ?;

-- name: organization_pages
-- Domains with a page only organizations have (leadership, careers, investors, newsroom, a team page):
-- such a site is no personal site whatever its name looks like ("Fannie Mae", "Michael Kors").
SELECT DISTINCT registered_domain
FROM page_features
WHERE regexp_matches(lower(coalesce(title, '')),
        '\b(executive leadership|leadership team|management team|board of directors|our team|unser team|careers|karriere|stellenangebote|investor relations|investors|newsroom|press releases|pressemitteilungen)\b')
   OR regexp_matches(lower(coalesce(url_norm, '')),
        '^[a-z]+://[^/]+(/[a-z]{2}(-[a-z]{2})?)?/(leadership|management-team|board-of-directors|our-team|team|careers|karriere|jobs|stellenangebote|investors|investor-relations|newsroom|press-releases|pressemitteilungen)(/|\.|$)');


-- name: previous_org_ids
-- The org of every domain in the last run: a cluster keeps the id most of its domains had.
SELECT registered_domain, org_id FROM domain_org WHERE org_id IS NOT NULL;

-- name: domain_languages
-- Words per language per domain (page_features.lang: the text's language), for the domain's language.
SELECT registered_domain, lang, sum(coalesce(n_words, 0)) AS words
FROM page_features WHERE lang IS NOT NULL
GROUP BY ALL;

-- name: own_names
-- The names each domain gives itself in strong evidence (kinds: resolver.same_site.STRONG_KINDS, bound),
-- whose legal forms tell a generic domain's country.
SELECT DISTINCT registered_domain, value FROM page_signals WHERE kind IN (SELECT unnest(?::varchar[]));

-- name: org_keys
-- Name keys of earlier runs' orgs: a cluster holding one of them keeps that org's id.
SELECT name_key, country, org_id FROM _org_keys;

-- name: domain_dates
-- When each domain was first and last seen (orgs get the span of their domains).
SELECT registered_domain, first_seen, last_seen FROM domains;

-- name: domain_pages
-- Pages per registered domain, for domain_org.n_pages.
SELECT registered_domain, n_pages FROM domains;

-- name: page_urls
-- URLs of the pages named as evidence.
SELECT page_id, url FROM pages WHERE page_id IN (SELECT unnest(?::varchar[]));

-- name: delete_relations
-- Relations between orgs are recomputed as a whole.
DELETE FROM org_relations;

-- name: delete_orgs
-- Orgs are rebuilt as a whole every run (their ids stay stable through _org_keys).
DELETE FROM orgs;

-- name: delete_domain_org
-- Every domain's owner is decided again every run (unchanged ones from _owner_cache).
DELETE FROM domain_org;

-- name: delete_owner_cache_of
-- The cached owners of the registered domains $1, about to be replaced.
DELETE FROM _owner_cache WHERE registered_domain IN (SELECT unnest(?::varchar[]));

-- name: delete_label_cache_of
-- The cached label matches of the registered domains $1, about to be replaced.
DELETE FROM _label_cache WHERE registered_domain IN (SELECT unnest(?::varchar[]));

-- name: delete_org_edges
-- The merge edges of the last run, replaced as a whole.
DELETE FROM org_edges;

-- name: page_info
-- What the owner model's features read of each page that carries a candidate, as resolver.owner_model.PageInfo
-- flags: a home page (the rule of resolver.domains.is_home_url, as in cross_domain_redirects), a legal page,
-- an about page, an article (og:type or a JSON-LD type in the list bound as the parameter).
SELECT page_id,
       regexp_matches(lower(url_norm),
           '^[a-z][a-z0-9+.-]*://[^/?#]+/?((index|default|home|start)(\.[a-z0-9]{2,5})?|[a-z]{2}([-_][a-z]{2})?/?)?([?#].*)?$')
           AS home,
       coalesce(is_legal_page, false) AS legal,
       coalesce(is_about_page, false) AS about,
       list_has_any(list_transform(coalesce(jsonld_types, []) || [coalesce(og_type, '')], lambda t: lower(t)), ?::varchar[])
           AS article
FROM page_features
WHERE page_id IN (SELECT DISTINCT page_id FROM page_signals);
