"""Input and output at the edge: crawl file readers, page rows, and the polite, guarded HTTP fetcher."""
