"""Drift stage: compare two windows of pages under the promoted model.

``check`` reads the page frame (the same one classify reads), the promoted page model, the LFs and the
window definitions, computes every measure of :mod:`classifiers.drift` and writes ``drift_reports`` /
``drift_measures``. Predictions are recomputed with the promoted model for both windows, so a check
compares data, not two models.

Retraining behind the promotion gate is ``orgmap.pipeline.retrain`` (``orgmap.models`` trains).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from classifiers import registry
from classifiers.apply import apply_lfs
from classifiers.drift import DriftReport, WindowData, compare, per_batch
from classifiers.lf import build_lfs
from orgmap.config import Settings
from orgmap.models import load_frame, taxonomy_for
from orgmap.store.database import Store
from orgmap.store.windows import Window, resolve_window, trained_runs
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "drift.sql")
TARGET = "page"


@dataclass
class DriftOutcome:
    """One drift check: the report, the windows, and what the HTML report plots."""

    report: DriftReport
    reference: Window
    current: Window
    model_version: str
    classes: tuple[str, ...]
    history: dict[str, pd.DataFrame]
    """Per batch: class shares, mean confidence, LF coverage (all batches, for plots over time)."""
    confidence: dict[str, np.ndarray]
    """Top-class probabilities of the reference and current windows (histograms)."""
    in_sample: bool = False
    """The reference holds the model's training data (confidence and gold measures cannot flag drift)."""
    report_id: int | None = None


@dataclass
class _Pages:
    """Every page with content, scored by the promoted model, and its LF votes."""

    frame: pd.DataFrame
    probs: np.ndarray
    L: np.ndarray
    lf_names: list[str]
    classes: tuple[str, ...]
    version: str
    created_at: dt.datetime

    def window(self, runs: np.ndarray, *, new_gold_only: bool = False) -> WindowData:
        m = np.isin(self.frame["run_id"].to_numpy(), runs)
        f = self.frame[m]
        pred = np.asarray(self.classes, dtype=object)[self.probs[m].argmax(axis=1)]
        gold = f["gold"].to_numpy(dtype=object)
        has = pd.notna(f["gold"]).to_numpy(dtype=bool)
        if new_gold_only:
            has = has & (f["gold_at"] > pd.Timestamp(self.created_at)).fillna(False).to_numpy(dtype=bool)
        wrong = np.where(has, (pred != gold).astype(np.float64), np.nan)
        return WindowData(
            unit=f["unit"].to_numpy(dtype=str),
            pred=self.probs[m].argmax(axis=1),
            confidence=self.probs[m].max(axis=1),
            L=self.L[m],
            text=(f["title"].fillna("") + " " + f["text"].fillna("")).tolist(),
            lang=f["lang"].fillna("").to_numpy(dtype=str),
            suffix=f["suffix"].fillna("").to_numpy(dtype=str),
            n_words=f["n_words"].fillna(0).to_numpy(dtype=np.float64),
            is_new_domain=(f["first_run"] == f["run_id"]).to_numpy(),
            has_owner=f["has_owner"].to_numpy(dtype=bool),
            run_id=f["run_id"].to_numpy(),
            gold_wrong=wrong,
        )


def _load_pages(store: Store, settings: Settings) -> _Pages:
    con = store.con
    version = registry.promoted(con, TARGET)
    if version is None:
        raise InputError("no promoted page model to score the windows with; run `orgmap resolve` (classify) first")
    model = registry.load(con, version)
    created = con.execute(Q["model_created_at"], [version]).fetchone()[0]
    frame = load_frame(store, TARGET)
    meta = con.execute(Q["page_units"]).df()
    gold = con.execute(Q["page_gold"], [TARGET]).df()
    meta = meta.merge(gold, on="item_id", how="left")
    frame = frame.merge(meta, on="item_id", how="inner")
    if "lang" not in frame:
        frame["lang"] = ""
    lfs = build_lfs(taxonomy_for(settings), TARGET)
    applied = apply_lfs(lfs, frame)
    probs = model.predict_proba(frame) if len(frame) else np.zeros((0, len(model.classes)))
    return _Pages(frame, probs, applied.L, applied.names, tuple(model.classes), version, created)


