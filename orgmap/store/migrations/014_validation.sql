-- 014_validation: whether a class can be trusted, said where users read it (classifiers/, orgmap/models.py).
--   models.validation: 'validated' (scored against the label model alone on gold labels, real ones when any
--                      exist, before it was promoted) | 'unvalidated' (too few gold labels: nobody knows how
--                      good it is; promoted only so that every item gets a class)
--   labels.validation: 'validated' | 'unvalidated' (as the model, or the label model, that gave the label) |
--                      'gold' (a human label)
--   labels.model_label: the model's own class (for a gold item: what it says without being told; gold labels
--                      win in `label`). Domains read their pages' types, orgs their domains' categories from it,
--                      so that a model learns from the same kind of input it is later applied to.
-- NULL for rows written before this migration.
ALTER TABLE models ADD COLUMN validation VARCHAR;
ALTER TABLE labels ADD COLUMN validation VARCHAR;
ALTER TABLE labels ADD COLUMN model_label VARCHAR;
