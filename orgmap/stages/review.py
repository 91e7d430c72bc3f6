"""The review stage: ask people about owners and merges, and keep their answers for good.

``select_owners`` / ``select_pairs`` rank what to ask by expected value (docs/labeling.md, "Reviewing
owners and merges"); ``push`` sends tasks to Label Studio, ``export_file`` to a file; ``pull`` and
``import_file`` store every answer in ``review_owner_answers`` / ``review_pair_answers``, which the resolve
stage applies on every run.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgmap.config import Settings
from orgmap.review.labelstudio import LabelStudio
from orgmap.review.tasks import WHATS, OwnerAnswer, PairAnswer, answers_of, owner_prediction, owner_task, pair_task
from orgmap.store import schemas
from orgmap.store.database import Store, now
from resolver.errors import InputError
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "review.sql")

IMPACT_WEIGHT = 0.2
"""How much impact (pages, links, degree; 0-1) adds to uncertainty (0-1) in an owner's expected value: it
orders domains about equally uncertain, and lifts a much-linked one over a slightly more uncertain one."""
STRATEGIES = ("uncertainty", "random")
NEAR_MISS_SIMILARITY = 0.9
"""Jaro-Winkler similarity of two orgs' name keys from which a pair of unmerged orgs is worth asking about."""
LARGE_CLUSTER = 3
"""Orgs of at least this many domains have their weakest edge asked about."""


@dataclass
class PushSummary:
    """What ``orgmap review push`` did."""

    project_id: int
    what: str
    selected: int
    imported: int
    skipped: int


@dataclass
class PullSummary:
    """What ``orgmap review pull`` / ``import`` did."""

    n_tasks: int
    owners: int
    """Owner answers new to the store."""
    pairs: int
    problems: list[dict[str, Any]] = field(default_factory=list)


def _check_what(what: str) -> None:
    if what not in WHATS:
        raise InputError(f"unknown review {what!r}; choose one of {', '.join(WHATS)}")


# -- what to ask: owners -----------------------------------------------------------------------------------
def uncertainty(confidence: float, threshold: float) -> float:
    """1 at the threshold, falling linearly to 0 at the far end of [0, 1]: how unsure the owner's status is.

    >>> uncertainty(0.6, 0.6), uncertainty(0.0, 0.6), round(uncertainty(1.0, 0.6), 2)
    (1.0, 0.0, 0.33)
    """
    span = max(threshold, 1.0 - threshold) or 1.0
    return max(0.0, 1.0 - abs(float(confidence) - threshold) / span)


def owner_values(rows: Sequence[Mapping[str, Any]], threshold: float) -> list[float]:
    """Expected value of reviewing each row (``confidence``, ``n_pages``, ``n_links``, ``degree``).

    Uncertainty about the row's status plus :data:`IMPACT_WEIGHT` × impact, where impact is the sum of
    log(1 + pages, links, degree) over its largest value among the rows.
    """
    raw = [sum(math.log1p(max(float(r.get(k) or 0), 0.0)) for k in ("n_pages", "n_links", "degree")) for r in rows]
    top = max(raw, default=0.0) or 1.0
    return [uncertainty(r["confidence"], threshold) + IMPACT_WEIGHT * x / top for r, x in zip(rows, raw, strict=True)]


def rank(values: Sequence[float], n: int, strategy: str, seed: int = 0) -> list[int]:
    """Indices of the ``n`` rows to ask first: highest value (ties by index), or a seeded random sample."""
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    order = list(range(len(values)))
    if strategy == "random":
        random.Random(seed).shuffle(order)
        return order[:n]
    return sorted(order, key=lambda i: (-values[i], i))[:n]


def priority(value: float) -> float:
    """Label Studio's prediction score for a task of expected ``value``: lower is served first, in [0, 1]."""
    return round(max(0.0, 1.0 - value / (1.0 + IMPACT_WEIGHT)), 6)


