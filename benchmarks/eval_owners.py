"""Owners and classes on the real gold (``benchmarks/gold/owners.csv``), orgmap beside trafilatura's sitename.

    python -m benchmarks.eval_owners [--split dev|test|both] [--json FILE] [--misses] [--plot [PNG]]
                                     [--reuse DB] [--owners-only] [--scorer model|noisy_or]

orgmap runs once over every real page of the gold domains (``../shared/eval/pages``, url and html only).

- Owners: a gold ``org`` is found when orgmap links the domain and its org's name or one of its aliases
  matches the site name, legal name or another accepted name (rules strict / entity / lenient:
  ``benchmarks.name_rules``); a ``person`` when orgmap says person or names the person; ``platform`` and
  ``unknown`` when orgmap says platform or unknown (or person, for a platform user site of a person).
- Baseline: trafilatura's ``extract_metadata(html).sitename``, the most common over the domain's pages,
  else the domain (trafilatura's own fallback), scored by the same rules as a linked name.
- Confidence (entity rule): precision and coverage of ``domain_org.confidence`` ≥ t, and the expected
  calibration error (10 equal-width bins). An ``unknown`` row is scored by its best candidate
  (``evidence.name``, the confidence it scored), so thresholds below ``min_confidence`` show what a lower
  threshold would give; a row with no candidate at all is no answer.
- Classes: orgmap's domain, org and page labels against the gold ``site_category``, ``org_type`` and page
  types (the taxonomy uses the gold's vocabularies, :data:`CLASS_MAP` is the identity); per-class P/R/F1,
  macro-F1 (over the classes present in the split's gold), confusion matrix, precision at confidence and ECE.
  The dev split's labels are imported as gold labels before the classify stage runs (as a user would with
  ``orgmap label import``): they train and calibrate the models and gate their promotion. A dev item is scored
  by the model's own cross-validated answer (``labels.probs`` of a gold item), never by its gold label; the
  test split is never imported. ``--no-gold`` imports nothing: the classes a user without gold labels gets
  (models trained on the weak labels alone, promoted ``unvalidated``), both splits scored alike.

Figures for both splits side by side; per-domain misses (``--misses``) for dev only: the test split is
never read row by row. ``--reuse DB`` keeps the resolved database and reuses it while the code outside
classification, the gold and the pages are unchanged; the classification runs again on a copy whenever
its code changed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.name_rules import RULES, any_names_match
from benchmarks.real_pages import AFTER_RESOLVE, eval_dir, read_pages, resolve_pages, settings_for
from orgmap.config import Settings
from orgmap.pipeline import STAGES
from orgmap.store.database import Store
from resolver.domains import registered_domain
from resolver.evaluate import threshold_curve

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "benchmarks" / "gold" / "owners.csv"
PLOT = REPO / "docs" / "owners_reliability.png"
SPLITS = ("dev", "test")
MAIN_RULE = "entity"
"""The rule of the confidence figures and of ``--misses``."""

PAGE_FILES = {
    "article_benchmark": "article_benchmark_pages.jsonl.gz",
    "postlight": "postlight_fixture_pages.jsonl.gz",
    "trafilatura": "trafilatura_pages.jsonl.gz",
    "webstruct": "webstruct_business_pages.jsonl.gz",
}
"""Gold ``source`` → pages file in ``../shared/eval/pages``."""

CODE = ("orgmap", "resolver", "classifiers", "graph", "pyproject.toml")
"""What a reused database must have been built by (with the gold and the pages)."""
CLASS_CODE = ("classifiers", "orgmap/stages/classify.py", "orgmap/models.py", "orgmap/store/queries/classify.sql")
"""The classification's code: a change here re-runs only the classify stage on a reused resolved database."""
PAGES_GOLD = REPO / "benchmarks" / "gold" / "pages.csv"
CLASS_PLOT = REPO / "docs" / "classes_reliability.png"

SYSTEMS = ("orgmap", "trafilatura")

CLASS_MAP: dict[str, dict[str, str]] = {"site_category": {}, "org_type": {}}
"""orgmap's class (``classifiers/taxonomy.toml``: domain target → site_category, org target → org_type) → the
gold vocabulary, where they differ. The taxonomy uses the gold's vocabularies, so it is the identity."""

NO_LABEL = "(none)"
"""A domain or org orgmap left without a class."""


@dataclass(frozen=True)
class GoldOwner:
    """One row of the gold."""

    domain: str
    """Registered domain as orgmap spells it (punycode)."""
    split: str
    sources: tuple[str, ...]
    """Pages files the domain's pages come from (keys of :data:`PAGE_FILES`)."""
    status: str
    """org | person | platform | unknown."""
    names: tuple[str, ...]
    """Site name, legal name and other accepted names."""
    site_category: str
    org_type: str


