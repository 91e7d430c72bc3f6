"""``orgmap dedupe`` end to end: a file in, a file and the store out (real DuckDB file, real CLI)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.dedupe import OUTPUT_COLUMNS, read_records, write_table

runner = CliRunner()

ROWS = [
    # record id, name, country, city, website, registration number
    ("c-001", "Acme Widgets GmbH", "Germany", "Berlin", "https://www.acme-widgets.de/", "HRB 0123"),
    ("c-002", "ACME WIDGETS", "DE", "berlin", "acme-widgets.de", ""),
    ("c-003", "Acme Widgts", "de", "", "", ""),
    ("c-004", "Acme Widgets Ltd", "United Kingdom", "London", "acme-widgets.co.uk", ""),
    ("c-005", "Globex Corporation", "US", "Springfield", "globex.com", "0042"),
    ("c-006", "Globex Europe", "NL", "Amsterdam", "", "0042"),
    ("c-007", "John Smith", "US", "Boston", "", ""),
    ("c-008", "Smith, John", "USA", "", "", ""),
    ("c-009", "John Smith", "GB", "Leeds", "", ""),
    ("c-010", "Cedar Motros Ltd", "GB", "", "", ""),
    ("c-011", "Cedur Motors", "GB", "", "", ""),
]
HEADER = ("Customer ID", "Company", "Country", "City", "Website", "Registration No")


def _write_csv(
    path: Path, rows: list[tuple[str, ...]] = ROWS, header: tuple[str, ...] = HEADER, sep: str = ","
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=sep)
        w.writerow(header)
        w.writerows(rows)
    return path


def _groups(path: Path) -> list[set[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by: dict[str, set[str]] = {}
    for r in rows:
        by.setdefault(r["cluster_id"], set()).add(r["Customer ID"])
    return sorted(by.values(), key=sorted)


def test_dedupe_a_csv_into_a_csv_and_the_store(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "crm.csv")
    out, pairs, db = tmp_path / "out" / "crm.clusters.csv", tmp_path / "pairs.csv", tmp_path / "o.duckdb"
    result = runner.invoke(app, ["dedupe", str(src), "-o", str(out), "--pairs", str(pairs), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "11 records" in result.output and "dataset 'crm'" in result.output
    assert _groups(out) == [
        {"c-001", "c-002", "c-003"},  # one German company; the UK one of that name is another
        {"c-004"},
        {"c-005", "c-006"},  # the same registration number, whatever the name and country
        {"c-007", "c-008"},  # John Smith of the US ...
        {"c-009"},  # ... is not John Smith of Great Britain
        {"c-010"},
        {"c-011"},
    ]
    with out.open(encoding="utf-8", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert list(first)[: len(HEADER)] == list(HEADER) and list(first)[len(HEADER) :] == list(OUTPUT_COLUMNS.values())
    assert first["Registration No"] == "HRB 0123" and first["cluster_name"] == "Acme Widgets GmbH"
    with pairs.open(encoding="utf-8", newline="") as fh:
        review = list(csv.DictReader(fh))
    assert {(r["name_a"], r["name_b"]) for r in review} >= {("Cedar Motros Ltd", "Cedur Motors")}
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "select record_id, cluster_size, confidence from dedupe_clusters where dataset = 'crm' order by record_id"
        ).fetchall()
        assert [r[0] for r in stored] == [r[0] for r in ROWS] and stored[0][1] == 3
        assert con.execute("select count(*) from dedupe_edges where kind = 'hard'").fetchall() == [(1,)]
        assert con.execute("select count(*) from dedupe_pairs where verdict = 'below threshold'").fetchall()[0][0] >= 1
        assert con.execute("select command, status from runs").fetchall() == [("dedupe", "ok")]
    again = runner.invoke(app, ["dedupe", str(src), "--db", str(db)])
    assert again.exit_code == 0, again.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*), count(distinct run_id) from dedupe_clusters").fetchall() == [(11, 1)]


def test_columns_named_on_the_command_line_and_a_semicolon_file(tmp_path: Path) -> None:
    src = _write_csv(
        tmp_path / "list.csv",
        rows=[(r[1], r[2]) for r in ROWS[:4]],
        header=("Firma", "Land"),
        sep=";",
    )
    out = tmp_path / "list.parquet"
    result = runner.invoke(
        app, ["dedupe", str(src), "-o", str(out), "--no-store", "--name-col", "Firma", "--country-col", "Land"]
    )
    assert result.exit_code == 0, result.output
    t = pq.read_table(out)
    assert t.column("cluster_size").to_pylist() == [3, 3, 3, 1]
    assert not (tmp_path / "orgmap.duckdb").exists()


def test_a_file_without_a_name_column_is_one_line_of_error(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "x.csv", rows=[("1", "a")], header=("foo", "bar"))
    result = runner.invoke(app, ["dedupe", str(src), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "--name-col" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.duckdb").exists()  # the input is checked before the store is opened
    dup = _write_csv(tmp_path / "d.csv", rows=[("1", "A"), ("1", "B")], header=("id", "name"))
    assert "repeats '1'" in runner.invoke(app, ["dedupe", str(dup), "--no-store"]).output


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_the_output_reads_back_as_written(tmp_path: Path, suffix: str) -> None:
    table = pa.table(
        {
            "record_id": ["007", "008"],
            "name": ['Ünïcode, "quoted" GmbH', None],
            "cluster_size": pa.array([2, 1], pa.int64()),
        }
    )
    path = tmp_path / f"t{suffix}"
    write_table(table, path)
    back = read_records(path)
    assert back.column_names == table.column_names
    assert back.column("record_id").to_pylist() == ["007", "008"]  # leading zeros survive: all columns are text
    assert back.column("name").to_pylist() == table.column("name").to_pylist()
    assert back.column("cluster_size").to_pylist() == ["2", "1"]


def test_gzipped_json_lines_and_a_json_array_are_read(tmp_path: Path) -> None:
    rows = [{"name": "Acme Widgets", "countries": ["DE", "AT"]}, {"name": "Globex", "countries": None}]
    gz = tmp_path / "r.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    arr = tmp_path / "r.json"
    arr.write_text(json.dumps(rows), encoding="utf-8")
    for path in (gz, arr):
        t = read_records(path)
        assert t.column("name").to_pylist() == ["Acme Widgets", "Globex"]
        assert t.column("countries").to_pylist() == ["DE; AT", None]
