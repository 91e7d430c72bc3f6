-- Queries that store pages and keep hosts and domains current (orgmap/store/pages.py).

-- name: distinct_domains
-- Every registered domain in pages or redirects (a domain that only redirects is a domain of the crawl too):
-- the stage parses each (memoized) for its PSL facts.
select registered_domain from pages
union
select from_domain from redirects
union
select to_domain from redirects
order by 1;

-- name: upsert_hosts
-- One row per host (without www): its pages with content, and when it was first and last seen.
insert into hosts (host, registered_domain, n_pages, first_seen, last_seen)
select
    host,
    min(registered_domain),
    count(*) filter (where has_content),
    min(coalesce(fetched_at, ingested_at)),
    max(coalesce(fetched_at, ingested_at))
from pages
group by host
on conflict (host) do update set
    registered_domain = excluded.registered_domain,
    n_pages = excluded.n_pages,
    first_seen = excluded.first_seen,
    last_seen = excluded.last_seen;

-- name: upsert_domains
-- One row per registered domain; _ingest_domain_parts (registered by the stage) carries the PSL facts.
insert into domains (
    registered_domain, domain_unicode, suffix, is_private_suffix, is_ip,
    n_pages, n_urls, n_hosts, first_seen, last_seen
)
select
    p.registered_domain,
    min(d.domain_unicode),
    min(d.suffix),
    bool_or(d.is_private_suffix),
    bool_or(d.is_ip),
    count(*) filter (where p.has_content),
    count(distinct p.url_norm),
    count(distinct p.host),
    min(coalesce(p.fetched_at, p.ingested_at)),
    max(coalesce(p.fetched_at, p.ingested_at))
from (
    select registered_domain, has_content, url_norm, host, fetched_at, ingested_at from pages
    union all
    select from_domain, false, from_url, null, null, seen_at from redirects
    union all
    select to_domain, false, to_url, null, null, seen_at from redirects
) as p
join _ingest_domain_parts as d on d.registered_domain = p.registered_domain
group by p.registered_domain
on conflict (registered_domain) do update set
    domain_unicode = excluded.domain_unicode,
    suffix = excluded.suffix,
    is_private_suffix = excluded.is_private_suffix,
    is_ip = excluded.is_ip,
    n_pages = excluded.n_pages,
    n_urls = excluded.n_urls,
    n_hosts = excluded.n_hosts,
    first_seen = excluded.first_seen,
    last_seen = excluded.last_seen;

-- name: count_hosts
-- Hosts after the refresh, for the summary.
select count(*) from hosts;

-- name: count_domains
-- Registered domains after the refresh, for the summary.
select count(*) from domains;

