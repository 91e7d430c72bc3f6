"""User SQL runs in a sandbox: every known escape is refused in one line and no file changes.

The attacks are the ones a fault audit ran against ``orgmap sql`` (issue 16): an attach/detach escape that
dropped ``domain_org``, ``COPY``/``EXPORT`` writing anywhere, ``read_text('/etc/passwd')`` and friends,
``LOAD``/``INSTALL``, ``SET`` and ``PRAGMA``; each is tried through DuckDB's parser quirks too (comments, case,
several statements, CTEs).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orgmap.store.database import Store
from orgmap.store.sandbox import SANDBOX_CONFIG, check_sql, open_sandboxed, run_query
from resolver.errors import InputError

# {db}: the orgmap database, {self}: its catalog name, {dir}: the test's directory, {file}: a bystander file
ATTACKS = {
    "attach_escape": "attach '{dir}/x.duckdb' as m (read_only false); use m; detach {self}; "
    "attach '{db}' as s2 (read_only false); drop table s2.domain_org",
    "attach_hidden": "select 1; /* just a query */ AtTaCh '{db}' as s2",
    "detach": "detach {self}",
    "use": "use memory",
    "copy_to_bystander": "copy (select 1) to '{file}'",
    "copy_over_db": "with t as (select 1) select * from t; copy domain_org to '{db}' (format csv)",
    "copy_from": "copy domain_org from '{file}'",
    "export": "export database '{dir}/exported'",
    "import": "import database '{dir}'",
    "install": "install httpfs",
    "force_install": "-- quietly\nFORCE INSTALL httpfs",
    "load": "load httpfs",
    "load_path": "load '{dir}/evil.duckdb_extension'",
    "set_external": "set enable_external_access = true",
    "set_global": "SET GLOBAL lock_configuration = false",
    "reset": "reset lock_configuration",
    "pragma": "pragma enable_profiling",
    "pragma_import": "PRAGMA import_database('{dir}')",
    "call_checkpoint": "checkpoint",
    "drop": "drop table domain_org",
    "insert": "insert into domain_org (registered_domain) values ('x.com')",
    "create_secret": "create secret s (type s3, key_id 'a', secret 'b')",
    "read_text": "select * from read_text('/etc/passwd')",
    "read_blob": "select * from read_blob('/etc/shadow')",
    "glob": "select * from glob('/root/*')",
    "read_csv_bystander": "select * from read_csv('{file}')",
    "replacement_scan": "select * from '{file}'",
    "query_function": "select * from query('attach ''{db}'' as s2')",
    "url": "select * from read_parquet('http://127.0.0.1:9/x.parquet')",
}

HARMLESS_ON_THE_CONNECTION = {"attach_hidden", "call_checkpoint"}
"""Run on the sandboxed connection, these succeed and change nothing: a read-only attach of the same file, and a
checkpoint of a read-only database."""


@pytest.fixture
def store_files(tmp_path: Path) -> dict[str, str]:
    """An orgmap database with one domain_org row, a bystander file next to it, and the attack placeholders."""
    db = tmp_path / "orgmap.duckdb"
    with Store(db) as store:
        store.con.execute(
            "insert into domain_org (registered_domain, org_id, org_name, confidence, status) "
            "values ('acme.com', 'org-1', 'Acme', 0.9, 'linked')"
        )
    bystander = tmp_path / "notes.csv"
    bystander.write_text("a,b\n1,2\n")
    return {"db": str(db), "self": "orgmap", "dir": str(tmp_path), "file": str(bystander)}


def _snapshot(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with its checksum: any write, new file or removal shows."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_refused_in_one_line_and_changes_no_file(name: str, store_files: dict[str, str]) -> None:
    sql = ATTACKS[name].format(**store_files)
    before = _snapshot(Path(store_files["dir"]))
    with open_sandboxed(store_files["db"]) as con, pytest.raises(InputError) as refused:
        run_query(con, sql)
    message = str(refused.value)
    assert "\n" not in message and message.startswith(("refused: ", "SQL error: ")), message
    assert _snapshot(Path(store_files["dir"])) == before
    with open_sandboxed(store_files["db"]) as con:
        assert run_query(con, "select org_id from domain_org") == (["org_id"], [("org-1",)])


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_connection_alone_stops_each_attack(name: str, store_files: dict[str, str]) -> None:
    """The second layer: even SQL that slipped past the statement check cannot write or read outside."""
    sql = ATTACKS[name].format(**store_files)
    before = _snapshot(Path(store_files["dir"]))
    with open_sandboxed(store_files["db"]) as con:
        if name in HARMLESS_ON_THE_CONNECTION:
            con.execute(sql).fetchall()
        else:
            with pytest.raises(duckdb.Error):
                con.execute(sql).fetchall()
        assert con.execute("select current_setting('enable_external_access')").fetchone() == (False,)
    assert _snapshot(Path(store_files["dir"])) == before


def test_queries_of_every_shape_still_run(store_files: dict[str, str]) -> None:
    with open_sandboxed(store_files["db"]) as con:
        assert run_query(con, "/* note */ WITH d AS (FROM domain_org) SELECT count(*) AS n FROM d") == (["n"], [(1,)])
        assert run_query(con, "select 1 as a; select 2 as b") == (["b"], [(2,)])  # the last statement's rows
        assert ("domain_org",) in run_query(con, "show tables")[1]
        assert run_query(con, "describe domain_org")[1]
        assert run_query(con, "values (1, 'x')")[1] == [(1, "x")]


def test_statement_check_is_usable_alone() -> None:
    assert [s.type for s in check_sql("select 1; from t")] == [duckdb.StatementType.SELECT] * 2
    with pytest.raises(InputError, match="^refused: ATTACH"):
        check_sql("select 1;\n-- comment\n  attach 'x.duckdb'")
    with pytest.raises(InputError, match="^no SQL statement"):
        check_sql("  -- only a comment")
    with pytest.raises(InputError, match="^SQL error: Parser Error"):
        check_sql("selec 1")


def test_in_memory_sandbox_has_the_same_locks(tmp_path: Path) -> None:
    with open_sandboxed() as con:
        settings = dict(con.execute("select name, value from duckdb_settings()").fetchall())
        for key, value in SANDBOX_CONFIG.items():
            assert settings[key].lower() == str(value).lower(), key
        with pytest.raises(duckdb.Error):
            con.execute(f"copy (select 1) to '{tmp_path}/out.csv'")
    assert not list(tmp_path.iterdir())


def test_cli_refuses_the_escape_and_keeps_the_database(store_files: dict[str, str]) -> None:
    before = _snapshot(Path(store_files["dir"]))
    escape = ATTACKS["attach_escape"].format(**store_files)
    out = subprocess.run(
        [sys.executable, "-m", "orgmap", "sql", escape, "--db", store_files["db"]], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "refused: ATTACH" in out.stderr
    assert _snapshot(Path(store_files["dir"])) == before
    with open_sandboxed(store_files["db"]) as con:
        assert run_query(con, "select count(*) from domain_org")[1] == [(1,)]
