"""Models per target: the frames they read, gold labels, training, registration behind the promotion gate.

``orgmap train``, ``orgmap retrain`` (a window of batches, a stable held-out share of gold), the classify
stage (a first model per target) and the ML backend all train through here, so every model version is
registered, gated and explained the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifiers import registry
from classifiers.calibration import cross_fitted_temperature, fit_temperature
from classifiers.evaluate import EvalReport, evaluate
from classifiers.frames import prepare
from classifiers.lf import build_lfs, load_lf_modules
from classifiers.model.end_model import EndModel
from classifiers.promotion import Decision, Gate, decide, evaluate_probs, validate
from classifiers.reference import DomainLabel, reference_lfs, reference_org_lf
from classifiers.retrain import data_state, has_new_data, holdout_ids
from classifiers.taxonomy import Taxonomy, load_taxonomy
from classifiers.train import (
    WeakLabels,
    cross_validate,
    gold_indices,
    predict,
    refit_label_model,
    sample_weak_rows,
    train_end_model,
    training_fingerprint,
    weak_labels,
)
from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.review.labelstudio import GoldLabel
from orgmap.runs import Run
from orgmap.store.database import Store
from orgmap.store.windows import Window, resolve_window
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "classify.sql")

PAGE = "page"
"""Scheduled retraining batches pages (and their domains); orgs are retrained on all of them."""
VALIDATED, UNVALIDATED = "validated", "unvalidated"
"""A model's (and its labels') validation: scored on enough gold labels, or not."""


@dataclass
class TrainOutcome:
    """What ``orgmap train`` did for one target."""

    target: str
    version: str
    promoted: bool
    reason: str
    metrics: dict[str, Any]
    validation: str = UNVALIDATED
    """``validated`` (scored on gold labels) or ``unvalidated`` (too few gold labels to say how good it is)."""


@dataclass
class GoldCheck:
    """A candidate end model and the label model alone, scored on the same gold labels."""

    n: int
    """Gold labels scored: the real ones when any exist (generated gold cannot vouch for real data)."""
    real: bool
    """Whether they are real (human) gold labels."""
    classes: tuple[str, ...] = ()
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Frame rows of the scored gold labels (another model is scored on the same rows)."""
    y: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Their gold class indices."""
    candidate: dict[str, Any] | None = None
    """The candidate's calibrated out-of-fold scores (:func:`classifiers.promotion.evaluate_probs`)."""
    label_model: dict[str, Any] | None = None
    """The label model's calibrated scores on the same rows."""
    decision: Decision | None = None
    """Candidate against the label model alone; None below ``min_gold`` gold labels."""
    temperature: float = 1.0
    """The candidate's calibration (fitted on its out-of-fold probabilities)."""
    label_model_temperature: float = 1.0
    """The label model's calibration, used when it labels alone."""
    validated: bool = False
    """Enough gold labels (``[classify.promotion] min_gold``) scored the models."""
    oof: dict[str, list[float]] = field(default_factory=dict)
    """item_id → the candidate's calibrated out-of-fold probabilities, for every gold item: what the model says
    of an item whose gold label it was not trained on (``orgmap eval classify`` scores these)."""

    @property
    def validation(self) -> str:
        """``validated`` when enough gold labels scored the models, else ``unvalidated``."""
        return VALIDATED if self.validated else UNVALIDATED

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form stored in the model's metrics."""
        return {
            "n": self.n,
            "real": self.real,
            "candidate": self.candidate,
            "label_model": self.label_model,
            "promote_vs_label_model": None if self.decision is None else self.decision.promote,
            "reasons": None if self.decision is None else self.decision.reasons,
            "temperature": self.temperature,
            "label_model_temperature": self.label_model_temperature,
            "oof": self.oof,
        }


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
        con.execute(Q["no_domain_predictions_view"])  # not this target's own earlier answers: history-free
    if target == "org":
        con.execute(Q["domain_predictions_view"])
    df = con.execute(Q[f"{target}_frame"]).df()
    return prepare(df)


def gold_for(store: Store, target: str) -> dict[str, str]:
    """item_id → gold class of ``target``."""
    return {item: label for item, label, _ in store.con.execute(Q["gold"], [target]).fetchall()}


def real_gold_ids(store: Store, target: str) -> frozenset[str]:
    """The items of ``target`` whose gold label a person gave (not generated: ``source = 'synth'``)."""
    return frozenset(item for item, _, source in store.con.execute(Q["gold"], [target]).fetchall() if source != "synth")


