"""The labeling stage on a store: selection skips gold and pushed items; CLI file export → import round trip."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.config import load_settings
from orgmap.runs import Run
from orgmap.stages.classify import classify
from orgmap.stages.label import build_tasks, record_tasks, select_items
from orgmap.store.database import Store


def _settings(store: Store):
    return load_settings(None, {"db": store.path, "classify.label_model": "majority"}, environ={})


def test_selection_tasks_and_exclusions(classify_store):
    store = classify_store
    s = _settings(store)
    classify(store, s, Run(1))
    sel = select_items(store, s, "page", 5, "entropy")
    assert len(sel) == 5 and sel["informativeness"].is_monotonic_decreasing
    tasks = build_tasks(sel, "page")
    t = tasks[0]
    assert t["data"]["orgmap_id"] == f"page:{sel['item_id'][0]}"
    assert t["predictions"][0]["score"] == t["data"]["priority"]
    assert t["predictions"][0]["model_version"].startswith("page-v")
    record_tasks(store, sel, server="http://ls", project_id=1, target="page", strategy="entropy")
    store.con.execute("insert into gold_labels values ('page', ?, 'article', 'x', null, 'csv')", [sel["item_id"][1]])
    pushed = set(sel["item_id"][:1])
    nxt = select_items(store, s, "page", 5, "entropy", exclude=pushed)
    assert not set(nxt["item_id"]) & {sel["item_id"][0], sel["item_id"][1]}
    lfd = select_items(store, s, "page", 3, "lf_disagreement")
    assert len(lfd) == 3


def test_cli_export_fill_import(classify_store, tmp_path):
    store = classify_store
    classify(store, _settings(store), Run(1))
    db = store.path
    store.close()
    out = tmp_path / "to_label.csv"
    runner = CliRunner()
    r = runner.invoke(
        app, ["label", "export", str(out), "--format", "csv", "--target", "domain", "--n", "4", "--db", db]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4
    rows[0]["label"], rows[1]["label"] = "news_media", "nonsense"
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = runner.invoke(app, ["label", "import", str(out), "--annotator", "alice", "--db", db])
    assert r.exit_code == 0, r.output
    assert "1 gold labels read" in r.output and "1 skipped" in r.output
    with Store(db) as s2:
        gold = s2.con.execute("select item_id, label, annotator, source from gold_labels").fetchall()
        pulls = s2.con.execute("select source, n_gold from label_pulls").fetchall()
    assert gold == [(rows[0]["item_id"], "news_media", "alice", "csv")] and pulls == [("csv", 1)]
    r = runner.invoke(app, ["label", "config", "--target", "org"])
    assert r.exit_code == 0 and '<Choice value="government"/>' in r.output
