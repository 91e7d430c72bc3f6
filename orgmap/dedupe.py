"""The ``orgmap dedupe`` job: a file of organization records in, a cluster id per record out (file and store).

Reads CSV/TSV, Parquet or JSON Lines (gzipped too) with every column as text, so identifiers keep their
leading zeros; clusters the records with :func:`resolver.dedupe.dedupe_records`; writes the input's columns
plus the cluster columns to ``--out`` (CSV, Parquet or JSON Lines, by the file name), the pairs near the
threshold to ``--pairs``, and all of it to the store's ``dedupe_clusters``, ``dedupe_edges`` and
``dedupe_pairs`` tables under the dataset's name.

Example::

    result = dedupe_file(Path("crm.csv"), out=Path("crm.clusters.csv"))
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from orgmap.config import Settings
from orgmap.runs import recorded
from orgmap.store import schemas
from orgmap.store.database import Store
from resolver.dedupe import DedupeParams, DedupeResult, RecordColumns, dedupe_records, detect_columns
from resolver.errors import InputError
from resolver.files import json_array, open_text
from resolver.sql import load_queries

__all__ = ["OUTPUT_COLUMNS", "DedupeRun", "dedupe_file", "read_records", "write_table"]

Q = load_queries("orgmap.store.queries", "dedupe.sql")

OUTPUT_COLUMNS = {
    "cluster_id": "cluster_id",
    "cluster_size": "cluster_size",
    "canonical_name": "cluster_name",
    "confidence": "cluster_confidence",
    "score": "match_score",
    "reason": "match_reason",
}
"""Columns added to each record in the output file (result column → output column)."""

_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}
_FORMATS |= {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


@dataclass(frozen=True)
class DedupeRun:
    """What :func:`dedupe_file` did."""

    result: DedupeResult
    columns: RecordColumns
    """Which input column held each field."""
    dataset: str
    """The name the store keeps the clusters under."""
    run_id: int | None
    """The ``runs`` row (None: nothing was stored)."""


def _format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    fmt = _FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the name; use .csv, .tsv, .parquet, .jsonl or .json", path=str(path)
        )
    return fmt


def read_records(path: Path) -> pa.Table:
    """The table in ``path`` (CSV/TSV, Parquet, JSON Lines or a JSON array; ``.gz`` too), every column as text."""
    if not path.is_file():
        raise InputError(f"{path}: no such file", path=str(path))
    fmt = _format(path)
    try:
        if fmt == "parquet":
            table = pq.read_table(path)
        elif fmt == "csv":
            table = _read_csv(path)
        elif fmt == "jsonl":
            table = pajson.read_json(path)
        else:
            with open_text(path) as handle:
                table = pa.Table.from_pylist([row for _, row in json_array(handle)])
    except (pa.ArrowInvalid, OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as {fmt}: {exc}", path=str(path)) from exc
    return pa.table({c: _text(table.column(c)) for c in table.column_names})


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_nested(column.type):  # a list of countries or identifiers: one cell, ";"-separated
        return pa.chunked_array(
            [pa.array([None if v is None else "; ".join(map(str, v)) for v in column.to_pylist()], pa.string())]
        )
    return column.cast(pa.string())


def _read_csv(path: Path) -> pa.Table:
    with open_text(path) as handle:
        head = handle.readline()
    delimiter = "\t" if path.suffix.lower() == ".tsv" or head.count("\t") > head.count(",") else ","
    if head.count(";") > max(head.count(","), head.count("\t")):
        delimiter = ";"
    names = next(csv.reader([head], delimiter=delimiter), [])
    if not names:
        raise InputError(f"{path}: the file is empty; it needs a header row naming its columns", path=str(path))
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf8"),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )


def write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` as CSV, Parquet or JSON Lines, by the name of ``path`` (directories made as needed)."""
    fmt = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(table, path)
    elif fmt == "csv":
        pacsv.write_csv(table, path)
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for row in table.to_pylist():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        raise InputError(f"{path}: write .csv, .parquet or .jsonl", path=str(path))


def with_clusters(records: pa.Table, clusters: pa.Table) -> pa.Table:
    """The input records with the cluster columns appended (input columns of the same names are replaced)."""
    keep = [c for c in records.column_names if c not in OUTPUT_COLUMNS.values()]
    out = records.select(keep)
    for src, dst in OUTPUT_COLUMNS.items():
        out = out.append_column(dst, clusters.column(src))
    return out


def dedupe_file(
    path: Path,
    *,
    out: Path | None = None,
    pairs_out: Path | None = None,
    settings: Settings | None = None,
    store: bool = True,
    dataset: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    params: DedupeParams | None = None,
) -> DedupeRun:
    """Deduplicate the records of ``path``: write ``out`` and ``pairs_out`` and, with ``store``, the store.

    ``columns``: field (``name``, ``id``, ``country``, ``city``, ``domain``, ``identifier``) → column, for
    columns whose names are not recognised; the rest is detected. The input is read and checked before the
    store is opened, so a wrong file leaves no trace.
    """
    for target in (out, pairs_out):
        if target is not None:
            _format(target)
    records = read_records(path)
    cols = detect_columns(records.column_names, columns)
    name = dataset or path.name.split(".")[0]
    if not store:
        result = dedupe_records(records, cols, params)
        _write_files(records, result, out, pairs_out)
        return DedupeRun(result, cols, name, None)
    settings = settings or Settings()
    with Store(settings.db) as db:
        inputs: dict[str, Any] = {"file": str(path), "dataset": name, "columns": _as_dict(cols)}
        with recorded(db, "dedupe", settings, inputs) as (run, counts):
            result = dedupe_records(records, cols, params)
            _write_files(records, result, out, pairs_out)
            with db.transaction():
                for table, delete, rows in (
                    ("dedupe_clusters", "delete_clusters", result.clusters),
                    ("dedupe_edges", "delete_edges", result.edges),
                    ("dedupe_pairs", "delete_pairs", result.pairs),
                ):
                    batch = rows.append_column("dataset", pa.array([name] * rows.num_rows, pa.string()))
                    batch = batch.append_column("run_id", pa.array([run.run_id] * rows.num_rows, pa.int64()))
                    db.replace(table, schemas.rows(table, batch), Q[delete], [name])
            counts.update({k: v for k, v in result.stats.items() if not k.startswith("seconds")})
        return DedupeRun(result, cols, name, run.run_id)


def _as_dict(cols: RecordColumns) -> dict[str, str | None]:
    return {f: getattr(cols, f) for f in RecordColumns.__slots__}


def _write_files(records: pa.Table, result: DedupeResult, out: Path | None, pairs_out: Path | None) -> None:
    if out is not None:
        write_table(with_clusters(records, result.clusters), out)
    if pairs_out is not None:
        write_table(result.pairs, pairs_out)
