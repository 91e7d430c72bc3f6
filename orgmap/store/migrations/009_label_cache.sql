-- 009_label_cache: domain-label matches against a reference list (--orgs) from earlier runs, keyed by a
-- fingerprint of the list and the code (orgmap/stages/resolve.py: LabelMatcher), so each run matches only
-- labels it has not seen. A cache: deleting it only costs time.
CREATE TABLE _label_cache (
    registered_domain VARCHAR NOT NULL,
    reference         VARCHAR NOT NULL,
    "match"           JSON NOT NULL,
    PRIMARY KEY (registered_domain, reference)
);
