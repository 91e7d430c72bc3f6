-- 011_merge_edges: why domains share an organization, and how sure that is (resolver/orgs.py).
-- orgs.confidence: one domain, its owner's confidence; several, the weakest edge of the maximum spanning
--   tree of the org's merge edges (the chain of evidence whose weakest link is strongest).
-- org_edges: the edges that hold each org together, replaced by every resolve run. kind: name (similar
--   strong names of two domains), acronym, hard:redirect / hard:hreflang / hard:jsonld_url /
--   hard:jsonld_same_as, reference (both linked to one org of the --orgs list); score: name similarity
--   (0-100); confidence: how likely the two domains are one organization's; reason: the rule and names.
ALTER TABLE orgs ADD COLUMN confidence DOUBLE;

CREATE TABLE org_edges (
    org_id      VARCHAR NOT NULL,
    a           VARCHAR NOT NULL,         -- registered domain
    b           VARCHAR NOT NULL,         -- registered domain
    kind        VARCHAR NOT NULL,
    score       DOUBLE NOT NULL,
    confidence  DOUBLE NOT NULL,
    reason      VARCHAR,
    run_id      BIGINT
);
