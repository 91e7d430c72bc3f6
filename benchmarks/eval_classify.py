"""Classification on real public data in ../shared/eval (skips with a message where it is absent).

    python -m benchmarks.eval_classify [--limit N] [--json]

From names and domains alone (no pages), the weak-supervision pipeline runs as in production: the
taxonomy's LFs vote, the label model combines them, and an end model is trained on the covered rows
of the same pool (no gold label is used for training). Gold only scores the result:

- dotgov (.gov domains and their organizations)  → org class government, domain class government
- universities (Hipo list)                       → org class education, domain class education
- local news outlets (US)                        → org class media, domain class news
- ROR organization types                         → org classes (facility → research, archive → other,
                                                   funder only → nonprofit); macro-F1 over the 7 classes
- UT1 domain categories                          → shop, news, gambling, finance, blog from the domain alone

Recall is what the bars ask for (government / education / news ≥ 0.9); precision is reported where the
pool holds other classes (ROR, UT1).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifiers.evaluate import evaluate
from classifiers.frames import prepare
from classifiers.taxonomy import load_taxonomy
from classifiers.train import predict, train_end_model, weak_labels
from resolver.domains import parse_host

ROR_MAP = {
    "company": "company",
    "education": "education",
    "government": "government",
    "healthcare": "healthcare",
    "nonprofit": "nonprofit",
    "facility": "research",
    "archive": "other",
    "funder": "nonprofit",
    "other": "other",
}
UT1_MAP = {
    "shopping": "shop",
    "press": "news",
    "gambling": "gambling",
    "bank": "finance",
    "financial": "finance",
    "blog": "blog",
}


def eval_dir() -> Path | None:
    """``$ORGMAP_EVAL_DIR`` or ``../shared/eval`` next to the repository, if present."""
    env = os.environ.get("ORGMAP_EVAL_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "eval")
    return next((c for c in candidates if c.is_dir()), None)


def _split(domain: str) -> tuple[str, str]:
    try:
        parts = parse_host(domain.strip().lower().lstrip("."), unlisted_tld=True)
    except Exception:  # noqa: BLE001 - a bad domain in public data is skipped
        return "", ""
    return parts.registered_domain, parts.suffix


def _sample(rows: list[dict[str, Any]], limit: int | None, seed: int = 7) -> list[dict[str, Any]]:
    if limit and len(rows) > limit:
        return random.Random(seed).sample(rows, limit)
    return rows


def org_rows(root: Path, limit: int | None) -> list[dict[str, Any]]:
    """One row per organization: name, domains, gold org class, dataset."""
    rows: list[dict[str, Any]] = []
    with (root / "orgs" / "dotgov_domains.csv").open(encoding="utf-8") as fh:
        gov = [
            {"name": r["Organization name"], "domains": [r["Domain name"]], "gold": "government", "set": "dotgov"}
            for r in csv.DictReader(fh)
        ]
    rows += _sample(gov, limit)
    unis = json.loads((root / "orgs" / "university_domains.json").read_text("utf-8"))
    rows += _sample(
        [{"name": u["name"], "domains": u["domains"][:3], "gold": "education", "set": "universities"} for u in unis],
        limit,
    )
    with (root / "orgs" / "local_news_outlets.csv").open(encoding="utf-8") as fh:
        news = [
            {"name": r["name"], "domains": [r["domain"]] if r["domain"] else [], "gold": "media", "set": "local_news"}
            for r in csv.DictReader(fh)
        ]
    rows += _sample(news, limit)
    ror = []
    with gzip.open(root / "orgs" / "ror_orgs.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            types = [t for t in r.get("types", []) if t != "funder"] or r.get("types", [])
            if not types:
                continue
            ror.append(
                {
                    "name": " | ".join([r["name"], *r.get("aliases", [])[:2]]),
                    "domains": (r.get("domains") or [])[:3] or [h for h in r.get("website_hosts", [])[:1]],
                    "gold": ROR_MAP.get(types[0], "other"),
                    "set": "ror",
                }
            )
    rows += _sample(ror, limit)
    return rows


def org_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The org frame from names and domains only."""
    recs = []
    for i, r in enumerate(rows):
        split = [_split(d) for d in r["domains"] if d]
        split = [s for s in split if s[0]]
        recs.append(
            {
                "item_id": f"o{i}",
                "name": r["name"],
                "registered_domain": " ".join(s[0] for s in split),
                "suffix": " ".join(sorted({s[1] for s in split})),
                "n_domains": len(split),
            }
        )
    return prepare(pd.DataFrame(recs))


