"""Models per target: the frames they read, gold labels, training, registration behind the promotion gate.

``orgmap train``, ``orgmap retrain`` (a window of batches, a stable held-out share of gold), the classify
stage (a first model per target) and the ML backend all train through here, so every model version is
registered, gated and explained the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from classifiers import registry
from classifiers.evaluate import EvalReport, evaluate
from classifiers.frames import prepare
from classifiers.lf import load_lf_modules
from classifiers.model.end_model import EndModel
from classifiers.promotion import Gate, validate
from classifiers.retrain import data_state, has_new_data, holdout_ids
from classifiers.taxonomy import Taxonomy, load_taxonomy
from classifiers.train import WeakLabels, gold_indices, gold_metrics, predict, train_end_model, weak_labels
from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store.database import Store
from orgmap.store.windows import Window, resolve_window
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "classify.sql")

PAGE = "page"
"""Scheduled retraining batches pages (and their domains); orgs are retrained on all of them."""


@dataclass
class TrainOutcome:
    """What ``orgmap train`` did for one target."""

    target: str
    version: str
    promoted: bool
    reason: str
    metrics: dict[str, Any]


def taxonomy_for(settings: Settings) -> Taxonomy:
    """The configured taxonomy, with the user's LF files loaded (their decorators register LFs)."""
    mods = [m.strip() for m in settings.classify.lf_modules.split(",") if m.strip()]
    if mods:
        load_lf_modules(mods)
    return load_taxonomy(settings.classify.taxonomy_file or None)


def load_frame(store: Store, target: str) -> pd.DataFrame:
    """The prepared frame of ``target``; domains/orgs read the current ``labels`` of pages/domains."""
    con = store.con
    if target == "domain":
        con.execute(Q["page_predictions_view"])
    elif target == "org":
        con.execute(Q["domain_predictions_view"])
    df = con.execute(Q[f"{target}_frame"]).df()
    return prepare(df)


def gold_for(store: Store, target: str) -> dict[str, str]:
    """item_id → gold class of ``target``."""
    return dict(store.con.execute(Q["gold"], [target]).fetchall())


def lf_report(store: Store, settings: Settings, target: str) -> tuple[pd.DataFrame, dict[str, Any], int] | None:
    """Per-LF report (with empirical accuracy where gold exists), summary with class balance, row count."""
    frame = load_frame(store, target)
    if not len(frame):
        return None
    weak = weak_for(frame, taxonomy_for(settings), target, settings)
    gold = gold_indices(frame, gold_for(store, target), weak.classes)
    return weak.report(gold if (gold != -1).any() else None), weak.summary(), len(frame)


def weak_for(frame: pd.DataFrame, tax: Taxonomy, target: str, settings: Settings) -> WeakLabels:
    """LF votes and label-model labels of ``frame`` with the configured label model."""
    c = settings.classify
    return weak_labels(frame, tax, target, method=c.label_model, seed=c.seed, n_epochs=c.n_epochs)


def current_model(store: Store, weak: WeakLabels) -> tuple[Any, str | None]:
    """The promoted model of the target and its version, or (None, None) when none fits the taxonomy."""
    version = registry.promoted(store.con, weak.target)
    if version is None:
        return None, None
    model = registry.load(store.con, version)
    if tuple(model.classes) != tuple(weak.classes):
        return None, None  # the taxonomy changed: its classes no longer match the model's
    return model, version


def train(
    store: Store,
    settings: Settings,
    target: str,
    *,
    promote_if_better: bool = False,
    promote: bool = False,
    run_id: int | None = None,
    items: Collection[str] | None = None,
    holdout: Collection[str] = (),
    window: Mapping[str, Any] | None = None,
) -> TrainOutcome:
    """Train a new version for ``target`` on the current data; promote it if asked (and, gated, if better).

    ``orgmap retrain`` (orgmap/stages/drift.py) trains on a window: only the rows ``items`` plus every
    gold-labelled row, with the gold labels of ``holdout`` kept out for validation; ``window`` is merged
    into the version's ``data_window``.
    """
    tax = taxonomy_for(settings)
    frame = load_frame(store, target)
    gold_map = {k: v for k, v in gold_for(store, target).items() if k not in set(holdout)}
    if items is not None:
        keep = frame["item_id"].isin(set(items)) | frame["item_id"].isin(set(gold_map))
        frame = frame[keep.to_numpy()].reset_index(drop=True)
    if not len(frame):
        raise InputError(f"no {target} rows to train on; run `orgmap resolve` first")
    weak = weak_for(frame, tax, target, settings)
    gold = gold_indices(frame, gold_map, weak.classes)
    mode = "always" if promote else ("if_better" if promote_if_better else "never")
    return train_and_register(store, settings, weak, frame, gold, run_id, promote=mode, window=window)


