"""What a new user runs into: one line and the right exit code, never a traceback; files where they point.

Permission tests run the command in a subprocess without the capabilities that let root ignore file
modes (``setpriv``), so a read-only directory is read-only for it even when the tests run as root.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from orgmap.cli import app
from tests.support.cli import orgmap

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
runner = CliRunner()


def no_traceback(result: object) -> None:
    """A CliRunner result ended in a clean exit, not an exception."""
    exc = getattr(result, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)


def test_an_empty_batch_and_no_paths_into_a_fresh_database_run_without_a_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    for args in (["resolve", str(empty)], ["resolve"]):
        db = tmp_path / f"fresh{len(args)}.duckdb"
        result = runner.invoke(app, [*args, "--db", str(db), "--no-ner"])
        no_traceback(result)
        assert result.exit_code == 0, result.output


def test_a_batch_of_junk_fails_with_one_line_that_says_where_the_bad_records_are(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(bytes(range(256)) * 400 + b"\n{not json}\n" * 50)
    for command in ("ingest", "resolve"):
        db = tmp_path / f"{command}.duckdb"
        result = runner.invoke(app, [command, str(junk), "--db", str(db)])
        no_traceback(result)
        assert result.exit_code == 2
        error = result.stderr.splitlines()[-1]
        assert error.startswith("orgmap: error: none of the") and "bad_record" in error
        assert "ingest_errors" in error and "runs.counts" in error
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("select status from runs").fetchall() == [("failed",)]
            assert con.execute("select count(*) from ingest_errors").fetchone()[0] > 0


def test_the_summary_says_how_many_records_were_bad_and_where_to_look(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl.jsonl"
    good = {"url": "https://acme.example.com/", "html": "<html><title>Acme</title><p>Widgets</p></html>"}
    crawl.write_text(json.dumps(good) + "\n" + json.dumps({"html": "<p>no url</p>"}) + "\nnot json\n")
    result = runner.invoke(app, ["ingest", str(crawl), "--db", str(tmp_path / "o.duckdb")])
    assert result.exit_code == 0, result.output
    assert "2 records were bad and skipped" in result.stderr
    assert "ingest_errors" in result.stderr and "runs.counts" in result.stderr
    assert "items" not in result.stdout


def test_a_bad_orgs_file_is_rejected_before_any_page_is_ingested(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("ref_id,name\n1,Acme\n1,Acme again\n")  # a duplicate id
    db = tmp_path / "o.duckdb"
    result = runner.invoke(app, ["resolve", str(SAMPLE), "--db", str(db), "--orgs", str(orgs)])
    no_traceback(result)
    assert result.exit_code == 2 and "orgs.csv" in result.stderr
    assert not db.exists()


def test_a_database_in_a_read_only_directory_is_one_line_naming_the_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    # an existing database there too: DuckDB would fail only when it writes its .wal, mid-run
    with duckdb.connect(str(locked / "old.duckdb")) as con:
        con.execute("create table t (x int)")
    (locked / "old.duckdb").chmod(0o666)
    locked.chmod(0o555)
    try:
        for name in ("new.duckdb", "old.duckdb"):
            result = orgmap("resolve", "--db", str(locked / name), "--no-ner", unprivileged=True)
            assert result.returncode == 2, result.stderr
            assert "Traceback" not in result.stderr
            assert f"cannot write in {locked}" in result.stderr and "Permission denied" in result.stderr
            assert "another orgmap run" not in result.stderr
    finally:
        locked.chmod(0o755)


def test_an_export_into_an_unwritable_directory_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "o.duckdb"
    assert runner.invoke(app, ["resolve", str(SAMPLE), "--db", str(db), "--no-ner"]).exit_code == 0
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        result = orgmap("export", "kumu", "--db", str(db), "-o", str(locked / "k.json"), unprivileged=True)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"cannot write the output in {locked}" in result.stderr
        result = orgmap("resolve", "--db", str(db), "--no-ner", "--out", str(locked), unprivileged=True)
        assert result.returncode == 2 and "cannot write the Kumu export" in result.stderr
    finally:
        locked.chmod(0o755)


def test_resolve_writes_its_exports_beside_the_database_or_to_out_never_to_the_cwd(tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    db = tmp_path / "runs" / "crawl.duckdb"
    result = orgmap("resolve", str(SAMPLE), "--db", str(db), "--no-ner", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert (db.parent / "crawl.kumu.json").exists()
    assert list(cwd.iterdir()) == []
    result = orgmap("resolve", "--db", str(db), "--no-ner", "--out", str(tmp_path / "exports"), cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "exports" / "crawl.kumu.json").exists() and list(cwd.iterdir()) == []
    result = orgmap("resolve", "--db", str(db), "--no-ner", cwd=cwd)
    assert "replacing this database's export from an earlier run" in result.stdout
