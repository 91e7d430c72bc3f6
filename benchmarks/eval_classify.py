"""Classification on the public reference lists in ../shared/eval, with distant supervision (skips where absent).

    python -m benchmarks.eval_classify [--limit N] [--json FILE]

Every list is split by a hash of the domain (:func:`classifiers.reference.half_of`): one half becomes a
``domain,target,class`` file that feeds a labeling function (``orgmap resolve --reference-labels``, the general
feature), the other half is only scored. From names and domains alone (no pages) the pipeline runs as in
production: the taxonomy's LFs and the reference LFs vote, the label model combines them, an end model is trained
on the covered rows of the pool (both halves; the evaluation half unlabelled) and labels every row. No gold label
is used. Scored on the evaluation halves:

- dotgov (.gov domains and their organizations)   → site category and org type government
- universities (Hipo list)                        → education_research
- local news outlets (US)                         → site category news_media, org type media
- ROR organization types                          → org types (:data:`ROR_MAP`); macro-F1 over the mapped types
- UT1 domain categories                           → site categories (:data:`UT1_MAP`); macro-F1 over the mapped ones

Recall is what single-class lists can say; macro-F1 (and per-class precision) where a list holds several classes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.real_pages import eval_dir
from classifiers.evaluate import evaluate
from classifiers.frames import prepare
from classifiers.lf import build_lfs
from classifiers.reference import half_of, reference_lfs
from classifiers.taxonomy import Taxonomy, load_taxonomy
from classifiers.train import predict, train_end_model, weak_labels
from resolver.domains import parse_host

ROR_MAP = {
    "company": "company",
    "education": "education_research",
    "facility": "education_research",
    "government": "government",
    "nonprofit": "nonprofit",
    "funder": "nonprofit",
    "archive": "other",
    "other": "other",
}
"""ROR type → organization type; ``healthcare`` is left out: a hospital's owner type (government, nonprofit,
company) is not what ROR says."""
UT1_MAP = {
    "shopping": "shop",
    "press": "news_media",
    "radio": "news_media",
    "gambling": "gambling",
    "bank": "finance",
    "financial": "finance",
    "blog": "blog_personal",
    "forums": "forum_community",
    "social_networks": "forum_community",
}
"""UT1 category → site category; the other UT1 categories (jobsearch, games, vpn, ...) have no site category."""


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


def _half(row: dict[str, Any]) -> str:
    """The half a row falls in: by its first domain, else by its name (orgs without a website)."""
    key = row["domains"][0] if row["domains"] else "name:" + hashlib.sha1(row["name"].encode()).hexdigest()
    return half_of(key)


def org_rows(root: Path, limit: int | None) -> list[dict[str, Any]]:
    """One row per organization: name, domains, gold org type, list, half."""
    rows: list[dict[str, Any]] = []
    with (root / "orgs" / "dotgov_domains.csv").open(encoding="utf-8") as fh:
        gov = [
            {
                "name": r["Organization name"],
                "domains": [r["Domain name"].lower()],
                "gold": "government",
                "set": "dotgov",
            }
            for r in csv.DictReader(fh)
        ]
    rows += _sample(gov, limit)
    unis = json.loads((root / "orgs" / "university_domains.json").read_text("utf-8"))
    rows += _sample(
        [
            {"name": u["name"], "domains": u["domains"][:3], "gold": "education_research", "set": "universities"}
            for u in unis
        ],
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
            if not types or types[0] not in ROR_MAP:
                continue
            ror.append(
                {
                    "name": " | ".join([r["name"], *r.get("aliases", [])[:2]]),
                    "domains": (r.get("domains") or [])[:3] or [h for h in r.get("website_hosts", [])[:1]],
                    "gold": ROR_MAP[types[0]],
                    "set": "ror",
                }
            )
    rows += _sample(ror, limit)
    for r in rows:
        r["domains"] = [d for d in (_split(x)[0] for x in r["domains"] if x) if d]
        r["half"] = _half(r)
    return rows


def domain_rows(root: Path, limit: int | None, orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per domain: the domains of dotgov / universities / local news (their owner's name known) and UT1."""
    out = []
    site = {"dotgov": "government", "universities": "education_research", "local_news": "news_media"}
    for r in orgs:
        if r["set"] in site and r["domains"]:
            out.append({"domain": r["domains"][0], "owner": r["name"], "gold": site[r["set"]], "set": r["set"]})
    ut1: dict[str, list[dict[str, Any]]] = {}
    with gzip.open(root / "categories" / "ut1_domain_categories.tsv.gz", "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            dom, _, cats = line.rstrip("\n").partition("\t")
            labels = {UT1_MAP[c] for c in cats.split(",") if c in UT1_MAP}
            if len(labels) == 1 and not dom.startswith("."):
                lab = labels.pop()
                ut1.setdefault(lab, []).append({"domain": dom, "owner": "", "gold": lab, "set": "ut1"})
    for _lab, rows in sorted(ut1.items()):
        out += _sample(rows, limit // 2 if limit else None)
    for r in out:
        r["domain"] = _split(r["domain"])[0]
        r["half"] = half_of(r["domain"])
    return [r for r in out if r["domain"]]


def org_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The org frame from names and domains only."""
    recs = []
    for i, r in enumerate(rows):
        recs.append(
            {
                "item_id": f"o{i}",
                "name": r["name"],
                "registered_domain": " ".join(r["domains"]),
                "suffix": " ".join(sorted({_split(d)[1] for d in r["domains"]})),
                "n_domains": len(r["domains"]),
                "owner_status": "linked",
            }
        )
    return prepare(pd.DataFrame(recs))


def domain_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The domain frame from the domain and, where known, its owner's name."""
    recs = []
    for i, r in enumerate(rows):
        recs.append(
            {
                "item_id": f"d{i}",
                "registered_domain": r["domain"],
                "suffix": _split(r["domain"])[1],
                "owner_names": r["owner"],
                "name": r["owner"],
                "owner_status": "linked" if r["owner"] else "",
            }
        )
    return prepare(pd.DataFrame(recs))


def write_lf_halves(org: Sequence[dict[str, Any]], dom: Sequence[dict[str, Any]], folder: Path) -> list[Path]:
    """The LF half of every list as a ``domain,target,class`` file (what a user passes to --reference-labels)."""
    paths = []
    lists: dict[str, list[tuple[str, str, str]]] = {}
    for r in org:
        if r["half"] == "lf":
            lists.setdefault(r["set"], []).extend((d, "org", r["gold"]) for d in r["domains"])
    for r in dom:
        if r["half"] == "lf":
            lists.setdefault(r["set"], []).append((r["domain"], "domain", r["gold"]))
    for name, rows in sorted(lists.items()):
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(("domain", "target", "class"))
            w.writerows(rows)
        paths.append(path)
    return paths


def score(
    frame: pd.DataFrame, rows: list[dict[str, Any]], target: str, tax: Taxonomy, references: Sequence[Path]
) -> dict[str, Any]:
    """Weak labels (taxonomy + reference LFs), an end model on them, figures on each list's evaluation half."""
    lfs = build_lfs(tax, target, extra=reference_lfs(references, tax, target))
    weak = weak_labels(frame, tax, target, lfs=lfs)
    fit = train_end_model(frame, weak)
    end = predict(frame, weak, fit.model)["label"].to_numpy()
    lm = np.where(
        weak.label_model.covered,
        np.asarray(weak.classes, dtype=object)[weak.label_model.probs.argmax(axis=1)],
        "(none)",
    )
    gold = np.array([r["gold"] for r in rows], dtype=object)
    sets = np.array([r["set"] for r in rows], dtype=object)
    held = np.array([r["half"] == "eval" for r in rows])
    out: dict[str, Any] = {"rows": len(rows), "lf_coverage": round(float(weak.label_model.covered.mean()), 3)}
    for name in sorted(set(sets)):
        m = (sets == name) & held
        classes = sorted(set(gold[m]))
        res: dict[str, Any] = {"n_eval": int(m.sum()), "n_lf": int(((sets == name) & ~held).sum())}
        e = evaluate(gold[m], end[m], list(tax.classes(target)))
        e_lm = evaluate(gold[m], lm[m], list(tax.classes(target)))
        if len(classes) == 1:
            res |= {"end_model_recall": round(e.per_class[classes[0]].recall, 3)}
            res |= {"label_model_recall": round(e_lm.per_class[classes[0]].recall, 3)}
        else:
            res |= {
                "end_model_macro_f1": round(e.macro_f1, 3),
                "label_model_macro_f1": round(e_lm.macro_f1, 3),
                "per_class_f1": {k: round(v.f1, 3) for k, v in e.per_class.items()},
                "per_class_precision": {k: round(v.precision, 3) for k, v in e.per_class.items()},
                "per_class_recall": {k: round(v.recall, 3) for k, v in e.per_class.items()},
            }
        out[name] = res
    return out


def run(limit: int | None = 5000) -> dict[str, Any] | None:
    """All figures on the evaluation halves, or None (with a message) when the eval folder is absent."""
    root = eval_dir()
    if root is None:
        print("eval_classify: ../shared/eval not found (set ORGMAP_EVAL_DIR); skipping", file=sys.stderr)
        return None
    t0 = time.perf_counter()
    tax = load_taxonomy()
    orgs = org_rows(root, limit)
    doms = domain_rows(root, limit, orgs)
    with tempfile.TemporaryDirectory() as td:
        refs = write_lf_halves(orgs, doms, Path(td))
        result = {
            "org": score(org_frame(orgs), orgs, "org", tax, refs),
            "domain": score(domain_frame(doms), doms, "domain", tax, refs),
        }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    """Print (and write) the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=5000, help="rows sampled per list (0: all)")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args(argv)
    res = run(args.limit or None)
    if res is None:
        return 0
    print(json.dumps(res, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
