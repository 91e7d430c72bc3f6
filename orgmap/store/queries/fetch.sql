-- Queries of the fetch stage (orgmap/stages/fetch.py), loaded with resolver.sql.load_queries.

-- name: unknown_owner_domains
-- Domains whose owner the resolver could not name, and domains with no page content at all.
select registered_domain from domain_org where status = 'unknown'
union
select registered_domain from pages group by registered_domain having not bool_or(has_content)
order by 1;

-- name: domains_without_pages
-- Domains known only from URL lists and links: not one page with content.
select registered_domain from pages group by registered_domain having not bool_or(has_content)
order by 1;

-- name: url_only_pages
-- URLs ingested without content (URL lists) that no page with content covers yet.
select min(url) as url from pages
group by url_norm having not bool_or(has_content)
order by 1;

-- name: create_targets
-- This run's targets (a domain or a URL per row), a temp table the queries below and the writer thread read.
create or replace temp table _fetch_targets (domain VARCHAR, url_norm VARCHAR);

-- name: count_pending
-- Pending URLs of the targets (what is still to fetch).
select count(*) from fetch_queue
where status = 'pending'
  and (domain in (select domain from _fetch_targets) or url_norm in (select url_norm from _fetch_targets));

-- name: requeue_all
-- --refresh: every queued URL of the targets goes back to pending.
update fetch_queue set status = 'pending'
where domain in (select domain from _fetch_targets) or url_norm in (select url_norm from _fetch_targets);

-- name: requeue_failed
-- --retry-failed: failed URLs of the targets go back to pending (skips stay: robots and safety do not change).
update fetch_queue set status = 'pending'
where status = 'failed'
  and (domain in (select domain from _fetch_targets) or url_norm in (select url_norm from _fetch_targets));

-- name: pending
-- What this run fetches: pending URLs of the targets, home pages first, in a stable order.
select url_norm, url_id, url, domain, kind, is_fallback
from fetch_queue
where status = 'pending'
  and (domain in (select domain from _fetch_targets) or url_norm in (select url_norm from _fetch_targets))
order by domain, case kind when 'home' then 0 when 'url' then 1 else 2 end, url_id;

-- name: known_urls
-- Every queued URL of the target domains (so discovery does not queue one twice).
select url_norm from fetch_queue where domain in (select domain from _fetch_targets);

-- name: apply_results
-- One batch of results (_fetch_results, registered by the stage) onto the queue.
update fetch_queue as q set
    status = r.status,
    reason = r.reason,
    detail = r.detail,
    transient = r.transient,
    attempts = q.attempts + r.attempts,
    http_status = r.http_status,
    final_url = r.final_url,
    final_url_norm = r.final_url_norm,
    content_type = r.content_type,
    n_bytes = r.n_bytes,
    ip = r.ip,
    n_redirects = r.n_redirects,
    fetched_at = r.fetched_at,
    run_id = r.run_id
from _fetch_results r
where q.url_norm = r.url_norm;

-- name: url_ids
-- The queue id of each URL in $1 (ingest_errors.record_no of fetched pages).
select url_norm, url_id from fetch_queue where url_norm in (select unnest(?));
