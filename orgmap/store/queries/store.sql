-- Queries of the store itself (orgmap/store/database.py, orgmap/store/schemas.py): migrations, runs, catalog.

-- name: create_schema_version
-- The migrations table, created before the first migration so that it can record it.
create table if not exists schema_version (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL
);

-- name: applied_versions
-- The migrations this database already has.
select version from schema_version;

-- name: record_version
-- One migration applied: $1 version, $2 name, $3 when.
insert into schema_version values (?, ?, ?);

-- name: public_views
-- The views orgmap defines (those starting with "_" are internal and filtered out by the caller).
select view_name from duckdb_views() where not internal and schema_name = 'main' order by 1;

-- name: tables
-- Every table of the schema (public and internal), for deriving their Arrow schemas.
select table_name from duckdb_tables() where schema_name = 'main' and not temporary order by 1;

-- name: interrupt_runs
-- Runs left 'running' by a killed process: marked 'interrupted' when the next run starts ($1 now).
update runs set status = 'interrupted', ended_at = coalesce(ended_at, ?) where status = 'running';

-- name: start_run
-- Open a runs row: $1 command, $2 started_at, $3 inputs JSON, $4 settings JSON.
insert into runs (command, started_at, status, inputs, settings) values (?, ?, 'running', ?, ?)
returning run_id;

-- name: finish_run
-- Close a runs row: $1 ended_at, $2 status, $3 counts JSON, $4 error, $5 run_id.
update runs set ended_at = ?, status = ?, counts = ?, error = ? where run_id = ?;

-- name: page_html
-- The compressed HTML of one page.
select html_z from pages where page_id = ?;

-- name: set_memory_limit
-- DuckDB's memory limit for this database ($1: a size like '4GB' or a share of RAM like '50%'; store.memory_limit).
set memory_limit = ?;

-- name: set_temp_directory
-- Where DuckDB spills what does not fit in memory ($1; store.temp_directory).
set temp_directory = ?;

-- name: set_threads
-- DuckDB's worker threads ($1; store.threads).
set threads = ?;

-- name: return_freed_memory
-- Hand memory DuckDB freed back to the system soon (a background thread, above 64 MB held) instead of keeping it
-- for later queries: orgmap holds frames and models beside DuckDB, and a run's peak is the sum of both.
set allocator_background_threads = true;
set allocator_flush_threshold = '64MB';
