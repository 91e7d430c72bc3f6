"""The labeling stage: choose items to label (active learning), push them to Label Studio or a file, pull gold.

``select_items`` reads the target's frame and current predictions (``labels``), scores every item without a
gold label and not yet pushed by the strategy (``classifiers.active``) and keeps the top ``n``;
``build_tasks`` turns them into Label Studio tasks (frame columns + evidence in ``data``, orgmap's prediction
as a pre-annotation whose ``score`` is the priority). ``push`` imports them and records ``label_tasks``;
``pull`` exports the project's annotations, resolves conflicts (``orgmap.review.labelstudio.resolve_annotations``)
and writes ``gold_labels``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from classifiers import active
from classifiers.taxonomy import TARGETS
from classifiers.train import weak_labels
from orgmap.config import Settings
from orgmap.models import load_frame, taxonomy_for
from orgmap.review.labelstudio import (
    GoldLabel,
    LabelStudio,
    choice_result,
    evidence_text,
    orgmap_id,
    redact_url,
    resolve_annotations,
)
from orgmap.store import schemas
from orgmap.store.database import Store, now
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "label.sql")

if TYPE_CHECKING:
    from orgmap.review.backend import ServeLimits

TEXT_CHARS = 2000
"""Characters of page/domain text sent in a task (the labeller reads; the backend predicts from it)."""


@dataclass
class PushSummary:
    """What ``orgmap label push`` did."""

    project_id: int
    selected: int
    imported: int
    skipped: int
    strategy: str


@dataclass
class PullSummary:
    """What ``orgmap label pull`` / ``import`` did."""

    n_tasks: int
    n_gold: int
    n_conflicts: int
    problems: list[dict[str, Any]]


def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise InputError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")


def select_items(
    store: Store,
    settings: Settings,
    target: str,
    n: int,
    strategy: str = "uncertainty",
    *,
    diverse: bool = True,
    exclude: set[str] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The ``n`` most informative unlabelled items (no gold, not in ``exclude``).

    Frame columns plus label, confidence, probs, evidence, model_version, informativeness and priority
    (lower = label first).
    """
    _check_target(target)
    frame = load_frame(store, target)
    if not len(frame):
        raise InputError(f"no {target} rows yet; run `orgmap resolve` first")
    pred = store.con.execute(Q["predictions"], [target]).df()
    frame = frame.merge(pred, on="item_id", how="left")
    classes = taxonomy_for(settings).classes(target)
    if strategy != "random" and frame["probs"].isna().all() and strategy != "lf_disagreement":
        raise InputError(f"no {target} predictions yet; run `orgmap resolve` (or `orgmap train`) before pushing")
    probs = np.array(
        [
            [float(json.loads(p).get(c, 0.0)) for c in classes]
            if isinstance(p, str)
            else [1.0 / len(classes)] * len(classes)
            for p in frame["probs"]
        ]
    )
    L = None
    if strategy == "lf_disagreement":
        c = settings.classify
        weak = weak_labels(
            frame, taxonomy_for(settings), target, method=c.label_model, seed=c.seed, n_epochs=c.n_epochs
        )
        L = weak.applied.L
    info = active.informativeness(strategy, probs=probs, L=L, n_classes=len(classes), n_rows=len(frame), seed=seed)
    gold = {r[0] for r in store.con.execute(Q["gold_items"], [target]).fetchall()}
    skip = gold | (exclude or set())
    eligible = ~frame["item_id"].isin(skip).to_numpy()
    texts = (frame["title"] + " " + frame["text"]).tolist()
    rows = active.select(info, n, texts=texts, diverse=diverse, eligible=eligible)
    out = frame.iloc[rows].reset_index(drop=True)
    out["informativeness"] = info[rows]
    out["priority"] = active.priority_score(info)[rows]
    return out


