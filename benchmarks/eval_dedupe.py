"""``orgmap dedupe``'s quality on real public data in ../shared/eval/er (skipped where it is absent).

    python -m benchmarks.eval_dedupe [ror] [pairs] [--threshold 90] [-v]

- ror: er/crossref_affiliation_ror.csv, messy affiliation strings ("Dept. of X, University Y, City,
  Country") deduplicated as one list, no reference: gold cluster = ROR id. Pairwise and B-cubed P/R/F1,
  with the affiliations read as their institution (the default) and as whole names (``--whole-names``).
  Several ROR ids share one string ("Chinese Academy of Sciences" names dozens of institutes), so a
  perfect score is out of reach for any method that reads only the strings.
- pairs: er/company_name_pairs.csv, labelled same/different company-name pairs; each pair is deduplicated
  as a list of two records (names only). P/R/F1 of "same", of "different", and accuracy.

Nothing here is tuned on these files: the thresholds are the command's defaults.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from benchmarks.eval_er import eval_dir
from resolver.dedupe import DedupeParams, dedupe_records
from resolver.evaluate import bcubed_prf, pairwise_prf, prf


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def eval_ror(root: Path, params: DedupeParams) -> dict[str, Any]:
    """Pairwise and B-cubed P/R/F1 of the ROR affiliations clustered by ``orgmap dedupe``."""
    rows = _read(root / "er" / "crossref_affiliation_ror.csv")
    gold = {str(i + 1): r["ror_id"] for i, r in enumerate(rows)}
    records = pa.table({"affiliation": [r["affiliation"] for r in rows]})
    out: dict[str, Any] = {"records": len(rows), "gold_clusters": len(set(gold.values()))}
    for label, p in (("institution", params), ("whole_names", DedupeParams(params.cluster, affiliations=False))):
        t0 = time.perf_counter()
        res = dedupe_records(records, params=p)
        pred = dict(zip(*(res.clusters.column(c).to_pylist() for c in ("record_id", "cluster_id")), strict=True))
        pw, b3 = pairwise_prf(pred, gold), bcubed_prf(pred, gold)
        out[label] = {
            "clusters": len(set(pred.values())),
            "seconds": round(time.perf_counter() - t0, 1),
            "pairwise": {"p": round(pw.precision, 4), "r": round(pw.recall, 4), "f1": round(pw.f1, 4)},
            "bcubed": {"p": round(b3.precision, 4), "r": round(b3.recall, 4), "f1": round(b3.f1, 4)},
        }
    return out


def eval_pairs(root: Path, params: DedupeParams, verbose: bool = False) -> dict[str, Any]:
    """Same/different company-name pairs, each deduplicated as a two-record list."""
    rows = _read(root / "er" / "company_name_pairs.csv")
    tp = fp = fn = tn = 0
    for r in rows:
        gold = r["Targets"].strip() == "1"
        res = dedupe_records(pa.table({"name": [r["Name_x"], r["Name_y"]]}), params=params)
        same = res.clusters.column("cluster_size").to_pylist()[0] == 2
        tp, fp, fn, tn = (
            tp + (same and gold),
            fp + (same and not gold),
            fn + (gold and not same),
            tn + (not same and not gold),
        )
        if verbose and same != gold:
            why = res.clusters.column("reason").to_pylist()[1]
            print(f"  {'FP' if same else 'FN'} {r['Name_x']!r} ~ {r['Name_y']!r} ({why})")
    same_m, diff_m = prf(tp, fp, fn), prf(tn, fn, fp)
    return {
        "pairs": len(rows),
        "same_pairs": tp + fn,
        "accuracy": round((tp + tn) / len(rows), 4),
        "same": {"p": round(same_m.precision, 4), "r": round(same_m.recall, 4), "f1": round(same_m.f1, 4)},
        "different": {"p": round(diff_m.precision, 4), "r": round(diff_m.recall, 4), "f1": round(diff_m.f1, 4)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parts", nargs="*", choices=["ror", "pairs", []], default=[])
    ap.add_argument("--threshold", type=float, default=90.0)
    ap.add_argument("-v", "--verbose", action="store_true", help="print the pairs it gets wrong")
    args = ap.parse_args(argv)
    root = eval_dir()
    if root is None or not (root / "er").is_dir():
        print("eval_dedupe: skipped: no ../shared/eval/er (set ORGMAP_EVAL_DIR to the evaluation data folder)")
        return 0
    params = DedupeParams.with_threshold(args.threshold)
    todo = args.parts or ["ror", "pairs"]
    if "ror" in todo:
        r = eval_ror(root, params)
        print(f"ROR affiliations: {r['records']:,} records, {r['gold_clusters']:,} ROR ids")
        for label in ("institution", "whole_names"):
            x = r[label]
            print(
                f"  {label:12} {x['clusters']:>6,} clusters  pairwise P {x['pairwise']['p']:.3f} "
                f"R {x['pairwise']['r']:.3f} F1 {x['pairwise']['f1']:.3f}   B-cubed P {x['bcubed']['p']:.3f} "
                f"R {x['bcubed']['r']:.3f} F1 {x['bcubed']['f1']:.3f}   ({x['seconds']} s)"
            )
    if "pairs" in todo:
        r = eval_pairs(root, params, args.verbose)
        print(f"company name pairs: {r['pairs']} pairs ({r['same_pairs']} same), accuracy {r['accuracy']:.3f}")
        for label in ("same", "different"):
            x = r[label]
            print(f"  {label:9} P {x['p']:.3f} R {x['r']:.3f} F1 {x['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