def domain_rows(root: Path, limit: int | None, orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per domain: dotgov/universities/news domains (with the org name as title) and UT1 domains."""
    out = []
    mapping = {"dotgov": "government", "universities": "education", "local_news": "news"}
    for r in orgs:
        if r["set"] in mapping and r["domains"]:
            out.append({"domain": r["domains"][0], "title": r["name"], "gold": mapping[r["set"]], "set": r["set"]})
    ut1: dict[str, list[dict[str, Any]]] = {}
    with gzip.open(root / "categories" / "ut1_domain_categories.tsv.gz", "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            dom, _, cats = line.rstrip("\n").partition("\t")
            labels = {UT1_MAP[c] for c in cats.split(",") if c in UT1_MAP}
            if len(labels) == 1 and not dom.startswith("."):
                lab = labels.pop()
                ut1.setdefault(lab, []).append({"domain": dom, "title": "", "gold": lab, "set": "ut1"})
    for _lab, rows in sorted(ut1.items()):
        out += _sample(rows, limit // 2 if limit else None)
    return out


def domain_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The domain frame from the domain (and, where known, the owner's name as title)."""
    recs = []
    for i, r in enumerate(rows):
        reg, sfx = _split(r["domain"])
        recs.append({"item_id": f"d{i}", "registered_domain": reg, "suffix": sfx, "title": r["title"]})
    return prepare(pd.DataFrame(recs))


def _score(frame: pd.DataFrame, rows: list[dict[str, Any]], target: str) -> dict[str, Any]:
    tax = load_taxonomy()
    weak = weak_labels(frame, tax, target)
    fit = train_end_model(frame, weak)
    end = predict(frame, weak, fit.model)["label"].to_numpy()
    lm = np.where(
        weak.label_model.covered,
        np.asarray(weak.classes, dtype=object)[weak.label_model.probs.argmax(axis=1)],
        "(none)",
    )
    gold = np.array([r["gold"] for r in rows], dtype=object)
    sets = np.array([r["set"] for r in rows], dtype=object)
    out: dict[str, Any] = {"rows": len(rows), "lf_coverage": float(weak.label_model.covered.mean())}
    for name in sorted(set(sets)):
        m = sets == name
        e = evaluate(gold[m], end[m], list(tax.classes(target)))
        lab = "recall" if len(set(gold[m])) == 1 else "macro"
        cls = gold[m][0]
        res = {
            "n": int(m.sum()),
            "end_model_recall": e.per_class[cls].recall if lab == "recall" else None,
            "label_model_recall": float((lm[m] == gold[m]).mean()) if lab == "recall" else None,
        }
        if lab == "macro":
            res |= {
                "end_model_macro_f1": e.macro_f1,
                "label_model_macro_f1": evaluate(gold[m], lm[m]).macro_f1,
                "per_class": {k: round(v.f1, 3) for k, v in e.per_class.items()},
                "per_class_recall": {k: round(v.recall, 3) for k, v in e.per_class.items()},
                "per_class_precision": {k: round(v.precision, 3) for k, v in e.per_class.items()},
            }
        out[name] = res
    return out


def run(limit: int | None = 5000) -> dict[str, Any] | None:
    """All real-data figures, or None (with a message) when the eval folder is absent."""
    root = eval_dir()
    if root is None:
        print("eval_classify: ../shared/eval not found (set ORGMAP_EVAL_DIR); skipping", file=sys.stderr)
        return None
    t0 = time.perf_counter()
    orgs = org_rows(root, limit)
    result = {"org": _score(org_frame(orgs), orgs, "org")}
    doms = domain_rows(root, limit, orgs)
    result["domain"] = _score(domain_frame(doms), doms, "domain")
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=5000, help="rows sampled per dataset (0: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = run(args.limit or None)
    if res is None:
        return 0
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
