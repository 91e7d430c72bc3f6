"""The ML backend Label Studio calls (``orgmap serve``): a small ASGI app speaking Label Studio's protocol.

It serves the promoted model's predictions, takes annotation events, and after ``retrain_every`` of them
retrains in the background through a callable the caller gives, keeping the old model until the new one is
ready. Routes, limits and what hostile clients get: docs/labeling.md, "The ML backend".

Example::

    app = create_app(ModelHolder(model, "domain-v3"), retrain=my_retrain, retrain_every=10)
    uvicorn.run(app, host="127.0.0.1", port=9090)
"""

from __future__ import annotations

import asyncio
import base64
import collections
import datetime as dt
import ipaddress
import itertools
import json
import logging
import math
import os
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from classifiers.frames import prepare
from orgmap.review.labelstudio import FROM_NAME, TO_NAME, annotation_label
from resolver.errors import InputError

log = logging.getLogger("orgmap.serve")

AUTH_ENV = "ORGMAP_SERVE_AUTH"
"""The environment variable holding ``user:password`` for ``orgmap serve`` (or use ``--auth-file``)."""


class Model(Protocol):
    """What the backend needs of a model."""

    classes: tuple[str, ...]

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Probabilities rows × classes."""
        ...


@dataclass(frozen=True)
class Annotation:
    """One labelled example received by the webhook."""

    item_id: str
    """The task's orgmap item id (or ``ls-<task id>`` for tasks orgmap did not push)."""
    label: str
    """The chosen class."""
    data: Mapping[str, Any]
    """The task data (the frame columns orgmap pushed)."""
    annotator: str | None
    """Whoever annotated."""
    annotated_at: dt.datetime | None
    """When (UTC)."""


Retrain = Callable[[Sequence[Annotation]], tuple[Model, str]]
"""Train on the annotations received since the last successful retrain (it was handed the earlier ones and
must have stored them); return the new model and its version."""


@dataclass(frozen=True)
class ServeLimits:
    """How much one client can make the backend hold or do."""

    max_body_bytes: int = 32 * 2**20
    """A request body over this gets 413 (a 200k-task ``/predict`` of orgmap's tasks is ~25 MB)."""
    max_json_depth: int = 32
    """JSON nested deeper gets 400 (Label Studio's events nest about 6 deep)."""
    max_annotations: int = 20_000
    """Annotations buffered until a retrain stores them; beyond, the webhook answers 503."""
    max_tasks_in_flight: int = 500_000
    """Tasks being predicted or waiting for it; a request that would go beyond gets 503."""
    batch_tasks: int = 2_000
    """Requests of at most this many tasks are batched with others into one model call."""


@dataclass
class ModelHolder:
    """The model being served, swapped atomically after a successful retrain."""

    model: Model
    version: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    annotations: dict[str, Annotation] = field(default_factory=dict)
    """Latest annotation per item, waiting for the next successful retrain (which removes what it stored)."""
    accepted: int = 0
    """Annotations received since start that were new or changed an item's label."""
    pending: int = 0
    """Annotations received since the last retrain started."""
    training: bool = False
    last_error: str | None = None
    """Why the last retrain failed (for the log and the caller; ``/health`` only says that it failed)."""
    retrains: int = 0
    """Successful retrains since start."""

    def current(self) -> tuple[Model, str]:
        """The model and version to predict with now."""
        with self.lock:
            return self.model, self.version


def credentials(auth_file: str | Path | None = None, environ: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """``(user, password)`` from ``auth_file`` (its first line) or ``$ORGMAP_SERVE_AUTH``, each ``user:password``.

    Never from the command line, where any local user reads it in ``/proc``. None when neither is set.
    """
    if auth_file is not None:
        try:
            lines = Path(auth_file).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the auth file {auth_file}: {exc}", path=str(auth_file)) from exc
        text, where = (lines[0].strip() if lines else ""), f"the auth file {auth_file}"
    elif environ.get(AUTH_ENV):
        text, where = environ[AUTH_ENV].strip(), f"${AUTH_ENV}"
    else:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise InputError(f"{where} must hold user:password (both non-empty)")
    return user, password


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address, or ``localhost``) is this machine only; a Unix socket (None) is."""
    if host is None or host.lower() == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def predict_tasks(model: Model, version: str, tasks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One Label Studio prediction per task (task order), ``score`` = confidence of the predicted class."""
    if not tasks:
        return []
    frame = prepare(pd.DataFrame([dict(t.get("data") or {}) for t in tasks]))
    probs = np.nan_to_num(model.predict_proba(frame), nan=0.0, posinf=1.0, neginf=0.0)
    best = probs.argmax(axis=1)
    out = []
    for row, b in zip(probs, best, strict=True):
        label = model.classes[int(b)]
        out.append(
            {
                "model_version": version,
                "score": round(float(row[b]), 6),
                "result": [
                    {"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices", "value": {"choices": [label]}}
                ],
            }
        )
    return out