def train_and_register(
    store: Store,
    settings: Settings,
    weak: WeakLabels,
    frame: pd.DataFrame,
    gold: np.ndarray,
    run_id: int | None,
    promote: str,
    window: Mapping[str, Any] | None = None,
) -> TrainOutcome:
    """Train an end model on ``weak`` (and gold), register it, and promote it as ``promote`` says."""
    c = settings.classify
    fit = train_end_model(
        frame, weak, gold=gold, train_on_gold=c.train_on_gold, min_confidence=c.min_confidence, C=c.regularization
    )
    pred = predict(frame, weak, fit.model)
    lm_labels = np.asarray(weak.classes, dtype=object)[weak.label_model.probs.argmax(axis=1)]
    metrics: dict[str, Any] = {
        "gold": gold_metrics(pred["label"], frame, gold, weak.classes),
        "label_model_gold": gold_metrics(pd.Series(lm_labels), frame, gold, weak.classes),
        "lf": weak.summary(),
        "n_rows": len(frame),
        "n_train": fit.n_train,
        "n_gold": int((gold != -1).sum()),
        "agreement_with_label_model": float(
            (pred["label"].to_numpy()[weak.label_model.covered] == lm_labels[weak.label_model.covered]).mean()
        )
        if weak.label_model.covered.any()
        else None,
    }
    config = {
        "classes": list(weak.classes),
        "taxonomy": settings.classify.taxonomy_file or "<default>",
        "end_model": fit.model.config,
        "label_model": {
            "method": weak.label_model.method,
            "n_epochs": c.n_epochs,
            "weights": weak.label_model.lf_weights,
        },
        "train_on_gold": c.train_on_gold,
        "min_confidence": c.min_confidence,
        "seed": c.seed,
    }
    runs = store.con.execute(Q["run_range"]).fetchone()
    window = {
        "runs": list(runs) if runs else None,
        "n_rows": len(frame),
        "n_train": fit.n_train,
        "n_gold_train": fit.n_gold_train,
        **(window or {}),
    }
    current = registry.promoted(store.con, weak.target)
    with store.transaction():
        version = registry.register(
            store.con,
            fit.model,
            config=config,
            lf_set=weak.lf_set(),
            data_window=window,
            metrics=metrics,
            run_id=run_id,
        )
        if promote == "always":
            ok, reason = True, "promoted: first model of this target" if current is None else "promoted on request"
        elif promote == "if_better":
            ok, reason = _gate(store, settings, fit.model, frame, gold, current)
        else:
            ok, reason = False, "candidate: not promoted (use --promote or --promote-if-better)"
        if ok:
            registry.promote(store.con, version, reason)
        else:
            registry.set_note(store.con, version, reason)
    return TrainOutcome(weak.target, version, ok, reason, metrics)


def _gate(
    store: Store,
    settings: Settings,
    model: EndModel,
    frame: pd.DataFrame,
    gold: np.ndarray,
    current: str | None,
) -> tuple[bool, str]:
    """Promote when the candidate passes the promotion gate against the current model on *today's* gold."""
    if current is None:
        return True, "promoted: no current model"
    try:
        cur_model = registry.load(store.con, current)
    except InputError as exc:
        return True, f"promoted: current model unreadable ({exc})"
    gate = settings.classify.promotion
    rows = gold != -1
    decision = validate(model, cur_model, frame[rows].reset_index(drop=True), gold[rows], gate)
    why = "; ".join(decision.reasons)
    return decision.promote, ("promoted: " if decision.promote else "kept current: ") + why + f" (vs {current})"


def evaluate_labels(store: Store, target: str) -> EvalReport | None:
    """The model's labels of ``target`` against ``gold_labels``; None without gold.

    Where a gold label overrode the model in ``labels``, the model's own answer is the argmax of ``probs``.
    """
    rows = store.con.execute(Q["gold_vs_labels"], [target]).fetchall()
    if not rows:
        return None
    gold, pred = [], []
    for g, label, source, probs in rows:
        if source == "gold" and probs:
            p = json.loads(probs)
            label = max(p, key=p.get)
        gold.append(g)
        pred.append(label)
    return evaluate(gold, pred)


