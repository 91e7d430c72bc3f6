"""Classification throughput: LF application, LabelModel fit on 1M rows, end-model training and prediction.

LF application is measured, in the same run, compiled (:func:`classifiers.apply.apply_lfs`) and through
Snorkel's PandasLFApplier (same matrix, checked), for each target's LFs on the same generated rows; the
machine's load average is printed beside the figures.

    python -m benchmarks classify [--quick]

Pages are drawn from tests-like vocabularies (class words + filler), so every rule kind does real work.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from classifiers.apply import apply_lfs, apply_lfs_snorkel
from classifiers.frames import prepare
from classifiers.lf import build_lfs
from classifiers.model import EndModel, fit_label_model
from classifiers.model.end_model import _raw_blocks, _weight
from classifiers.taxonomy import load_taxonomy

_VOCAB = {
    "news": "breaking news headlines reporter editorial newspaper politics journalism",
    "shop": "add to cart checkout free shipping in stock price sale discount",
    "government": "city council mayor residents permits department of public services",
    "education": "university students faculty campus admissions courses tuition",
    "gambling": "casino poker slots jackpot free spins betting odds bonus",
    "health": "hospital clinic patients doctors medical treatment appointment",
    "tech": "software api developers cloud documentation open source platform",
}
_FILLER = ("welcome home page contact about us team service information great quality people world today new "
           "local best time year more").split()  # fmt: skip
_SUFFIX = ["com", "org", "de", "gov", "edu", "co.uk", "io", "net"]
_OWNER = ["Beispiel GmbH", "Stadt Musterstadt", "Förderverein e.V.", "Acme Inc.", "Tageszeitung Verlag", "Jane Doe"]


def page_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` pages, ~1.5 KB of text each, with titles, domains, JSON-LD and link domains."""
    rng = np.random.default_rng(seed)
    classes = list(_VOCAB)
    words = {c: v.split() for c, v in _VOCAB.items()}
    rows = []
    for i in range(n):
        c = classes[i % len(classes)]
        text = " ".join(rng.choice(words[c], 8).tolist() + rng.choice(_FILLER, 200).tolist())
        sfx = _SUFFIX[int(rng.integers(len(_SUFFIX)))]
        dom = f"{c[:4]}{i}.{sfx}"
        rows.append(
            {
                "item_id": str(i),
                "registered_domain": dom,
                "suffix": sfx,
                "url": f"https://{dom}/section/page-{i}",
                "title": f"{words[c][0]} {i} | {dom}",
                "description": " ".join(rng.choice(words[c], 3)),
                "text": text,
                "jsonld": "|newsarticle|" if c == "news" and i % 3 == 0 else "",
                "link_domains": "paypal.com facebook.com" if c == "shop" else "facebook.com",
                "owner_text": f"{words[c][1]} {dom} Impressum {_OWNER[i % len(_OWNER)]} "
                + " ".join(rng.choice(_FILLER, 20)),
                "owner_names": _OWNER[i % len(_OWNER)],
                "name": _OWNER[i % len(_OWNER)] if i % 2 else "",
                "n_words": 210,
                "n_links_internal": 30,
            }
        )
    return prepare(pd.DataFrame(rows))


