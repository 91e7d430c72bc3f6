import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.utils import murmurhash3_32

from classifiers.analysis import class_balance, lf_summary, totals
from classifiers.evaluate import evaluate
from classifiers.frames import prepare
from classifiers.model import EndModel, fit_label_model, majority_probs
from classifiers.model.end_model import _featurize, _raw_blocks, _weight
from classifiers.model.hashing import murmur3_32
from classifiers.taxonomy import load_taxonomy
from classifiers.train import gold_indices, predict, train_end_model, weak_labels
from resolver.errors import InputError

from .conftest import make_page_frame


def test_majority_probs_split_ties_and_uniform_when_uncovered():
    L = np.array([[0, 0, 1], [0, 1, -1], [-1, -1, -1]])
    p = majority_probs(L, 3)
    np.testing.assert_allclose(p, [[2 / 3, 1 / 3, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])


def test_label_model_recovers_noisy_votes():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    L = np.full((600, 5), -1)
    for j in range(5):
        hit = rng.random(600) < 0.5
        L[hit, j] = np.where(rng.random(hit.sum()) < 0.85, y[hit], rng.integers(0, 3, hit.sum()))
    res = fit_label_model(L, 3, n_epochs=50)
    assert res.method == "snorkel"
    assert (res.labels[res.covered] == y[res.covered]).mean() > 0.85
    assert (res.labels[~res.covered] == -1).all()
    assert set(res.lf_weights) == {f"lf{j}" for j in range(5)}


def test_label_model_falls_back_to_majority_with_few_lfs():
    res = fit_label_model(np.array([[0, -1], [1, 1], [-1, -1]] * 5), 2)
    assert res.method == "majority"


def test_end_model_labels_rows_no_lf_covers_and_round_trips():
    frame, gold = make_page_frame(25, seed=3)
    df = prepare(frame)
    tax = load_taxonomy()
    weak = weak_labels(df, tax, "domain", method="majority")
    assert 0.5 < weak.label_model.covered.mean() <= 1.0
    fit = train_end_model(df, weak)
    assert fit.n_train == int(weak.label_model.covered.sum())
    out = predict(df, weak, fit.model)
    assert len(out) == len(df) and out["source"].eq("end_model").all()
    acc = (out["label"].to_numpy() == gold).mean()
    assert acc > 0.8, acc
    blob = fit.model.to_bytes()
    again = EndModel.from_bytes(blob, __import__("hashlib").sha256(blob).hexdigest())
    np.testing.assert_allclose(again.predict_proba(df), fit.model.predict_proba(df), atol=1e-6)
    with pytest.raises(InputError, match="checksum"):
        EndModel.from_bytes(blob, "0" * 64)
    # the end model also labels rows without any rule signal: text only, unseen domain
    bare = prepare(frame.assign(suffix="xyz", registered_domain="zz.xyz", jsonld="", link_domains="", title=""))
    w2 = weak_labels(bare, tax, "domain", method="majority")
    preds = predict(bare, w2, fit.model)
    assert (preds["label"].to_numpy() == gold).mean() > 0.6


def _odd_rows() -> pd.DataFrame:
    """Hand-written rows where a featurizer can go wrong: Unicode case and word characters, empty and long fields."""
    return pd.DataFrame(
        {
            "registered_domain": ["münchen.de", "shop-now.co.uk", "x.com", "a.org", "b.jp"],
            "suffix": ["de", "co.uk", "com", "org", "jp"],
            "url": ["https://münchen.de/über-uns", "https://shop-now.co.uk/p/123?x=1", "http://x.com",
                    "https://a.org/2024/05/news-item.html", "https://b.jp/a_b-c.d"],
            "title": ["Über uns – Stadt München", "ADD TO CART!!", "", "ΑΣ news", "日本語のタイトル"],
            "text": ["Straße naïve café İstanbul ǅx ½ ٣٤ a", "a b cc dd " * 50, "", "word " + "z" * 300,
                     "テキスト 12 ab_cd"],
            "jsonld": ["|governmentorganization|", "|product|offer|", "", "|newsarticle|", ""],
            "og_type": ["", "Product Item", "", "article", ""],
            "legal_form": ["", "GmbH & Co. KG", "", "", ""],
            "link_domains": ["", "paypal.com Stripe.com", "", "", ""],
            "owner_text": ["Impressum Landeshauptstadt", "", "", "", ""],
            "owner_names": ["Landeshauptstadt München", "", "", "", ""],
            "owner_status": ["linked", "unknown", "", "person", ""],
            "class_dist": ["article:0.5 legal:0.25", "", "", "", ""],
            "name": ["", "", "", "", "Acme 株式会社"],
            "menu": ["über uns | produkte", "warenkorb | mein konto | sale", "", "home", "会社概要 | お問い合わせ"],
            "n_words": [1023.9999999999999, 1024, 0, -1, 3.5],
        }
    )  # fmt: skip


def test_murmur3_matches_scikit_learn():
    words = ["", "a", "ab", "abc", "abcd", "abcde", "news media", "über", "日本語", "ǅ" * 9, "x" * 301]
    data = [w.encode() for w in words]
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in data])])
    got = murmur3_32(np.frombuffer(b"".join(data), dtype=np.uint8), offsets)
    assert got.tolist() == [murmurhash3_32(w, seed=0) for w in words]


