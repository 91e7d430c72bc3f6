"""The domain/organization graph: built with NetworkX, stored in DuckDB, exported to Kumu."""
