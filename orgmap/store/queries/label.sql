-- Queries of the labeling stage (orgmap/stages/label.py): what to ask annotators, and their answers as gold.

-- name: predictions
-- The current predictions of target $1, to rank items by how informative a label would be.
select item_id, label, confidence, probs, model_version, evidence from labels where target = ?;

-- name: gold_items
-- Items of target $1 that already have a gold label (never asked again).
select item_id from gold_labels where target = ?;

-- name: pushed_items
-- Items already sent to one project: $1 server, $2 project_id, $3 target.
select item_id from label_tasks where server = ? and project_id = ? and target = ?;

-- name: count_changed_gold
-- Gold labels of the batch _gold_new (registered by the stage) that are new or differ from the stored ones.
select count(*) from _gold_new n left join gold_labels g using (target, item_id)
where g.label is null or g.label <> n.label;

-- name: delete_replaced_gold
-- The stored gold labels the batch _gold_new replaces (one per target and item).
delete from gold_labels g using _gold_new n where g.target = n.target and g.item_id = n.item_id;

-- name: insert_gold
-- The batch _gold_new into gold_labels.
insert into gold_labels (target, item_id, label, annotator, annotated_at, source)
select target, item_id, label, annotator, annotated_at, source from _gold_new;