@dataclass(frozen=True)
class Answer:
    """What one system says owns a domain."""

    status: str
    """linked | person | platform | unknown."""
    names: tuple[str, ...] = ()
    """The owner's names (an org's canonical name and aliases; a person's name)."""
    confidence: float | None = None
    """``domain_org.confidence`` (None: no confidence or no candidate)."""
    candidate: str = ""
    """For an ``unknown`` answer, the best candidate that scored below the threshold."""
    why: str = ""


def read_gold(path: Path = GOLD) -> list[GoldOwner]:
    """The gold rows, domains in orgmap's spelling."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            GoldOwner(
                domain=registered_domain(r["registered_domain"]) or r["registered_domain"],
                split=r["split"],
                sources=tuple(r["source"].split("|")),
                status=r["status"],
                names=tuple(n for n in (r["site_name"], r["legal_name"], *r["other_names"].split("|")) if n.strip()),
                site_category=r["site_category"],
                org_type=r["org_type"],
            )
            for r in csv.DictReader(fh)
        ]


def is_right(gold: GoldOwner, answer: Answer, rule: str) -> bool:
    """Whether ``answer`` gives the gold owner under the name rule ``rule``."""
    named = answer.status in ("linked", "person") and any_names_match(gold.names, answer.names, rule)
    if gold.status == "org":
        return answer.status == "linked" and named
    if gold.status == "person":
        return answer.status == "person" or named
    if gold.status == "platform" and gold.org_type == "person" and answer.status == "person":
        return True
    return answer.status in ("platform", "unknown")


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def owner_accuracy(gold: Sequence[GoldOwner], answers: Mapping[str, Mapping[str, Answer]]) -> dict[str, Any]:
    """Accuracy per split, system and rule: overall, per page source and per gold status.

    ``answers`` maps a system's name to its answer per domain (a domain it does not answer is ``unknown``).
    """
    out: dict[str, Any] = {}
    for split in SPLITS:
        rows = [g for g in gold if g.split == split]
        part: dict[str, Any] = {
            "n": len(rows),
            "n_by_source": dict(Counter(s for g in rows for s in g.sources)),
            "n_by_status": dict(Counter(g.status for g in rows)),
        }
        for system, by_domain in answers.items():
            part[system] = {}
            for rule in RULES:
                right = {g.domain: is_right(g, by_domain.get(g.domain, Answer("unknown")), rule) for g in rows}
                part[system][rule] = {
                    "all": _share(list(right.values())),
                    "by_source": {
                        s: _share([right[g.domain] for g in rows if s in g.sources]) for s in part["n_by_source"]
                    },
                    "by_status": {
                        s: _share([right[g.domain] for g in rows if g.status == s]) for s in part["n_by_status"]
                    },
                }
        out[split] = part
    return out


def scored_answer(answer: Answer) -> Answer:
    """The answer the confidence speaks for: an ``unknown`` row's best candidate, as if it had been linked."""
    if answer.status == "unknown" and answer.candidate:
        return Answer("linked", (answer.candidate,), answer.confidence)
    return answer


def reliability(scored: Iterable[tuple[float | None, bool]], n_bins: int = 10) -> list[dict[str, float]]:
    """Equal-width confidence bins: items, mean confidence and accuracy of each non-empty bin."""
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for conf, ok in scored:
        if conf is not None:
            bins[min(int(conf * n_bins), n_bins - 1)].append((conf, ok))
    return [
        {
            "low": b / n_bins,
            "n": len(items),
            "confidence": sum(c for c, _ in items) / len(items),
            "accuracy": sum(ok for _, ok in items) / len(items),
        }
        for b, items in sorted(bins.items())
    ]


def expected_calibration_error(bins: Sequence[Mapping[str, float]]) -> float | None:
    """Mean |accuracy − confidence| over the bins of :func:`reliability`, weighted by their items."""
    n = sum(b["n"] for b in bins)
    return round(sum(b["n"] * abs(b["accuracy"] - b["confidence"]) for b in bins) / n, 4) if n else None