def domain_gold(
    store: Store, rows: Sequence[DomainLabel], taxonomy: Taxonomy, annotator: str | None = None
) -> tuple[list[GoldLabel], list[dict[str, Any]]]:
    """Gold labels from a ``domain[,target],class`` file (:func:`classifiers.reference.read_domain_labels`).

    A domain row labels the domain; an org row (or a row without target whose class is an organization type)
    labels the org that owns the domain, as the resolver linked it. Returns the gold labels and the rows that
    could not be used (unknown class, a domain without a linked owner).
    """
    owners = dict(store.con.execute(Q["owners_of_domains"], [sorted({r.domain for r in rows})]).fetchall())
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    gold: dict[tuple[str, str], GoldLabel] = {}
    problems: list[dict[str, Any]] = []
    for r in rows:
        targets = [r.target] if r.target else [t for t in ("domain", "org") if r.label in taxonomy.classes(t)]
        if not targets:
            problems.append({"item_id": r.domain, "problem": f"{r.label!r} is no domain or org class"})
        for t in targets:
            if r.label not in taxonomy.classes(t):
                problems.append({"item_id": r.domain, "problem": f"unknown {t} class {r.label!r}"})
            elif t == "org" and not owners.get(r.domain):
                problems.append({"item_id": r.domain, "problem": "no linked owner: resolve it first (org label)"})
            else:
                item = owners[r.domain] if t == "org" else r.domain
                gold[(t, item)] = GoldLabel(t, item, r.label, annotator, stamp, None, 1)
    return list(gold.values()), problems


def lf_report(store: Store, settings: Settings, target: str) -> tuple[pd.DataFrame, dict[str, Any], int] | None:
    """Per-LF report (with empirical accuracy where gold exists), summary with class balance, row count."""
    frame = load_frame(store, target)
    if not len(frame):
        return None
    tax = taxonomy_for(settings)
    gold = gold_indices(frame, gold_for(store, target), tax.classes(target))
    weak = weak_for(frame, tax, target, settings, gold, real_gold_ids(store, target))
    return weak.report(gold if (gold != -1).any() else None), weak.summary(), len(frame)


def weak_for(
    frame: pd.DataFrame,
    tax: Taxonomy,
    target: str,
    settings: Settings,
    gold: np.ndarray | None = None,
    real: Collection[str] = (),
) -> WeakLabels:
    """LF votes and label-model labels of ``frame`` with the configured label model.

    The LFs are the taxonomy's rules, the user's LF files, one LF per reference-labels file (``[classify]
    reference_labels``, ``orgmap resolve --reference-labels FILE``) and, for orgs, the class the reference org list
    (``orgmap resolve --orgs``) gives the orgs linked to it. With ``label_model = "auto"``
    Snorkel's label model is used, unless ``gold`` holds enough labels (real ones when any exist) on which majority
    vote does better: which combination of the votes is right is then measured, not assumed.
    """
    c = settings.classify
    refs = [p.strip() for p in c.reference_labels.split(",") if p.strip()]
    extra = reference_lfs(refs, tax, target)
    if target == "org" and settings.resolve.orgs_file:
        lf = reference_org_lf(_reference_classes(settings.resolve.orgs_file), tax)
        extra += [lf] if lf is not None else []
    lfs = build_lfs(tax, target, extra=extra)
    method = "snorkel" if c.label_model == "auto" else c.label_model
    weak = weak_labels(frame, tax, target, lfs=lfs, method=method, seed=c.seed, n_epochs=c.n_epochs)
    if c.label_model != "auto" or gold is None:
        return weak
    rows, _ = scored_gold(frame, gold, real)
    if len(rows) < c.promotion.min_gold:
        return weak
    vote = refit_label_model(weak, "majority", seed=c.seed)
    y = gold[rows]
    score = {
        m: evaluate_probs(w.label_model.probs[rows], y, weak.classes)["macro_f1"]
        for m, w in (("snorkel", weak), ("majority", vote))
    }
    return vote if score["majority"] > score["snorkel"] else weak


def _reference_classes(path: str) -> dict[str, str]:
    """Reference id → category of a reference org list (read once per file version)."""
    p = Path(path)
    st = p.stat() if p.exists() else None
    return _reference_classes_cached(str(p), st.st_mtime_ns if st else 0)


@lru_cache(maxsize=2)
def _reference_classes_cached(path: str, _mtime: int) -> dict[str, str]:
    from resolver.reference import load_reference

    table = load_reference(path)
    return {
        i: c for i, c in zip(table.column("ref_id").to_pylist(), table.column("class").to_pylist(), strict=True) if c
    }


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
    real = real_gold_ids(store, target)
    gold = gold_indices(frame, gold_map, tax.classes(target))
    weak = weak_for(frame, tax, target, settings, gold, real)
    mode = "always" if promote else ("if_better" if promote_if_better else "never")
    return train_and_register(store, settings, weak, frame, gold, run_id, promote=mode, window=window, real=real)


