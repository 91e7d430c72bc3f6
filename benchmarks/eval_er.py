"""Entity-resolution quality on real public data in ../shared/eval/er (skips where it is absent).

    python -m benchmarks.eval_er [pairs] [ror] [--limit N] [--threshold 90]

- pairs: er/company_name_pairs.csv, labelled same/different company-name pairs. The matcher says "same"
  when ``score_keys`` of the normalized keys reaches the threshold and the jurisdictions implied by the
  legal forms overlap. Prints accuracy and P/R/F1 of "same".
- ror: er/crossref_affiliation_ror.csv (messy affiliation strings → ROR id) with orgs/ror_orgs.jsonl.gz as
  the reference list (names, aliases, acronyms and labels as aliases; country). Linking: each
  affiliation and each of its comma-separated parts is a query for ``match_reference`` (with
  ``contains=True``: an org whose whole name is a phrase of the part links too); the best-scoring part wins,
  among equal scores the later part (the enclosing institution: "Dept. X, Hospital Y, University Z").
  Correct when the linked ROR id equals the gold id. Prints accuracy at the threshold and the
  precision/coverage curve. Clustering: ``cluster_names`` over the affiliation strings (whole strings,
  and the best-linked part of each), gold cluster = ROR id; pairwise and B-cubed P/R/F1.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import sys
import time
from pathlib import Path

import pyarrow as pa

from resolver.blocking import BlockingParams
from resolver.clustering import cluster_names
from resolver.evaluate import bcubed_prf, pairwise_prf, prf, threshold_curve
from resolver.names import normalize_name
from resolver.reference import match_reference
from resolver.scoring import KeyInfo, compatible, jurisdiction, score_keys


def eval_dir() -> Path | None:
    """``$ORGMAP_EVAL_DIR`` or ``../shared/eval`` next to the repository, if present."""
    env = os.environ.get("ORGMAP_EVAL_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "eval")
    return next((c for c in candidates if c.is_dir()), None)


def same_company(a: str, b: str, threshold: float) -> tuple[bool, float, str]:
    ka, kb = normalize_name(a), normalize_name(b)
    if not ka.key or not kb.key:
        return False, 0.0, "empty"
    s = score_keys(KeyInfo.of(ka.key, ka.acronym), KeyInfo.of(kb.key, kb.acronym))
    ok = compatible(jurisdiction(None, ka.legal_form), jurisdiction(None, kb.legal_form))
    return s.value >= threshold and ok, s.value, s.reason if ok else "jurisdiction"


def eval_pairs(root: Path, threshold: float, verbose: bool) -> None:
    path = root / "er" / "company_name_pairs.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    tp = fp = fn = tn = 0
    for r in rows:
        gold = r["Targets"].strip() == "1"
        pred, s, why = same_company(r["Name_x"], r["Name_y"], threshold)
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
        tn += not pred and not gold
        if verbose and pred != gold:
            print(f"  {'FP' if pred else 'FN'} {s:6.2f} {why:16} {r['Name_x']!r} ~ {r['Name_y']!r}")
    m = prf(tp, fp, fn)
    print(f"company_name_pairs: {len(rows)} pairs ({tp + fn} same), threshold {threshold}")
    print(f"  accuracy {(tp + tn) / len(rows):.3f}  precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}")


def load_ror(path: Path) -> pa.Table:
    cols: dict[str, list] = {"ref_id": [], "name": [], "aliases": [], "domains": [], "country": []}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            labels = [lab["value"] for lab in o.get("labels") or [] if lab.get("value")]
            aliases = list(dict.fromkeys([*(o.get("aliases") or []), *(o.get("acronyms") or []), *labels]))
            cols["ref_id"].append(o["id"])
            cols["name"].append(o["name"])
            cols["aliases"].append([a for a in aliases if a != o["name"]])
            cols["domains"].append(o.get("domains") or [])
            cols["country"].append(o.get("country"))
    return pa.table(cols)


_SPLIT = re.compile(r"\s*[,;]\s*")


def parts(affiliation: str) -> list[str]:
    """The whole string, then each comma/semicolon-separated part of it (numbers and postcodes dropped)."""
    out = [affiliation.strip()]
    for p in _SPLIT.split(affiliation):
        p = re.sub(r"\b\d[\d\s-]*\b", " ", p).strip()
        if len(p) >= 3 and p not in out:
            out.append(p)
    return out


def eval_ror(root: Path, threshold: float, limit: int | None, *, contains: bool = True, token_cap: int = 100) -> None:
    t0 = time.perf_counter()
    ref = load_ror(root / "orgs" / "ror_orgs.jsonl.gz")
    with (root / "er" / "crossref_affiliation_ror.csv").open(encoding="utf-8-sig", newline="") as f:
        gold_rows = [(r["affiliation"], r["ror_id"]) for r in csv.DictReader(f)]
    if limit:
        gold_rows = gold_rows[:limit]
    qid, qname = [], []
    for i, (aff, _g) in enumerate(gold_rows):
        for j, p in enumerate(parts(aff)):
            qid.append(f"{i}|{j}")
            qname.append(p)
    t1 = time.perf_counter()
    floor = min(80.0, threshold)
    links = match_reference(
        pa.table({"name_id": qid, "name": qname}),
        ref,
        threshold=floor,
        contains=contains,
        blocking=BlockingParams(token_cap=token_cap),
    )
    t2 = time.perf_counter()
    best: dict[int, tuple[float, int, str]] = {}
    for nid, rid, s in zip(*(links.column(c).to_pylist() for c in ("name_id", "ref_id", "score")), strict=True):
        i, j = (int(x) for x in nid.split("|"))
        cand = (s, j, rid)  # best score; among equals the later part (the enclosing institution)
        if i not in best or cand[:2] > best[i][:2]:
            best[i] = cand
    scores = [best[i][0] if i in best else None for i in range(len(gold_rows))]
    correct = [i in best and best[i][2] == gold_rows[i][1] for i in range(len(gold_rows))]
    print(
        f"ROR linking: {len(gold_rows)} affiliations ({len(qid)} queries incl. parts) against {ref.num_rows} "
        f"ROR orgs; load {t1 - t0:.1f}s, match_reference {t2 - t1:.1f}s"
    )
    for p in threshold_curve(scores, correct, [100, 97, 95, 92, threshold, 85, 80]):
        print(
            f"  threshold {p.threshold:5.1f}: accuracy {p.recall:.3f}  precision {p.precision:.3f}  "
            f"coverage {p.coverage:.3f}  F1 {p.f1:.3f}"
        )
    gold = {str(i): g for i, (_a, g) in enumerate(gold_rows)}
    pos = {q: k for k, q in enumerate(qid)}
    for label, names in (
        ("whole strings", [a for a, _g in gold_rows]),
        (
            "best-linked part",
            [qname[pos[f"{i}|{best[i][1]}"]] if i in best else a for i, (a, _g) in enumerate(gold_rows)],
        ),
    ):
        t3 = time.perf_counter()
        res = cluster_names(pa.table({"name_id": list(gold), "name": names}), threshold=threshold)
        pred = dict(zip(res.column("name_id").to_pylist(), res.column("cluster_id").to_pylist(), strict=True))
        pw, b3 = pairwise_prf(pred, gold), bcubed_prf(pred, gold)
        print(
            f"ROR clustering ({label}, {len(set(pred.values()))} clusters, {len(set(gold.values()))} gold, "
            f"{time.perf_counter() - t3:.1f}s): pairwise P {pw.precision:.3f} R {pw.recall:.3f} F1 {pw.f1:.3f}; "
            f"B-cubed P {b3.precision:.3f} R {b3.recall:.3f} F1 {b3.f1:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parts", nargs="*", choices=["pairs", "ror", []], default=[])
    ap.add_argument("--threshold", type=float, default=90.0)
    ap.add_argument("--limit", type=int, default=None, help="first N affiliations only")
    ap.add_argument("--no-contains", action="store_true", help="link by whole-name similarity only")
    ap.add_argument("--token-cap", type=int, default=100, help="blocking: skip words in more keys than this")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the misclassified pairs")
    args = ap.parse_args(argv)
    root = eval_dir()
    if root is None or not (root / "er").is_dir():
        print("eval_er: skipped: no ../shared/eval/er (set ORGMAP_EVAL_DIR to the evaluation data folder)")
        return 0
    todo = args.parts or ["pairs", "ror"]
    if "pairs" in todo:
        eval_pairs(root, args.threshold, args.verbose)
    if "ror" in todo:
        eval_ror(root, args.threshold, args.limit, contains=not args.no_contains, token_cap=args.token_cap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