def confidence_figures(scored: Sequence[tuple[float | None, bool]]) -> dict[str, Any]:
    """Precision/coverage at thresholds 0, 0.1, …, 1, the reliability bins and the ECE of (confidence, right)."""
    points = threshold_curve([c for c, _ in scored], [ok for _, ok in scored], [t / 10 for t in range(11)])
    bins = reliability(scored)
    return {
        "n": len(scored),
        "answers": sum(c is not None for c, _ in scored),
        "curve": [
            {
                "threshold": p.threshold,
                "precision": round(p.precision, 3) if p.kept else None,
                "coverage": round(p.coverage, 3),
            }
            for p in points
        ],
        "ece": expected_calibration_error(bins),
        "reliability": [{k: round(v, 3) if isinstance(v, float) else v for k, v in b.items()} for b in bins],
    }


def owner_confidence(gold: Sequence[GoldOwner], answers: Mapping[str, Answer]) -> dict[str, Any]:
    """:func:`confidence_figures` of orgmap's owners per split (rule :data:`MAIN_RULE`)."""
    out = {}
    for split in SPLITS:
        scored = []
        for g in gold:
            if g.split == split:
                a = scored_answer(answers.get(g.domain, Answer("unknown")))
                scored.append((a.confidence, is_right(g, a, MAIN_RULE)))
        out[split] = confidence_figures(scored)
    return out


TARGETS = ("site_category", "org_type")


@dataclass(frozen=True)
class ClassAnswer:
    """orgmap's class of a domain (site_category) or of its owner (org_type), in the gold vocabulary."""

    label: str
    confidence: float | None
    """The label's probability (None where the class follows from the owner's status)."""


def map_class(target: str, label: str | None) -> str:
    """The gold class of target ``target`` (site_category | org_type) for orgmap's ``label``."""
    return NO_LABEL if label is None else CLASS_MAP[target].get(label, label)


