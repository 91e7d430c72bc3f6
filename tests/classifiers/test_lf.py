import numpy as np
import pandas as pd
import pytest

from classifiers.apply import apply_lfs, apply_lfs_snorkel
from classifiers.frames import prepare
from classifiers.lf import ABSTAIN, build_lfs, clear_registry, labeling_function, load_lf_modules
from classifiers.taxonomy import load_taxonomy, taxonomy_from_dict
from resolver.errors import ConfigError

from .conftest import make_page_frame


@pytest.fixture(autouse=True)
def _clean_registry():
    clear_registry()
    yield
    clear_registry()


def test_default_taxonomy_has_the_required_classes():
    tax = load_taxonomy()
    assert tax.classes("page") == (
        "news", "shop", "government", "education", "finance", "health", "nonprofit", "company", "tech", "blog",
        "adult", "gambling", "parked", "other",
    )  # fmt: skip
    assert tax.classes("domain") == tax.classes("page")
    assert tax.classes("org") == (
        "company", "government", "education", "nonprofit", "media", "healthcare", "research", "other",
    )  # fmt: skip
    kinds = {r.kind for r in tax.rules}
    assert {"keyword", "regex", "tld", "domain", "jsonld", "og_type", "link", "field", "aggregate"} <= kinds


def test_taxonomy_errors_are_collected_at_once():
    bad = {
        "targets": {"page": {"classes": ["a", "b"]}, "domain": {"classes": ["a"]}, "org": {"classes": ["x"]}},
        "rules": [
            {"name": "r1", "targets": ["page"], "kind": "keyword", "label": "zzz", "fields": ["text"], "any": ["q"]},
            {"name": "r2", "targets": ["page"], "kind": "nope", "label": "a"},
            {"name": "r3", "targets": ["page"], "kind": "regex", "label": "a", "fields": ["text"], "patterns": ["("]},
        ],
    }
    with pytest.raises(ConfigError) as exc:
        taxonomy_from_dict(bad)
    msg = str(exc.value)
    assert "3 problem(s)" in msg and "zzz" in msg and "nope" in msg and "bad regex" in msg


@pytest.mark.parametrize("target", ["page", "domain", "org"])
def test_vectorized_and_snorkel_appliers_give_identical_matrices(target):
    frame, _ = make_page_frame(8)
    frame["og_type"] = ["product" if i % 5 == 0 else "" for i in range(len(frame))]
    frame["legal_forms"] = ["GmbH" if i % 7 == 0 else "" for i in range(len(frame))]
    frame["name"] = [f"University of X{i}" if i % 4 == 0 else f"Acme {i} Ltd" for i in range(len(frame))]
    frame["legal_form"] = ["Ltd" if i % 3 == 0 else None for i in range(len(frame))]
    frame["pages_top"] = frame["item_id"].str.split("-").str[0]
    frame["domains_top"] = frame["pages_top"]
    frame["pages_top_share"] = np.linspace(0, 1, len(frame))
    frame["domains_top_share"] = frame["pages_top_share"]
    frame.loc[3, "text"] = None  # missing values must not break either path
    df = prepare(frame)
    tax = load_taxonomy()
    lfs = build_lfs(tax, target)
    fast, slow = apply_lfs(lfs, df), apply_lfs_snorkel(lfs, df)
    assert fast.L.shape == (len(df), len(lfs))
    np.testing.assert_array_equal(fast.L, slow.L)
    assert (fast.L != ABSTAIN).any()


def test_rule_semantics():
    tax = load_taxonomy()
    df = prepare(
        pd.DataFrame(
            {
                "registered_domain": ["city.gov.uk", "shop-now.co.uk", "x.com", "alphabet.com"],
                "suffix": ["gov.uk", "co.uk", "com", "com"],
                "jsonld": ["|governmentorganization|", "", "|newsarticle|product|", ""],
            }
        )
    )
    assert df["domain_label"].tolist() == ["city", "shop-now", "x", "alphabet"]
    by = {lf.name: lf for lf in build_lfs(tax, "page")}
    gov = tax.index("page", "government")
    assert by["gov_tld"].batch(df).tolist() == [gov, -1, -1, -1]
    assert by["shop_domain"].batch(df).tolist() == [-1, tax.index("page", "shop"), -1, -1]
    assert by["shop_jsonld"].batch(df).tolist()[2] == tax.index("page", "shop")
    assert by["gambling_domain"].batch(df).tolist()[3] == -1  # "bet" inside "alphabet" is not gambling


def test_user_lfs_by_decorator_and_from_file(tmp_path):
    @labeling_function(target="page", label="shop")
    def mentions_shopify(x):
        return "shopify" in x["text"]

    @labeling_function(target="page", label="news", vectorized=True)
    def news_vec(df):
        return df["title"].str.contains("News")

    path = tmp_path / "my_lfs.py"
    path.write_text(
        "from classifiers.lf import labeling_function\n"
        "@labeling_function(target='page')\n"
        "def by_name(x):\n"
        "    return 'blog' if 'diary' in x['text'] else None\n"
        "@labeling_function(target='page', label='tech')\n"
        "def broken(x):\n"
        "    raise RuntimeError('bug')\n"
    )
    load_lf_modules([path])
    tax = load_taxonomy()
    lfs = [lf for lf in build_lfs(tax, "page") if lf.kind == "python"]
    assert [lf.name for lf in lfs] == ["broken", "by_name", "mentions_shopify", "news_vec"]
    df = prepare(pd.DataFrame({"text": ["powered by shopify", "my diary", ""], "title": ["", "", "News today"]}))
    applied = apply_lfs(lfs, df)
    assert applied.failures == {"broken": 3}
    np.testing.assert_array_equal(
        applied.L,
        [[-1, -1, tax.index("page", "shop"), -1], [-1, tax.index("page", "blog"), -1, -1],
         [-1, -1, -1, tax.index("page", "news")]],
    )  # fmt: skip
    with pytest.raises(ConfigError, match="not found"):
        load_lf_modules([tmp_path / "missing.py"])


def test_duplicate_lf_names_are_an_error():
    @labeling_function(target="page", label="shop")
    def gov_tld(x):
        return False

    with pytest.raises(ConfigError, match="gov_tld"):
        build_lfs(load_taxonomy(), "page")