def build_tasks(selected: pd.DataFrame, target: str) -> list[dict[str, Any]]:
    """Label Studio tasks: frame columns (text cut to :data:`TEXT_CHARS`), evidence, priority; a prediction."""
    skip = {"probs", "evidence", "label", "confidence", "model_version", "informativeness", "priority"}
    tasks = []
    for rec in selected.to_dict("records"):
        data: dict[str, Any] = {}
        for k, v in rec.items():
            if k in skip:
                continue
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and v != v:
                v = None
            data[k] = v[:TEXT_CHARS] if isinstance(v, str) else v
        item = str(rec["item_id"])
        data.update(
            {
                "orgmap_id": orgmap_id(target, item),
                "target": target,
                "priority": round(float(rec["priority"]), 6),
                "informativeness": round(float(rec["informativeness"]), 6),
                "predicted": rec.get("label") if isinstance(rec.get("label"), str) else None,
                "confidence": None if rec.get("confidence") != rec.get("confidence") else rec.get("confidence"),
                "evidence_text": evidence_text(rec.get("evidence") if isinstance(rec.get("evidence"), str) else None),
                "title": data.get("title") or data.get("name") or item,
                "url": data.get("url") or item,
            }
        )
        task: dict[str, Any] = {"data": data}
        if isinstance(rec.get("label"), str):
            task["predictions"] = [
                {
                    "model_version": rec.get("model_version") or "orgmap",
                    "score": round(float(rec["priority"]), 6),
                    "result": choice_result(rec["label"]),
                }
            ]
        tasks.append(task)
    return tasks


def pushed_items(store: Store, server: str, project_id: int, target: str) -> set[str]:
    """Items already sent to this project."""
    rows = store.con.execute(Q["pushed_items"], [redact_url(server), project_id, target]).fetchall()
    return {r[0] for r in rows}


def record_tasks(
    store: Store,
    selected: pd.DataFrame,
    *,
    server: str,
    project_id: int,
    target: str,
    strategy: str,
    task_ids: dict[str, int] | None = None,
    run_id: int | None = None,
) -> int:
    """Write ``label_tasks`` rows for the pushed items (new ones only)."""
    ids = task_ids or {}
    n = len(selected)
    item = selected["item_id"].astype(str).tolist()
    table = schemas.rows(
        "label_tasks",
        {
            "server": [redact_url(server)] * n,  # a user and password in the URL are never stored
            "project_id": [project_id] * n,
            "target": [target] * n,
            "item_id": item,
            "task_id": [ids.get(orgmap_id(target, i)) for i in item],
            "pushed_at": [now()] * n,
            "strategy": [strategy] * n,
            "informativeness": selected["informativeness"].astype(float).tolist(),
            "priority": selected["priority"].astype(float).tolist(),
            "model_version": [v if isinstance(v, str) else None for v in selected.get("model_version", [None] * n)],
            "predicted": [v if isinstance(v, str) else None for v in selected.get("label", [None] * n)],
            "run_id": [run_id] * n,
        },
    )
    with store.transaction():
        return store.insert_new("label_tasks", table, ["server", "project_id", "target", "item_id"])


def push(
    store: Store,
    settings: Settings,
    client: LabelStudio,
    target: str,
    n: int,
    strategy: str = "uncertainty",
    *,
    diverse: bool = True,
    project_title: str | None = None,
    run_id: int | None = None,
) -> PushSummary:
    """Create or reuse the target's project and import the ``n`` most informative unpushed items."""
    _check_target(target)
    classes = taxonomy_for(settings).classes(target)
    project = client.ensure_project(target, classes, title=project_title)
    existing = client.existing_ids(project)
    done = pushed_items(store, client.url, project.id, target) | {
        k.partition(":")[2] for k in existing if k.startswith(f"{target}:")
    }
    selected = select_items(
        store, settings, target, n, strategy, diverse=diverse, exclude=done, seed=settings.classify.seed
    )
    counts = client.import_tasks(project, build_tasks(selected, target))
    ids = client.existing_ids(project)
    record_tasks(
        store,
        selected,
        server=client.url,
        project_id=project.id,
        target=target,
        strategy=strategy,
        task_ids=ids,
        run_id=run_id,
    )
    return PushSummary(project.id, len(selected), counts["imported"], counts["skipped"], strategy)


