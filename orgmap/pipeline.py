"""The main job (``orgmap resolve``, ``make resolve``): the stages in order, over one store.

Stages communicate only through the store, so each can be re-run alone and a killed run resumes where it
stopped. Every stage has the same signature, ``stage(store, settings, run, progress) -> summary``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Protocol

from orgmap.config import Settings
from orgmap.memory import release_memory, use_system_allocator
from orgmap.models import RetrainSummary, retrain_models
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run, recorded
from orgmap.stages.classify import classify
from orgmap.stages.graph import build_graph, export_kumu
from orgmap.stages.ingest import ingest, require_usable_records
from orgmap.stages.ner import recognize_orgs
from orgmap.stages.resolve import resolve
from orgmap.stages.signals import extract_signals
from orgmap.store.database import Store
from resolver.reference import read_reference


class Stage(Protocol):
    """What every stage is: it reads the store, computes, writes the store, and says what it did."""

    def __call__(self, store: Store, settings: Settings, run: Run, progress: Progress, /) -> Any:
        """Run the stage; return its summary (a frozen dataclass)."""


STAGES: dict[str, Stage] = {
    "ingest": ingest,
    "signals": extract_signals,
    "ner": recognize_orgs,
    "resolve": resolve,
    "classify": classify,
    "graph": build_graph,
    "export": export_kumu,
}
"""The stages, in order. ``orgmap resolve --skip classify`` leaves one out; ingest runs only with inputs."""


@dataclass
class RunReport:
    """What each stage of one run reported, in order, plus timings."""

    run_id: int | None
    stages: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form saved in ``runs.counts``."""
        out: dict[str, Any] = {}
        for name, value in self.stages.items():
            out[name] = asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
        out["seconds"] = self.seconds
        return out


def run(
    settings: Settings,
    paths: Sequence[str],
    *,
    skip: Sequence[str] = (),
    columns: Mapping[str, str] | None = None,
    progress: Progress = SILENT,
    on_stage: Callable[[str, Any], None] | None = None,
) -> RunReport:
    """Run the whole job on ``paths`` (which may be empty: then only the later stages run).

    A reference list (``--orgs``) is read first: a bad one stops the run before any page is ingested.
    """
    if settings.resolve.orgs_file and "resolve" not in skip:
        read_reference(settings.resolve.orgs_file)  # cached: the resolve stage reads it again for free
    use_system_allocator()
    with (
        Store.open(settings) as store,
        recorded(store, "resolve", settings, list(paths), columns=columns) as (r, counts),
    ):
        report = RunReport(r.run_id)
        todo = [n for n in STAGES if n not in skip and (n != "ingest" or paths)]
        for i, name in enumerate(todo, 1):
            step = progress.task(f"[{i}/{len(todo)}] {name}", unit="stages")  # shows even a stage that counts nothing
            t0 = time.perf_counter()
            report.stages[name] = STAGES[name](store, settings, r, progress)
            report.seconds[name] = round(time.perf_counter() - t0, 2)
            release_memory(store)
            step.close()
            counts.clear()
            counts.update(report.to_dict())
            if name == "ingest":
                require_usable_records(report.stages[name])
            if on_stage:
                on_stage(name, report.stages[name])
        return report


def retrain(
    store: Store,
    settings: Settings,
    run: Run,
    progress: Progress = SILENT,
    *,
    force: bool = False,
    targets: list[str] | None = None,
) -> RetrainSummary:
    """The retrain job: candidates validated on held-out gold, promoted only if not worse; then re-label.

    Does nothing when no pages or gold labels arrived since the last retrain (scheduled mode).
    """
    summary = retrain_models(store, settings, run, progress, force=force, targets=targets)
    if any(d["promoted"] for d in summary.decisions):
        summary.relabelled = classify(store, settings, run, progress).labelled
    return summary
