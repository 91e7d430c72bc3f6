"""The full human-in-the-loop loop against a real Label Studio server.

push tasks with predictions → annotate through the API as a labeller would → pull gold → retrain; and Label
Studio connected to ``orgmap serve``: predictions fetched by Label Studio, webhook-triggered background retrain.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from classifiers.taxonomy import load_taxonomy
from orgmap.cli import app
from orgmap.config import load_settings
from orgmap.review.labelstudio import LabelStudio
from orgmap.stages.label import build_tasks, select_items, serve_app
from orgmap.store.database import Store

pytestmark = pytest.mark.integration
CLASSES = load_taxonomy().classes("domain")
runner = CliRunner()


def _db(resolved_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    shutil.copy(resolved_db, db)
    return db


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_push_annotate_pull_retrain(label_studio, resolved_db, tmp_path):
    db = _db(resolved_db, tmp_path)
    auth = ["--url", label_studio.url, "--token", label_studio.token, "--db", str(db)]
    out = _cli("label", "push", "--target", "domain", "--n", "12", "--strategy", "uncertainty", *auth)
    assert "12 tasks imported" in out

    ls = LabelStudio(label_studio.url, label_studio.token)
    project = ls.ensure_project("domain", CLASSES)
    assert ls.request("GET", f"/api/projects/{project.id}")["sampling"] == "Uncertainty sampling"  # lowest score first
    tasks = ls.export(project)
    assert len(tasks) == 12
    for t in tasks:
        assert t["data"]["orgmap_id"].startswith("domain:")
        assert 0.0 <= t["data"]["priority"] <= 1.0
        (pred,) = ls.task(t["id"])["predictions"]  # the export lists prediction ids only
        assert pred["model_version"] == "domain-v1"
        assert pred["score"] == pytest.approx(t["data"]["priority"])
        assert pred["result"][0]["value"]["choices"][0] in CLASSES

    # Idempotent: the same tasks again add nothing; a second push adds only new items.
    again = ls.import_tasks(project, [{"data": t["data"]} for t in tasks])
    assert again == {"imported": 0, "skipped": 12}
    assert "5 tasks imported" in _cli("label", "push", "--target", "domain", "--n", "5", *auth)
    tasks = ls.export(project)
    ids = [t["data"]["orgmap_id"] for t in tasks]
    assert len(ids) == 17 == len(set(ids))

    # A labeller at work: plain labels, a skipped task, and a task two people disagreed on.
    by_id = {t["data"]["orgmap_id"]: t["id"] for t in tasks}
    items = sorted(by_id)
    plan = {items[0]: "news_media", items[1]: "shop", items[2]: "government", items[3]: "education_research"}
    for oid, label in plan.items():
        ls.annotate(by_id[oid], label)
    ls.annotate(by_id[items[4]], "", cancelled=True)
    ls.annotate(by_id[items[5]], "news_media")
    time.sleep(0.05)
    ls.annotate(by_id[items[5]], "blog_personal")  # later: wins

    out = _cli("label", "pull", "--target", "domain", *auth)
    assert "5 gold labels new or changed" in out and "1 conflicts resolved" in out
    with Store(db) as store:
        rows = store.con.execute(
            "select item_id, label, annotator, annotated_at, source from gold_labels where target = 'domain'"
        ).fetchall()
        pulls = store.con.execute("select n_gold, n_conflicts from label_pulls").fetchall()
    gold = {f"domain:{r[0]}": r[1] for r in rows}
    assert gold == {**plan, items[5]: "blog_personal"}
    assert {r[2] for r in rows} == {label_studio.user} and all(r[3] is not None for r in rows)
    assert {r[4] for r in rows} == {"labelstudio"} and pulls == [(5, 1)]
    assert "0 gold labels new or changed" in _cli("label", "pull", "--target", "domain", *auth)

    # Retrain on weak labels + the new gold: a new version is registered and promoted.
    out = _cli("train", "--target", "domain", "--promote", "--db", str(db))
    assert "domain-v2: promoted" in out
    ls.close()


def test_clear_errors(label_studio, resolved_db, tmp_path, free_port):
    db = str(_db(resolved_db, tmp_path))
    bad = runner.invoke(app, ["label", "pull", "--url", label_studio.url, "--token", "wrong", "--db", db])
    assert bad.exit_code == 2 and "refused the token" in bad.output
    down = runner.invoke(app, ["label", "pull", "--url", f"http://127.0.0.1:{free_port()}", "--token", "x", "--db", db])
    assert down.exit_code == 2 and "cannot reach Label Studio" in down.output
    missing = runner.invoke(
        app, ["label", "pull", "--target", "page", "--url", label_studio.url, "--token", label_studio.token, "--db", db]
    )
    assert missing.exit_code == 2 and "no Label Studio project titled 'orgmap page'" in missing.output
    with LabelStudio(label_studio.url, label_studio.token) as ls:
        ls.ensure_project("org", ("company", "other"), title="orgmap mismatch")
    mismatch = runner.invoke(
        app,
        ["label", "push", "--target", "org", "--project-title", "orgmap mismatch", "--url", label_studio.url,
         "--token", label_studio.token, "--db", db],
    )  # fmt: skip
    assert mismatch.exit_code == 2 and "has choices ['company', 'other']" in mismatch.output


def test_label_studio_calls_orgmap_serve(label_studio, resolved_db, tmp_path, free_port):
    db = _db(resolved_db, tmp_path)
    settings = load_settings(None, {"db": str(db)})
    backend = serve_app(settings, "domain", retrain_every=3)
    holder = backend.state.holder
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(backend, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.1)
        backend_url = f"http://127.0.0.1:{port}"
        with LabelStudio(label_studio.url, label_studio.token) as ls:
            project = ls.ensure_project("domain", CLASSES, title="orgmap serve test")
            with Store(db) as store:
                selected = select_items(store, settings, "domain", 8, "entropy")
            plain = [{"data": t["data"]} for t in build_tasks(selected, "domain")]  # no pre-annotations
            assert ls.import_tasks(project, plain)["imported"] == 8

            ml = ls.connect_backend(project, backend_url)
            assert ml["readable_state"] == "Connected" and ml["model_version"] == "domain-v1"
            ls.request(
                "POST",
                "/api/webhooks",
                json={"project": project.id, "url": f"{backend_url}/webhook", "send_payload": True,
                      "send_for_all_actions": False, "actions": ["ANNOTATION_CREATED", "ANNOTATION_UPDATED"]},
            )  # fmt: skip

            task_ids = list(ls.existing_ids(project).values())
            ls.retrieve_predictions(project, task_ids)
            for tid in task_ids:
                preds = ls.task(tid)["predictions"]
                assert len(preds) == 1, preds
                assert preds[0]["model_version"] == "domain-v1"
                assert 0.0 < preds[0]["score"] <= 1.0
                assert preds[0]["result"][0]["value"]["choices"][0] in CLASSES

            # Three annotations → Label Studio's webhooks → a background retrain; predictions keep flowing.
            for tid, label in zip(task_ids[:3], ("news_media", "shop", "company"), strict=True):
                ls.annotate(tid, label)
            answered = 0
            deadline = time.monotonic() + 240
            while holder.retrains == 0 and time.monotonic() < deadline:
                r = httpx.post(f"{backend_url}/predict", json={"tasks": [{"data": plain[0]["data"]}]}, timeout=30)
                assert r.status_code == 200 and len(r.json()["results"]) == 1
                answered += 1
                assert holder.last_error is None, holder.last_error
                time.sleep(0.5)
            assert holder.retrains == 1 and holder.version == "domain-v2", httpx.get(f"{backend_url}/health").json()
            assert answered >= 1
            health = httpx.get(f"{backend_url}/health").json()
            assert health["model_version"] == "domain-v2" and health["annotations"] == 3
        with Store(db) as store:
            gold = store.con.execute("select item_id, label from gold_labels where source = 'labelstudio'").fetchall()
        assert len(gold) == 3, (gold, {k: a.label for k, a in holder.annotations.items()})
    finally:
        server.should_exit = True
        thread.join(timeout=10)
