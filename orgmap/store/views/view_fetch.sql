-- Public views over the fetch queue; re-created every time the store opens.

-- Every queued URL with the page it produced (NULL when nothing was stored).
CREATE OR REPLACE VIEW fetch_status AS
SELECT q.domain, q.kind, q.url, q.status, q.reason, q.http_status, q.attempts, q.final_url,
       q.content_type, q.n_bytes, q.fetched_at, p.page_id, p.title
FROM fetch_queue q
LEFT JOIN pages_latest p ON p.url_norm = q.final_url_norm AND q.status = 'done';

-- Per domain: how many URLs are done, pending, failed or skipped.
CREATE OR REPLACE VIEW fetch_domain_summary AS
SELECT domain,
       count(*) AS n_urls,
       count(*) FILTER (WHERE status = 'done') AS n_done,
       count(*) FILTER (WHERE status = 'pending') AS n_pending,
       count(*) FILTER (WHERE status = 'failed') AS n_failed,
       count(*) FILTER (WHERE status LIKE 'skipped_%') AS n_skipped,
       max(fetched_at) AS last_fetched
FROM fetch_queue GROUP BY domain;

-- Failures and skips grouped by reason: what to look at first.
CREATE OR REPLACE VIEW fetch_error_summary AS
SELECT status, reason, count(*) AS n, count(DISTINCT domain) AS n_domains, min(url) AS example
FROM fetch_queue WHERE status NOT IN ('pending', 'done')
GROUP BY status, reason ORDER BY n DESC;
