"""Owner and merge reviews against a real Label Studio: push, annotate through its API, pull, re-run.

The answers a person gives in Label Studio become verified owners and pair decisions that a re-run of
``orgmap resolve`` keeps; Label Studio fetches owner predictions from ``orgmap serve``.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.config import load_settings
from orgmap.review.labelstudio import LabelStudio
from orgmap.review.tasks import OWNER_CHOICES
from orgmap.stages.label import serve_app
from orgmap.stages.review import review_predictor
from orgmap.store.database import Store

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _rows(db: Path, sql: str) -> list[tuple]:
    with Store(db, read_only=True) as store:
        return store.con.execute(sql).fetchall()


def _choice(control: str, to: str, value: str) -> dict:
    return {"from_name": control, "to_name": to, "type": "choices", "value": {"choices": [value]}}


def test_owner_and_merge_reviews_survive_a_re_run(label_studio, resolved_db, tmp_path):
    db = tmp_path / "review.duckdb"
    shutil.copy(resolved_db, db)
    auth = ["--url", label_studio.url, "--token", label_studio.token, "--db", str(db)]
    out = _cli("review", "push", "--what", "owners", "--n", "6", *auth)
    assert "6 owners tasks imported" in out

    ls = LabelStudio(label_studio.url, label_studio.token)
    (project,) = [p for p in ls.projects() if p["title"] == "orgmap owners"]
    assert project["sampling"] == "Uncertainty sampling" and "orgmap review=owners" in project["label_config"]
    tasks = sorted(ls.export(project["id"]), key=lambda t: t["data"]["priority"])
    assert len(tasks) == 6
    for t in tasks:
        (pred,) = ls.task(t["id"])["predictions"]
        assert pred["score"] == pytest.approx(t["data"]["priority"])  # Label Studio serves the lowest first
        assert pred["result"][0]["value"]["choices"][0] in OWNER_CHOICES
        assert pred["result"][0]["score"] == pytest.approx(t["data"]["confidence"])  # the calibrated confidence
    assert "0 owners tasks imported" in _cli("review", "push", "--what", "owners", "--n", "0", *auth)

    # A reviewer at work: a typed name, a person, and a task answered twice (the later answer counts).
    typed, person, twice = tasks[0], tasks[1], tasks[2]
    text = {"text": ["Verified Org Ltd"]}
    name = {"from_name": "other_name", "to_name": "candidates", "type": "textarea", "value": text}
    ls.submit(typed["id"], [_choice("owner", "candidates", "another name"), name])
    ls.submit(person["id"], [_choice("owner", "candidates", "person")])
    ls.submit(twice["id"], [_choice("owner", "candidates", "unknown")])
    time.sleep(1.1)
    ls.submit(twice["id"], [_choice("owner", "candidates", "platform")])
    out = _cli("review", "pull", "--what", "owners", *auth)
    assert "4 owner answers and 0 pair answers new" in out
    assert "0 owner answers" in _cli("review", "pull", "--what", "owners", *auth)
    verified = dict(_rows(db, "select registered_domain, status from verified_owners"))
    assert verified == {
        typed["data"]["domain"]: "linked",
        person["data"]["domain"]: "person",
        twice["data"]["domain"]: "platform",
    }
    who = _rows(db, "select distinct annotator, source from review_owner_answers")
    assert who == [(label_studio.user, "labelstudio")]
    assert all(r[0] is not None for r in _rows(db, "select task_id from review_owner_answers"))

    # Merges: a pair task answered "different".
    out = _cli("review", "push", "--what", "merges", "--n", "3", *auth)
    assert "merges tasks imported" in out
    (merges,) = [p for p in ls.projects() if p["title"] == "orgmap merges"]
    same = [t for t in ls.export(merges["id"]) if t["data"]["predicted"] == "same"]
    assert same, "the sample has merges to review"
    pair = same[0]["data"]
    ls.submit(same[0]["id"], [_choice("decision", "pair", "different")])
    assert "1 pair answers new" in _cli("review", "pull", "--what", "merges", *auth)

    # Re-run: every answer stays.
    _cli("resolve", str(REPO / "data" / "sample"), "--db", str(db), "--skip", "classify")
    owners = dict(_rows(db, "select registered_domain, (status, org_name, confidence) from domain_org"))
    assert owners[typed["data"]["domain"]] == ("linked", "Verified Org Ltd", 1.0)
    assert owners[person["data"]["domain"]][0] == "person"
    assert owners[twice["data"]["domain"]][0] == "platform"
    orgs = dict(_rows(db, "select registered_domain, org_id from domain_org"))
    assert orgs[pair["a"]["domain"]] != orgs[pair["b"]["domain"]]
    assert "verified by a person" in _cli("explain", typed["data"]["domain"], "--db", str(db))

    # Label Studio asks orgmap serve for owner predictions: the verified answer comes back.
    settings = load_settings(None, {"db": str(db)})
    backend = serve_app(settings, "domain", retrain_every=0, review_predict=review_predictor(settings))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(backend, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.1)
        ml = ls.connect_backend(project["id"], f"http://127.0.0.1:{port}")
        assert ml["readable_state"] == "Connected"
        ls.retrieve_predictions(project["id"], [typed["id"]])
        preds = ls.task(typed["id"])["predictions"]
        served = [p for p in preds if p["model_version"] == "verified"]
        assert served and served[0]["result"][0]["value"]["choices"] == ["another name"]
        assert served[0]["result"][1]["value"]["text"] == ["Verified Org Ltd"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ls.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
