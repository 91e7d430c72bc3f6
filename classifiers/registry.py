"""The model registry: every trained model is a version in the ``models`` table of the DuckDB store.

A version keeps its config, LF set, training data window, metrics and artifact (compressed JSON in the
database, with a sha256 verified on load). One version per target is ``promoted``: the one classify uses.
:mod:`classifiers.promotion` decides whether a new version may replace the promoted one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from classifiers.model.end_model import EndModel, sha256
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("classifiers", "registry.sql")


@dataclass(frozen=True)
class ModelInfo:
    """One registered model version (without its artifact)."""

    version: str
    target: str
    created_at: dt.datetime
    status: str
    metrics: dict[str, Any]
    sha256: str
    note: str | None
    validation: str | None = None
    """``validated`` (scored on gold labels before promotion) or ``unvalidated``."""


def register(
    con: duckdb.DuckDBPyConnection,
    model: EndModel,
    *,
    config: Mapping[str, Any],
    lf_set: list[dict[str, Any]],
    data_window: Mapping[str, Any],
    metrics: Mapping[str, Any],
    run_id: int | None = None,
    status: str = "candidate",
    validation: str | None = None,
) -> str:
    """Store ``model`` as a new version of its target; returns the version id (``page-v3``)."""
    blob = model.to_bytes()
    row = con.execute(Q["count_versions"], [model.target]).fetchone()
    version = f"{model.target}-v{int(row[0]) + 1 if row else 1}"
    con.execute(
        Q["insert_version"],
        [
            version,
            model.target,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            status,
            json.dumps(dict(config), default=str),
            json.dumps(lf_set),
            json.dumps(dict(data_window), default=str),
            json.dumps(dict(metrics), default=_json_default),
            blob,
            sha256(blob),
            run_id,
            validation,
        ],
    ).fetchall()
    if status == "promoted":
        promote(con, version)
    return version


def load(con: duckdb.DuckDBPyConnection, version: str) -> EndModel:
    """The model of ``version``, checksum verified."""
    row = con.execute(Q["artifact"], [version]).fetchone()
    if row is None:
        raise InputError(f"no model version {version!r}; see `orgmap model list`")
    blob = row[0]
    if blob is None and row[2]:
        with open(row[2], "rb") as fh:
            blob = fh.read()
    return EndModel.from_bytes(bytes(blob), row[1])


def promoted(con: duckdb.DuckDBPyConnection, target: str) -> str | None:
    """The promoted version of ``target``, if any."""
    row = con.execute(Q["promoted"], [target]).fetchone()
    return row[0] if row else None


def promote(con: duckdb.DuckDBPyConnection, version: str, note: str | None = None) -> None:
    """Make ``version`` the one its target uses; the previous one is retired (``model use`` rolls back)."""
    row = con.execute(Q["target_of"], [version]).fetchone()
    if row is None:
        raise InputError(f"no model version {version!r}; see `orgmap model list`")
    con.execute(Q["retire_others"], [row[0], version]).fetchall()
    con.execute(Q["promote"], [note, version]).fetchall()


def set_note(con: duckdb.DuckDBPyConnection, version: str, note: str) -> None:
    """Record why a version was (not) promoted."""
    con.execute(Q["set_note"], [note, version]).fetchall()


def list_models(con: duckdb.DuckDBPyConnection, target: str | None = None) -> list[ModelInfo]:
    """Every version, newest first."""
    rows = con.execute(Q["list_versions"], [target, target]).fetchall()
    return [ModelInfo(r[0], r[1], r[2], r[3], json.loads(r[4] or "{}"), r[5], r[6], r[7]) for r in rows]


def validation_of(con: duckdb.DuckDBPyConnection, version: str) -> str | None:
    """Whether ``version`` was validated on gold labels (``validated`` / ``unvalidated``; None: unknown)."""
    row = con.execute(Q["validation"], [version]).fetchone()
    return row[0] if row else None


def same_training(
    con: duckdb.DuckDBPyConnection, target: str, fingerprint: str, run_id: int | None = None
) -> str | None:
    """The newest version of ``target`` trained on inputs with this fingerprint, or trained in run ``run_id``.

    A version's ``data_window`` carries the :func:`classifiers.train.training_fingerprint` of what it was trained on:
    training again on the same inputs gives the same model, so callers reuse that version instead.
    """
    row = con.execute(Q["same_training"], [target, fingerprint, run_id, run_id]).fetchone()
    return str(row[0]) if row else None


def metrics_of(con: duckdb.DuckDBPyConnection, version: str) -> dict[str, Any]:
    """The stored metrics of ``version``."""
    row = con.execute(Q["metrics"], [version]).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def _json_default(o: Any) -> Any:
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if hasattr(o, "item"):
        return o.item()
    return str(o)
