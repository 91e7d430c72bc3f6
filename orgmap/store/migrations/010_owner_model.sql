-- 010_owner_model: the domain's own site name beside its owner, and the hosting platform of a user site.
-- site_name: the brand or site name the domain's pages give themselves (og:site_name, application-name,
--   JSON-LD name, title brand), even where the owner's canonical name is its legal name.
-- platform: for a user site on a hosting platform (alice.github.io, x.blogspot.com), the platform's domain:
--   the platform owns the registered domain, the publication (site_name) is the site's (status platform).
ALTER TABLE domain_org ADD COLUMN site_name VARCHAR;
ALTER TABLE domain_org ADD COLUMN platform VARCHAR;
