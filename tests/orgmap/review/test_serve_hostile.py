"""``orgmap serve`` under hostile clients (issue 16): who may write, credentials, limits, malformed input, load.

In-process ASGI calls (httpx's ASGITransport) stand in for peers on other machines, since tests talk to loopback
only; what needs a real socket (an event loop kept free, concurrent clients) runs on uvicorn on loopback.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from orgmap.cli import app as cli_app
from orgmap.config import load_settings
from orgmap.review.backend import ModelHolder, ServeLimits, create_app, credentials, is_loopback
from orgmap.review.labelstudio import choice_result
from orgmap.store.database import Store
from resolver.errors import InputError
from tests.orgmap.review.test_backend import Fixed, _event, _wait, serving

LOOPBACK = ("127.0.0.1", 50_000)
ELSEWHERE = ("203.0.113.7", 50_000)  # TEST-NET-3: a peer on another machine


def call(app: Any, method: str, path: str, *, peer: tuple[str, int] = LOOPBACK, **kw: Any) -> httpx.Response:
    """One request through the ASGI app as if from ``peer``; a 500 comes back as a response, not an exception."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=peer, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://orgmap") as client:
            return await client.request(method, path, **kw)

    return asyncio.run(go())


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


# -- who may write ----------------------------------------------------------------------------------


def test_without_credentials_only_loopback_may_write() -> None:
    holder = ModelHolder(Fixed(0), "domain-v1")
    app = create_app(holder, retrain=lambda a: (Fixed(1), "domain-v2"), retrain_every=1)
    for path, body in (("/webhook", _event(1, "news")), ("/train", {}), ("/setup", {"project": "1"})):
        r = call(app, "POST", path, peer=ELSEWHERE, json=body)
        assert r.status_code == 403 and "ORGMAP_SERVE_AUTH" in r.json()["error"], (path, r.text)
    assert holder.annotations == {} and holder.retrains == 0 and not holder.training
    assert call(app, "POST", "/predict", peer=ELSEWHERE, json={"tasks": [{"data": {}}]}).status_code == 200
    assert call(app, "GET", "/health", peer=ELSEWHERE).status_code == 200
    assert call(app, "POST", "/webhook", peer=LOOPBACK, json=_event(1, "news")).status_code == 201
    assert call(app, "POST", "/webhook", peer=("::ffff:127.0.0.1", 1), json=_event(2, "news")).status_code == 201


def test_with_credentials_any_peer_that_has_them_may_write() -> None:
    app = create_app(ModelHolder(Fixed(0), "v1"), basic_auth=("ls", "s3cret"))
    assert call(app, "POST", "/setup", peer=ELSEWHERE, json={}).status_code == 401
    assert call(app, "POST", "/setup", peer=LOOPBACK, json={}).status_code == 401
    assert call(app, "POST", "/setup", peer=ELSEWHERE, json={}, headers=basic("ls", "s3cret")).status_code == 200


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("10.1.2.3", False), ("example.com", False)],
)  # fmt: skip
def test_is_loopback(host: str, local: bool) -> None:
    assert is_loopback(host) is local


@pytest.mark.parametrize(
    ("configured", "sent"),
    [(("ls", "pässwort"), b"ls:wrong"), (("ls", "pässwort"), "ls:pässwort".encode("latin-1")),
     (("lß", "pw"), b"ls:pw"), (("ls", "pw"), "lß:pw".encode())],
)  # fmt: skip
def test_non_ascii_credentials_get_401_not_500(configured: tuple[str, str], sent: bytes) -> None:
    app = create_app(ModelHolder(Fixed(), "v1"), basic_auth=configured)
    header = {"Authorization": b"Basic " + base64.b64encode(sent)}
    assert call(app, "POST", "/predict", json={"tasks": []}, headers=header).status_code == 401
    raw = {"Authorization": "Basic ä€".encode()}  # not even base64
    assert call(app, "POST", "/predict", json={"tasks": []}, headers=raw).status_code == 401


def test_non_ascii_credentials_that_match_are_accepted() -> None:
    app = create_app(ModelHolder(Fixed(), "v1"), basic_auth=("lß", "pässwort"))
    assert call(app, "POST", "/predict", json={"tasks": []}, headers=basic("lß", "pässwort")).status_code == 200


