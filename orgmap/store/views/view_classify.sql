-- Views over classification results (re-created on every open).

-- Pages with their type, next to the URL and title. `validation`: validated (the model was scored on gold labels),
-- unvalidated (too few gold labels to know how good it is), gold (a person's label).
CREATE OR REPLACE VIEW page_classes AS
SELECT p.page_id, p.url, p.registered_domain, p.title, l.label, l.confidence, l.source, l.model_version,
       l.validation
FROM pages p JOIN labels l ON l.target = 'page' AND l.item_id = p.page_id;

-- Domains with their site category and owner.
CREATE OR REPLACE VIEW domain_classes AS
SELECT d.registered_domain, l.label, l.confidence, l.source, l.model_version, o.org_id, o.org_name, l.validation
FROM domains d
JOIN labels l ON l.target = 'domain' AND l.item_id = d.registered_domain
LEFT JOIN domain_org o ON o.registered_domain = d.registered_domain;

-- Organizations with their organization type.
CREATE OR REPLACE VIEW org_classes AS
SELECT o.org_id, o.canonical_name, o.n_domains, l.label, l.confidence, l.source, l.model_version, l.validation
FROM orgs o JOIN labels l ON l.target = 'org' AND l.item_id = o.org_id;

-- Class counts per target (what `orgmap lf report` calls the class balance of the predictions).
CREATE OR REPLACE VIEW class_counts AS
SELECT target, label, count(*) AS n, avg(confidence) AS mean_confidence
FROM labels GROUP BY target, label;

-- The model each target currently uses.
CREATE OR REPLACE VIEW current_models AS
SELECT target, version, created_at, metrics, sha256, validation FROM models WHERE status = 'promoted';
