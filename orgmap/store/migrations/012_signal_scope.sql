-- 012_signal_scope: what a candidate name speaks for (resolver.signals.SCOPES), so owner scoring can prefer
-- names that speak for the whole registered domain over a section's, a sub-brand's or a sub-host's.
--   site    : a legal entity, a footer's copyright, a name on the home page, the site name of a main-host page
--   host    : a name on a page of another host (wiki.example.com) that does not spell the registered domain
--   section : a name that spells a folder of the page's path (/magazin/) or a breadcrumb item
--   page    : seen on one deep page only (a title part, a body copyright line, an organization described)
-- NULL for links, types, and rows written before this migration or by the NER stage.
ALTER TABLE page_signals ADD COLUMN scope VARCHAR;
