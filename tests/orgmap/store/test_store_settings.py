"""The ``[store]`` settings reach DuckDB whenever orgmap opens the database, read-only opens included."""

from pathlib import Path

import pytest

from orgmap.config import StoreSettings, load_settings
from orgmap.store.database import Store
from resolver.errors import ConfigError


def _current(store: Store, name: str) -> str:
    return str(store.con.execute("select current_setting(?)", [name]).fetchall()[0][0])


def test_settings_from_toml_reach_duckdb_on_every_open(tmp_path: Path) -> None:
    toml = tmp_path / "orgmap.toml"
    spill = tmp_path / "spill"
    toml.write_text(f'[store]\nmemory_limit = "1GB"\ntemp_directory = "{spill}"\nthreads = 1\n', "utf-8")
    settings = load_settings(toml, environ={})
    db = tmp_path / "crawl.duckdb"
    for read_only in (False, True):
        with Store(db, read_only=read_only, limits=settings.store) as store:
            assert _current(store, "memory_limit") == "953.6 MiB"  # DuckDB's GB is 10^9 bytes, shown in GiB
            assert _current(store, "temp_directory") == str(spill)
            assert _current(store, "threads") == "1"


def test_defaults_bound_memory_and_spill_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "crawl.duckdb"
    with Store(db) as store:
        assert _current(store, "memory_limit") == "3.7 GiB"  # 4GB
        assert _current(store, "temp_directory") == f"{db}.tmp"
    with Store(db, read_only=True) as store:
        assert _current(store, "memory_limit") == "3.7 GiB"
        assert _current(store, "temp_directory") == f"{db}.tmp"


def test_a_share_of_ram_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no orgmap.toml here
    settings = load_settings(environ={"ORGMAP_STORE__MEMORY_LIMIT": "25%"})
    assert settings.store.memory_limit == "25%"
    with (
        Store(":memory:", limits=settings.store) as quarter,
        Store(":memory:", limits=StoreSettings("50%")) as half,
    ):
        assert _current(quarter, "memory_limit") != _current(half, "memory_limit")


def test_a_limit_duckdb_refuses_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="store.memory_limit = 'lots'"):
        Store(tmp_path / "crawl.duckdb", limits=StoreSettings(memory_limit="lots"))


def test_store_open_takes_db_and_limits_from_the_run_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What every command and the pipeline call: the user's ``[store]`` reaches DuckDB, not the defaults."""
    monkeypatch.chdir(tmp_path)  # no orgmap.toml here
    db = tmp_path / "crawl.duckdb"
    settings = load_settings(
        overrides={"db": str(db), "store.memory_limit": "512MB", "store.temp_directory": str(tmp_path / "spill")},
        environ={},
    )
    with Store.open(settings) as store:
        assert store.path == str(db)
        assert _current(store, "memory_limit") == "488.2 MiB"  # 512 * 10^6 bytes
        assert _current(store, "temp_directory") == str(tmp_path / "spill")
    with Store.open(settings, read_only=True) as store:
        assert _current(store, "memory_limit") == "488.2 MiB"


def test_freed_memory_goes_back_to_the_system(tmp_path: Path) -> None:
    import pyarrow as pa

    from orgmap.memory import release_memory, use_system_allocator

    with Store(tmp_path / "m.duckdb", read_only=False) as store:
        got = dict(
            store.con.execute("select name, value from duckdb_settings() where name like 'allocator%'").fetchall()
        )
    assert got["allocator_background_threads"] == "true" and got["allocator_flush_threshold"] == "64MB"
    before = pa.default_memory_pool()
    try:
        use_system_allocator()
        assert pa.default_memory_pool().backend_name == "system"  # malloc: malloc_trim can hand it back
        release_memory()
    finally:
        pa.set_memory_pool(before)


def test_dropping_duckdbs_cache_keeps_the_memory_limit_and_the_data(tmp_path: Path) -> None:
    with Store(tmp_path / "c.duckdb", limits=StoreSettings(memory_limit="512MB")) as store:
        store.con.execute("create table t as select range as i from range(100000)")
        store.drop_cache()
        limit = store.con.execute("select current_setting('memory_limit')").fetchone()[0]
        assert limit.replace(" ", "").lower() in ("512mb", "488.2mib")
        assert store.con.execute("select count(*) from t").fetchone() == (100000,)
