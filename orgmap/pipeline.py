"""The main job: one function per stage, chained by :func:`run` (what ``orgmap resolve`` and ``make resolve`` do).

Stages communicate only through the DuckDB store, so each can be re-run alone, a killed run resumes where
it stopped, and a later scale-out can run page-heavy stages (ingest, signals, NER) on workers.

    ingest → signals → resolve (NER, owners, orgs) → classify → graph → export (Kumu)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from orgmap.config import Settings
from orgmap.store.database import Store


@dataclass
class RunReport:
    """What each stage of one run reported, in order, plus timings."""

    run_id: int
    stages: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form saved in ``runs.counts``."""
        out: dict[str, Any] = {}
        for name, value in self.stages.items():
            out[name] = asdict(value) if hasattr(value, "__dataclass_fields__") else value
        out["seconds"] = self.seconds
        return out


def stage_ingest(
    store: Store,
    settings: Settings,
    paths: Sequence[str],
    run_id: int,
    progress: Any,
    columns: dict[str, str] | None = None,
) -> Any:
    """Read input files into ``pages`` (skipping and reporting bad records)."""
    from orgmap.stages.ingest import ingest

    return ingest(store, list(paths), columns=columns or {}, settings=settings, progress=progress, run_id=run_id)


def stage_signals(store: Store, settings: Settings, run_id: int, progress: Any) -> Any:
    """Extract page signals, features and links for pages that have none yet."""
    from orgmap.stages.signals import extract_signals

    return extract_signals(
        store,
        run_id=run_id,
        batch_size=settings.signals.batch_size,
        max_text_chars=settings.signals.max_text_chars,
        main_text=settings.signals.main_text,
        workers=settings.signals.workers,
        owner_text_chars=settings.ner.max_chars,
        progress=progress,
    )


def stage_resolve(store: Store, settings: Settings, run_id: int, progress: Any) -> Any:
    """NER, owner of every domain, organizations across domains."""
    from orgmap.stages.resolve import resolve

    return resolve(
        store,
        run_id=run_id,
        orgs_file=settings.resolve.orgs_file,
        reference_min_score=settings.resolve.reference_min_score,
        model=settings.ner.model,
        ner=settings.ner.enabled,
        min_confidence=settings.resolve.min_confidence,
        match_threshold=settings.resolve.match_threshold,
        ner_batch_size=settings.ner.batch_size,
        ner_max_chars=settings.ner.max_chars,
        progress=progress,
    )


def stage_classify(store: Store, settings: Settings, run_id: int, progress: Any) -> Any:
    """Classify pages, domains and orgs (weak supervision + end model)."""
    from orgmap.stages.classify import classify

    return classify(store, settings=settings, run_id=run_id, progress=progress)


def stage_graph(store: Store, settings: Settings, run_id: int, progress: Any) -> Any:
    """Build the domain/org graph, compute analytics, store it."""
    from orgmap.stages.graph import build_graph

    return build_graph(store, settings=settings, run_id=run_id)


def stage_export(store: Store, settings: Settings, run_id: int, progress: Any) -> Any:
    """Write the Kumu JSON export (``out/kumu.json`` by default)."""
    from orgmap.stages.graph import export_kumu

    return export_kumu(store, Path(settings.graph.kumu_path), settings=settings)


Stage = Callable[[Store, Settings, int, Any], Any]

STAGES: dict[str, Stage] = {
    "signals": stage_signals,
    "resolve": stage_resolve,
    "classify": stage_classify,
    "graph": stage_graph,
    "export": stage_export,
}
"""The stages after ingestion, in order. ``orgmap resolve --skip classify`` leaves one out."""


def run(
    settings: Settings,
    paths: Sequence[str],
    *,
    skip: Sequence[str] = (),
    columns: dict[str, str] | None = None,
    progress: Any = None,
    on_stage: Callable[[str, Any], None] | None = None,
) -> RunReport:
    """Run the whole job on ``paths`` (which may be empty: then only the later stages run)."""
    with Store(settings.db) as store:
        run_id = store.start_run("resolve", list(paths), settings.to_dict())
        report = RunReport(run_id)
        try:
            if paths:
                t0 = time.perf_counter()
                report.stages["ingest"] = stage_ingest(store, settings, paths, run_id, progress, columns)
                report.seconds["ingest"] = round(time.perf_counter() - t0, 2)
                if on_stage:
                    on_stage("ingest", report.stages["ingest"])
            for name, stage in STAGES.items():
                if name in skip:
                    continue
                t0 = time.perf_counter()
                report.stages[name] = stage(store, settings, run_id, progress)
                report.seconds[name] = round(time.perf_counter() - t0, 2)
                if on_stage:
                    on_stage(name, report.stages[name])
        except BaseException as exc:
            store.finish_run(run_id, "failed", report.to_dict(), error=f"{type(exc).__name__}: {exc}")
            raise
        store.finish_run(run_id, "ok", report.to_dict())
        return report