def select_owners(
    store: Store,
    settings: Settings,
    n: int,
    *,
    threshold: float,
    strategy: str = "uncertainty",
    exclude: Iterable[str] = (),
    seed: int = 0,
) -> list[dict[str, Any]]:
    """The ``n`` domains whose review is worth most, with their candidates, evidence and pages.

    ``threshold``: the confidence from which an owner is linked under the user's precision target (the
    resolve stage's ``scorer_of(settings).threshold``).
    """
    cur = store.con.execute(Q["owner_rows"])
    cols = [d[0] for d in cur.description]
    skip = set(exclude)
    rows = [
        r for r in (dict(zip(cols, row, strict=True)) for row in cur.fetchall()) if r["registered_domain"] not in skip
    ]
    values = owner_values(rows, threshold)
    chosen = [rows[i] | {"value": values[i], "priority": priority(values[i])} for i in rank(values, n, strategy, seed)]
    doms = [r["registered_domain"] for r in chosen]
    cands: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for dom, name, weight, n_pages, evidence in store.con.execute(Q["owner_candidates"], [doms]).fetchall():
        cands[dom].append({"name": name, "weight": round(float(weight), 4), "n_pages": n_pages, "evidence": evidence})
    pages = dict(store.con.execute(Q["owner_pages"], [doms]).fetchall())
    for r in chosen:
        found = cands.get(r["registered_domain"], [])
        first = [c for c in found if r["name"] and c["name"].casefold() == r["name"].casefold()]
        r["candidates"] = first + [c for c in found if c not in first]
        r["pages"] = pages.get(r["registered_domain"]) or []
    return chosen


# -- what to ask: merges -------------------------------------------------------------------------------------
def _names_similar(x: str | None, y: str | None) -> float:
    from rapidfuzz import fuzz

    from resolver.names import normalize_name

    return float(fuzz.token_set_ratio(normalize_name(x or "").key, normalize_name(y or "").key))


def select_pairs(
    store: Store, settings: Settings, n: int, *, exclude: Iterable[tuple[str, str]] = ()
) -> list[dict[str, Any]]:
    """The ``n`` pairs of domains whose "same organization?" answer is worth most (active learning).

    Three sources, each pair valued in [0, 1] and the best value kept: merge edges near the precision
    target (1 at the target); edges where the rules and the names disagree (a hard link between owners whose
    names are unlike, or a name merge that crosses countries: 0.9); the weakest edge of every org of
    :data:`LARGE_CLUSTER` domains or more (0.5 + half its uncertainty); and pairs of orgs whose names nearly
    matched (similarity near :data:`NEAR_MISS_SIMILARITY`). Pairs a person answered are left out.
    """
    skip = {tuple(sorted(p)) for p in exclude} | {tuple(r) for r in store.con.execute(Q["decided_pairs"]).fetchall()}
    best: dict[tuple[str, str], tuple[float, str, float | None, bool]] = {}

    def offer(a: str, b: str, value: float, why: str, conf: float | None, same: bool) -> None:
        key = (a, b) if a < b else (b, a)
        if key not in skip and value > best.get(key, (-1.0,))[0]:
            best[key] = (value, why, conf, same)

    edges = store.con.execute(Q["pair_edges"]).fetchall()
    weakest: dict[str, tuple[Any, ...]] = {}
    sides_needed = {d for e in edges for d in (e[2], e[3])}
    sides = _sides(store, sides_needed)
    for org_id, n_domains, a, b, kind, _score, conf, reason, target in edges:
        u = uncertainty(conf, target)
        offer(a, b, u, f"merge edge {kind} ({reason}), confidence {conf:.2f}, target {target:.2f}", conf, True)
        sa, sb = sides.get(a, {}), sides.get(b, {})
        crosses = sa.get("country") and sb.get("country") and sa["country"] != sb["country"]
        if (
            kind.startswith("hard:")
            and _names_similar(sa.get("owner"), sb.get("owner")) < settings.resolve.match_threshold
        ):
            offer(a, b, 0.9, f"the rule {kind} merges them but their names differ ({reason})", conf, True)
        elif kind in ("name", "acronym") and crosses:
            offer(a, b, 0.9, f"a {kind} merge across countries ({reason})", conf, True)
        if n_domains >= LARGE_CLUSTER and (org_id not in weakest or conf < weakest[org_id][2]):
            weakest[org_id] = (a, b, conf, kind, reason, target)
    for a, b, conf, kind, reason, target in weakest.values():
        offer(
            a,
            b,
            0.5 + 0.5 * uncertainty(conf, target),
            f"the weakest edge of a large org: {kind} ({reason})",
            conf,
            True,
        )
    for a, b, sim in store.con.execute(Q["near_misses"], [NEAR_MISS_SIMILARITY - 0.05]).fetchall():
        closeness = max(0.0, 1.0 - abs(float(sim) - NEAR_MISS_SIMILARITY) / 0.1)
        offer(a, b, closeness, f"names nearly matched (similarity {sim:.2f}) but the orgs were kept apart", None, False)
    ranked = sorted(best.items(), key=lambda t: (-t[1][0], t[0]))[:n]
    sides.update(_sides(store, {d for (a, b), _ in ranked for d in (a, b)} - set(sides)))
    out = []
    for (a, b), (value, why, conf, same) in ranked:
        out.append(
            {
                "a": _side(a, sides),
                "b": _side(b, sides),
                "same_org": same,
                "why": why,
                "confidence": conf,
                "value": value,
                "priority": priority(value * (1.0 + IMPACT_WEIGHT)),
            }
        )
    return out


