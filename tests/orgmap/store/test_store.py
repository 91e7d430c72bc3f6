import re
from pathlib import Path

import pyarrow as pa
import pytest

from orgmap.store.database import Store, migrations, public_views, view_sql
from resolver.errors import StoreError


def test_every_public_view_runs_on_a_fresh_database() -> None:
    defined = {m.lower() for _, text in view_sql() for m in re.findall(r"create or replace view (\w+)", text, re.I)}
    with Store(":memory:") as store:  # every migration applied, every view file run
        views = public_views(store.con)
        assert "pages_latest" in views
        assert set(views) == {v for v in defined if not v.startswith("_")}
        for view in views:
            assert store.con.sql(f'select * from "{view}" limit 0').columns, view


def test_migrations_are_recorded_and_not_reapplied(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        n = store.con.execute("select count(*) from schema_version").fetchone()[0]
        assert n == len(migrations())
    with Store(db) as store:
        assert store.migrate() == []


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        store.con.execute("insert into schema_version values (999, 'future', now())")
    with pytest.raises(StoreError, match="newer than this orgmap"):
        Store(db)


def test_insert_new_skips_existing_and_in_batch_duplicates() -> None:
    with Store(":memory:") as store:
        store.con.execute("create table t (k varchar primary key, v int)")
        assert store.insert_new("t", pa.table({"k": ["a", "b", "a"], "v": [1, 2, 3]}), ["k"]) == 2
        assert store.insert_new("t", pa.table({"k": ["a", "c"], "v": [9, 4]}), ["k"]) == 1
        assert store.con.execute("select k, v from t order by k").fetchall() == [("a", 1), ("b", 2), ("c", 4)]


def test_transaction_rolls_back_on_error() -> None:
    with Store(":memory:") as store:
        store.con.execute("create table t (k int)")
        with pytest.raises(RuntimeError), store.transaction() as con:
            con.execute("insert into t values (1)")
            raise RuntimeError("boom")
        assert store.con.execute("select count(*) from t").fetchone()[0] == 0
