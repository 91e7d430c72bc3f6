"""Classify stage: pages → domains → orgs, each with LFs, a label model and the promoted end model.

Reads the page features, signals, links and owners; writes ``labels`` (one row per item and target), ``lf_runs``
and, on a database's first run (or after the taxonomy changed), a first model per target. With gold labels the
first model is cross-validated and calibrated on them and promoted only when not worse than the label model
alone; without, it is promoted ``unvalidated`` and the summary and every label say so. Domains see their pages'
types as features, orgs their domains' categories; gold labels win in ``labels`` (``source = 'gold'``).
Trains once per run at most, only on new inputs. See docs/classify.md.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from classifiers import registry
from classifiers.taxonomy import TARGETS, Taxonomy
from classifiers.train import WeakLabels, gold_indices, predict
from orgmap.config import Settings
from orgmap.memory import release_memory
from orgmap.models import (
    UNVALIDATED,
    check_on_gold,
    current_model,
    fingerprint_of,
    gold_for,
    load_frame,
    real_gold_ids,
    taxonomy_for,
    train_and_register,
    weak_for,
)
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store.database import Store
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "classify.sql")


@dataclass
class ClassifySummary:
    """What one classify run did."""

    labelled: dict[str, int] = field(default_factory=dict)
    """Items labelled per target."""
    coverage: dict[str, float] = field(default_factory=dict)
    """Share of items at least one LF voted on, per target."""
    models: dict[str, str] = field(default_factory=dict)
    """Model version used per target ('label_model' when no end model could be trained or it was not better)."""
    trained: list[str] = field(default_factory=list)
    """Versions trained in this run because the target had none (promoted or not: see ``validation``)."""
    validation: dict[str, str] = field(default_factory=dict)
    """Per target, whether its labels were validated on gold labels, and how they scored; ``unvalidated``
    when there are too few gold labels to say how good they are."""
    seconds: float = 0.0


def classify(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> ClassifySummary:
    """Label every page, domain and org (called by ``orgmap resolve`` after resolution)."""
    t0 = time.perf_counter()
    tax = taxonomy_for(settings)
    summary = ClassifySummary()
    task = progress.task("classify", total=len(TARGETS), unit="targets")
    run_id = run.run_id
    for target in TARGETS:
        done = _classify_target(store, settings, tax, target, run_id)
        if done is not None:
            summary.labelled[target] = done.labelled
            summary.coverage[target] = done.coverage
            summary.models[target] = done.version or "label_model"
            summary.validation[target] = done.validation
            if done.trained:
                summary.trained.append(done.trained)
        release_memory(store)  # the frame, its LF texts and matrices: the next target starts from a trimmed heap
        task.advance()
    task.close()
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary


@dataclass(frozen=True)
class _Labelled:
    labelled: int
    version: str | None
    """The end model that labelled (None: the label model)."""
    trained: str | None
    """The version trained in this run, promoted or not."""
    validation: str
    """``validated ...`` / ``unvalidated ...``, for the summary."""
    coverage: float
    """Share of items at least one LF voted on."""


def _classify_target(
    store: Store, settings: Settings, tax: Taxonomy, target: str, run_id: int | None
) -> _Labelled | None:
    """Label one target's items (None: it has none); what it held is garbage when it returns."""
    frame = load_frame(store, target)
    if not len(frame):
        return None
    gold = gold_indices(frame, gold_for(store, target), tax.classes(target))
    weak = weak_for(frame, tax, target, settings, gold, real_gold_ids(store, target))
    return _label(store, settings, weak, frame, run_id)


def _own_answers(out: pd.DataFrame, gold_rows: np.ndarray, metrics: dict, weak: WeakLabels) -> None:
    """The model's own probabilities of gold items, as it said them without their gold label (cross-validated).

    A gold label replaces the class in ``labels``; ``probs`` keeps what the model says, so that ``orgmap eval
    classify`` scores the model and not the gold label. An end model trained on gold stores its out-of-fold
    probabilities; the label model never sees gold, so its own probabilities are already honest.
    """
    oof = (metrics.get("gold_check") or {}).get("oof") or {}
    if not oof:
        return
    for i in np.nonzero(gold_rows)[0]:
        probs = oof.get(out.at[i, "item_id"])
        if probs is not None and len(probs) == len(weak.classes):
            out.at[i, "probs"] = json.dumps(dict(zip(weak.classes, probs, strict=True)))
            out.at[i, "label"] = weak.classes[int(np.argmax(probs))]
            out.at[i, "confidence"] = float(max(probs))


def _label(store: Store, settings: Settings, weak: WeakLabels, frame: pd.DataFrame, run_id: int | None) -> _Labelled:
    model, version = current_model(store, weak)
    trained = None
    gold = gold_indices(frame, gold_for(store, weak.target), weak.classes)
    real = real_gold_ids(store, weak.target)
    lm_temperature = 1.0
    if model is not None:
        status = registry.validation_of(store.con, version or "") or UNVALIDATED
        validation = f"{status}: promoted model {version}"
    elif prior := registry.same_training(
        store.con, weak.target, fingerprint_of(settings, weak, frame, gold, real), run_id
    ):
        # trained before on these very inputs, or already in this run, and not promoted: no second training
        status = registry.validation_of(store.con, prior) or UNVALIDATED
        validation = f"{status}: the label model alone ({prior}, trained on the same data, was not promoted)"
        gold_check = registry.metrics_of(store.con, prior).get("gold_check") or {}
        lm_temperature = float(gold_check.get("label_model_temperature") or 1.0)
    else:
        check = None
        try:
            outcome = train_and_register(store, settings, weak, frame, gold, run_id, promote="first", real=real)
        except InputError:  # too little LF coverage: the label model labels alone
            check = check_on_gold(frame, weak, gold, None, settings, real)
            status = check.validation
            validation = f"{status}: the label model alone (too little LF coverage to train an end model)"
        else:
            trained = outcome.version
            status = outcome.validation
            validation = f"{status}: {outcome.reason}"
            lm_temperature = outcome.metrics["gold_check"]["label_model_temperature"]
            if outcome.promoted:
                model, version = registry.load(store.con, outcome.version), outcome.version
        if check is not None:
            lm_temperature = check.label_model_temperature
    out = predict(frame, weak, model, label_model_temperature=lm_temperature)
    out["model_version"] = version if model is not None else None
    out["validation"] = status
    g = gold != -1
    if g.any():
        _own_answers(out, g, registry.metrics_of(store.con, version) if model is not None and version else {}, weak)
    out["model_label"] = out["label"]
    if g.any():
        out.loc[g, "label"] = np.asarray(weak.classes, dtype=object)[gold[g]]
        out.loc[g, "confidence"] = 1.0
        out.loc[g, "source"] = "gold"
        out.loc[g, "model_version"] = None
        out.loc[g, "validation"] = "gold"
    out.insert(0, "target", weak.target)
    out["run_id"] = run_id
    rows = pa.Table.from_pandas(out, preserve_index=False)
    report = weak.report(gold if g.any() else None)
    lf_rows = pd.DataFrame(
        {
            "run_id": run_id,
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
        store.replace("labels", rows, Q["delete_labels"], [weak.target])
        store.replace(
            "lf_runs", pa.Table.from_pandas(lf_rows, preserve_index=False), Q["delete_lf_runs"], [run_id, weak.target]
        )
    coverage = round(float(weak.label_model.covered.mean()), 4)
    return _Labelled(len(out), version if model is not None else None, trained, validation, coverage)