@dataclass
class RetrainSummary:
    """What one ``orgmap retrain`` did."""

    skipped: bool = False
    reason: str = ""
    decisions: list[dict[str, Any]] = field(default_factory=list)
    relabelled: dict[str, int] = field(default_factory=dict)


def last_state(store: Store) -> dict[str, Any] | None:
    """The data state recorded by the last retrain (None: never retrained)."""
    row = store.con.execute(Q["last_retrain_state"]).fetchone()
    return json.loads(row[0]) if row and row[0] else None


def retrain_models(
    store: Store,
    settings: Settings,
    run: Run,
    progress: Progress = SILENT,
    *,
    force: bool = False,
    targets: list[str] | None = None,
) -> RetrainSummary:
    """Train, validate and (maybe) promote a new model per target (the caller re-labels if any was promoted)."""
    run_id = run.run_id
    con = store.con
    state = data_state(con)
    if not force and not has_new_data(last_state(store), state):
        return RetrainSummary(True, "no new pages or gold labels since the last retrain; nothing to do")
    d = settings.drift
    window = resolve_window(con, d.retrain_window, PAGE)
    page_ids = [p for p, _ in window.page_runs(con)]
    gate = settings.classify.promotion
    train_settings = dataclasses.replace(settings, classify=dataclasses.replace(settings.classify, train_on_gold=True))
    summary = RetrainSummary()
    targets = targets or [t.strip() for t in d.retrain_targets.split(",") if t.strip()]
    task = progress.task("retrain", total=len(targets), unit="targets")
    for target in targets:
        summary.decisions.append(_retrain_target(store, train_settings, target, window, page_ids, gate, run_id, state))
        task.advance()
    task.close()
    return summary


def _retrain_target(
    store: Store,
    settings: Settings,
    target: str,
    window: Window,
    page_ids: list[str],
    gate: Gate,
    run_id: int,
    state: dict[str, Any],
) -> dict[str, Any]:
    con = store.con
    if target == "page":
        items: list[str] | None = page_ids
    elif target == "domain":
        items = [r[0] for r in con.execute(Q["domains_of_pages"], [page_ids]).fetchall()]  # fmt: skip
    else:
        items = None  # orgs are not batched: every org
    gold = gold_for(store, target)
    held = holdout_ids(gold, settings.drift.holdout_share)
    current = registry.promoted(con, target)
    info = {"spec": window.spec, "run_ids": list(window.runs), "n_holdout": len(held)}
    decision: dict[str, Any] = {"target": target, "candidate": None, "current": current, "promoted": False}
    try:
        out = train(store, settings, target, run_id=run_id, items=items, holdout=held, window=info)
    except InputError as exc:
        decision.update(reasons=[f"no candidate: {exc}"], candidate_eval=None, current_eval=None)
    else:
        decision["candidate"] = out.version
        frame = load_frame(store, target)
        frame = frame[frame["item_id"].isin(held).to_numpy()].reset_index(drop=True)
        cand_model = registry.load(con, out.version)
        classes = tuple(cand_model.classes)
        index = {c: i for i, c in enumerate(classes)}
        keep = frame["item_id"].map(gold).map(index).notna().to_numpy()
        frame = frame[keep].reset_index(drop=True)
        y = frame["item_id"].map(gold).map(index).to_numpy(dtype=np.int64)
        cur_model = registry.load(con, current) if current is not None else None
        verdict = validate(cand_model, cur_model, frame, y, gate)
        ok, reasons, cand_eval, cur_eval = verdict.promote, verdict.reasons, verdict.candidate, verdict.current
        note = ("promoted by retrain: " if ok else "kept current: ") + "; ".join(reasons)
        with store.transaction():
            if ok:
                registry.promote(con, out.version, note)
            else:
                registry.set_note(con, out.version, note)
        decision.update(promoted=ok, reasons=reasons, candidate_eval=cand_eval, current_eval=cur_eval)
    con.execute(
        Q["insert_retrain_decision"],
        [
            run_id,
            target,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            decision["candidate"],
            current,
            decision["promoted"],
            json.dumps(decision["reasons"]),
            json.dumps(decision["candidate_eval"]),
            json.dumps(decision["current_eval"]),
            json.dumps(state),
        ],  # fmt: skip
    ).fetchall()
    return decision
