"""The ML backend app: Label Studio's protocol, background retrain, failure keeps the old model, Basic auth."""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import numpy as np
import uvicorn

from orgmap.review.backend import ModelHolder, create_app
from orgmap.review.labelstudio import choice_result


class Fixed:
    """A model that always predicts the class at ``best`` with p=0.7."""

    classes = ("news", "shop", "other")

    def __init__(self, best: int = 0) -> None:
        self.best = best

    def predict_proba(self, frame):
        p = np.full((len(frame), 3), 0.15)
        p[:, self.best] = 0.7
        return p


def _event(i: int, label: str) -> dict:
    return {
        "action": "ANNOTATION_CREATED",
        "task": {"id": i, "data": {"orgmap_id": f"domain:d{i}.com", "title": "t", "text": "x"}},
        "annotation": {"id": i, "result": choice_result(label), "completed_by": {"email": "a@b.c"},
                       "updated_at": "2026-01-01T00:00:00Z"},
    }  # fmt: skip


@contextlib.contextmanager
def serving(app) -> Iterator[httpx.Client]:
    """The app on a real uvicorn server on loopback, and a client for it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert _wait(lambda: server.started)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


def _wait(cond, timeout=10.0):
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        time.sleep(0.01)
    return cond()


def test_protocol_predict_setup_health():
    with serving(create_app(ModelHolder(Fixed(1), "domain-v1"), target="domain")) as client:
        assert client.get("/health").json()["status"] == "UP"
        assert client.post("/setup", json={"project": "1.123", "schema": "<View/>"}).json() == {
            "model_version": "domain-v1"
        }
        tasks = [{"id": 1, "data": {"title": "a", "text": "b"}}, {"id": 2, "data": {"url": "https://x.com"}}]
        res = client.post("/predict", json={"tasks": tasks, "project": "1.123"}).json()["results"]
        assert len(res) == 2
        assert res[0]["model_version"] == "domain-v1" and res[0]["score"] == 0.7
        assert res[0]["result"][0]["value"]["choices"] == ["shop"] and res[0]["result"][0]["from_name"] == "label"


def test_webhook_retrains_in_background_while_predictions_continue():
    gate = threading.Event()
    seen = []

    def retrain(annotations):
        seen.append(sorted((a.item_id, a.label, a.annotator) for a in annotations))
        gate.wait(10)
        return Fixed(2), "domain-v2"

    holder = ModelHolder(Fixed(0), "domain-v1")
    with serving(create_app(holder, retrain=retrain, retrain_every=2)) as client:
        assert client.post("/webhook", json=_event(1, "news")).json()["retrain_started"] is False
        assert client.post("/webhook", json=_event(2, "shop")).json()["retrain_started"] is True
        assert _wait(lambda: seen)
        # training is blocked: the old model answers
        res = client.post("/predict", json={"tasks": [{"data": {}}]}).json()["results"]
        assert res[0]["model_version"] == "domain-v1" and holder.training
        assert client.post("/webhook", json=_event(3, "other")).json()["retrain_started"] is False  # one at a time
        gate.set()
        assert _wait(lambda: holder.version == "domain-v2")
        assert seen[0] == [("d1.com", "news", "a@b.c"), ("d2.com", "shop", "a@b.c")]
        res = client.post("/predict", json={"tasks": [{"data": {}}]}).json()["results"]
        assert res[0]["model_version"] == "domain-v2" and res[0]["result"][0]["value"]["choices"] == ["other"]
        # cancelled annotations are not examples
        cancelled = _event(4, "news")
        cancelled["annotation"]["was_cancelled"] = True
        client.post("/webhook", json=cancelled)
        assert client.get("/health").json()["annotations"] == 3


def test_failed_retrain_keeps_the_old_model():
    def boom(annotations):
        raise ValueError("no two classes")

    holder = ModelHolder(Fixed(0), "domain-v1")
    with serving(create_app(holder, retrain=boom, retrain_every=1)) as client:
        client.post("/webhook", json=_event(1, "news"))
        assert _wait(lambda: not holder.training and holder.last_error)
        health = client.get("/health")
        assert health.json()["model_version"] == "domain-v1" and health.json()["last_retrain"] == "failed"
        assert "no two classes" in holder.last_error and "no two classes" not in health.text  # no internals
        assert client.post("/predict", json={"tasks": [{"data": {}}]}).status_code == 200


def test_basic_auth():
    with serving(create_app(ModelHolder(Fixed(), "v1"), basic_auth=("ls", "s3cret"))) as client:
        assert client.post("/predict", json={"tasks": []}).status_code == 401
        bad = base64.b64encode(b"ls:nope").decode()
        assert client.post("/predict", json={"tasks": []}, headers={"Authorization": f"Basic {bad}"}).status_code == 401
        good = base64.b64encode(b"ls:s3cret").decode()
        r = client.post("/predict", json={"tasks": []}, headers={"Authorization": f"Basic {good}"})
        assert r.status_code == 200 and r.json()["results"] == []
        assert client.get("/health").status_code == 200  # Label Studio checks health before sending credentials


def test_repeated_events_for_one_submission_count_once():
    holder = ModelHolder(Fixed(0), "domain-v1")
    with serving(create_app(holder, retrain=lambda a: (Fixed(1), "domain-v2"), retrain_every=2)) as client:
        assert client.post("/webhook", json=_event(1, "news")).json()["retrain_started"] is False
        updated = {**_event(1, "news"), "action": "ANNOTATION_UPDATED"}
        assert client.post("/webhook", json=updated).json()["retrain_started"] is False
        assert holder.pending == 1
        assert client.post("/webhook", json=_event(1, "shop")).json()["retrain_started"] is True  # a changed label