def check(
    store: Store, settings: Settings, reference: str, current: str, *, run_id: int | None = None, save: bool = True
) -> DriftOutcome:
    """Compare window ``reference`` with window ``current`` (specs of :mod:`orgmap.store.windows`)."""
    ref_w = resolve_window(store.con, reference, TARGET)
    cur_w = resolve_window(store.con, current, TARGET)
    pages = _load_pages(store, settings)
    ref = pages.window(np.asarray(ref_w.runs))
    cur = pages.window(np.asarray(cur_w.runs), new_gold_only=True)
    if ref_w.date_column is not None or cur_w.date_column is not None:
        ref, cur = _date_filter(store, pages, ref_w), _date_filter(store, pages, cur_w, new_gold_only=True)
    if not len(ref) or not len(cur):
        empty = reference if not len(ref) else current
        raise InputError(f"window {empty!r} holds no classified pages; run `orgmap resolve` on it first")
    t = settings.drift.thresholds
    try:
        in_sample = bool(set(ref_w.runs) & set(trained_runs(store.con, TARGET)))
    except InputError:
        in_sample = False
    report = compare(ref, cur, t, classes=pages.classes, lf_names=pages.lf_names, in_sample=in_sample)
    everything = pages.window(np.unique(pages.frame["run_id"].to_numpy()))
    outcome = DriftOutcome(
        report, ref_w, cur_w, pages.version, pages.classes,
        per_batch(everything, pages.classes, pages.lf_names),
        {"reference": ref.confidence, "current": cur.confidence},
        in_sample=in_sample,
    )  # fmt: skip
    if save:
        outcome.report_id = _save(store, outcome, run_id)
    return outcome


def _date_filter(store: Store, pages: _Pages, w: Window, *, new_gold_only: bool = False) -> WindowData:
    ids = {p for p, _ in w.page_runs(store.con)}
    m = pages.frame["item_id"].isin(ids).to_numpy()
    sub = _Pages(pages.frame[m], pages.probs[m], pages.L[m], pages.lf_names, pages.classes, pages.version,
                 pages.created_at)  # fmt: skip
    return sub.window(np.unique(sub.frame["run_id"].to_numpy()), new_gold_only=new_gold_only)


def _save(store: Store, out: DriftOutcome, run_id: int | None) -> int:
    r = out.report
    with store.transaction():
        report_id = store.con.execute(
            Q["insert_report"],
            [
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                TARGET,
                out.reference.spec,
                out.current.spec,
                json.dumps(list(out.reference.runs)),
                json.dumps(list(out.current.runs)),
                r.n_reference,
                r.n_current,
                out.model_version,
                r.drift,
                len(r.flagged),
                json.dumps([m.name for m in r.flagged]),
                json.dumps(dataclasses.asdict(r.thresholds)),
                run_id,
            ],  # fmt: skip
        ).fetchone()[0]
        rows = pa.table(
            {
                "report_id": [report_id] * len(r.measures),
                "measure": [m.name for m in r.measures],
                "family": [m.family for m in r.measures],
                "reference": pa.array([m.reference for m in r.measures], pa.float64()),
                "current": pa.array([m.current for m in r.measures], pa.float64()),
                "effect": [float(m.effect) for m in r.measures],
                "threshold": [float(m.threshold) for m in r.measures],
                "p_value": pa.array([m.p_value for m in r.measures], pa.float64()),
                "drift": [m.drift for m in r.measures],
                "detail": [json.dumps(m.detail) if m.detail else None for m in r.measures],
            }
        )
        store.append("drift_measures", rows)
    return int(report_id)
