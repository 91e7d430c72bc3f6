"""Classify stage: pages → domains → orgs, each with LFs, a label model and the promoted end model.

Reads ``page_features``/``page_signals``/``links``/``domains``/``domain_org``/``orgs``, writes ``labels``
(one row per item and target, replaced per target), ``lf_runs`` and, on the first run of a database
(or after the taxonomy changed), a first model version per target, promoted automatically so that
every item gets a class. ``orgmap train`` trains later versions; ``--promote-if-better`` gates them.

Domains use their pages' predicted classes (aggregation LF + class-mix features), orgs their domains'.
Gold labels always win in ``labels`` (``source = 'gold'``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from classifiers import registry
from classifiers.evaluate import EvalReport, evaluate
from classifiers.frames import prepare
from classifiers.lf import load_lf_modules
from classifiers.model.end_model import EndModel
from classifiers.promotion import Gate, validate
from classifiers.taxonomy import TARGETS, Taxonomy, load_taxonomy
from classifiers.train import WeakLabels, gold_indices, gold_metrics, predict, train_end_model, weak_labels
from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store.database import Store
from resolver.errors import InputError
from resolver.sql import load_queries

_Q = load_queries("orgmap.store.queries", "classify.sql")


@dataclass
class ClassifySummary:
    """What one classify run did."""

    labelled: dict[str, int] = field(default_factory=dict)
    """Items labelled per target."""
    coverage: dict[str, float] = field(default_factory=dict)
    """Share of items at least one LF voted on, per target."""
    models: dict[str, str] = field(default_factory=dict)
    """Model version used per target ('label_model' when no end model could be trained)."""
    trained: list[str] = field(default_factory=list)
    """Versions trained (and promoted) in this run because the target had none."""
    seconds: float = 0.0


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


def classify(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> ClassifySummary:
    """Label every page, domain and org (called by ``orgmap resolve`` after resolution)."""
    t0 = time.perf_counter()
    tax = taxonomy_for(settings)
    summary = ClassifySummary()
    task = progress.task("classify", total=len(TARGETS), unit="targets")
    run_id = run.run_id
    for target in TARGETS:
        frame = load_frame(store, target)
        if len(frame):
            weak = _weak(frame, tax, target, settings)
            out, version, trained = _label(store, settings, weak, frame, run_id)
            summary.labelled[target] = len(out)
            summary.coverage[target] = round(float(weak.label_model.covered.mean()), 4)
            summary.models[target] = version or "label_model"
            if trained:
                summary.trained.append(version or "")
        task.advance()
    task.close()
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary


def load_frame(store: Store, target: str) -> pd.DataFrame:
    """The prepared frame of ``target``; domains/orgs read the current ``labels`` of pages/domains."""
    con = store.con
    if target == "domain":
        con.execute(
            "create or replace temp view _cls_page_pred as select item_id, label from labels where target = 'page'"
        )
    elif target == "org":
        con.execute(
            "create or replace temp view _cls_domain_pred as select item_id, label from labels where target = 'domain'"
        )
    df = con.execute(_Q[f"{target}_frame"]).df()
    return prepare(df)


def gold_for(store: Store, target: str) -> dict[str, str]:
    """item_id → gold class of ``target``."""
    return dict(store.con.execute(_Q["gold"], [target]).fetchall())


def lf_report(store: Store, settings: Settings, target: str) -> tuple[pd.DataFrame, dict[str, Any], int] | None:
    """Per-LF report (with empirical accuracy where gold exists), summary with class balance, row count."""
    frame = load_frame(store, target)
    if not len(frame):
        return None
    weak = _weak(frame, taxonomy_for(settings), target, settings)
    gold = gold_indices(frame, gold_for(store, target), weak.classes)
    return weak.report(gold if (gold != -1).any() else None), weak.summary(), len(frame)


def _weak(frame: pd.DataFrame, tax: Taxonomy, target: str, settings: Settings) -> WeakLabels:
    c = settings.classify
    return weak_labels(frame, tax, target, method=c.label_model, seed=c.seed, n_epochs=c.n_epochs)


def _current_model(store: Store, weak: WeakLabels) -> tuple[Any, str | None]:
    version = registry.promoted(store.con, weak.target)
    if version is None:
        return None, None
    model = registry.load(store.con, version)
    if tuple(model.classes) != tuple(weak.classes):
        return None, None  # the taxonomy changed: its classes no longer match the model's
    return model, version


def _label(
    store: Store, settings: Settings, weak: WeakLabels, frame: pd.DataFrame, run_id: int | None
) -> tuple[pd.DataFrame, str | None, bool]:
    model, version = _current_model(store, weak)
    trained = False
    gold = gold_indices(frame, gold_for(store, weak.target), weak.classes)
    if model is None:
        try:
            outcome = _train_and_register(store, settings, weak, frame, gold, run_id, promote="always")
            model, version, trained = registry.load(store.con, outcome.version), outcome.version, True
        except InputError:
            model, version = None, None  # too little LF coverage: the label model labels alone
    out = predict(frame, weak, model)
    out["model_version"] = version if model is not None else None
    g = gold != -1
    if g.any():
        out.loc[g, "label"] = np.asarray(weak.classes, dtype=object)[gold[g]]
        out.loc[g, "confidence"] = 1.0
        out.loc[g, "source"] = "gold"
        out.loc[g, "model_version"] = None
    out.insert(0, "target", weak.target)
    out["run_id"] = run_id
    rows = pa.Table.from_pandas(out, preserve_index=False)
    report = weak.report(gold if g.any() else None)
    lf_rows = pd.DataFrame(
        {
            "run_id": run_id if run_id is not None else 0,
            "target": weak.target,
            "lf": report["lf"],
            "kind": [lf.kind for lf in weak.lfs],
            "n_rows": len(frame),
            "coverage": report["coverage"],
            "overlaps": report["overlaps"],
            "conflicts": report["conflicts"],
            "emp_acc": report["emp_acc"] if "emp_acc" in report else np.nan,
            "failures": report["failures"],
        }
    )
    with store.transaction():
        store.replace_where("labels", rows, "target = ?", [weak.target])
        if run_id is not None:
            store.replace_where(
                "lf_runs",
                pa.Table.from_pandas(lf_rows, preserve_index=False),
                "run_id = ? and target = ?",
                [run_id, weak.target],
            )
    return out, version, trained


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
    weak = _weak(frame, tax, target, settings)
    gold = gold_indices(frame, gold_map, weak.classes)
    mode = "always" if promote else ("if_better" if promote_if_better else "never")
    return _train_and_register(store, settings, weak, frame, gold, run_id, promote=mode, window=window)


def _train_and_register(
    store: Store,
    settings: Settings,
    weak: WeakLabels,
    frame: pd.DataFrame,
    gold: np.ndarray,
    run_id: int | None,
    promote: str,
    window: Mapping[str, Any] | None = None,
) -> TrainOutcome:
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
    runs = store.con.execute("select min(run_id), max(run_id) from pages").fetchone()
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
    d = settings.drift
    gate = Gate(d.tolerance, d.per_class_tolerance, d.calibration_tolerance, d.min_class_support)
    rows = gold != -1
    decision = validate(model, cur_model, frame[rows].reset_index(drop=True), gold[rows], gate)
    why = "; ".join(decision.reasons)
    return decision.promote, ("promoted: " if decision.promote else "kept current: ") + why + f" (vs {current})"


def evaluate_labels(store: Store, target: str) -> EvalReport | None:
    """The model's labels of ``target`` against ``gold_labels``; None without gold.

    Where a gold label overrode the model in ``labels``, the model's own answer is the argmax of ``probs``.
    """
    rows = store.con.execute(
        "select g.label, l.label, l.source, l.probs from gold_labels g join labels l using (target, item_id)"
        " where g.target = ?",
        [target],
    ).fetchall()
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
