"""Classify stage: pages → domains → orgs, each with LFs, a label model and the promoted end model.

Reads ``page_features``/``page_signals``/``links``/``domains``/``domain_org``/``orgs``, writes ``labels``
(one row per item and target, replaced per target), ``lf_runs`` and, on the first run of a database
(or after the taxonomy changed), a first model version per target, promoted automatically so that
every item gets a class. ``orgmap train`` trains later versions; ``--promote-if-better`` gates them.

Domains use their pages' predicted classes (aggregation LF + class-mix features), orgs their domains'.
Gold labels always win in ``labels`` (``source = 'gold'``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from classifiers import registry
from classifiers.taxonomy import TARGETS
from classifiers.train import WeakLabels, gold_indices, predict
from orgmap.config import Settings
from orgmap.models import current_model, gold_for, load_frame, taxonomy_for, train_and_register, weak_for
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
    """Model version used per target ('label_model' when no end model could be trained)."""
    trained: list[str] = field(default_factory=list)
    """Versions trained (and promoted) in this run because the target had none."""
    seconds: float = 0.0


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
            weak = weak_for(frame, tax, target, settings)
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


def _label(
    store: Store, settings: Settings, weak: WeakLabels, frame: pd.DataFrame, run_id: int | None
) -> tuple[pd.DataFrame, str | None, bool]:
    model, version = current_model(store, weak)
    trained = False
    gold = gold_indices(frame, gold_for(store, weak.target), weak.classes)
    if model is None:
        try:
            outcome = train_and_register(store, settings, weak, frame, gold, run_id, promote="always")
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
    return out, version, trained