# -- credentials come from the environment or a file -----------------------------------------------


def test_credentials_from_environment_or_file(tmp_path: Path) -> None:
    assert credentials(None, {}) is None
    assert credentials(None, {"ORGMAP_SERVE_AUTH": "ls:s3:cret"}) == ("ls", "s3:cret")
    secret = tmp_path / "serve.auth"
    secret.write_text("ls:pässwort\n# anything after the first line is ignored\n")
    assert credentials(secret, {"ORGMAP_SERVE_AUTH": "other:pw"}) == ("ls", "pässwort")  # the file wins
    for bad in ("nocolon", ":pw", "ls:"):
        with pytest.raises(InputError, match="user:password"):
            credentials(None, {"ORGMAP_SERVE_AUTH": bad})
    with pytest.raises(InputError, match="cannot read the auth file"):
        credentials(tmp_path / "missing", {})


def test_the_auth_variable_is_not_taken_for_a_setting() -> None:
    assert load_settings(environ={"ORGMAP_SERVE_AUTH": "ls:pw", "ORGMAP_SERVE_LOG": "info"}).db


def test_cli_reads_credentials_from_the_environment_and_refuses_an_open_host(tmp_path: Path) -> None:
    db = tmp_path / "orgmap.duckdb"
    with Store(db):
        pass
    runner = CliRunner()
    open_host = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--db", str(db)], env={"ORGMAP_SERVE_AUTH": ""})
    assert open_host.exit_code == 2 and "ORGMAP_SERVE_AUTH" in open_host.output
    # with credentials in the environment the command gets as far as loading the model (none in this database)
    with_env = runner.invoke(
        cli_app, ["serve", "--host", "0.0.0.0", "--db", str(db)], env={"ORGMAP_SERVE_AUTH": "ls:s3cret"}
    )
    assert with_env.exit_code == 2 and "no promoted domain model" in with_env.output, with_env.output
    assert "--basic-auth" not in runner.invoke(cli_app, ["serve", "--help"]).output


# -- what /health tells -----------------------------------------------------------------------------


def test_health_shows_no_internals() -> None:
    def locked(annotations):
        raise OSError('Could not set lock on file "/srv/orgmap/prod.duckdb": Conflicting lock is held (PID 4242)')

    holder = ModelHolder(Fixed(0), "domain-v1")
    app = create_app(holder, retrain=locked, retrain_every=1)
    with serving(app) as client:
        client.post("/webhook", json=_event(1, "news"))
        assert _wait(lambda: not holder.training and holder.last_error)
        health = client.get("/health")
    assert health.status_code == 200 and health.json()["last_retrain"] == "failed"
    assert "prod.duckdb" not in health.text and "4242" not in health.text and "lock" not in health.text


