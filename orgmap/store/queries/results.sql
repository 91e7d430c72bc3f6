-- Queries that read the resolver's results for the user (orgmap explain, orgmap evaluate).

-- name: domain_owner
-- The owner decision of registered domain $1, with its evidence (orgmap explain).
select registered_domain, org_id, org_name, confidence, status, evidence, runner_up, n_pages
from domain_org where registered_domain = ?;

-- name: org_facts
-- What orgmap explain prints about organization $1.
select canonical_name, legal_form, country, aliases, domains from orgs where org_id = ?;

-- name: predicted_owners
-- The owner of every domain with the org's canonical name and aliases (orgmap evaluate).
select d.registered_domain, d.org_id, d.confidence, o.canonical_name, o.aliases
from domain_org d left join orgs o using (org_id);