def class_figures(gold: Sequence[str], pred: Sequence[str], conf: Sequence[float | None]) -> dict[str, Any]:
    """Per-class P/R/F1, macro-F1 over the gold's classes, confusion matrix, and the confidence figures.

    P/R/F1 and the confusion matrix are scikit-learn's; the rest is :func:`confidence_figures`.
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    if not gold:
        return {"n": 0}
    support = Counter(gold)
    labels = sorted(support, key=lambda c: (-support[c], c))
    labels += sorted(set(pred) - set(labels))
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    in_gold = [i for i, c in enumerate(labels) if c in support]
    right = [g == q for g, q in zip(gold, pred, strict=True)]
    return {
        "n": len(gold),
        "accuracy": _share(right),
        "macro_f1": round(float(f[in_gold].mean()), 3),
        "per_class": {
            c: {
                "precision": round(float(p[i]), 3),
                "recall": round(float(r[i]), 3),
                "f1": round(float(f[i]), 3),
                "support": int(n[i]),
            }
            for i, c in enumerate(labels)
        },
        "labels": labels,
        "confusion": confusion_matrix(gold, pred, labels=labels).tolist(),
        **{k: v for k, v in confidence_figures(list(zip(conf, right, strict=True))).items() if k != "n"},
    }


def class_accuracy(gold: Sequence[GoldOwner], classes: Mapping[str, Mapping[str, ClassAnswer]]) -> dict[str, Any]:
    """:func:`class_figures` per split for each of :data:`TARGETS`."""
    none = ClassAnswer(NO_LABEL, None)
    out: dict[str, Any] = {}
    for split in SPLITS:
        rows = [g for g in gold if g.split == split]
        out[split] = {}
        for target in TARGETS:
            pred = [classes.get(g.domain, {}).get(target, none) for g in rows]
            out[split][target] = class_figures(
                [getattr(g, target) for g in rows], [c.label for c in pred], [c.confidence for c in pred]
            )
    return out


def orgmap_answers(store: Store) -> dict[str, Answer]:
    """The owner orgmap gives every domain (``domain_org`` with the org's aliases)."""
    rows = store.con.execute(
        """
        select d.registered_domain, d.status, d.org_name, d.confidence, d.evidence->>'name', d.evidence->>'why',
               coalesce(o.aliases, [])
        from domain_org d left join orgs o using (org_id)
        """
    ).fetchall()
    out = {}
    for domain, status, org_name, conf, candidate, why, aliases in rows:
        if status == "linked":
            out[domain] = Answer(status, (org_name, *aliases), conf, why=why or "")
        elif status == "person":
            out[domain] = Answer(status, (candidate or "",), conf, why=why or "")
        else:
            out[domain] = Answer(status, (), conf if candidate else None, candidate or "", why or "")
    return out


def own_answer(
    label: str | None, confidence: float | None, source: str | None, probs: str | None
) -> tuple[str | None, float | None]:
    """Orgmap's class of an item and its probability; for a gold item, the model's own (cross-validated) answer."""
    if source == "gold" and probs:
        p = json.loads(probs)
        best = max(p, key=p.get)
        return best, float(p[best])
    return label, confidence


def orgmap_classes(store: Store) -> dict[str, dict[str, ClassAnswer]]:
    """The classes orgmap gives every domain and its owner; a person owner is org type ``person``, none ``unknown``."""
    rows = store.con.execute(
        """
        select d.registered_domain, d.status, dl.label, dl.confidence, dl.source, dl.probs,
               ol.label, ol.confidence, ol.source, ol.probs
        from domain_org d
        left join labels dl on dl.target = 'domain' and dl.item_id = d.registered_domain
        left join labels ol on ol.target = 'org' and ol.item_id = d.org_id
        """
    ).fetchall()
    out = {}
    for domain, status, *rest in rows:
        site, site_conf = own_answer(*rest[:4])
        org, org_conf = own_answer(*rest[4:])
        if status == "linked":
            org_type = ClassAnswer(map_class("org_type", org), org_conf)
        else:
            org_type = ClassAnswer("person" if status == "person" else "unknown", None)
        out[domain] = {"site_category": ClassAnswer(map_class("site_category", site), site_conf), "org_type": org_type}
    return out


def read_page_gold(path: Path = PAGES_GOLD) -> dict[str, tuple[str, str]]:
    """sha1 of a page's URL → (split, page type)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["url_sha1"]: (r["split"], r["page_type"]) for r in csv.DictReader(fh)}


def page_answers(store: Store) -> dict[str, tuple[str, ClassAnswer]]:
    """sha1 of each page's URL → (page_id, orgmap's page type)."""
    rows = store.con.execute(
        """
        select p.page_id, p.url, l.label, l.confidence, l.source, l.probs
        from (select distinct on (page_id) page_id, url from pages) p
        join labels l on l.target = 'page' and l.item_id = p.page_id
        """
    ).fetchall()
    out = {}
    for page_id, url, *rest in rows:
        label, conf = own_answer(*rest)
        out[hashlib.sha1(url.encode("utf-8")).hexdigest()] = (page_id, ClassAnswer(label or NO_LABEL, conf))
    return out


def page_accuracy(
    gold: Mapping[str, tuple[str, str]], answers: Mapping[str, tuple[str, ClassAnswer]]
) -> dict[str, Any]:
    """:func:`class_figures` of page types per split (pages orgmap did not keep count as no answer)."""
    none = ("", ClassAnswer(NO_LABEL, None))
    out = {}
    for split in SPLITS:
        keys = [k for k, (sp, _) in gold.items() if sp == split]
        pred = [answers.get(k, none)[1] for k in keys]
        out[split] = class_figures([gold[k][1] for k in keys], [c.label for c in pred], [c.confidence for c in pred])
    return out


def import_dev_gold(
    store: Store, settings: Any, gold: Sequence[GoldOwner], pages: Mapping[str, tuple[str, str]]
) -> dict[str, int]:
    """The dev split as gold labels: site category of the domain, org type of its owner, page types.

    What a user does with ``orgmap label import``. The test split is never imported.
    """
    from classifiers.reference import DomainLabel
    from orgmap.models import domain_gold, taxonomy_for
    from orgmap.review.labelstudio import GoldLabel
    from orgmap.stages.label import write_gold

    dev = [g for g in gold if g.split == "dev"]
    rows = [DomainLabel(g.domain, "domain", g.site_category) for g in dev]
    rows += [DomainLabel(g.domain, "org", g.org_type) for g in dev if g.status == "org" and g.org_type != "unknown"]
    labels, problems = domain_gold(store, rows, taxonomy_for(settings), annotator="benchmarks/gold")
    by_url = page_ids(store)
    labels += [
        GoldLabel("page", by_url[k], t, "benchmarks/gold", None, None, 1)
        for k, (sp, t) in pages.items()
        if sp == "dev" and k in by_url
    ]
    written = write_gold(store, labels, "csv")
    return {"gold_labels": written, "problems": len(problems)}


def page_ids(store: Store) -> dict[str, str]:
    """sha1 of each stored page's URL → its page_id (how benchmarks/gold/pages.csv names pages)."""
    rows = store.con.execute("select distinct on (page_id) page_id, url from pages").fetchall()
    return {hashlib.sha1(url.encode("utf-8")).hexdigest(): page_id for page_id, url in rows}