def test_fast_featurizer_gives_scikit_learns_matrices_and_predictions():
    frame, _ = make_page_frame(8, seed=4)
    df = prepare(pd.concat([frame, _odd_rows()], ignore_index=True))
    model = EndModel.fit(df, np.arange(len(df)) % 3, classes=("a", "b", "c"))
    older = {k: v for k, v in model.config.items() if k not in ("owner_chars", "url_shape")}
    older["blocks"] = {k: v for k, v in model.config["blocks"].items() if k != "menu"}  # models before the menu
    assert set(_raw_blocks(df, older)) == {"words", "domain", "struct"}
    assert set(_raw_blocks(df, model.config)) == {"words", "domain", "struct", "menu"}
    for config in (model.config, older):
        for part in (df, df.tail(5), df.head(1)):
            fast, slow = _raw_blocks(part, config), _raw_blocks(part, config, fast=False)
            for name, X in slow.items():
                Y = fast[name]
                assert X.shape == Y.shape
                np.testing.assert_array_equal(Y.indptr, X.indptr)
                np.testing.assert_array_equal(Y.indices, X.indices)
                np.testing.assert_array_equal(Y.data, X.data)
    batched, whole = _featurize(df, model.config, batch_size=7), _raw_blocks(df, model.config, fast=False)
    for name, X in whole.items():
        assert (batched[name] != X).nnz == 0 and batched[name].has_canonical_format
    for part in (df, df.tail(5)):
        expected = model.proba_of(_weight(_raw_blocks(part, model.config, fast=False), model.idf))
        np.testing.assert_array_equal(model.predict_proba(part, batch_size=7), expected)


def test_end_model_needs_two_classes():
    frame, _ = make_page_frame(3)
    with pytest.raises(InputError, match="two classes"):
        EndModel.fit(prepare(frame), np.zeros(len(frame), dtype=int), classes=("a", "b"))


def test_analysis_matches_snorkel_definitions():
    from snorkel.labeling import LFAnalysis

    rng = np.random.default_rng(1)
    L = rng.integers(-1, 3, (200, 4))
    gold = rng.integers(0, 3, 200)
    ours = lf_summary(L, ["a", "b", "c", "d"], ["x", "y", "z"], gold)
    theirs = LFAnalysis(L).lf_summary(Y=gold)
    np.testing.assert_allclose(ours["coverage"], theirs["Coverage"])
    np.testing.assert_allclose(ours["overlaps"], theirs["Overlaps"])
    np.testing.assert_allclose(ours["conflicts"], theirs["Conflicts"])
    np.testing.assert_array_equal(ours["correct"], theirs["Correct"])
    t = totals(L)
    assert 0 < t["conflict"] <= t["overlap"] <= t["coverage"] <= 1
    bal = class_balance(np.array([[1.0, 0.0], [0.5, 0.5]]), ["x", "y"])
    assert bal == {"x": 0.75, "y": 0.25}


def test_evaluate_per_class_and_confusion():
    rep = evaluate(["a", "a", "b", "c"], ["a", "b", "b", "c"], ["a", "b", "c"])
    assert rep.per_class["a"].recall == 0.5 and rep.per_class["b"].precision == 0.5
    assert rep.confusion == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert rep.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert "confusion" in rep.format()


def test_evaluate_one_class_and_no_items():
    one = evaluate(["a", "a"], ["a", "a"])  # a 1×1 confusion matrix is no reason to warn
    assert one.confusion == [[2]] and one.macro_f1 == 1.0 and one.per_class["a"].support == 2
    none = evaluate([], [], ["a", "b"])
    assert none.n == 0 and none.per_class == {} and none.confusion == [[0, 0], [0, 0]]
    missed = evaluate(["a", "b"], ["c", "c"])  # a class only predicted has no score of its own
    assert missed.labels == ["a", "b", "c"] and set(missed.per_class) == {"a", "b"} and missed.macro_f1 == 0.0


