-- Queries of the run report (orgmap/report.py): what one run did and what the database holds after it.

-- name: latest_run
-- The run a report is about when none is named: the newest resolve or ingest run.
select max(run_id) from runs where command in ('resolve', 'ingest');

-- name: run
-- One run's row: command, status, times, inputs and the counts its stages saved.
select run_id, command, status, started_at, ended_at, inputs, counts, error from runs where run_id = ?;

-- name: owners_by_status
-- Registered domains by owner status (linked, unknown, platform, person).
select status, count(*) as n from domain_org group by status order by n desc, status;

-- name: owner_confidence
-- Owner confidence of every domain, by status, for the histogram.
select status, confidence from domain_org order by status, registered_domain;

-- name: label_confidence
-- Classification confidence per target, with the gold label where a person gave one (calibration). A gold
-- item is scored by the model's own answer (model_label, its cross-validated probability), never its gold label.
select l.target,
       if(l.source = 'gold', l.model_label, l.label) as label,
       if(l.source = 'gold', json_extract(l.probs, '$."' || l.model_label || '"')::double, l.confidence) as confidence,
       g.label as gold
from labels l left join gold_labels g using (target, item_id)
where l.source <> 'gold' or (l.model_label is not null and l.probs is not null)
order by l.target, l.item_id;

-- name: classes_per_target
-- How many items each class has, per target.
select target, label, count(*) as n from labels group by all order by target, n desc, label;

-- name: lf_stats
-- Coverage and conflicts of every labeling function in the newest run that applied them, per target.
select target, lf, coverage, conflicts
from lf_runs
where (target, run_id) in (select target, max(run_id) from lf_runs where run_id <= ? group by target)
order by target, coverage desc, lf;

-- name: graph_nodes_by_kind
-- Graph size: nodes per kind.
select kind, count(*) from graph_nodes group by kind order by kind;

-- name: graph_edges_by_kind
-- Graph size: edges per kind.
select kind, count(*) from graph_edges group by kind order by kind;

-- name: largest_orgs
-- The organizations with the most domains, and those domains.
select canonical_name, n_domains, domains from orgs order by n_domains desc, canonical_name limit ?;

-- name: ingest_errors_by_reason
-- Records skipped at ingest, by reason: all of them, and those this run logged.
select reason, count(*) as total, count(*) filter (where run_id = ?) as this_run
from ingest_errors group by reason order by total desc, reason;
