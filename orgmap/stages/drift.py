"""Drift stage: compare two windows of pages under the promoted model; retrain behind a validation gate.

``check`` reads the page frame (the same one classify reads), the promoted page model, the LFs and the
window definitions, computes every measure of :mod:`classifiers.drift` and writes ``drift_reports`` /
``drift_measures``. Predictions are recomputed with the promoted model for both windows, so a check
compares data, not two models.

``retrain`` trains a candidate per target on the retrain window plus all gold labels except a stable
held-out share, compares candidate and current model on that held-out gold (:mod:`classifiers.promotion`),
promotes only what passes, records every decision in ``retrain_decisions`` and ``models.note``, and
re-labels everything with the promoted models. It does nothing when no pages or gold labels arrived
since the last retrain (scheduled mode).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from classifiers import registry
from classifiers.apply import apply_lfs
from classifiers.drift import DriftReport, Thresholds, WindowData, compare, per_batch
from classifiers.lf import build_lfs
from classifiers.promotion import Gate, validate
from classifiers.retrain import data_state, has_new_data, holdout_ids
from orgmap.config import Settings
from orgmap.runs import Run
from orgmap.stages.classify import classify, gold_for, load_frame, taxonomy_for, train
from orgmap.store.database import Store
from orgmap.store.windows import Window, resolve_window, trained_runs
from resolver.errors import InputError

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


def thresholds(settings: Settings) -> Thresholds:
    """The library thresholds from the ``[drift.thresholds]`` settings."""
    return Thresholds(**dataclasses.asdict(settings.drift.thresholds))


def _load_pages(store: Store, settings: Settings) -> _Pages:
    con = store.con
    version = registry.promoted(con, TARGET)
    if version is None:
        raise InputError("no promoted page model to score the windows with; run `orgmap resolve` (classify) first")
    model = registry.load(con, version)
    created = con.execute("select created_at from models where version = ?", [version]).fetchone()[0]
    frame = load_frame(store, TARGET)
    meta = con.execute(
        "select p.page_id as item_id, p.run_id, f.first_run, (o.org_id is not null) as has_owner,"
        " coalesce(o.org_id, p.registered_domain) as unit"
        " from pages p"
        " join (select registered_domain, min(run_id) as first_run from pages group by 1) f using (registered_domain)"
        " left join domain_org o using (registered_domain)"
    ).df()
    gold = con.execute(
        "select item_id, label as gold, annotated_at as gold_at from gold_labels where target = ?", [TARGET]
    ).df()
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
    t = thresholds(settings)
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
            'insert into drift_reports (created_at, target, reference, "current", reference_runs, current_runs,'
            " n_reference, n_current, model_version, drift, n_flagged, flagged, settings, run_id)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning report_id",
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


# -- retraining --------------------------------------------------------------------------------------


@dataclass
class RetrainSummary:
    """What one ``orgmap retrain`` did."""

    skipped: bool = False
    reason: str = ""
    decisions: list[dict[str, Any]] = field(default_factory=list)
    relabelled: dict[str, int] = field(default_factory=dict)


def last_state(store: Store) -> dict[str, Any] | None:
    """The data state recorded by the last retrain (None: never retrained)."""
    row = store.con.execute("select data_state from retrain_decisions order by decided_at desc limit 1").fetchone()
    return json.loads(row[0]) if row and row[0] else None


def retrain(
    store: Store,
    settings: Settings,
    *,
    run_id: int,
    force: bool = False,
    targets: list[str] | None = None,
    progress: Any = None,
) -> RetrainSummary:
    """Train, validate and (maybe) promote a new model per target; re-label when anything was promoted."""
    con = store.con
    state = data_state(con)
    if not force and not has_new_data(last_state(store), state):
        return RetrainSummary(True, "no new pages or gold labels since the last retrain; nothing to do")
    d = settings.drift
    window = resolve_window(con, d.retrain_window, TARGET)
    page_ids = [p for p, _ in window.page_runs(con)]
    gate = Gate(d.tolerance, d.per_class_tolerance, d.calibration_tolerance, d.min_class_support)
    train_settings = dataclasses.replace(settings, classify=dataclasses.replace(settings.classify, train_on_gold=True))
    summary = RetrainSummary()
    targets = targets or [t.strip() for t in d.retrain_targets.split(",") if t.strip()]
    task = progress.add_task("retrain", total=len(targets)) if progress else None
    for target in targets:
        summary.decisions.append(_retrain_target(store, train_settings, target, window, page_ids, gate, run_id, state))
        if progress:
            progress.advance(task)
    if any(x["promoted"] for x in summary.decisions):
        summary.relabelled = classify(store, settings, Run(run_id)).labelled
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
        items = [r[0] for r in con.execute(
            "select distinct registered_domain from pages where list_contains(?, page_id)", [page_ids]
        ).fetchall()]  # fmt: skip
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
        "insert into retrain_decisions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
