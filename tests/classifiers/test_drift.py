"""Drift measures, the cluster permutation test, windows and retraining's held-out share (pure functions, fast)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa
import pytest

from classifiers.drift import (
    WindowData,
    compare,
    js_divergence,
    permutation_test,
    psi,
)
from classifiers.retrain import has_new_data, holdout_ids
from orgmap.store.database import Store
from orgmap.store.windows import resolve_window
from resolver.errors import InputError

CLASSES = ("news", "shop", "government", "education")
WORDS = {c: [f"{c}{chr(97 + i)}" for i in range(26)] for c in CLASSES}


def window(seed: int, n_sites: int = 80, mix=(0.4, 0.3, 0.2, 0.1), lang="en", vocab_shift=False) -> WindowData:
    """Pages of ``n_sites`` sites, each site one class (pages of a site are alike, as in real crawls)."""
    rng = np.random.default_rng(seed)
    unit, pred, conf, text, n_words = [], [], [], [], []
    for s in range(n_sites):
        c = int(rng.choice(len(CLASSES), p=mix))
        k = int(rng.integers(3, 15))
        unit += [f"site{seed}-{s}.com"] * k
        pred += [c] * k
        conf += list(rng.uniform(0.6, 1.0, k))
        words = WORDS[CLASSES[c]] if not vocab_shift else [f"fresh{w}" for w in WORDS[CLASSES[c]]]
        text += [" ".join(rng.choice(words, 20)) for _ in range(k)]
        n_words += list(rng.integers(100, 600, k))
    n = len(pred)
    L = np.full((n, 2), -1)
    L[:, 0] = np.where(rng.random(n) < 0.7, pred, -1)
    return WindowData(
        unit=np.asarray(unit), pred=np.asarray(pred), confidence=np.asarray(conf), L=L, text=text,
        lang=np.full(n, lang), suffix=np.full(n, "com"), n_words=np.asarray(n_words, dtype=float),
        is_new_domain=np.ones(n, dtype=bool), has_owner=np.ones(n, dtype=bool),
    )  # fmt: skip


def test_divergences() -> None:
    p = np.array([0.5, 0.5, 0.0])
    assert psi(p, p) == pytest.approx(0.0)
    assert js_divergence(p, p) == pytest.approx(0.0)
    assert js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0)
    assert psi(np.array([0.9, 0.1]), np.array([0.5, 0.5])) > 0.25
    # counts work like shares
    assert js_divergence(np.array([10, 10]), np.array([1, 1])) == pytest.approx(0.0)


def test_permutation_test_respects_clusters() -> None:
    # 20 units of 50 identical pages: as many pages as 1,000 independent ones, the information of 20
    counts = np.zeros((20, 2))
    counts[np.arange(20), np.r_[0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1]] = 50
    in_cur = np.arange(20) >= 10
    _, p = permutation_test(counts, in_cur, lambda r, c: psi(r, c)[:, None], 300)
    assert p[0] > 0.01
    shifted = np.zeros((20, 2))
    shifted[:10, 0] = 50
    shifted[10:, 1] = 50
    eff, p = permutation_test(shifted, in_cur, lambda r, c: psi(r, c)[:, None], 300)
    assert eff[0] > 1 and p[0] < 0.01


def test_same_distribution_raises_no_alarm_over_seeds() -> None:
    alarms = [compare(window(2 * s), window(2 * s + 1), classes=CLASSES).drift for s in range(10)]
    assert sum(alarms) == 0


@pytest.mark.parametrize(
    ("kwargs", "measure"),
    [
        ({"mix": (0.05, 0.05, 0.1, 0.8)}, "class_psi"),
        ({"lang": "es"}, "language_psi"),
        ({"vocab_shift": True}, "token_js"),
    ],
)
def test_each_shift_is_flagged(kwargs, measure) -> None:
    rep = compare(window(1), window(2, **kwargs), classes=CLASSES)
    assert measure in [m.name for m in rep.flagged]


def test_confidence_drop_and_lf_coverage_are_flagged() -> None:
    ref, cur = window(1), window(2)
    cur = dataclasses.replace(cur, confidence=cur.confidence * 0.6, L=np.full_like(cur.L, -1))
    flagged = {m.name for m in compare(ref, cur, classes=CLASSES, lf_names=["a", "b"]).flagged}
    assert {"confidence_drop", "low_confidence_share", "lf_coverage:a", "lf_coverage"} <= flagged


def test_a_tiny_batch_does_not_alarm() -> None:
    # a whole different class mix, but 2 sites: no evidence a permutation test would accept
    rep = compare(window(1), window(2, n_sites=2, mix=(0.0, 0.0, 0.0, 1.0)), classes=CLASSES)
    class_psi = next(m for m in rep.measures if m.name == "class_psi")
    assert class_psi.effect > 0.25 and not class_psi.drift


def with_gold(w: WindowData, error_rate: float, n: int, seed: int) -> WindowData:
    rng = np.random.default_rng(seed)
    g = np.full(len(w), np.nan)
    idx = rng.choice(len(w), n, replace=False)
    g[idx] = (rng.random(n) < error_rate).astype(float)
    return dataclasses.replace(w, gold_wrong=g)


def test_gold_error_rise_needs_enough_labels_and_a_real_rise() -> None:
    ref = with_gold(window(1), 0.1, 150, 0)
    rise = compare(ref, with_gold(window(2), 0.5, 150, 1), classes=CLASSES)
    assert "gold_error_rise" in [m.name for m in rise.flagged]
    same = compare(ref, with_gold(window(2), 0.1, 150, 1), classes=CLASSES)
    assert "gold_error_rise" not in [m.name for m in same.flagged]
    few = next(m for m in compare(ref, with_gold(window(2), 0.9, 5, 1), classes=CLASSES).measures
               if m.name == "gold_error_rise")  # fmt: skip
    assert not few.drift and "not_flagged" in few.detail


def test_in_sample_reference_cannot_flag_confidence() -> None:
    ref, cur = window(1), window(2)
    cur = dataclasses.replace(cur, confidence=cur.confidence * 0.5)
    rep = compare(ref, cur, classes=CLASSES, in_sample=True)
    conf = next(m for m in rep.measures if m.name == "confidence_drop")
    assert conf.effect > 0.2 and not conf.drift and "not_flagged" in conf.detail


def test_report_is_json_able() -> None:
    import json

    doc = compare(window(1), window(2), classes=CLASSES).to_dict()
    assert json.loads(json.dumps(doc))["n_reference"] > 0


# -- retrain gate ------------------------------------------------------------------------------------


def test_holdout_is_stable_and_about_the_share() -> None:
    ids = [f"p{i}" for i in range(2000)]
    a = holdout_ids(ids, 0.3)
    assert a == holdout_ids(reversed(ids), 0.3)
    assert 0.25 < len(a) / len(ids) < 0.35
    assert holdout_ids(ids[:100], 0.3) == {i for i in a if i in set(ids[:100])}


def test_new_data_detection() -> None:
    s = {"max_run": 3, "n_pages": 10, "n_gold": 2, "last_gold_at": None}
    assert has_new_data(None, s)
    assert not has_new_data(dict(s), s)
    assert has_new_data(s, {**s, "n_gold": 3})


# -- windows -----------------------------------------------------------------------------------------


@pytest.fixture
def batches_store(tmp_path):
    import datetime as dt

    store = Store(tmp_path / "w.duckdb")
    for run, day in ((1, 1), (2, 15), (3, 40)):
        rid = store.start_run("ingest", [], {})
        assert rid == run
        when = dt.datetime(2026, 1, 1) + dt.timedelta(days=day)
        n = 3
        store.append(
            "pages",
            pa.table(
                {
                    "page_id": [f"r{run}p{i}" for i in range(n)],
                    "url": [f"https://s{run}.com/{i}" for i in range(n)],
                    "url_norm": [f"https://s{run}.com/{i}" for i in range(n)],
                    "host": [f"s{run}.com"] * n,
                    "registered_domain": [f"s{run}.com"] * n,
                    "has_content": [True] * n,
                    "source": ["jsonl"] * n,
                    "source_file": ["x"] * n,
                    "run_id": [run] * n,
                    "ingested_at": [when] * n,
                }
            ),
        )
    yield store
    store.close()


def test_windows(batches_store) -> None:
    con = batches_store.con
    assert resolve_window(con, "run:2").runs == (2,)
    assert resolve_window(con, "run:1..2").runs == (1, 2)
    assert resolve_window(con, "runs:1,3").runs == (1, 3)
    assert resolve_window(con, "latest").runs == (3,)
    assert resolve_window(con, "latest:2").runs == (2, 3)
    assert resolve_window(con, "previous").runs == (2,)
    assert resolve_window(con, "all").runs == (1, 2, 3)
    w = resolve_window(con, "date:2026-01-01..2026-02-01")
    assert w.runs == (1, 2) and len(w.page_runs(con)) == 6
    for bad, msg in (("run:9", "stored no pages"), ("week:1", "unknown window"), ("date:2026-02-01..2026-01-01",
                     "after the start"), ("trained", "no promoted page model")):  # fmt: skip
        with pytest.raises(InputError, match=msg):
            resolve_window(con, bad)
