-- Queries of the data windows (orgmap/store/windows.py): which ingestion batches a drift check or a retrain reads.

-- name: batches
-- Ingestion runs that stored pages, oldest first.
select distinct run_id from pages order by 1;

-- name: runs_ingested_between
-- Runs holding pages ingested in [$1, $2).
select distinct run_id from pages where ingested_at >= ? and ingested_at < ? order by 1;

-- name: runs_fetched_between
-- Runs holding pages fetched in [$1, $2).
select distinct run_id from pages where fetched_at >= ? and fetched_at < ? order by 1;

-- name: pages_of_runs
-- (page_id, run_id) of every page with content in the runs $1.
select p.page_id, p.run_id from pages p where p.has_content and list_contains(?, p.run_id) order by p.page_id;

-- name: pages_ingested_between
-- (page_id, run_id) of every page with content ingested in [$1, $2).
select p.page_id, p.run_id from pages p
where p.has_content and p.ingested_at >= ? and p.ingested_at < ? order by p.page_id;

-- name: pages_fetched_between
-- (page_id, run_id) of every page with content fetched in [$1, $2).
select p.page_id, p.run_id from pages p
where p.has_content and p.fetched_at >= ? and p.fetched_at < ? order by p.page_id;

-- name: trained_window
-- The newest promoted model of target $1 and the data window it was trained on.
select version, data_window from models where target = ? and status = 'promoted'
order by created_at desc limit 1;
