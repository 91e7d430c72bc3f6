"""The ML backend Label Studio calls (``orgmap serve``): a small ASGI app speaking Label Studio's protocol.

- ``GET /health`` → ``{"status": "UP", "model_class": ..., "model_version": ...}``
- ``POST /setup`` → ``{"model_version": ...}`` (Label Studio sends the project and its labeling config)
- ``POST /predict`` → ``{"results": [...]}``: one prediction per task (``choices`` result, ``score`` = the
  model's confidence, ``model_version``), in task order, so Label Studio stores them as predictions
- ``POST /webhook`` → annotation events; after ``retrain_every`` new annotations a retrain starts in a
  background thread. Predictions keep being served by the current model meanwhile; the new model replaces it
  only when training succeeds (a failed retrain keeps the old model and is reported by ``/health``).

Optional HTTP Basic auth (Label Studio's "Use basic auth" switch on the model connection).

The model is anything with ``predict_proba(frame)`` and ``classes`` (an :class:`~classifiers.model.EndModel`);
tasks are turned into a frame by :func:`classifiers.frames.prepare` over their data (orgmap pushes the frame
columns into task data, so the backend needs no database to predict). Retraining is delegated to a callable so
that ``orgmap serve`` can store gold labels and register the new version in its database.

Example::

    app = create_app(ModelHolder(model, "domain-v3"), retrain=my_retrain, retrain_every=10)
    uvicorn.run(app, host="127.0.0.1", port=9090)
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from classifiers.frames import prepare
from orgmap.review.labelstudio import FROM_NAME, TO_NAME, annotation_label

log = logging.getLogger("orgmap.serve")


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
"""Train on the annotations received so far; return the new model and its version."""


@dataclass
class ModelHolder:
    """The model being served, swapped atomically after a successful retrain."""

    model: Model
    version: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    annotations: dict[str, Annotation] = field(default_factory=dict)
    """Latest annotation per item received by the webhook."""
    pending: int = 0
    """Annotations received since the last retrain started."""
    training: bool = False
    last_error: str | None = None
    retrains: int = 0
    """Successful retrains since start."""

    def current(self) -> tuple[Model, str]:
        """The model and version to predict with now."""
        with self.lock:
            return self.model, self.version


def predict_tasks(model: Model, version: str, tasks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One Label Studio prediction per task (task order), ``score`` = confidence of the predicted class."""
    if not tasks:
        return []
    frame = prepare(pd.DataFrame([dict(t.get("data") or {}) for t in tasks]))
    probs = model.predict_proba(frame)
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


def _annotation_from_event(body: Mapping[str, Any]) -> Annotation | None:
    task = body.get("task") or {}
    ann = body.get("annotation") or {}
    label = annotation_label(ann)
    if label is None:
        return None
    data = task.get("data") or {}
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


def create_app(
    holder: ModelHolder,
    *,
    retrain: Retrain | None = None,
    retrain_every: int = 10,
    basic_auth: tuple[str, str] | None = None,
    target: str = "",
) -> Starlette:
    """The ASGI app. ``retrain_every`` new annotations start a background retrain (``retrain`` must be set)."""

    def _authorized(request: Request) -> bool:
        if basic_auth is None:
            return True
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return False
        try:
            user, _, pw = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, basic_auth[0]) and secrets.compare_digest(pw, basic_auth[1])

    def _deny() -> Response:
        return JSONResponse(
            {"error": "authentication required"}, 401, headers={"WWW-Authenticate": 'Basic realm="orgmap"'}
        )

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
                "last_error": holder.last_error,
                "annotations": len(holder.annotations),
            }
        )

    async def setup(request: Request) -> Response:
        if not _authorized(request):
            return _deny()
        _, version = holder.current()
        return JSONResponse({"model_version": version})

    async def predict(request: Request) -> Response:
        if not _authorized(request):
            return _deny()
        body = await request.json()
        tasks = body.get("tasks") or []
        model, version = holder.current()
        results = predict_tasks(model, version, tasks)
        return JSONResponse({"results": results, "model_version": version})

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

    async def webhook(request: Request) -> Response:
        if not _authorized(request):
            return _deny()
        body = await request.json()
        action = body.get("action", "")
        started = False
        if action in ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"):
            ann = _annotation_from_event(body)
            if ann is not None:
                with holder.lock:
                    before = holder.annotations.get(ann.item_id)
                    holder.annotations[ann.item_id] = ann
                    # Label Studio may report one submission more than once (created, then updated):
                    # only a new item or a changed label counts towards the next retrain.
                    if before is None or before.label != ann.label:
                        holder.pending += 1
            started = _maybe_retrain()
        elif action == "START_TRAINING":
            with holder.lock:
                holder.pending = max(holder.pending, retrain_every)
            started = _maybe_retrain()
        return JSONResponse({"action": action, "retrain_started": started}, 201)

    async def train(request: Request) -> Response:
        if not _authorized(request):
            return _deny()
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
    app = Starlette(routes=routes)
    app.state.holder = holder
    return app