class _Refused(Exception):
    """A request the backend answers with a 4xx/503 and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _parse_json(body: bytes, max_depth: int) -> Any:
    """The JSON document in ``body``, or :class:`_Refused` (400) for anything malformed or nested too deep."""

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"number out of range: {text[:20]}")
        return value

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        doc = json.loads(body, parse_float=finite, parse_constant=constant)
    except RecursionError:
        raise _Refused(400, f"JSON nested deeper than {max_depth}") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a 5,000-digit integer, NaN
        raise _Refused(400, f"malformed JSON: {str(exc)[:200]}") from None
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise _Refused(400, f"JSON nested deeper than {max_depth}")
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return doc


def _mapping(value: Any, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object (None → empty), else :class:`_Refused` (422) naming ``what``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Refused(422, f"{what} must be a JSON object, not {type(value).__name__}")
    return value


def _tasks_of(body: Any) -> list[dict[str, Any]]:
    """The ``tasks`` of a ``/predict`` body, each an object whose ``data`` is an object; else 422."""
    tasks = _mapping(body, "the body").get("tasks") or []
    if not isinstance(tasks, list):
        raise _Refused(422, "tasks must be a list")
    for i, task in enumerate(tasks):
        _mapping(_mapping(task, f"tasks[{i}]").get("data"), f"tasks[{i}].data")
    return tasks


def _annotation_from_event(body: Mapping[str, Any]) -> Annotation | None:
    task = _mapping(body.get("task"), "task")
    ann = _mapping(body.get("annotation"), "annotation")
    result = ann.get("result") or []
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        raise _Refused(422, "annotation.result must be a list of objects")
    for r in result:
        choices = _mapping(r.get("value"), "annotation.result[].value").get("choices") or []
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise _Refused(422, "annotation.result[].value.choices must be a list of strings")
    label = annotation_label(ann)
    if label is None:
        return None
    data = _mapping(task.get("data"), "task.data")
    oid = str(data.get("orgmap_id") or "")
    item = oid.partition(":")[2] or f"ls-{task.get('id')}"
    who = ann.get("completed_by")
    if isinstance(who, Mapping):
        who = who.get("email") or who.get("id")
    ts = ann.get("updated_at") or ann.get("created_at")
    when = None
    if ts:
        try:
            when = dt.datetime.fromisoformat(str(ts).replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            when = None
    return Annotation(item, label, data, None if who is None else str(who), when)


class _Predictor:
    """Runs predictions in worker threads: small requests arriving together share one model call.

    A lone request is predicted at once; requests that arrive while a batch runs wait for the next one, so under
    load the model sees a few large batches instead of hundreds of one-row frames. A request over
    ``batch_tasks`` tasks gets a thread of its own, so it delays nobody's batch.
    """

    def __init__(self, holder: ModelHolder, limits: ServeLimits) -> None:
        self.holder, self.limits = holder, limits
        self.in_flight = 0
        self._waiting: collections.deque[tuple[list[dict[str, Any]], asyncio.Future[Any]]] = collections.deque()
        self._worker: asyncio.Task[None] | None = None

    async def predict(self, tasks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
        """The predictions of ``tasks`` and the model version; :class:`_Refused` (503) when too many are queued."""
        if self.in_flight + len(tasks) > self.limits.max_tasks_in_flight:
            raise _Refused(503, f"busy: {self.in_flight:,} tasks are being predicted; retry later")
        self.in_flight += len(tasks)
        try:
            if len(tasks) > self.limits.batch_tasks:
                model, version = self.holder.current()
                outcome = await asyncio.to_thread(_predict_alone, model, version, tasks)
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome, version
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._waiting.append((tasks, future))
            if self._worker is None or self._worker.done():
                self._worker = asyncio.create_task(self._run_batches())
            return await future
        finally:
            self.in_flight -= len(tasks)

    async def _run_batches(self) -> None:
        while self._waiting:
            batch: list[tuple[list[dict[str, Any]], asyncio.Future[Any]]] = []
            size = 0
            while self._waiting and (not batch or size + len(self._waiting[0][0]) <= self.limits.batch_tasks):
                tasks, future = self._waiting.popleft()
                if not future.done():  # a client that went away is not predicted for
                    batch.append((tasks, future))
                    size += len(tasks)
            if not batch:
                continue
            model, version = self.holder.current()
            try:
                outcomes = await asyncio.to_thread(_predict_batch, model, version, [t for t, _ in batch])
            except Exception as exc:  # noqa: BLE001 - never leave a waiting request without an answer
                outcomes = [exc] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result((outcome, version))


def _predict_batch(
    model: Model, version: str, requests: list[list[dict[str, Any]]]
) -> list[list[dict[str, Any]] | Exception]:
    """Each request's predictions, from one model call for all; if that fails, request by request.

    So a request whose tasks cannot be featurized fails alone (422), not the batch it shared.
    """
    try:
        flat = predict_tasks(model, version, [t for r in requests for t in r])
    except Exception:  # noqa: BLE001 - find the request that broke the batch
        return [_predict_alone(model, version, r) for r in requests]
    ends = itertools.accumulate(len(r) for r in requests)
    return [flat[end - len(r) : end] for r, end in zip(requests, ends, strict=True)]


def _predict_alone(model: Model, version: str, tasks: list[dict[str, Any]]) -> list[dict[str, Any]] | Exception:
    try:
        return predict_tasks(model, version, tasks)
    except Exception as exc:  # noqa: BLE001 - the client gets 422, the log the traceback
        log.warning("tasks could not be predicted", exc_info=True)
        return _Refused(422, f"tasks could not be featurized: {type(exc).__name__}")


def create_app(
    holder: ModelHolder,
    *,
    retrain: Retrain | None = None,
    retrain_every: int = 10,
    basic_auth: tuple[str, str] | None = None,
    target: str = "",
    limits: ServeLimits | None = None,
) -> Starlette:
    """The ASGI app. ``retrain_every`` new annotations start a background retrain (``retrain`` must be set).

    Without ``basic_auth`` the routes that write (``/setup``, ``/webhook``, ``/train``) answer loopback peers
    only: run such a server on 127.0.0.1.
    """
    limits = limits or ServeLimits()
    predictor = _Predictor(holder, limits)
    expected = None if basic_auth is None else (basic_auth[0].encode("utf-8"), basic_auth[1].encode("utf-8"))

    def _check(request: Request, *, writes: bool) -> None:
        if expected is None:
            if writes and not is_loopback(request.client.host if request.client else None):
                raise _Refused(
                    403,
                    f"this backend has no credentials, so it takes {request.url.path} from this machine only; "
                    f"start orgmap serve with ${AUTH_ENV} or --auth-file",
                )
            return
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, sep, password = base64.b64decode(encoded.strip(), validate=True).partition(b":")
        except ValueError:  # not base64, or not ASCII at all
            user, sep, password = b"", b"", b""
        same_user = secrets.compare_digest(user, expected[0])
        same_password = secrets.compare_digest(password, expected[1])
        if scheme.lower() != "basic" or not sep or not (same_user and same_password):
            raise _Refused(401, "authentication required")

    async def _json_body(request: Request) -> Any:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limits.max_body_bytes:
            raise _Refused(413, f"body over {limits.max_body_bytes:,} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body_bytes:
                raise _Refused(413, f"body over {limits.max_body_bytes:,} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        if size > 256 * 1024:  # parsing megabytes is CPU work: keep the event loop free for /health
            return await asyncio.to_thread(_parse_json, body, limits.max_json_depth)
        return _parse_json(body, limits.max_json_depth)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Refused)
        headers = {"WWW-Authenticate": 'Basic realm="orgmap"'} if exc.status == 401 else None
        return JSONResponse({"error": str(exc)}, exc.status, headers=headers)

    async def health(request: Request) -> Response:
        _, version = holder.current()
        return JSONResponse(
            {
                "status": "UP",
                "model_class": "orgmap",
                "target": target,
                "model_version": version,
                "training": holder.training,
                "retrains": holder.retrains,
                "last_retrain": "failed" if holder.last_error else ("ok" if holder.retrains else None),
                "annotations": holder.accepted,
                "waiting": len(holder.annotations),
            }
        )

    async def setup(request: Request) -> Response:
        _check(request, writes=True)
        _, version = holder.current()
        return JSONResponse({"model_version": version})

    async def predict(request: Request) -> Response:
        _check(request, writes=False)
        tasks = _tasks_of(await _json_body(request))
        results, version = await predictor.predict(tasks)
        doc = {"results": results, "model_version": version}
        if len(results) > limits.batch_tasks:  # rendering 200k predictions is CPU work too
            return Response(await asyncio.to_thread(_render, doc), media_type="application/json")
        return JSONResponse(doc)

    def _train() -> None:
        with holder.lock:
            snapshot = list(holder.annotations.values())
        try:
            assert retrain is not None
            model, version = retrain(snapshot)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the old model serving
            log.exception("retrain failed; the previous model keeps serving")
            with holder.lock:
                holder.last_error = f"{exc.__class__.__name__}: {exc}"
                holder.training = False
            return
        with holder.lock:
            holder.model, holder.version = model, version
            for ann in snapshot:  # stored by the retrain; a newer annotation of the item stays
                if holder.annotations.get(ann.item_id) is ann:
                    del holder.annotations[ann.item_id]
            holder.last_error = None
            holder.retrains += 1
            holder.training = False

    def _maybe_retrain() -> bool:
        with holder.lock:
            if retrain is None or holder.training or holder.pending < retrain_every:
                return False
            holder.training = True
            holder.pending = 0
        threading.Thread(target=_train, name="orgmap-retrain", daemon=True).start()
        return True

    def _accept(ann: Annotation) -> None:
        model, _ = holder.current()
        if ann.label not in model.classes:
            raise _Refused(422, f"unknown class {ann.label[:80]!r}; the model knows {', '.join(model.classes)}")
        with holder.lock:
            before = holder.annotations.get(ann.item_id)
            if retrain is not None:
                if before is None and len(holder.annotations) >= limits.max_annotations:
                    raise _Refused(
                        503,
                        f"{len(holder.annotations):,} annotations wait for a retrain that has not succeeded; "
                        "see the server log, or import them with `orgmap label pull`",
                    )
                holder.annotations[ann.item_id] = ann
            # Label Studio may report one submission more than once (created, then updated):
            # only a new item or a changed label counts towards the next retrain.
            if before is None or before.label != ann.label:
                holder.pending += 1
                holder.accepted += 1

    async def webhook(request: Request) -> Response:
        _check(request, writes=True)
        body = _mapping(await _json_body(request), "the body")
        action = body.get("action", "")
        if not isinstance(action, str):
            raise _Refused(422, "action must be a string")
        started = False
        if action in ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"):
            ann = _annotation_from_event(body)
            if ann is not None:
                _accept(ann)
            started = _maybe_retrain()
        elif action == "START_TRAINING":
            with holder.lock:
                holder.pending = max(holder.pending, retrain_every)
            started = _maybe_retrain()
        return JSONResponse({"action": action[:100], "retrain_started": started}, 201)

    async def train(request: Request) -> Response:
        _check(request, writes=True)
        with holder.lock:
            holder.pending = max(holder.pending, retrain_every)
        return JSONResponse({"retrain_started": _maybe_retrain()}, 201)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/", health, methods=["GET"]),
        Route("/setup", setup, methods=["POST"]),
        Route("/predict", predict, methods=["POST"]),
        Route("/webhook", webhook, methods=["POST"]),
        Route("/train", train, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={_Refused: refused})
    app.state.holder = holder
    return app


def _render(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