def scored_gold(frame: pd.DataFrame, gold: np.ndarray, real: Collection[str]) -> tuple[np.ndarray, bool]:
    """The frame rows whose gold labels judge a model: the real (human) ones when any exist, else all of them.

    Generated gold cannot vouch for a model on real data; it is used only when there is nothing else.
    """
    has = gold != -1
    real_rows = has & frame["item_id"].isin(set(real)).to_numpy()
    return np.nonzero(real_rows if real_rows.any() else has)[0], bool(real_rows.any())


def check_on_gold(
    frame: pd.DataFrame,
    weak: WeakLabels,
    gold: np.ndarray,
    model: EndModel | None,
    settings: Settings,
    real: Collection[str] = (),
) -> GoldCheck:
    """Score the candidate ``model`` and the label model alone on the gold rows of ``frame``; calibrate both.

    With ``train_on_gold`` the candidate's scores are cross-validated (each fold predicted by a model
    trained without its gold labels); otherwise ``model`` never saw them. Only real gold is scored when
    any exists. Temperatures are fitted on these probabilities; the figures use cross-fitted ones. With
    ``model`` None only the label model is scored (it labels alone).
    """
    c = settings.classify
    rows, is_real = scored_gold(frame, gold, real)
    n = len(rows)
    scored = np.zeros(len(frame), dtype=bool)
    scored[rows] = True
    folds = np.arange(len(rows)) % max(c.cv_folds, 2)
    check = GoldCheck(n, is_real, weak.classes, rows, gold[rows])
    if n < 2:
        return check
    probs = None
    if model is not None and c.train_on_gold:
        cv = cross_validate(frame, weak, gold, folds=c.cv_folds, seed=c.seed, min_confidence=c.min_confidence,
                            C=c.regularization, gold_weight=c.gold_weight, balance_gold=c.balance_gold,
                            max_weak_rows=c.max_train_rows)  # fmt: skip
        assert cv is not None
        ids = frame["item_id"].to_numpy()[cv.rows]
        oof = {i: [round(float(p), 4) for p in row] for i, row in zip(ids, cv.calibrated, strict=True)}
        check = dataclasses.replace(check, oof=oof)
        keep = scored[cv.rows]
        rows, folds, probs = cv.rows[keep], cv.folds[keep], cv.probs[keep]
    elif model is not None:
        probs = model.predict_proba(frame.iloc[rows])
    y = gold[rows]
    lm_probs = weak.label_model.probs[rows]
    enough = n >= c.promotion.min_gold
    check = dataclasses.replace(
        check,
        rows=rows,
        y=y,
        label_model=evaluate_probs(cross_fitted_temperature(lm_probs, y, folds), y, weak.classes),
        label_model_temperature=fit_temperature(lm_probs, y),
        validated=enough,
    )
    if probs is None:
        return check
    cand = evaluate_probs(cross_fitted_temperature(probs, y, folds), y, weak.classes)
    decision = decide(cand, check.label_model, c.promotion) if enough else None
    return dataclasses.replace(check, candidate=cand, decision=decision, temperature=fit_temperature(probs, y))


def fingerprint_of(
    settings: Settings, weak: WeakLabels, frame: pd.DataFrame, gold: np.ndarray, real: Collection[str] = ()
) -> str:
    """The training fingerprint (:func:`classifiers.train.training_fingerprint`) of a target's current inputs."""
    params = {"classify": dataclasses.asdict(settings.classify), "real": sorted(real)}
    return training_fingerprint(frame, weak, gold, params)


def train_and_register(
    store: Store,
    settings: Settings,
    weak: WeakLabels,
    frame: pd.DataFrame,
    gold: np.ndarray,
    run_id: int | None,
    promote: str,
    window: Mapping[str, Any] | None = None,
    real: Collection[str] = (),
) -> TrainOutcome:
    """Train an end model on ``weak`` (and gold), calibrate it on gold, register it, promote it as ``promote`` says.

    ``promote``: ``first`` (the classify stage, a target without a model: promoted when not worse than the
    label model on gold, or, with too few gold labels, promoted ``unvalidated``), ``always``, ``if_better``
    (not worse than the label model *and* than the current model on gold), ``never``.
    """
    c = settings.classify
    fit = train_end_model(
        frame, weak, gold=gold, train_on_gold=c.train_on_gold, min_confidence=c.min_confidence, C=c.regularization,
        gold_weight=c.gold_weight, balance_gold=c.balance_gold,
        weak_rows=sample_weak_rows(len(frame), c.max_train_rows, c.seed),
    )  # fmt: skip
    check = check_on_gold(frame, weak, gold, fit.model, settings, real)
    model = fit.model.calibrated(check.temperature)
    pred = predict(frame, weak, model)
    lm_labels = np.asarray(weak.classes, dtype=object)[weak.label_model.probs.argmax(axis=1)]
    metrics: dict[str, Any] = {
        "gold": check.candidate or {},
        "label_model_gold": check.label_model or {},
        "gold_check": check.to_dict(),
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
        "end_model": model.config,
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
        "fingerprint": fingerprint_of(settings, weak, frame, gold, real),
        "runs": list(runs) if runs else None,
        "n_rows": len(frame),
        "n_train": fit.n_train,
        "n_gold_train": fit.n_gold_train,
        **(window or {}),
    }
    current = registry.promoted(store.con, weak.target)
    ok, reason = _promotion(store, settings, promote, check, current, frame)
    with store.transaction():
        version = registry.register(
            store.con,
            model,
            config=config,
            lf_set=weak.lf_set(),
            data_window=window,
            metrics=metrics,
            run_id=run_id,
            validation=check.validation,
        )
        if ok:
            registry.promote(store.con, version, reason)
        else:
            registry.set_note(store.con, version, reason)
    return TrainOutcome(weak.target, version, ok, reason, metrics, check.validation)