def write_gold(store: Store, gold: list[GoldLabel], source: str) -> int:
    """Insert or replace gold labels (one per target and item); returns how many were new or changed."""
    if not gold:
        return 0
    table = schemas.rows(
        "gold_labels",
        {
            "target": [g.target for g in gold],
            "item_id": [g.item_id for g in gold],
            "label": [g.label for g in gold],
            "annotator": [g.annotator for g in gold],
            "annotated_at": [g.annotated_at for g in gold],
            "source": [source] * len(gold),
        },
    )
    con = store.con
    with store.transaction():
        con.register("_gold_new", table)
        try:
            changed = con.execute(Q["count_changed_gold"]).fetchone()
            con.execute(Q["delete_replaced_gold"]).fetchall()
            con.execute(Q["insert_gold"]).fetchall()
        finally:
            con.unregister("_gold_new")
    return int(changed[0]) if changed else 0


def record_pull(
    store: Store, *, source: str, origin: str, target: str, n_tasks: int, summary: PullSummary, run_id: int | None
) -> None:
    """One ``label_pulls`` row."""
    store.append(
        "label_pulls",
        schemas.rows(
            "label_pulls",
            {
                "run_id": [run_id],
                "pulled_at": [now()],
                "source": [source],
                "origin": [redact_url(origin)],
                "target": [target],
                "n_tasks": [n_tasks],
                "n_gold": [summary.n_gold],
                "n_conflicts": [summary.n_conflicts],
                "n_problems": [len(summary.problems)],
            },
        ),
    )


def pull(
    store: Store,
    settings: Settings,
    client: LabelStudio,
    target: str,
    *,
    project_title: str | None = None,
    run_id: int | None = None,
) -> PullSummary:
    """Import the project's annotations as gold labels (``source = 'labelstudio'``)."""
    _check_target(target)
    classes = taxonomy_for(settings).classes(target)
    project = client.ensure_project(target, classes, title=project_title, create=False)
    tasks = client.export(project, all_tasks=False)
    gold, problems = resolve_annotations(tasks, target, classes, client.users())
    n_gold = write_gold(store, gold, "labelstudio")
    summary = PullSummary(len(tasks), n_gold, sum(g.conflict for g in gold), problems)
    record_pull(
        store,
        source="labelstudio",
        origin=f"{client.url}/projects/{project.id}",
        target=target,
        n_tasks=len(tasks),
        summary=summary,
        run_id=run_id,
    )
    return summary


def serve_app(
    settings: Settings,
    target: str,
    *,
    retrain_every: int = 20,
    basic_auth: tuple[str, str] | None = None,
    limits: ServeLimits | None = None,
) -> Any:
    """The ML backend app for ``target``, serving its promoted model.

    Retrains write the webhook's annotations as gold (``source = 'labelstudio'``),
    train on weak labels + gold and promote the new version.

    The database is opened only to load a model and during a retrain, so ``orgmap label pull`` and others can
    use it in between.
    """
    from classifiers import registry
    from orgmap.models import train
    from orgmap.review.backend import Annotation, ModelHolder, create_app

    _check_target(target)
    with Store(settings.db, wait=settings.db_wait) as store:
        version = registry.promoted(store.con, target)
        if version is None:
            raise InputError(
                f"no promoted {target} model; run `orgmap resolve` or `orgmap train --target {target} --promote`"
            )
        model = registry.load(store.con, version)

    def retrain(annotations: list[Annotation]) -> tuple[Any, str]:
        gold = [
            GoldLabel(target, a.item_id, a.label, a.annotator, a.annotated_at or now(), None, 1)
            for a in annotations
            if not a.item_id.startswith("ls-")
        ]
        trained = dataclasses.replace(settings, classify=dataclasses.replace(settings.classify, train_on_gold=True))
        with Store(settings.db, wait=settings.db_wait) as store:
            write_gold(store, gold, "labelstudio")
            out = train(store, trained, target, promote=True)
            return registry.load(store.con, out.version), out.version

    return create_app(
        ModelHolder(model, version), retrain=retrain if retrain_every > 0 else None,
        retrain_every=max(retrain_every, 1), basic_auth=basic_auth, target=target, limits=limits,
    )  # fmt: skip
