"""Train the owner model (``resolver/owner_model.json``) from generated crawls, the dev gold and silver labels.

    python -m benchmarks.train_owner_model [--work DIR] [--seeds 1001,1002,1003] [--pages 3000]
                                           [--out resolver/owner_model.json] [--report FILE] [--verified DB]

Training data, one row per candidate group of a domain (``resolver.owners.group_domain`` and
``resolver.owner_model.group_features``, exactly what the resolve stage computes):

- generated crawls (``orgmap.synth.generate``, seeds 1001 and up: never an evaluation seed) with their truth:
  a group is right when one of its names is the true org's name or alias (``benchmarks.name_rules``, entity);
- the dev part of the real gold (``benchmarks/gold/owners.csv``, split=dev) on its pages from
  ``../shared/eval/pages``: a group is right when its names match the gold's under the entity rule; an
  ``unknown`` domain's groups are all wrong;
- silver labels on the real pages of domains outside the gold, where independent strong signals agree
  (:func:`silver_labels`); their accuracy is measured on the dev gold and reported;
- with ``--verified DB``, the owners people verified in that orgmap database (``orgmap review``): gold like
  the dev split, in training and in the calibration.

Test-split domains are never read: their pages are left out of every database this script builds.

The ranker is a logistic regression on standardized features. Its calibration (isotonic or Platt, whichever has
the lower cross-validated expected calibration error) is fitted on the dev gold out of fold: each dev domain's
best group is scored by a model trained without that domain's fold. The artifact keeps each dev domain's
(calibrated out-of-fold confidence, right) pair, from which ``OwnerModel.threshold_for`` derives the threshold
of a precision target.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.eval_owners import GOLD, PAGE_FILES, GoldOwner, read_gold
from benchmarks.name_rules import any_names_match
from benchmarks.real_pages import eval_dir, read_pages, settings_for
from resolver.domains import registered_domain
from resolver.linking import DOMAIN_NAME, DomainGroups, LinkingParams
from resolver.owner_model import ARTIFACT, FEATURES, Calibration, OwnerModel, group_features
from resolver.owners import DomainFacts, fits, group_domain, name_spread, normalize

REPO = Path(__file__).resolve().parents[1]
RULE = "entity"
SEEDS = (1001, 1002, 1003)
"""Generated crawls for training; evaluation uses others (the sample's 7, the README's 101 and 202, tests' < 100)."""
UNTIL_RESOLVE = ("resolve", "classify", "graph", "export")
"""Training needs the signals and NER rows, not the owners."""
SIGNAL_CODE = ("orgmap", "resolver", "pyproject.toml")
SCORING_CODE = frozenset(
    {
        "resolver/owner_model.py",
        "resolver/owner_model.json",
        "resolver/owners.py",
        "resolver/linking.py",
        "resolver/orgs.py",
        "orgmap/config.py",
        "orgmap/stages/resolve.py",
        "orgmap/store/queries/resolve.sql",
        "orgmap/cli/resolve.py",
    }
)
"""Changes here do not change the signals a database holds: it is reused."""
STRONG_SOURCES = {
    "jsonld_legal_name": "jsonld",
    "jsonld_name": "jsonld",
    "jsonld_alternate_name": "jsonld",
    "legal_entity": "legal",
    "og_site_name": "og",
    "copyright": "copyright",
    "application_name": "app",
}
"""Signal kind → independent source, for silver labels (JSON-LD name and legalName are one source)."""


PRECISION_TARGETS = (0.9, 0.93, 0.94, 0.945, 0.95, 0.96, 0.97, 0.98, 0.99)
"""Targets whose thresholds the script prints (to check ``resolve.min_precision``'s default against)."""


@dataclass
class Rows:
    """Training rows: one per candidate group."""

    x: list[list[float]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    """The training label (:func:`fallback_labels`)."""
    right: list[bool] = field(default_factory=list)
    """Whether the group's names are the gold owner's (what the calibration measures)."""
    source: list[str] = field(default_factory=list)
    """synth | dev | silver."""
    domain: list[str] = field(default_factory=list)
    names: list[tuple[str, ...]] = field(default_factory=list)

    def add(
        self, x: Sequence[float], y: int, source: str, domain: str, names: tuple[str, ...], right: bool | None = None
    ) -> None:
        """Append one row (``right``: the gold's verdict, where it differs from the label ``y``)."""
        self.x.append(list(x))
        self.y.append(y)
        self.right.append(bool(y) if right is None else right)
        self.source.append(source)
        self.domain.append(domain)
        self.names.append(names)


@dataclass(frozen=True)
class Crawl:
    """One database's domains, grouped and described as the resolve stage would."""

    groups: dict[str, DomainGroups]
    vectors: dict[str, dict[int, list[float]]]
    """Domain → group index → features (the groups the model ranks)."""


# -- databases ----------------------------------------------------------------------------------------


def signals_fingerprint() -> str:
    """A hash of the code that writes signals and NER rows (owner scoring code left out)."""
    h = hashlib.sha256()
    for entry in SIGNAL_CODE:
        path = REPO / entry
        for f in sorted(path.rglob("*") if path.is_dir() else [path]):
            rel = str(f.relative_to(REPO))
            if f.is_file() and "__pycache__" not in f.parts and rel not in SCORING_CODE:
                h.update(rel.encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def build_db(db: Path, inputs: Sequence[Path], key: str) -> None:
    """Run ingest, signals and NER on ``inputs`` into ``db`` unless a database built under ``key`` is there."""
    from orgmap.pipeline import run

    stamp = Path(f"{db}.train.json")
    if db.exists() and stamp.exists() and json.loads(stamp.read_text())["key"] == key:
        return
    for stale in (db, Path(f"{db}.wal"), stamp):
        stale.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    run(settings_for(db), [str(p) for p in inputs], skip=UNTIL_RESOLVE)
    stamp.write_text(json.dumps({"key": key, "seconds": round(time.perf_counter() - t0, 1)}))
    print(f"  built {db.name} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


def synth_db(work: Path, seed: int, n_pages: int, code: str) -> tuple[Path, Path]:
    """A generated crawl of ``seed`` and its database (ingest, signals, NER)."""
    from orgmap.synth import generate

    crawl = work / f"synth-{seed}-{n_pages}"
    if not (crawl / "truth" / "manifest.json").exists():
        generate(crawl, n_pages=n_pages, seed=seed)
    db = work / f"synth-{seed}-{n_pages}.duckdb"
    build_db(db, [crawl / "pages.jsonl.gz"], f"{code}:{seed}:{n_pages}")
    return crawl, db


def real_db(work: Path, gold: Sequence[GoldOwner], code: str) -> Path:
    """The real pages of every domain except the gold's test split, in one database."""
    root = eval_dir()
    if root is None:
        raise SystemExit("../shared/eval not found (set ORGMAP_EVAL_DIR): the dev gold and silver labels need it")
    test = {g.domain for g in gold if g.split == "test"}
    files = [root / "pages" / name for name in PAGE_FILES.values()]
    src = work / "real.pages.jsonl"
    db = work / "real.duckdb"
    key = hashlib.sha256((code + GOLD.read_bytes().decode()).encode()).hexdigest()
    stamp = Path(f"{db}.train.json")
    if db.exists() and stamp.exists() and json.loads(stamp.read_text())["key"] == key:
        return db
    with src.open("w", encoding="utf-8") as out:
        for page in read_pages(files, lambda p: registered_domain(p["url"]) not in test):
            out.write(json.dumps({"url": page["url"], "html": page["html"]}) + "\n")
    try:
        build_db(db, [src], key)
    finally:
        src.unlink()
    return db


def read_crawl(db: Path, params: LinkingParams) -> Crawl:
    """Every domain's candidate groups and their feature vectors, as the resolve stage computes them."""
    from orgmap.owner_inputs import load_candidates, load_facts, load_pages
    from orgmap.store.database import Store

    with Store(db, read_only=True) as store:
        candidates, facts, pages = load_candidates(store), load_facts(store), load_pages(store)
    freq = name_spread(candidates)
    groups, vectors = {}, {}
    for dom in sorted(set(candidates) | set(facts)):
        fact = facts.get(dom, DomainFacts())
        found = group_domain(dom, candidates.get(dom, []), fact, freq, params, domain_name=True)
        if not found.groups:
            continue
        groups[dom] = found
        vectors[dom] = dict(
            group_features(
                found,
                n_pages=fact.n_pages,
                pages=pages,
                normalize=normalize,
                fits=fits,
                platform=fact.suffix if fact.is_private else None,
            )
        )
    return Crawl(groups, vectors)


def surfaces(found: DomainGroups, i: int) -> tuple[str, ...]:
    """The names of group ``i`` of ``found``."""
    return tuple(sorted({nk.original.strip() for nk in found.groups[i].group.names}))


# -- labels ---------------------------------------------------------------------------------------------


def synth_truth(crawl_dir: Path) -> dict[str, tuple[str, ...]]:
    """Registered domain → the true owner's names (name and aliases); () for a domain nothing names."""
    with (crawl_dir / "truth" / "orgs.csv").open(encoding="utf-8") as fh:
        orgs = {r["org_id"]: (r["name"], *(a for a in r["aliases"].split("|") if a)) for r in csv.DictReader(fh)}
    with (crawl_dir / "truth" / "domains.csv").open(encoding="utf-8") as fh:
        return {r["registered_domain"]: orgs.get(r["org_id"], ()) for r in csv.DictReader(fh)}


def gold_right(gold: GoldOwner, names: Iterable[str]) -> bool:
    """Whether a group with ``names`` is the gold owner (a platform site's publication counts: its site name)."""
    return gold.status != "unknown" and any_names_match(gold.names, names, RULE)


def fallback_labels(found: DomainGroups, right: Mapping[int, bool]) -> dict[int, int]:
    """Group index → label: right groups are 1, except the domain's bare address where a page names the owner.

    The domain itself ("pocketpc.ch") is a fallback: it matches many gold site names, and a model trained on
    that alone would prefer it to the name the pages give ("École Supérieure de Commerce de Rochefleur" on
    univ-rochefleur.fr). So it is right only when no group a page names is.
    """
    bare = {i for i in right if all(c.signal == DOMAIN_NAME for c in found.groups[i].group.cands)}
    named_right = any(r for i, r in right.items() if i not in bare)
    return {i: int(r and not (i in bare and named_right)) for i, r in right.items()}


def silver_labels(found: DomainGroups) -> dict[int, int]:
    """Group index → silver label where independent strong signals agree; groups left out abstain.

    A group that at least two independent sources name (JSON-LD, the legal entity of an Impressum,
    og:site_name, a copyright line, application-name) is the owner, unless another group is too (the
    sources disagree: the domain abstains). Beside it, a group no strong source names is not the owner;
    groups with one strong source abstain (a publisher's legal name beside the brand is often the owner too),
    and so do groups holding the domain's own name (a site known by its address is often the same owner).
    """
    sources = [{STRONG_SOURCES[c.signal] for c in g.group.cands if c.signal in STRONG_SOURCES} for g in found.groups]
    agreed = [i for i, s in enumerate(sources) if len(s) >= 2]
    if len(agreed) != 1:
        return {}
    named = [g.holds_domain for g in found.groups]
    return {i: int(i == agreed[0]) for i, s in enumerate(sources) if i == agreed[0] or not (s or named[i])}


def silver_accuracy(crawl: Crawl, gold: Mapping[str, GoldOwner]) -> dict[str, Any]:
    """How often the silver labels agree with the dev gold, per label value, and how many domains they cover."""
    pos, neg, domains = [], [], 0
    dev = [d for d in crawl.groups if d in gold and gold[d].split == "dev"]
    for dom in dev:
        labels = silver_labels(crawl.groups[dom])
        domains += bool(labels)
        for i, y in labels.items():
            right = gold_right(gold[dom], surfaces(crawl.groups[dom], i))
            (pos if y else neg).append(right == bool(y))
    return {
        "dev_domains": len(dev),
        "domains_labelled": domains,
        "positives": len(pos),
        "positive_accuracy": round(sum(pos) / len(pos), 3) if pos else None,
        "negatives": len(neg),
        "negative_accuracy": round(sum(neg) / len(neg), 3) if neg else None,
    }


# -- training -------------------------------------------------------------------------------------------


def verified_gold(db: Path) -> dict[str, GoldOwner]:
    """The owners people verified in an orgmap database (``orgmap review pull``), as gold rows of its domains."""
    from orgmap.store.database import Store

    status = {"linked": "org", "person": "person", "platform": "platform", "unknown": "unknown"}
    with Store(db, read_only=True) as store:
        rows = store.con.execute("select registered_domain, status, name from verified_owners").fetchall()  # noqa: S608
    return {dom: GoldOwner(dom, "verified", (), status[st], (name,) if name else (), "", "") for dom, st, name in rows}


def collect(
    work: Path, seeds: Sequence[int], n_pages: int, params: LinkingParams, verified: Sequence[Path] = ()
) -> tuple[Rows, dict[str, Any]]:
    """Every training row, and the summary of where they come from.

    ``verified``: orgmap databases whose verified owners (``orgmap review``) are gold too: their domains'
    groups are rows of source ``verified``, weighted and calibrated like the dev gold.
    """
    gold = {g.domain: g for g in read_gold()}
    code = signals_fingerprint()
    rows = Rows()
    summary: dict[str, Any] = {"synth": {}, "seeds": list(seeds), "synth_pages": n_pages}
    for seed in seeds:
        crawl_dir, db = synth_db(work, seed, n_pages, code)
        truth = synth_truth(crawl_dir)
        crawl = read_crawl(db, params)
        n = 0
        for dom, found in crawl.groups.items():
            names = truth.get(dom, ())
            right = {i: bool(names) and any_names_match(names, surfaces(found, i), RULE) for i in crawl.vectors[dom]}
            for i, y in fallback_labels(found, right).items():
                rows.add(crawl.vectors[dom][i], y, "synth", f"{seed}:{dom}", surfaces(found, i), right[i])
                n += 1
        summary["synth"][str(seed)] = {"domains": len(crawl.groups), "groups": n}
    crawl = read_crawl(real_db(work, list(gold.values()), code), params)
    for dom, found in crawl.groups.items():
        g = gold.get(dom)
        if g is not None and g.split == "test":  # never built; a guard all the same
            raise AssertionError(f"a test domain reached training: {dom}")
        if g is not None:
            right = {i: gold_right(g, surfaces(found, i)) for i in crawl.vectors[dom]}
            for i, y in fallback_labels(found, right).items():
                rows.add(crawl.vectors[dom][i], y, "dev", dom, surfaces(found, i), right[i])
            continue
        for i, y in silver_labels(found).items():
            if i in crawl.vectors[dom]:  # the model ranks the first MAX_GROUPS groups (and the domain's) only
                rows.add(crawl.vectors[dom][i], y, "silver", dom, surfaces(found, i))
    for db in verified:
        people = verified_gold(db)
        crawl = read_crawl(db, params)
        for dom, g in people.items():
            if dom in crawl.groups:
                found = crawl.groups[dom]
                right = {i: gold_right(g, surfaces(found, i)) for i in crawl.vectors[dom]}
                for i, y in fallback_labels(found, right).items():
                    rows.add(crawl.vectors[dom][i], y, "verified", f"verified:{dom}", surfaces(found, i), right[i])
        summary.setdefault("verified", {})[str(db)] = len(people)
    by_source = Counter(rows.source)
    pos = Counter(s for s, y in zip(rows.source, rows.y, strict=True) if y)
    summary["groups"] = {s: {"rows": by_source[s], "positive": pos[s]} for s in sorted(by_source)}
    summary["dev_domains"] = len({d for d, s in zip(rows.domain, rows.source, strict=True) if s == "dev"})
    summary["silver_domains"] = len({d for d, s in zip(rows.domain, rows.source, strict=True) if s == "silver"})
    summary["silver_accuracy_on_dev"] = silver_accuracy(crawl, gold)
    return rows, summary


@dataclass(frozen=True)
class Weights:
    """Sample weight of each source, relative to one dev row."""

    synth: float = 1.0
    silver: float = 0.5
    dev: float = 1.0
    verified: float = 1.0
    """Owners people verified in orgmap databases (``--verified``)."""

    def of(self, source: str) -> float:
        """The weight of a row from ``source``."""
        return float(getattr(self, source))


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """A logistic regression on standardized features: (coef, intercept, mean, scale)."""
    from sklearn.linear_model import LogisticRegression

    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=5000)
    lr.fit((x - mean) / scale, y, sample_weight=w)
    return lr.coef_[0], float(lr.intercept_[0]), mean, scale


def logits(x: np.ndarray, model: tuple[np.ndarray, float, np.ndarray, np.ndarray]) -> np.ndarray:
    """Raw scores of rows ``x`` under ``model`` (as :func:`fit` returns it)."""
    coef, intercept, mean, scale = model
    return intercept + ((x - mean) / scale) @ coef


def best_per_domain(domains: Sequence[str], scores: np.ndarray, idx: Iterable[int]) -> dict[str, int]:
    """Domain → the row index of its highest-scoring group (ties: the first row, as the stage breaks them)."""
    best: dict[str, int] = {}
    for i in idx:
        d = domains[i]
        if d not in best or scores[i] > scores[best[d]]:
            best[d] = i
    return best


def folds_of(domains: Sequence[str], k: int) -> dict[str, int]:
    """A stable fold per domain (a hash, so a domain keeps its fold when others come and go)."""
    return {d: int(hashlib.sha1(d.encode()).hexdigest()[:8], 16) % k for d in sorted(set(domains))}


GOLD_SOURCES = ("dev", "verified")
"""Row sources the calibration is fitted on: the dev gold and owners people verified."""


def out_of_fold(rows: Rows, weights: Weights, c: float, k: int) -> dict[str, tuple[float, bool]]:
    """Gold domain → (raw score of its best group, that group is right) from models that never saw its fold."""
    x, y = np.asarray(rows.x), np.asarray(rows.y)
    w = np.asarray([weights.of(s) for s in rows.source])
    dev = [i for i, s in enumerate(rows.source) if s in GOLD_SOURCES]
    fold = folds_of([rows.domain[i] for i in dev], k)
    out: dict[str, tuple[float, bool]] = {}
    for f in range(k):
        held = [i for i in dev if fold[rows.domain[i]] == f]
        keep = np.asarray([rows.source[i] not in GOLD_SOURCES or fold[rows.domain[i]] != f for i in range(len(rows.y))])
        model = fit(x[keep], y[keep], w[keep], c)
        scores = logits(x, model)
        for dom, i in best_per_domain(rows.domain, scores, held).items():
            out[dom] = (float(scores[i]), rows.right[i])
    return out


def fit_calibration(raw: np.ndarray, right: np.ndarray, method: str) -> Calibration:
    """Isotonic knots or Platt parameters mapping raw scores to P(right)."""
    if method == "platt":
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e6, max_iter=1000).fit(raw.reshape(-1, 1), right)
        return Calibration("platt", a=float(lr.coef_[0][0]), b=float(lr.intercept_[0]))
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, right)
    return Calibration("isotonic", tuple(map(float, iso.X_thresholds_)), tuple(map(float, iso.y_thresholds_)))


def ece(conf: Sequence[float], right: Sequence[bool], n_bins: int = 10) -> float:
    """Expected calibration error over equal-width bins (as ``benchmarks.eval_owners`` computes it)."""
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for c, r in zip(conf, right, strict=True):
        bins[min(int(c * n_bins), n_bins - 1)].append((c, r))
    n = len(conf)
    return sum(abs(sum(r for _, r in b) - sum(c for c, _ in b)) for b in bins.values()) / n if n else 0.0


def cross_calibrated(oof: Mapping[str, tuple[float, bool]], method: str, k: int) -> dict[str, float]:
    """Dev domain → its calibrated confidence from a calibration fitted without its fold."""
    doms = sorted(oof)
    fold = folds_of(doms, k)
    out = {}
    for f in range(k):
        train = [d for d in doms if fold[d] != f]
        cal = fit_calibration(np.asarray([oof[d][0] for d in train]), np.asarray([oof[d][1] for d in train]), method)
        out.update({d: cal(oof[d][0]) for d in doms if fold[d] == f})
    return out


def brier(conf: Sequence[float], right: Sequence[bool]) -> float:
    """Mean squared error of the confidences."""
    return sum((c - r) ** 2 for c, r in zip(conf, right, strict=True)) / len(conf) if conf else 0.0


def code_version() -> str:
    """The git commit (with ``+dirty`` when the tree differs) and a hash of the feature code."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        tree = ["git", "status", "--porcelain", "--", "resolver", ":!resolver/owner_model.json"]
        dirty = subprocess.run(tree, cwd=REPO, capture_output=True, text=True)
        commit = head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        commit = "unknown"
    features = hashlib.sha256((REPO / "resolver" / "owner_model.py").read_bytes()).hexdigest()[:12]
    return f"{commit} features:{features}"


def train(
    rows: Rows,
    summary: Mapping[str, Any],
    *,
    weights: Weights,
    c: float,
    k: int,
    method: str,
    verified: Mapping[str, GoldOwner] | None = None,
) -> tuple[OwnerModel, dict[str, Any]]:
    """The model on every row, calibrated out of fold on the gold; returns it and the cross-validated figures.

    The gold: the dev split, and ``verified`` (``verified:<domain>`` → a person's answer).
    """
    gold = {g.domain: g for g in read_gold() if g.split == "dev"} | dict(verified or {})
    oof = out_of_fold(rows, weights, c, k)
    right = {d: r for d, (_, r) in oof.items()}
    figures: dict[str, Any] = {"dev_domains_with_candidates": len(oof), "ranking_accuracy": _mean(right.values())}
    calibrated = {}
    for m in ("isotonic", "platt"):
        conf = cross_calibrated(oof, m, k)
        doms = sorted(conf)
        figures[m] = {
            "ece": round(ece([conf[d] for d in doms], [right[d] for d in doms]), 4),
            "brier": round(brier([conf[d] for d in doms], [right[d] for d in doms]), 4),
        }
        calibrated[m] = conf
    if method == "auto":
        # the measure of calibration is the ECE; Brier breaks a tie
        method = min(("isotonic", "platt"), key=lambda m: (figures[m]["ece"], figures[m]["brier"]))
    figures["calibration"] = method
    x, y = np.asarray(rows.x), np.asarray(rows.y)
    w = np.asarray([weights.of(s) for s in rows.source])
    coef, intercept, mean, scale = fit(x, y, w, c)
    doms = sorted(oof)
    cal = fit_calibration(np.asarray([oof[d][0] for d in doms]), np.asarray([right[d] for d in doms]), method)
    # The operating points use the calibration the model ships (on out-of-fold scores), so a threshold is one of
    # the confidences the resolve stage will compute; the cross-calibrated ones above judge the calibration.
    points = tuple((round(cal(oof[d][0]), 6), right[d], gold[d].status in ("unknown", "platform")) for d in doms)
    model = OwnerModel(
        features=FEATURES,
        coef=tuple(round(float(v), 6) for v in coef),
        intercept=round(intercept, 6),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        calibration=cal,
        points=points,
        training={
            **summary,
            "weights": {
                "synth": weights.synth,
                "silver": weights.silver,
                "dev": weights.dev,
                "verified": weights.verified,
            },
            "C": c,
            "folds": k,
            "cross_validated": figures,
        },
        code_version=code_version(),
    )
    return model, figures


def _mean(values: Iterable[bool]) -> float:
    v = list(values)
    return round(sum(v) / len(v), 4) if v else math.nan


def main(argv: list[str] | None = None) -> int:
    """Build the training data, train, calibrate and write the artifact."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/orgmap-owner-model"), help="databases (reused)")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="generated crawls' seeds")
    parser.add_argument("--pages", type=int, default=3000, help="records per generated crawl")
    parser.add_argument("--out", type=Path, default=ARTIFACT, help="the artifact to write")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic regression")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--calibration", choices=("auto", "isotonic", "platt"), default="auto")
    parser.add_argument("--synth-weight", type=float, default=Weights.synth)
    parser.add_argument("--silver-weight", type=float, default=Weights.silver)
    parser.add_argument("--report", type=Path, help="write the training summary (JSON) here too")
    parser.add_argument(
        "--verified", type=Path, action="append", default=[], help="an orgmap database whose verified owners are gold"
    )
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s]
    rows, summary = collect(args.work, seeds, args.pages, LinkingParams(), args.verified)
    weights = Weights(synth=args.synth_weight, silver=args.silver_weight)
    people = {f"verified:{d}": g for db in args.verified for d, g in verified_gold(db).items()}
    model, figures = train(
        rows, summary, weights=weights, c=args.c, k=args.folds, method=args.calibration, verified=people
    )
    args.out.write_text(model.to_json(), encoding="utf-8")
    report = {"training": model.training, "sha256": model.sha256, "code_version": model.code_version}
    print(json.dumps(report, indent=1))
    print("precision target → threshold, and on the dev gold (out of fold): precision, coverage, accuracy")
    points = model.operating_points()
    for target in PRECISION_TARGETS:
        t = model.threshold_for(target)
        p = next((p for p in points if p.threshold >= t), None)
        figures_at = f"{p.precision:.3f} {p.coverage:.3f} {p.accuracy:.3f}" if p else "links nothing"
        print(f"  --min-precision {target:.3f} → {t:.4f}: {figures_at}")
    top = sorted(zip(model.features, model.coef, strict=True), key=lambda t: -abs(t[1]))[:15]
    print("largest coefficients: " + ", ".join(f"{n} {c:+.2f}" for n, c in top))
    print(f"wrote {args.out}")
    if args.report:
        args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
    del figures
    return 0


if __name__ == "__main__":
    sys.exit(main())