def _promotion(
    store: Store,
    settings: Settings,
    promote: str,
    check: GoldCheck,
    current: str | None,
    frame: pd.DataFrame,
) -> tuple[bool, str]:
    """Whether the candidate is promoted, and the reason recorded with it."""
    gate = settings.classify.promotion
    kind = "real" if check.real else "generated"
    if check.decision is None:
        unvalidated = (
            f"without enough gold labels ({check.n} < {gate.min_gold}): nobody knows how good it is; label some "
            "(orgmap label push / orgmap label import) and run `orgmap train --promote-if-better`"
        )
        if promote == "first":
            return True, "promoted so that every item gets a class, " + unvalidated
        if promote == "always":
            return True, "promoted on request, " + unvalidated
        if promote == "never":
            return False, "candidate: not promoted (use --promote or --promote-if-better), " + unvalidated
        return _gate(store, settings, check, current, frame)
    versus = "; ".join(check.decision.reasons)
    if promote == "always":
        return True, f"promoted on request; vs label model on {check.n} {kind} gold labels: {versus}"
    if promote == "never":
        return False, f"candidate: not promoted (use --promote or --promote-if-better); vs label model: {versus}"
    if not check.decision.promote:
        return (
            False,
            f"kept the label model: worse than the label model alone on {check.n} {kind} gold labels: {versus}",
        )
    if promote == "first":
        return True, f"promoted: not worse than the label model alone on {check.n} {kind} gold labels: {versus}"
    ok, why = _gate(store, settings, check, current, frame)
    return ok, f"{why}; vs label model: {versus}"


def _gate(
    store: Store,
    settings: Settings,
    check: GoldCheck,
    current: str | None,
    frame: pd.DataFrame,
) -> tuple[bool, str]:
    """Promote when the candidate passes the promotion gate against the current model on the same gold rows."""
    if current is None:
        return True, "promoted: no current model"
    try:
        cur_model = registry.load(store.con, current)
    except InputError as exc:
        return True, f"promoted: current model unreadable ({exc})"
    if tuple(cur_model.classes) != tuple(check.classes):
        return True, "promoted: the current model's classes differ from the taxonomy, no comparison possible"
    cur = None
    if len(check.rows):
        cur = evaluate_probs(cur_model.predict_proba(frame.iloc[check.rows]), check.y, check.classes)
    decision = decide(check.candidate or {"n": check.n}, cur, settings.classify.promotion)
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
        full = load_frame(store, target)
        cand_model = registry.load(con, out.version)
        classes = tuple(cand_model.classes)
        index = {c: i for i, c in enumerate(classes)}
        rows = np.nonzero((full["item_id"].isin(held) & full["item_id"].map(gold).map(index).notna()).to_numpy())[0]
        frame = full.iloc[rows].reset_index(drop=True)
        y = frame["item_id"].map(gold).map(index).to_numpy(dtype=np.int64)
        cur_model = registry.load(con, current) if current is not None else None
        verdict = validate(cand_model, cur_model, frame, y, gate)
        ok, reasons, cand_eval, cur_eval = verdict.promote, verdict.reasons, verdict.candidate, verdict.current
        if ok and len(y) >= gate.min_gold and tuple(classes) == taxonomy_for(settings).classes(target):
            # and not worse than the label model alone on the same held-out gold
            lm = weak_for(full, taxonomy_for(settings), target, settings).label_model.probs[rows]
            versus = decide(cand_eval or {"n": 0}, evaluate_probs(lm, y, classes), gate)
            ok = versus.promote
            reasons = [*reasons, "vs label model: " + "; ".join(versus.reasons)]
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
