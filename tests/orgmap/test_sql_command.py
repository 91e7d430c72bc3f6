import json
import subprocess
import sys
from pathlib import Path

from orgmap.store.database import Store


def test_sql_prints_rows_and_reports_errors(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    with Store(db):
        pass
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "orgmap",
            "sql",
            "select version as v from schema_version order by 1",
            "--db",
            str(db),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(ok.stdout)[0]["v"] == 1
    bad = subprocess.run(
        [sys.executable, "-m", "orgmap", "sql", "select nonsense_column from domains", "--db", str(db)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "SQL error" in bad.stderr
