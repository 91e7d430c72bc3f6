-- 013_org_name_nullable: domain_org.org_name is NULL when a domain has no organization (unknown, person,
-- platform), instead of the string 'unknown', which SQL users took for an organization's name.
ALTER TABLE domain_org ALTER COLUMN org_name DROP NOT NULL;
UPDATE domain_org SET org_name = NULL WHERE org_id IS NULL;
