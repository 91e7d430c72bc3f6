"""Entity resolution at scale: blocking pairs, time and memory for up to a million names.

    python -m benchmarks.bench_matching [--n 1000000] [--workers 1]

Synthetic names: ``n / 4`` base organizations (1-3 invented words of 2-4 syllables from 50, sometimes a
generic word) each seen about four times with the variants a crawl produces (case, legal forms, a typo,
a generic word). Reports the candidate pairs, the reduction ratio, time per step, peak RSS, and pairwise/B-cubed F1
against the generator's truth.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from typing import Any

import pyarrow as pa

from resolver.clustering import ClusterParams, resolve_clusters
from resolver.evaluate import bcubed_prf, pairwise_prf

SYLL = """ka lo mi ra ven tor sel dra qui zan po fe lix mar tin bor gal nex tri vo cor lum sa ber den
    ash bel cam dor el fin gor hal ist jun kel lor mun nor ol pen ros sun tal ur vik wel yor zed""".split()
GENERIC = ["group", "solutions", "services", "international", "systems"]
FORMS = ["GmbH", "Ltd", "Inc.", "AG", "B.V.", "SAS", "LLC", ""]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLL) for _ in range(rng.randint(2, 4)))


def _typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + s[i + 1 :] if rng.random() < 0.5 else s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def synth(n: int, seed: int = 0) -> tuple[pa.Table, dict[str, int]]:
    rng = random.Random(seed)
    rows: dict[str, list] = {"name_id": [], "name": [], "legal_form": [], "key": [], "acronym": []}
    gold: dict[str, int] = {}
    n_orgs = max(1, n // 4)
    for org in range(n_orgs):
        words = [_word(rng) for _ in range(rng.choice((1, 2, 2, 2, 3)))]
        if rng.random() < 0.3:
            words.append(rng.choice(GENERIC))
        base = " ".join(words)
        form = rng.choice(FORMS)
        for _ in range(rng.randint(1, 7)):
            if len(rows["name_id"]) >= n:
                break
            v = base
            r = rng.random()
            if r < 0.15 and len(v) > 6:
                v = _typo(rng, v)
            elif r < 0.25:
                v = v + " " + rng.choice(GENERIC) if not any(g in v for g in GENERIC) else v
            key = v
            surface = (v.upper() if rng.random() < 0.2 else v.title()) + (
                f" {form}" if form and rng.random() < 0.6 else ""
            )
            nid = str(len(rows["name_id"]))
            rows["name_id"].append(nid)
            rows["name"].append(surface)
            rows["legal_form"].append(None)  # no jurisdictions: the hardest case for blocking
            rows["key"].append(key)
            sig = [w for w in key.split()]
            rows["acronym"].append("".join(w[0] for w in sig) if len(sig) >= 2 else None)
            gold[nid] = org
    return pa.table(rows), gold


def measure(n: int, *, workers: int = 1, seed: int = 0) -> dict[str, Any]:
    """Cluster ``n`` synthetic names; the figures as a dict."""
    t0 = time.perf_counter()
    names, gold = synth(n, seed)
    t_synth = time.perf_counter() - t0
    res = resolve_clusters(names, params=ClusterParams(workers=workers))
    s = res.stats
    ids = res.assignments.column("name_id").to_pylist()
    pred = dict(zip(ids, res.assignments.column("cluster_id").to_pylist(), strict=True))
    pw, b3 = pairwise_prf(pred, gold), bcubed_prf(pred, gold)
    return {
        "names": names.num_rows,
        "true_orgs": len(set(gold.values())),
        "distinct_keys": s["keys"],
        "candidate_pairs": s["candidate_pairs"],
        "pairs_per_key": round(s["candidate_pairs"] / max(s["keys"], 1), 2),
        "reduction_ratio": s["reduction_ratio"],
        "pairs_at_threshold": s["scored_pairs"],
        "merges": s["merges"],
        "guard_rejections": s["rejected_guard"],
        "seconds_synth": round(t_synth, 2),
        "seconds_prepare": s["seconds_prepare"],
        "seconds_blocking": s["seconds_blocking"],
        "seconds_scoring": s["seconds_scoring"],
        "seconds_total": s["seconds"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "clusters": s["clusters"],
        "largest_cluster": max(Counter(pred.values()).values()),
        "pairwise": {"p": round(pw.precision, 3), "r": round(pw.recall, 3), "f1": round(pw.f1, 3)},
        "bcubed": {"p": round(b3.precision, 3), "r": round(b3.recall, 3), "f1": round(b3.f1, 3)},
    }


def run(quick: bool) -> dict[str, Any]:
    """``python -m benchmarks matching``: 1M names (50k with ``--quick``)."""
    return measure(50_000 if quick else 1_000_000)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for k, v in measure(args.n, workers=args.workers, seed=args.seed).items():
        print(f"{k:20} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