def sitename_baseline(pages: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The baseline: trafilatura's sitename per registered domain, the most common over its pages, else the domain."""
    from trafilatura import extract_metadata

    names: dict[str, Counter[str]] = defaultdict(Counter)
    for page in pages:
        domain = registered_domain(page["url"]) or ""
        meta = extract_metadata(page["html"], extensive=False)  # extensive widens only the date search
        names[domain].update([meta.sitename] if meta is not None and meta.sitename else [])
    return {d: c.most_common(1)[0][0] if c else d for d, c in names.items()}


def fingerprint(gold_path: Path, page_files: Iterable[Path], *, without: Sequence[str] = ()) -> str:
    """A hash of the code (less the paths in ``without``), the gold and the pages files: what built a database."""
    h = hashlib.sha256()
    skip = {REPO / w for w in without}
    for entry in CODE:
        path = REPO / entry
        for f in sorted(path.rglob("*") if path.is_dir() else [path]):
            if f.is_file() and "__pycache__" not in f.parts and not any(f == w or w in f.parents for w in skip):
                h.update(str(f.relative_to(REPO)).encode())
                h.update(f.read_bytes())
    h.update(gold_path.read_bytes())
    if PAGES_GOLD.exists():
        h.update(PAGES_GOLD.read_bytes())
    for f in page_files:
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def build(
    db: Path,
    gold: Sequence[GoldOwner],
    page_files: Sequence[Path],
    *,
    scorer: str | None = None,
    min_precision: float | None = None,
    ner_gate: bool = True,
) -> dict[str, Any]:
    """Run orgmap up to owners and the baseline on the gold domains' pages; returns the baseline and the seconds."""
    domains = {g.domain for g in gold}

    def keep(page: Mapping[str, Any]) -> bool:
        return registered_domain(page["url"]) in domains

    _, seconds, rows = resolve_pages(
        page_files,
        db,
        keep=keep,
        skip=AFTER_RESOLVE,
        overrides={"resolve.scorer": scorer, "resolve.min_precision": min_precision, "ner.gate": ner_gate},
    )
    with Store(db, read_only=True) as store:
        row = store.con.execute("select counts from runs order by run_id desc limit 1").fetchone()
    ner = json.loads(row[0]).get("ner", {}) if row and row[0] else {}
    t0 = time.perf_counter()
    baseline = sitename_baseline(read_pages(page_files, keep))
    return {
        "pages": len(rows),
        "ner_model_pages": ner.get("model_pages"),
        "baseline": baseline,
        "seconds": {"orgmap": round(seconds, 1), "baseline": round(time.perf_counter() - t0, 1)},
    }


def classify_copy(resolved: Path, db: Path, gold: Sequence[GoldOwner], *, with_gold: bool = True) -> dict[str, Any]:
    """Copy the resolved database to ``db``, import the dev gold, run the classify stage; returns its summary.

    Without ``with_gold`` nothing is imported: what a user without gold labels gets.
    """
    import shutil

    from orgmap.pipeline import run

    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(resolved, db)
    settings = settings_for(db)
    imported: dict[str, int] = {}
    if with_gold:
        with Store(db) as store:
            imported = import_dev_gold(store, settings, gold, read_page_gold() if PAGES_GOLD.exists() else {})
    t0 = time.perf_counter()
    report = run(settings, [], skip=[s for s in STAGES if s != "classify"])
    summary = report.to_dict().get("classify", {})
    return {"imported": imported, "seconds": round(time.perf_counter() - t0, 1), "summary": summary}


def _stage_seconds(store: Store) -> dict[str, float]:
    row = store.con.execute("select counts from runs where status = 'ok' order by run_id desc limit 1").fetchone()
    return json.loads(row[0]).get("seconds", {}) if row and row[0] else {}


@dataclass(frozen=True)
class Outcome:
    """What orgmap and the baseline said about the gold domains, read back from one run."""

    answers: dict[str, Answer]
    baseline: dict[str, Answer]
    classes: dict[str, dict[str, ClassAnswer]]
    """Empty when the classify stage was skipped."""
    pages: int
    seconds: dict[str, Any]
    reused: bool
    page_types: dict[str, tuple[str, ClassAnswer]] = field(default_factory=dict)
    """sha1 of a page URL → (page_id, orgmap's page type); empty when the classify stage was skipped."""
    classify: dict[str, Any] = field(default_factory=dict)
    """What the classify run said (gold imported, its summary: models, validation)."""
    ner_model_pages: int | None = None
    """Pages the NER model ran on (``ner.gate``); the rest had the known-name matcher only."""


def outcome(
    db: Path,
    gold: Sequence[GoldOwner],
    page_files: Sequence[Path],
    *,
    classes: bool,
    reuse: bool,
    scorer: str | None = None,
    min_precision: float | None = None,
    ner_gate: bool = True,
    with_gold: bool = True,
) -> Outcome:
    """Build the database at ``db`` (classified in a copy beside it) and read it back.

    With ``reuse``, a database left by an earlier call is kept while the code outside the classification, the
    gold and the pages are unchanged, and its classified copy while the classification's code is too; the
    stamps beside them record what built them.
    """
    stamp = Path(f"{db}.eval.json")
    options = f":{scorer or 'default'}:{min_precision or 'default'}" + ("" if ner_gate else ":no-ner-gate")
    key = fingerprint(GOLD, page_files, without=CLASS_CODE) + options
    cached = json.loads(stamp.read_text(encoding="utf-8")) if reuse and stamp.exists() and db.exists() else {}
    reused = cached.get("fingerprint") == key
    if reused:
        built = cached["built"]
    else:
        for stale in (db, Path(f"{db}.wal"), stamp):
            stale.unlink(missing_ok=True)
        built = build(db, gold, page_files, scorer=scorer, min_precision=min_precision, ner_gate=ner_gate)
        stamp.write_text(json.dumps({"fingerprint": key, "built": built}), encoding="utf-8")
    read_db, classified = db, {}
    if classes:
        read_db = db.with_name(db.stem + (".classes" if with_gold else ".nogold.classes") + db.suffix)
        cstamp = Path(f"{read_db}.eval.json")
        ckey = fingerprint(GOLD, page_files) + options + ("" if with_gold else ":no-gold")
        old = json.loads(cstamp.read_text(encoding="utf-8")) if reuse and cstamp.exists() and read_db.exists() else {}
        if old.get("fingerprint") == ckey:
            classified = old["classified"]
        else:
            classified = classify_copy(db, read_db, gold, with_gold=with_gold)
            cstamp.write_text(json.dumps({"fingerprint": ckey, "classified": classified}), encoding="utf-8")
    with Store(read_db, read_only=True) as store:
        return Outcome(
            answers=orgmap_answers(store),
            baseline={d: Answer("linked", (name,)) for d, name in built["baseline"].items()},
            classes=orgmap_classes(store) if classes else {},
            pages=built["pages"],
            ner_model_pages=built.get("ner_model_pages"),
            seconds={**built["seconds"], "classify": classified.get("seconds"), "stages": _stage_seconds(store)},
            reused=reused,
            page_types=page_answers(store) if classes else {},
            classify=classified,
        )


def figures_of(gold: Sequence[GoldOwner], out: Outcome) -> dict[str, Any]:
    """Every aggregate figure, per split (no per-domain row)."""
    figures: dict[str, Any] = {
        "domains": len(gold),
        "pages": out.pages,
        "ner_model_pages": out.ner_model_pages,
        "reused_db": out.reused,
        "seconds": dict(out.seconds),
        "owners": owner_accuracy(gold, {"orgmap": out.answers, "trafilatura": out.baseline}),
        "confidence": owner_confidence(gold, out.answers),
    }
    if out.classes:
        figures["classes"] = class_accuracy(gold, out.classes)
        if out.page_types and PAGES_GOLD.exists():
            pages = page_accuracy(read_page_gold(), out.page_types)
            for split in SPLITS:
                figures["classes"][split]["page_type"] = pages[split]
        figures["classify_run"] = {k: v for k, v in out.classify.items() if k != "seconds"}
    return figures


def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def print_owners(figures: Mapping[str, Any], splits: Sequence[str]) -> None:
    """Owner accuracy tables: one per rule, rows all / per source / per status, splits side by side."""
    owners = figures["owners"]
    head = "".join(f"   {s:>4}: n  orgmap  trafil" for s in splits)
    for rule in RULES:
        print(f"\nowner accuracy, {rule} rule{head}")
        groups = [("all", None, None)]
        groups += [(f"  {s}", "by_source", s) for s in PAGE_FILES]
        groups += [(f"  {s}", "by_status", s) for s in ("org", "person", "platform", "unknown")]
        for label, kind, key in groups:
            line = f"{label:<26}"
            for split in splits:
                part = owners[split]
                n = part["n"] if kind is None else part[f"n_{kind}"].get(key, 0)
                vals = [part[s][rule]["all"] if kind is None else part[s][rule][kind].get(key) for s in SYSTEMS]
                line += f"   {n:>7}" + "".join(f"  {_fmt(v)}" for v in vals)
            print(line)


def print_confidence(figures: Mapping[str, Any], splits: Sequence[str]) -> None:
    """Precision / coverage of orgmap's owner confidence and the ECE, splits side by side."""
    conf = figures["confidence"]
    print(f"\norgmap owner confidence ({MAIN_RULE} rule)" + "".join(f"   {s:>4}: prec   cov" for s in splits))
    for i in range(11):
        line = f"  confidence >= {i / 10:.1f}           "
        for split in splits:
            p = conf[split]["curve"][i]
            line += f"         {_fmt(p['precision'])} {_fmt(p['coverage'])}"
        print(line)
    print("  ECE (10 bins)" + " " * 12 + "".join(f"         {_fmt(conf[s]['ece'])}       " for s in splits))


def print_classes(figures: Mapping[str, Any], splits: Sequence[str]) -> None:
    """Per target: macro-F1, accuracy, ECE, per-class P/R/F1 of the splits side by side; then the confusion matrices."""
    targets = list(figures["classes"][splits[0]])
    for target in targets:
        reps = {sp: figures["classes"][sp][target] for sp in splits if figures["classes"][sp][target].get("n")}
        if not reps:
            continue
        head = "; ".join(
            f"{sp} n {r['n']}: macro-F1 {r['macro_f1']:.3f}, accuracy {r['accuracy']:.3f}, ECE {_fmt(r['ece']).strip()}"
            for sp, r in reps.items()
        )
        print(f"\n{target}: {head}")
        print(f"  {'class':<20}" + "".join(f"   {sp + ':':<6}{'prec':>6}{'recall':>7}{'f1':>7}{'n':>5}" for sp in reps))
        classes = list(dict.fromkeys(c for r in reps.values() for c in r["per_class"]))
        for c in classes:
            line = f"  {c:<20}"
            for r in reps.values():
                m = r["per_class"].get(c)
                cells = f"{m['precision']:>6.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>5}" if m else " " * 25
                line += f"   {'':<6}{cells}"
            print(line)
        for sp, rep in reps.items():
            print(f"  confusion, {sp} (rows gold, columns orgmap):")
            print(" " * 22 + "".join(f"{c[:6]:>7}" for c in rep["labels"]))
            for c, row in zip(rep["labels"], rep["confusion"], strict=True):
                print(f"  {c:<20}" + "".join(f"{v:>7}" for v in row))


def dev_misses(gold: Sequence[GoldOwner], out: Outcome) -> list[str]:
    """One entry per dev domain orgmap gets wrong (owner under :data:`MAIN_RULE`, or a class); never a test row."""
    entries = []
    for g in gold:
        if g.split != "dev":
            continue
        a = out.answers.get(g.domain, Answer("unknown"))
        wrong = [] if is_right(g, a, MAIN_RULE) else ["owner"]
        classes = out.classes.get(g.domain, {})
        wrong += [t for t in TARGETS if t in classes and classes[t].label != getattr(g, t)]
        if not wrong:
            continue
        lines = [f"{g.domain} [{'|'.join(g.sources)}]"]
        if "owner" in wrong:
            b = out.baseline.get(g.domain, Answer("unknown"))
            said = repr(a.names[0]) if a.status == "linked" else a.status
            said += f" (candidate {a.candidate!r})" if a.candidate else ""
            conf = "-" if a.confidence is None else f"{a.confidence:.2f}"
            base = f"{b.names[0]!r} ({'right' if is_right(g, b, MAIN_RULE) else 'wrong'})" if b.names else "-"
            gold_said = " | ".join(g.names) if g.status == "org" else f"{g.status} {' | '.join(g.names)}".strip()
            lines.append(f"  owner: gold {gold_said}; orgmap {said} @ {conf}; trafilatura {base}")
            lines.append(f"  why: {a.why}")
        lines += [f"  {t}: gold {getattr(g, t)}, orgmap {classes[t].label}" for t in TARGETS if t in wrong]
        entries.append("\n".join(lines))
    return entries


def plot_reliability(figures: Mapping[str, Any], splits: Sequence[str], path: Path) -> None:
    """Reliability diagram and precision/coverage curve of orgmap's owner confidence, per split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    left.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for split in splits:
        conf = figures["confidence"][split]
        bins = conf["reliability"]
        left.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            label=f"{split} (ECE {conf['ece']:.3f}, n {conf['answers']})",
        )
        curve = [p for p in conf["curve"] if p["precision"] is not None]
        right.plot([p["coverage"] for p in curve], [p["precision"] for p in curve], marker="o", label=split)
    left.set(xlabel="confidence (bin mean)", ylabel=f"owner right ({MAIN_RULE} rule)", xlim=(0, 1), ylim=(0, 1))
    left.set_title("orgmap owner reliability")
    left.legend(loc="upper left")
    right.set(xlabel="coverage (share of domains at ≥ t)", ylabel="precision", xlim=(0, 1), ylim=(0, 1))
    right.set_title("precision / coverage, t = 0 … 1")
    right.legend(loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_class_reliability(figures: Mapping[str, Any], splits: Sequence[str], path: Path) -> None:
    """Reliability diagrams of the class probabilities (site category, org type, page type), splits side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = [t for t in ("site_category", "org_type", "page_type") if t in figures["classes"][splits[0]]]
    fig, axes = plt.subplots(1, len(targets), figsize=(4.5 * len(targets), 4.5), squeeze=False)
    for ax, target in zip(axes[0], targets, strict=True):
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
        for split in splits:
            rep = figures["classes"][split][target]
            bins = rep.get("reliability") or []
            ax.plot(
                [b["confidence"] for b in bins],
                [b["accuracy"] for b in bins],
                marker="o",
                label=f"{split} (ECE {rep['ece']:.3f}, n {rep['answers']})",
            )
        ax.set(xlabel="probability of the class (bin mean)", ylabel="share right", xlim=(0, 1), ylim=(0, 1))
        ax.set_title(target.replace("_", " "))
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Evaluate, print the tables, and write the JSON and the plot when asked."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--json", type=Path, help="write every figure (aggregates only) to this file")
    parser.add_argument("--misses", action="store_true", help="print each dev domain orgmap gets wrong")
    parser.add_argument("--plot", type=Path, nargs="?", const=PLOT, help=f"reliability plot (default {PLOT})")
    parser.add_argument(
        "--class-plot", type=Path, nargs="?", const=CLASS_PLOT, help=f"class reliability plot (default {CLASS_PLOT})"
    )
    parser.add_argument("--no-ner-gate", action="store_true", help="NER on every page (ner.gate off)")
    parser.add_argument("--reuse", type=Path, metavar="DB", help="keep the database here; reuse it if unchanged")
    parser.add_argument("--owners-only", action="store_true", help="skip the classify stage and class figures")
    parser.add_argument(
        "--no-gold", action="store_true", help="classify without importing the dev gold (a user with no gold labels)"
    )
    parser.add_argument("--scorer", choices=("model", "noisy_or"), help="owner scorer (default: the settings')")
    parser.add_argument("--min-precision", type=float, help="the owners' precision target (default: the settings')")
    args = parser.parse_args(argv)
    if args.misses and args.split == "test":
        parser.error("--misses prints dev rows only: the test split is never read row by row")
    root = eval_dir()
    if root is None:
        print("skipped: ../shared/eval not found (set ORGMAP_EVAL_DIR to evaluate on real data)")
        return 0
    splits = SPLITS if args.split == "both" else (args.split,)
    gold = read_gold()
    page_files = [root / "pages" / name for name in PAGE_FILES.values()]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as td:
        db = args.reuse.resolve() if args.reuse else Path(td) / "owners.duckdb"
        out = outcome(
            db,
            gold,
            page_files,
            classes=not args.owners_only,
            reuse=args.reuse is not None,
            scorer=args.scorer,
            min_precision=args.min_precision,
            ner_gate=not args.no_ner_gate,
            with_gold=not args.no_gold,
        )
    figures = figures_of(gold, out)
    figures["seconds"]["total"] = round(time.perf_counter() - t0, 1)
    reused = " (database reused; seconds of the run that built it)" if out.reused else ""
    scorer = args.scorer or Settings().resolve.scorer
    figures["scorer"] = scorer
    print(
        f"{figures['domains']} gold domains, {figures['pages']} pages (NER model on {figures['ner_model_pages']}),"
        f" owner scorer {scorer}{reused};"
        f" seconds {json.dumps(figures['seconds'])}"
    )
    print_owners(figures, splits)
    print_confidence(figures, splits)
    if "classes" in figures:
        print_classes(figures, splits)
    if args.misses:
        print("\ndev misses:")
        print("\n".join(dev_misses(gold, out)))
    if args.json:
        keep = {k: v for k, v in figures.items() if k not in ("owners", "confidence", "classes")}
        keep.update(
            {k: {s: figures[k][s] for s in splits} for k in ("owners", "confidence", "classes") if k in figures}
        )
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(keep, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.plot:
        plot_reliability(figures, splits, args.plot)
        print(f"\nreliability plot: {args.plot}")
    if args.class_plot and "classes" in figures:
        plot_class_reliability(figures, splits, args.class_plot)
        print(f"class reliability plot: {args.class_plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
