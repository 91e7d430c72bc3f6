"""The DuckDB store: connection, migrations, views and every query the stages run, in ``.sql`` files."""