def _sides(store: Store, domains: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What a merge task shows of each domain, with the domain's own owner name and country.

    The country is the ccTLD's, else the org's: both ends of an edge share an org, so the org's country alone
    could never tell a merge that crosses countries.
    """
    from resolver.domains import country_of

    out = {}
    for dom, org_id, name, owner, country, doms, conf, why, evidence in store.con.execute(
        Q["pair_sides"], [sorted(domains)]
    ).fetchall():
        out[dom] = {
            "domain": dom,
            "org_id": org_id,
            "name": name,
            "owner": owner,
            "country": country_of(dom) or country,
            "domains": list(doms or []),
            "confidence": conf,
            "evidence": [x for x in [why, *(evidence or [])] if x],
        }
    return out


def _side(dom: str, sides: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    s = dict(sides.get(dom) or {"domain": dom, "name": None, "country": None, "domains": [dom], "evidence": []})
    s.pop("owner", None)
    return s


# -- tasks, push, pull -------------------------------------------------------------------------------------
def model_version(settings: Settings, what: str) -> str:
    """The model_version of review predictions: the owner scorer's (and its checksum) or the merge rules'."""
    if what == "merges":
        return f"orgmap-merges-{settings.resolve.match_threshold:g}"
    from resolver.owner_model import load_model

    if settings.resolve.scorer != "model":
        return f"orgmap-owners-{settings.resolve.scorer}"
    return f"orgmap-owners-{load_model(settings.resolve.owner_model or None).sha256[:8]}"


def build(
    store: Store,
    settings: Settings,
    what: str,
    n: int,
    *,
    threshold: float,
    exclude: Iterable[str] = (),
    strategy: str = "uncertainty",
) -> list[dict[str, Any]]:
    """The ``n`` most valuable ``what`` tasks not in ``exclude`` (task item ids: domain, or ``a|b``).

    ``threshold``: as for :func:`select_owners`.
    """
    _check_what(what)
    version = model_version(settings, what)
    if what == "owners":
        seed = settings.classify.seed
        rows = select_owners(store, settings, n, threshold=threshold, strategy=strategy, exclude=exclude, seed=seed)
        return [owner_task(r, model_version=version) for r in rows]
    pairs = [tuple(x.split("|", 1)) for x in exclude if "|" in x]
    return [pair_task(r, model_version=version) for r in select_pairs(store, settings, n, exclude=pairs)]  # type: ignore[arg-type]


def item_of(task: Mapping[str, Any]) -> str:
    """The item id of a task: its domain, or ``a|b``."""
    return str(task["data"]["orgmap_id"]).partition(":")[2]


def record_tasks(
    store: Store,
    tasks: Sequence[Mapping[str, Any]],
    *,
    server: str,
    project_id: int,
    what: str,
    task_ids: Mapping[str, int] | None = None,
    run_id: int | None = None,
) -> int:
    """``review_tasks`` rows for the tasks sent (new ones only)."""
    ids = task_ids or {}
    n = len(tasks)
    table = schemas.rows(
        "review_tasks",
        {
            "server": [server] * n,
            "project_id": [project_id] * n,
            "what": [what] * n,
            "item_id": [item_of(t) for t in tasks],
            "task_id": [ids.get(t["data"]["orgmap_id"]) for t in tasks],
            "pushed_at": [now()] * n,
            "value": [t["data"]["value"] for t in tasks],
            "priority": [t["data"]["priority"] for t in tasks],
            "predicted": [t["data"].get("predicted") for t in tasks],
            "run_id": [run_id] * n,
        },
    )
    with store.transaction():
        return store.insert_new("review_tasks", table, ["server", "project_id", "what", "item_id"])


def project_title(what: str, title: str | None = None) -> str:
    """The Label Studio project of ``what`` reviews: ``orgmap owners`` / ``orgmap merges`` by default."""
    return title or f"orgmap {what}"


def push(
    store: Store,
    settings: Settings,
    client: LabelStudio,
    what: str,
    n: int,
    *,
    threshold: float,
    title: str | None = None,
    strategy: str = "uncertainty",
    run_id: int | None = None,
) -> PushSummary:
    """Create or reuse the review project and import the ``n`` most valuable tasks it does not hold yet."""
    from orgmap.review.tasks import config_for

    _check_what(what)
    project = client.ensure_review_project(project_title(what, title), config_for(what), marker=f"review={what}")
    existing = client.existing_ids(project)
    done = set(store.con.execute(Q["pushed_items"], [client.url, project, what]).fetchall())
    exclude = {r[0] for r in done} | {k.partition(":")[2] for k in existing}
    tasks = build(store, settings, what, n, threshold=threshold, exclude=exclude, strategy=strategy)
    counts = client.import_tasks(project, tasks)
    record_tasks(
        store,
        tasks,
        server=client.url,
        project_id=project,
        what=what,
        task_ids=client.existing_ids(project),
        run_id=run_id,
    )
    return PushSummary(project, what, len(tasks), counts["imported"], counts["skipped"])


def write_answers(
    store: Store, answers: Sequence[OwnerAnswer | PairAnswer], source: str, origin: str
) -> tuple[int, int]:
    """Store answers not stored yet; returns (owner answers, pair answers) new to the store."""
    pulled = now()
    owners = [a for a in answers if isinstance(a, OwnerAnswer)]
    pairs = [a for a in answers if isinstance(a, PairAnswer)]
    new = [0, 0]
    with store.transaction():
        if owners:
            owner_cols = (
                "registered_domain",
                "status",
                "name",
                "choice",
                "annotator",
                "annotated_at",
                "task_id",
                "predicted",
            )
            table = schemas.rows(
                "review_owner_answers",
                {**{c: [getattr(a, c) for a in owners] for c in owner_cols}, "source": [source] * len(owners),
                 "origin": [origin] * len(owners), "pulled_at": [pulled] * len(owners)},
            )  # fmt: skip
            new[0] = store.insert_new(
                "review_owner_answers", table, ["registered_domain", "source", "annotated_at", "choice"]
            )
        if pairs:
            pair_cols = (
                "a",
                "b",
                "decision",
                "parent",
                "annotator",
                "annotated_at",
                "task_id",
                "predicted",
                "pair_confidence",
            )
            table = schemas.rows(
                "review_pair_answers",
                {**{c: [getattr(a, c) for a in pairs] for c in pair_cols}, "source": [source] * len(pairs),
                 "origin": [origin] * len(pairs), "pulled_at": [pulled] * len(pairs)},
            )  # fmt: skip
            new[1] = store.insert_new("review_pair_answers", table, ["a", "b", "source", "annotated_at", "decision"])
    return new[0], new[1]


def pull(store: Store, client: LabelStudio, what: str, *, title: str | None = None) -> PullSummary:
    """Store the answers of the review project (every annotation; the latest counts)."""
    from orgmap.review.tasks import config_for

    _check_what(what)
    name = project_title(what, title)
    project = client.ensure_review_project(name, config_for(what), marker=f"review={what}", create=False)
    tasks = client.export(project, all_tasks=False)
    answers, problems = answers_of(tasks, client.users(), default_time=now())
    n_owners, n_pairs = write_answers(store, answers, "labelstudio", f"{client.url}/projects/{project}")
    return PullSummary(len(tasks), n_owners, n_pairs, problems)


# -- files -------------------------------------------------------------------------------------------------
def export_file(
    store: Store,
    settings: Settings,
    what: str,
    n: int,
    path: str | Path,
    fmt: str,
    *,
    threshold: float,
    strategy: str = "uncertainty",
) -> int:
    """Write the ``n`` most valuable ``what`` tasks to a file (``orgmap.review.formats.REVIEW_FORMATS``)."""
    from orgmap.review.formats import write_review_file

    tasks = build(store, settings, what, n, threshold=threshold, strategy=strategy)
    written = write_review_file(tasks, path, fmt)
    record_tasks(store, tasks, server=f"file:{fmt}", project_id=0, what=what)
    return written


def import_file(store: Store, path: str | Path, fmt: str | None = None, annotator: str | None = None) -> PullSummary:
    """Store the answers in a filled-in review file."""
    from orgmap.review.formats import read_review_file

    tasks, kind = read_review_file(path, fmt, annotator)
    stamp = dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC).replace(tzinfo=None)
    answers, problems = answers_of(tasks, default_time=stamp)
    source = "labelstudio_file" if kind == "labelstudio" else kind
    n_owners, n_pairs = write_answers(store, answers, source, str(path))
    return PullSummary(len(tasks), n_owners, n_pairs, problems)


def export_brat(store: Store, out_dir: str | Path, domains: Sequence[str] | None = None) -> int:
    """The ORG mentions on each page's ownership text as brat standoff (``<page>.txt`` + ``.ann``); pages written."""
    from orgmap.review.formats import write_brat

    rows = store.con.execute(Q["owner_texts"], [domains, domains]).fetchall()
    return write_brat(((page, text, mentions or []) for page, _dom, _url, text, mentions in rows), out_dir)


# -- the ML backend ------------------------------------------------------------------------------------------
def review_predictor(settings: Settings) -> Callable[[Sequence[Mapping[str, Any]]], list[dict[str, Any]]]:
    """Predictions for owner and merge tasks from the store's current answers (``orgmap serve``'s /predict)."""
    owner_version, pair_version = model_version(settings, "owners"), model_version(settings, "merges")

    def predict(tasks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        datas = [dict(t.get("data") or {}) for t in tasks]
        doms = sorted({d.get("domain") or "" for d in datas} | {s["domain"] for d in datas for s in _pair(d)})
        with Store.open(settings) as store:
            owners = {r[0]: r[1:] for r in store.con.execute(Q["current_owners"], [doms]).fetchall()}
            orgs = {r[0]: r[1:] for r in store.con.execute(Q["current_orgs"], [doms]).fetchall()}
        out = []
        for d in datas:
            if str(d.get("orgmap_id", "")).startswith("owner:"):
                status, name, conf, verified = owners.get(d.get("domain"), ("unknown", None, 0.0, False))
                version = "verified" if verified else owner_version
                out.append(owner_prediction(d, status, name, float(conf or 0.0), version))
                continue
            (oa, ca), (ob, cb) = (orgs.get(s["domain"], (None, None)) for s in _pair(d))
            same = oa is not None and oa == ob
            conf = float(ca if same and ca is not None else 1.0 - (d.get("confidence") or 0.0))
            result = [{"from_name": "decision", "to_name": "pair", "type": "choices",
                       "value": {"choices": ["same" if same else "different"]}, "score": round(conf, 6)}]  # fmt: skip
            out.append({"model_version": pair_version, "score": d.get("priority", 0.5), "result": result})
        return out

    return predict


def _pair(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [data["a"], data["b"]] if isinstance(data.get("a"), Mapping) and isinstance(data.get("b"), Mapping) else []


# -- the merge threshold, from people's pair answers -----------------------------------------------------------
@dataclass(frozen=True)
class MergeCalibration:
    """How the name score of answered pairs separates "same" from the rest, and the threshold it suggests."""

    pairs: int
    """Answered pairs whose two owners both have a name."""
    curve: list[Any]
    """``resolver.evaluate.CurvePoint`` per threshold: precision of "same" among pairs scoring at least it."""
    suggested: float | None
    """The lowest threshold from which every higher one (with :data:`MIN_CALIBRATION_PAIRS` answered pairs above
    it) reaches the precision target; None: the answers do not say."""
    current: float


MIN_CALIBRATION_PAIRS = 5
"""Answered pairs above a threshold needed before the calibration suggests it."""


def calibrate_merges(store: Store, settings: Settings) -> MergeCalibration:
    """Name scores (the clustering's ``resolver.scoring.score_keys``) of the answered pairs against the answers."""
    from resolver.evaluate import threshold_curve
    from resolver.names import normalize_name
    from resolver.scoring import KeyInfo, score_keys

    scores, same = [], []
    for _a, _b, decision, name_a, name_b in store.con.execute(Q["pair_names"]).fetchall():
        if not (name_a and name_b):
            continue
        ka, kb = normalize_name(name_a), normalize_name(name_b)
        scores.append(score_keys(KeyInfo.of(ka.key, ka.acronym), KeyInfo.of(kb.key, kb.acronym)).value)
        same.append(decision == "same")
    curve = threshold_curve(scores, same, range(70, 101))
    target = settings.resolve.min_precision
    suggested = None
    for p in sorted((p for p in curve if p.kept >= MIN_CALIBRATION_PAIRS), key=lambda p: -p.threshold):
        if p.precision < target:
            break  # every threshold from here down lets a pair the target forbids through
        suggested = float(p.threshold)
    return MergeCalibration(len(scores), curve, suggested, settings.resolve.match_threshold)
