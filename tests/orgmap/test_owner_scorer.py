"""The resolve stage's owner scorer: the model's threshold follows ``--min-precision``; both scorers run.

Real parts: the committed sample crawl, a DuckDB file, the CLI (NER left out to keep it quick).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.config import load_settings
from orgmap.owner_inputs import load_pages, scorer_of
from orgmap.store.database import Store
from resolver.errors import ConfigError
from resolver.owner_model import load_model, page_info

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
runner = CliRunner()


def test_the_models_threshold_comes_from_the_precision_target() -> None:
    loose = scorer_of(load_settings(None, {"resolve.min_precision": 0.5}, environ={}))
    strict = scorer_of(load_settings(None, {"resolve.min_precision": 0.99}, environ={}))
    assert loose.kind == strict.kind == "model"
    assert loose.threshold < strict.threshold == load_model().threshold_for(0.99)
    baseline = scorer_of(load_settings(None, {"resolve.scorer": "noisy_or"}, environ={}))
    assert baseline.kind == "noisy_or" and baseline.threshold == 0.4
    with pytest.raises(ConfigError, match="noisy_or"):
        scorer_of(load_settings(None, {"resolve.scorer": "magic"}, environ={}))


def _resolve(tmp_path: Path, name: str, *flags: str) -> tuple[dict, list[tuple]]:
    db = tmp_path / name
    args = ["resolve", str(SAMPLE), "--db", str(db), "--no-ner", *flags]
    result = runner.invoke(app, [*args, "--skip", "classify", "--skip", "graph", "--skip", "export"])
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        counts = json.loads(store.con.execute("select counts from runs order by run_id desc limit 1").fetchone()[0])
        rows = store.con.execute(
            "select status, confidence, evidence->>'scorer', site_name, evidence->'signals' from domain_org"
        ).fetchall()
    return counts["resolve"], rows


@pytest.mark.slow
def test_min_precision_on_the_command_line_moves_the_threshold_and_the_links(tmp_path: Path) -> None:
    default, rows = _resolve(tmp_path, "default.duckdb")
    strict, strict_rows = _resolve(tmp_path, "strict.duckdb", "--min-precision", "0.99")
    assert default["scorer"] == "model" and default["threshold"] == load_model().threshold_for(0.9) == 0.5
    assert strict["threshold"] == load_model().threshold_for(0.99) > default["threshold"]
    assert strict["linked"] <= default["linked"]
    scored = [(s, c) for s, c, _, _, signals in strict_rows if json.loads(signals) != ["redirect"]]
    assert all(c >= strict["threshold"] for s, c in scored if s == "linked")
    assert {scorer for _, _, scorer, _, _ in rows} == {"model"}
    assert all(site for s, _, _, site, _ in rows if s == "linked"), "a linked domain has a site name"


@pytest.mark.slow
def test_the_noisy_or_baseline_stays_selectable(tmp_path: Path) -> None:
    summary, rows = _resolve(tmp_path, "baseline.duckdb", "--config", str(_config(tmp_path)))
    assert summary["scorer"] == "noisy_or" and summary["threshold"] == 0.4
    assert {scorer for _, _, scorer, _, _ in rows} == {"noisy_or"}


@pytest.mark.slow
def test_page_kinds_read_in_sql_agree_with_page_info(tmp_path: Path) -> None:
    _resolve(tmp_path, "kinds.duckdb")
    with Store(tmp_path / "kinds.duckdb", read_only=True) as store:
        loaded = load_pages(store)
        rows = store.con.execute(
            "select page_id, url_norm, is_legal_page, is_about_page, og_type, jsonld_types from page_features"
            " where page_id in (select page_id from page_signals)"
        ).fetchall()
    assert rows and len(loaded) == len(rows)
    for page_id, url, legal, about, og_type, types in rows:
        assert loaded[page_id] == page_info(url, is_legal=legal, is_about=about, og_type=og_type, jsonld_types=types)
    assert any(p.home for p in loaded.values()) and not all(p.home for p in loaded.values())


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "orgmap.toml"
    path.write_text('[resolve]\nscorer = "noisy_or"\n', encoding="utf-8")
    return path
