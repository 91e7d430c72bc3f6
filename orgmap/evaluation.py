"""``orgmap eval``: how right the domain→org links and the org clusters are, against ground truth.

Ground truth is the generator's ``truth/`` directory or a CSV of ``registered_domain,org_name`` rows. A
predicted owner is right when one of its names has the key of one of the gold organization's names
(:func:`resolver.names.normalize_name`); the metrics: docs/matching.md, "Metrics".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orgmap.store.database import Store
from resolver.errors import InputError
from resolver.evaluate import bcubed_prf, pairwise_prf, threshold_curve
from resolver.names import normalize_name
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "results.sql")


@dataclass(frozen=True)
class GoldOrg:
    """One organization of the ground truth."""

    org_id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Truth:
    """Gold owner per registered domain (None: no owner) and gold orgs."""

    domain_org: dict[str, str | None]
    orgs: dict[str, GoldOrg]


@dataclass(frozen=True)
class Prediction:
    """orgmap's owner for one domain."""

    org_id: str | None
    names: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class ResolveEval:
    """Linking and clustering quality."""

    threshold: float
    precision: float
    recall: float
    f1: float
    n_gold: int
    n_linked: int
    n_correct: int
    pairwise: tuple[float, float, float]
    bcubed: tuple[float, float, float]
    curve: list[dict[str, float]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def load_truth(path: str | Path) -> Truth:
    """Read ground truth: a generator output dir (or its ``truth/``), or a domain→org CSV."""
    p = Path(path)
    if p.is_dir():
        truth_dir = p / "truth" if (p / "truth").is_dir() else p
        domains_csv, orgs_csv = truth_dir / "domains.csv", truth_dir / "orgs.csv"
        if not domains_csv.exists() or not orgs_csv.exists():
            raise InputError(f"{truth_dir} has no domains.csv/orgs.csv: pass the generator's output dir or a CSV")
        orgs: dict[str, GoldOrg] = {}
        with orgs_csv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
                orgs[row["org_id"]] = GoldOrg(row["org_id"], row["name"], aliases)
        with domains_csv.open(encoding="utf-8") as fh:
            domain_org: dict[str, str | None] = {
                r["registered_domain"]: (r.get("org_id") or None) for r in csv.DictReader(fh)
            }
        return Truth(domain_org, orgs)
    if not p.exists():
        raise InputError(f"ground truth {p} not found")
    orgs = {}
    domain_org = {}
    with p.open(encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = set(reader.fieldnames or [])
        dom_col = next((c for c in ("registered_domain", "domain", "Domain name") if c in cols), None)
        name_col = next((c for c in ("org_name", "name", "Organization name", "org") if c in cols), None)
        if dom_col is None or name_col is None:
            raise InputError(f"{p}: need a domain column (registered_domain/domain) and an org_name column")
        for row in reader:
            name = (row.get(name_col) or "").strip()
            org_id = (row.get("org_id") or "").strip() or (normalize_name(name).key if name else "")
            domain_org[row[dom_col].strip().lower()] = org_id or None
            if org_id:
                orgs.setdefault(org_id, GoldOrg(org_id, name))
    return Truth(domain_org, orgs)


def predictions_from_store(store: Store) -> dict[str, Prediction]:
    """The owner orgmap found for every domain, with the org's canonical name and aliases."""
    rows = store.con.execute(Q["predicted_owners"]).fetchall()
    return {
        dom: Prediction(org_id, tuple([canon, *(aliases or [])]) if canon else (), float(conf or 0.0))
        for dom, org_id, conf, canon, aliases in rows
    }


def _keys(names: Iterable[str]) -> set[str]:
    return {k for n in names if n and (k := normalize_name(n).key)}


def evaluate_links(truth: Truth, pred: Mapping[str, Prediction], threshold: float) -> ResolveEval:
    """Linking P/R/F1 at ``threshold``, a curve over thresholds, and clustering metrics."""
    gold_keys = {oid: _keys((o.name, *o.aliases)) for oid, o in truth.orgs.items()}

    def correct(dom: str, p: Prediction) -> bool:
        gold = truth.domain_org.get(dom)
        return bool(gold and gold in gold_keys and _keys(p.names) & gold_keys[gold])

    # Each linked domain's confidence and correctness, judged once (names normalize once, not per threshold).
    linked = [d for d in truth.domain_org if d in pred and pred[d].org_id]
    n_gold = sum(1 for g in truth.domain_org.values() if g)
    overall, *points = threshold_curve(
        [pred[d].confidence for d in linked],
        [correct(d, pred[d]) for d in linked],
        [threshold, *(x / 20 for x in range(0, 20))],
        total=n_gold,
    )
    ok, n_linked = overall.correct, overall.kept
    curve = [
        {"threshold": p.threshold, "precision": p.precision, "recall": p.recall, "f1": p.f1, "linked": p.kept}
        for p in points
    ]
    gold_clusters = {d: g for d, g in truth.domain_org.items() if g}
    pred_clusters = {
        d: (pred[d].org_id if d in pred and pred[d].org_id and pred[d].confidence >= threshold else f"single:{d}")
        for d in gold_clusters
    }
    errors = []
    for d in sorted(truth.domain_org):
        gold = truth.domain_org[d]
        pr = pred.get(d)
        kept = pr if pr is not None and pr.org_id is not None and pr.confidence >= threshold else None
        if (gold and not (kept is not None and correct(d, kept))) or (not gold and kept is not None):
            errors.append(
                {
                    "domain": d,
                    "gold": truth.orgs[gold].name if gold in truth.orgs else "",
                    "predicted": kept.names[0] if kept is not None and kept.names else "unknown",
                    "confidence": f"{pr.confidence:.2f}" if pr else "",
                }
            )
    pw = pairwise_prf(pred_clusters, gold_clusters)
    b3 = bcubed_prf(pred_clusters, gold_clusters)
    return ResolveEval(
        threshold,
        overall.precision,
        overall.recall,
        overall.f1,
        n_gold,
        n_linked,
        ok,
        (pw.precision, pw.recall, pw.f1),
        (b3.precision, b3.recall, b3.f1),
        curve,
        errors,
    )
