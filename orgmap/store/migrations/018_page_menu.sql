-- 018_page_menu: the site's own menu on each page (resolver.signals.PageSignals.menu), for the classifiers.
-- menu: the short texts of links within the site ("produkte | karriere | kontakt"), lower case, distinct, in page
-- order, " | "-separated; NULL for pages extracted before this column existed (re-run signals to fill it).
ALTER TABLE page_features ADD COLUMN menu VARCHAR;