def test_gold_indices():
    df = prepare(make_page_frame(2)[0])
    g = gold_indices(df, {"news_media-0": "news_media", "shop-1": "nope"}, load_taxonomy().classes("domain"))
    assert g[0] == 0 and (g[1:] == -1).all()


def test_override_rules_decide_where_they_agree():
    from classifiers.model.label_model import LabelModelResult, apply_overrides

    probs = np.full((3, 3), 1 / 3)
    res = LabelModelResult(probs, np.array([True, False, True]), "majority")
    changed = apply_overrides(res, np.array([[2, -1], [1, 1], [0, 1]]))
    assert changed == 2
    np.testing.assert_allclose(res.probs[0], [0, 0, 1])
    np.testing.assert_allclose(res.probs[1], [0, 1, 0])
    assert res.covered.tolist() == [True, True, True]
    np.testing.assert_allclose(res.probs[2], [1 / 3] * 3)  # the override rules disagree: label model keeps it


def test_override_rule_in_a_taxonomy_beats_aggregated_domain_class():
    import pandas as pd

    from classifiers.taxonomy import taxonomy_from_dict

    tax = taxonomy_from_dict(
        {
            "targets": {
                "page": {"classes": ["article"]},
                "domain": {"classes": ["education_research", "nonprofit"]},
                "org": {"classes": ["education_research", "nonprofit"]},
            },  # fmt: skip
            "rules": [
                {
                    "name": "agg",
                    "targets": ["org"],
                    "kind": "aggregate",
                    "column": "domains_top",
                    "share_column": "domains_top_share",
                },  # fmt: skip
                {
                    "name": "ev",
                    "targets": ["org"],
                    "kind": "regex",
                    "label": "nonprofit",
                    "fields": ["name"],
                    "patterns": ["e\\.v\\."],
                    "override": True,
                },  # fmt: skip
            ],
        }
    )
    df = prepare(
        pd.DataFrame(
            {
                "item_id": [f"o{i}" for i in range(12)],
                "name": ["Förderverein Meeresbiologie e.V."] + [f"Uni {i} University" for i in range(11)],
                "domains_top": ["education_research"] * 12,
                "domains_top_share": [1.0] * 12,
            }
        )
    )
    weak = weak_labels(df, tax, "org", method="majority")
    assert weak.classes[int(weak.label_model.probs[0].argmax())] == "nonprofit"
    assert weak.classes[int(weak.label_model.probs[1].argmax())] == "education_research"


def test_cross_validation_scores_each_gold_row_without_its_label_and_calibrates():
    from classifiers.calibration import calibration
    from classifiers.train import cross_validate

    frame, gold = make_page_frame(12, seed=5)
    df = prepare(frame)
    tax = load_taxonomy()
    weak = weak_labels(df, tax, "domain", method="majority")
    classes = tax.classes("domain")
    g = np.array([classes.index(c) if i % 2 == 0 else -1 for i, c in enumerate(gold)])
    cv = cross_validate(df, weak, g, folds=4)
    assert cv is not None and len(cv.rows) == (g != -1).sum() and set(cv.folds) == {0, 1, 2, 3}
    np.testing.assert_allclose(cv.probs.sum(axis=1), 1.0, atol=1e-6)
    assert (cv.probs.argmax(axis=1) == cv.y).mean() > 0.8
    assert 0.05 <= cv.temperature <= 20
    assert calibration(cv.calibrated, cv.y)["ece"] <= calibration(cv.probs, cv.y)["ece"] + 0.1
    assert cross_validate(df, weak, np.full(len(df), -1)) is None


def test_weighting_is_log_counts_times_idf_with_unit_rows_per_block():
    rng = np.random.default_rng(0)
    raw = {}
    for name, width in (("words", 64), ("menu", 8)):
        dense = rng.integers(0, 4, size=(7, width)).astype(np.float32) * (rng.random((7, width)) < 0.3)
        dense[[0, 3, 6]] = 0  # empty rows first, inside and last
        raw[name] = sp.csr_matrix(dense)
    idf = {name: (rng.random(X.shape[1]) + 1).astype(np.float32) for name, X in raw.items()}
    expected = []
    for name, X in raw.items():
        W = np.log1p(X.toarray()) * idf[name]
        norms = np.linalg.norm(W, axis=1, keepdims=True)
        expected.append(W / np.where(norms == 0, 1, norms))
    np.testing.assert_allclose(_weight(raw, idf).toarray(), np.hstack(expected), rtol=1e-6, atol=1e-7)