# -- limits and malformed input ----------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413() -> None:
    app = create_app(ModelHolder(Fixed(), "v1"), limits=ServeLimits(max_body_bytes=1_000))
    big = json.dumps({"tasks": [{"data": {"text": "x" * 2_000}}]}).encode()
    assert call(app, "POST", "/predict", content=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted while reading
        yield big[:600]
        yield big[600:]

    async def chunked() -> int:
        transport = httpx.ASGITransport(app=app, client=LOOPBACK)
        async with httpx.AsyncClient(transport=transport, base_url="http://orgmap") as client:

            async def body():
                for c in chunks():
                    yield c

            return (await client.post("/webhook", content=body())).status_code

    assert asyncio.run(chunked()) == 413
    assert call(app, "POST", "/predict", json={"tasks": [{"data": {"text": "ok"}}]}).status_code == 200


MALFORMED = {
    "truncated": b'{"tasks": [',
    "not_json": b"tasks please",
    "invalid_utf8": b'{"tasks": "\xff\xfe"}',
    "nul": b'{"tasks": [{"data": {"text": "a\x00b"}}]',
    "nan": b'{"tasks": [{"data": {"n_words": NaN}}]}',
    "overflow": b'{"tasks": [{"data": {"n_words": 1e400}}]}',
    "huge_int": b'{"tasks": [{"data": {"n_words": 1' + b"0" * 5_000 + b"}}]}",
    "deep_array": b"[" * 100_000 + b"]" * 100_000,
    "deep_object": b'{"a":' * 50 + b"1" + b"}" * 50,
    "deep_data": b'{"tasks": [{"data": {"text": ' + b"[" * 40 + b"]" * 40 + b"}}]}",
    "array_body": b"[]",
    "string_body": b'"tasks"',
    "tasks_not_list": b'{"tasks": {"data": {}}}',
    "task_not_object": b'{"tasks": [1, "two"]}',
    "data_not_object": b'{"tasks": [{"data": [1, 2]}]}',
}
BAD_EVENTS = {
    "action_not_string": {"action": ["ANNOTATION_CREATED"]},
    "task_not_object": {**_event(1, "news"), "task": "task"},
    "data_not_object": {**_event(1, "news"), "task": {"id": 1, "data": 7}},
    "annotation_not_object": {**_event(1, "news"), "annotation": [1]},
    "result_not_list": {**_event(1, "news"), "annotation": {"result": "news"}},
    "result_item_not_object": {**_event(1, "news"), "annotation": {"result": ["news"]}},
    "value_not_object": {**_event(1, "news"), "annotation": {"result": [{"type": "choices", "value": "news"}]}},
    "choice_not_string": {**_event(1, "news"), "annotation": {"result": choice_result({"x": 1})}},  # type: ignore[arg-type]
    "unknown_class": _event(1, "<script>"),
}


PREDICT_ONLY = {"tasks_not_list", "task_not_object", "data_not_object"}


@pytest.mark.parametrize(
    ("path", "name"),
    [(p, n) for n in sorted(MALFORMED) for p in ("/predict", "/webhook") if p == "/predict" or n not in PREDICT_ONLY],
)
def test_malformed_bodies_get_4xx(path: str, name: str) -> None:
    app = create_app(ModelHolder(Fixed(), "v1"), retrain=lambda a: (Fixed(), "v2"))
    r = call(app, "POST", path, content=MALFORMED[name], headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500 and r.json()["error"], r.text


@pytest.mark.parametrize("name", sorted(BAD_EVENTS))
def test_webhook_events_of_the_wrong_shape_get_422(name: str) -> None:
    holder = ModelHolder(Fixed(), "v1")
    app = create_app(holder, retrain=lambda a: (Fixed(), "v2"), retrain_every=100)
    r = call(app, "POST", "/webhook", json=BAD_EVENTS[name])
    assert r.status_code == 422 and r.json()["error"], r.text
    assert holder.annotations == {}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
EVENT_KEYS = st.sampled_from(["action", "task", "annotation", "tasks", "data", "result", "value", "choices", "id"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(EVENT_KEYS, JSON, max_size=4) | JSON,
    st.sampled_from(["ANNOTATION_CREATED", "START_TRAINING", "x"]),
)
def test_fuzzed_bodies_never_get_a_500(body: Any, action: str) -> None:
    app = create_app(ModelHolder(Fixed(), "v1"), retrain=lambda a: (Fixed(), "v2"), retrain_every=1_000)
    if isinstance(body, dict) and "action" in body:
        body["action"] = action
    for path in ("/predict", "/webhook", "/setup"):
        assert call(app, "POST", path, json=body).status_code < 500, (path, body)


# -- load: predictions off the event loop, batched, bounded ------------------------------------------


class Gated(Fixed):
    """Predicts only once the test opens the gate, and says when it has started."""

    def __init__(self) -> None:
        super().__init__(0)
        self.started, self.gate = threading.Event(), threading.Event()

    def predict_proba(self, frame):
        self.started.set()
        self.gate.wait(60)
        return super().predict_proba(frame)


def test_a_200k_task_request_does_not_block_health() -> None:
    model = Gated()
    tasks = [{"data": {"title": f"page {i}", "n_words": i}} for i in range(200_000)]
    done: dict[str, Any] = {}
    with serving(create_app(ModelHolder(model, "domain-v1"))) as client:

        def big() -> None:
            with httpx.Client(base_url=client.base_url, timeout=120) as other:
                done["r"] = other.post("/predict", json={"tasks": tasks})

        thread = threading.Thread(target=big)
        thread.start()
        try:
            assert model.started.wait(60)  # the model is busy with the 200k tasks...
            assert client.get("/health").json()["status"] == "UP"  # ...and /health answers meanwhile
            assert "r" not in done
        finally:
            model.gate.set()
            thread.join(120)
    assert done["r"].status_code == 200 and len(done["r"].json()["results"]) == 200_000


class ByWords(Fixed):
    """Predicts class ``n_words % 3``; refuses to featurize ``n_words == 13``."""

    def predict_proba(self, frame):
        words = frame["n_words"].to_numpy().astype(int)
        if (words == 13).any():
            raise ValueError("unlucky")
        p = np.full((len(frame), 3), 0.1)
        p[np.arange(len(frame)), words % 3] = 0.8
        return p


def test_concurrent_requests_get_their_own_predictions_and_a_bad_one_fails_alone() -> None:
    results: dict[int, httpx.Response] = {}
    with serving(create_app(ModelHolder(ByWords(), "v1"))) as client:

        def one(i: int) -> None:
            with httpx.Client(base_url=client.base_url, timeout=60) as c:
                tasks = [{"data": {"n_words": i}}, {"data": {"n_words": i + 1}}]
                results[i] = c.post("/predict", json={"tasks": tasks})

        threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    classes = ByWords.classes
    for i, r in results.items():
        if i in (12, 13):  # a task with n_words 13
            assert r.status_code == 422 and "featurized" in r.json()["error"]
            continue
        got = [p["result"][0]["value"]["choices"][0] for p in r.json()["results"]]
        assert got == [classes[i % 3], classes[(i + 1) % 3]], i
    assert len(results) == 40


def test_too_many_tasks_in_flight_get_503() -> None:
    app = create_app(ModelHolder(Fixed(), "v1"), limits=ServeLimits(max_tasks_in_flight=10))
    r = call(app, "POST", "/predict", json={"tasks": [{"data": {}}] * 11})
    assert r.status_code == 503 and "busy" in r.json()["error"]
    assert call(app, "POST", "/predict", json={"tasks": [{"data": {}}] * 10}).status_code == 200


def test_annotations_wait_in_a_bounded_buffer_emptied_by_a_successful_retrain() -> None:
    fail = threading.Event()
    fail.set()

    def retrain(annotations):
        if fail.is_set():
            raise RuntimeError("database busy")
        return Fixed(1), "v2"

    holder = ModelHolder(Fixed(0), "v1")
    app = create_app(holder, retrain=retrain, retrain_every=2, limits=ServeLimits(max_annotations=3))
    with serving(app) as client:
        for i in range(3):
            assert client.post("/webhook", json=_event(i, "news")).status_code == 201
            assert _wait(lambda: not holder.training)
        full = client.post("/webhook", json=_event(3, "news"))
        assert full.status_code == 503 and "retrain" in full.json()["error"]
        assert client.post("/webhook", json=_event(0, "shop")).status_code == 201  # a known item may change
        fail.clear()
        assert client.post("/train").json()["retrain_started"]
        assert _wait(lambda: holder.retrains == 1 and not holder.training)
        assert holder.annotations == {} and client.get("/health").json()["waiting"] == 0
        assert client.post("/webhook", json=_event(3, "news")).status_code == 201


def test_a_large_request_that_cannot_be_featurized_gets_422() -> None:
    app = create_app(ModelHolder(ByWords(), "v1"), limits=ServeLimits(batch_tasks=2))  # 3 tasks: a thread of its own
    bad = call(app, "POST", "/predict", json={"tasks": [{"data": {"n_words": n}} for n in (1, 13, 2)]})
    assert bad.status_code == 422 and "featurized" in bad.json()["error"]
    good = call(app, "POST", "/predict", json={"tasks": [{"data": {"n_words": n}} for n in (1, 2, 3)]})
    assert [p["result"][0]["value"]["choices"][0] for p in good.json()["results"]] == ["shop", "other", "news"]