def label_matrix(n: int, m: int, k: int, seed: int = 0) -> np.ndarray:
    """A random label matrix: ``m`` LFs, 30 % coverage each, 80 % accurate."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    L = np.full((n, m), -1, dtype=np.int64)
    for j in range(m):
        hit = rng.random(n) < 0.3
        L[hit, j] = np.where(rng.random(hit.sum()) < 0.8, y[hit], rng.integers(0, k, hit.sum()))
    return L


def run(quick: bool = False) -> dict[str, Any]:
    """The figures `make bench` prints."""
    load_before = os.getloadavg()
    tax = load_taxonomy()
    n_vec, n_snorkel, n_lm = (20_000, 1_000, 100_000) if quick else (100_000, 5_000, 1_000_000)
    frame = page_frame(n_vec)
    sub = frame.iloc[:n_snorkel].reset_index(drop=True)
    lf_figures: dict[str, Any] = {}
    fast = None
    for target in ("page", "domain", "org"):
        lfs = build_lfs(tax, target)
        warm = frame.iloc[:50].reset_index(drop=True)  # one-time costs (regex compilation, character classes)
        apply_lfs(lfs, warm), apply_lfs_snorkel(lfs, warm)
        t0, c0 = time.perf_counter(), time.process_time()
        applied = apply_lfs(lfs, frame)
        t_vec, c_vec = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        slow = apply_lfs_snorkel(lfs, sub)
        t_snorkel, c_snorkel = time.perf_counter() - t0, time.process_time() - c0
        assert (slow.L == applied.L[:n_snorkel]).all(), f"appliers disagree on {target}"
        lf_figures[target] = {
            "lfs": len(lfs),
            "rows_per_s_compiled": round(n_vec / t_vec),
            "rows_per_s_snorkel": round(n_snorkel / t_snorkel),
            "speedup": round((n_vec / t_vec) / (n_snorkel / t_snorkel), 1),
            "speedup_cpu_time": round((n_vec / c_vec) / (n_snorkel / c_snorkel), 1),
        }
        fast = applied if target == "page" else fast
    assert fast is not None
    k = len(tax.classes("page"))
    # crawl-like: vote patterns of real LFs on generated pages, drawn to n_lm rows (few distinct patterns)
    L = fast.L[np.random.default_rng(0).integers(0, len(fast.L), n_lm)]
    t0, c0 = time.perf_counter(), time.process_time()
    fit_label_model(L, k, n_epochs=100)
    t_lm, c_lm = time.perf_counter() - t0, time.process_time() - c0
    # worst case: random votes, every row a distinct pattern
    L = label_matrix(n_lm, len(fast.names), k)
    t0, c0 = time.perf_counter(), time.process_time()
    fit_label_model(L, k, n_epochs=100)
    t_lmr, c_lmr = time.perf_counter() - t0, time.process_time() - c0
    n_end = min(n_vec, 20_000)
    y = np.arange(n_end) % len(_VOCAB)
    t0 = time.perf_counter()
    model = EndModel.fit(frame.iloc[:n_end], y, classes=tuple(_VOCAB), target="page")
    t_fit = time.perf_counter() - t0
    model.predict_proba(frame.iloc[:4096])  # warm-up: memory for the batches
    part = frame.iloc[:4096]
    t0 = time.perf_counter()
    for i in range(0, len(part), 2048):  # the row-by-row scikit-learn featurizer, same model, same run
        model.proba_of(_weight(_raw_blocks(part.iloc[i : i + 2048], model.config, fast=False), model.idf))
    t_sklearn = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    model.predict_proba(frame)
    t_pred, c_pred = time.perf_counter() - t0, time.process_time() - c0
    return {
        "load_average_before": " ".join(f"{x:.2f}" for x in load_before),
        "lf_application": lf_figures,
        "lf_speedup": lf_figures["page"]["speedup"],
        "label_model_rows": n_lm,
        "label_model_fit_s": round(t_lm, 1),
        "label_model_fit_cpu_s": round(c_lm, 1),
        "label_model_fit_random_votes_s": round(t_lmr, 1),
        "label_model_fit_random_votes_cpu_s": round(c_lmr, 1),
        "label_model_epochs": 100,
        "end_model_fit_rows": n_end,
        "end_model_fit_s": round(t_fit, 1),
        "end_model_predict_rows_per_s": round(n_vec / t_pred),
        "end_model_predict_rows_per_cpu_s": round(n_vec / c_pred),
        "end_model_predict_rows_per_s_sklearn_featurizer": round(len(part) / t_sklearn),
        "load_average_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="classification benchmarks")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.quick), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
