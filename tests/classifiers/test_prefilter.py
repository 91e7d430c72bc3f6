"""The RE2 prefilters never drop a row the exact Python test would label (hand-written and generated strings)."""

import re

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.lf.prefilter import (
    any_case_alternation,
    arrow_column,
    candidates,
    literal_alternation,
    re2_superset,
)
from classifiers.taxonomy import load_taxonomy

TEXTS = [
    "", "a", "ab\n", "https://x.com/", "https://x.com/home\n", "https://münchen.de/über-uns/2024/05/x.html",
    "Preis: 12,99 € inkl. MwSt", "$ 1.50 $2.00 €3,00 £4.00", "eingetragener verein e.v. vr 12345",
    "HRB 1234 Amtsgericht", "ΑΣ ς σ", "İstanbul wifİ", "the k\u212a kelvin", "Straße STRASSE", "日本語 ١٢٣",
    "|newsarticle|organization|", ".gov.uk. .com.", "x" * 500, "a$b^c(d)[e]{f}|g\\h",
]  # fmt: skip
PATTERNS = [
    r"\bshop\b", r"^https?://[^/]+/?(home)?/?$", r"(€|\beur\b|\$|£)\s?\d{1,5}([.,]\d{2})\b", r"(?<!\w)e\.\s?v\b",
    r"[^\W\d]{3,}", r"\bhr[ab]\s?\d{2,}", r"(a$)*b", r"a$\n", r"x{2000}", r"(?i)abc", r"(a)\1",
]  # fmt: skip


def _taxonomy_patterns() -> list[str]:
    out = []
    for rule in load_taxonomy().rules:
        if "patterns" in rule.params:
            out.append("|".join(f"(?:{s.lower()})" for s in rule.params["patterns"]))
    return out


def _assert_superset(pattern: str, texts: list[str]) -> None:
    rx = re.compile(pattern)
    mask = candidates(pa.array(texts, type=pa.large_string()), re2_superset(pattern))
    for text, flagged in zip(texts, [True] * len(texts) if mask is None else mask, strict=True):
        assert flagged or rx.search(text) is None, (pattern, text)


def test_regex_prefilters_keep_every_matching_row():
    texts = TEXTS + [t.lower() for t in TEXTS]
    for pattern in PATTERNS + _taxonomy_patterns():
        _assert_superset(pattern, texts)
    assert re2_superset(r"(?i)abc") is None and re2_superset(r"(a)\1") is None  # no prefilter: every row is tested


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("aeiouxyz $€.,/-_019\nßİΣσς日é"), max_size=30), max_size=8))
def test_regex_prefilters_on_generated_text(texts):
    for pattern in PATTERNS:
        _assert_superset(pattern, texts)


def test_literal_prefilters():
    col = pa.array(["add to CART", "wifİ", "STRASSE", "straße", "nothing", "Ca$h"])
    assert candidates(col, literal_alternation(["to", "$h"])).tolist() == [True, False, False, False, False, True]
    # on stored (not lower-cased) text: every row whose lower-cased text holds a literal is kept
    mask = candidates(col, any_case_alternation(["cart", "wifi", "straße", "ca$h"]))
    assert mask.tolist() == [True, True, False, True, False, True]
    assert any_case_alternation([]) is None and literal_alternation([""]) is None


def test_arrow_column_without_copy_or_from_objects():
    stored = pd.Series(["a", "B"], dtype="str")
    assert arrow_column(stored).to_pylist() == ["a", "B"]
    assert arrow_column(pd.Series(["a", None], dtype=object)).to_pylist() == ["a", None]
