"""Compile declarative taxonomy rules into labeling functions with a row and a batch implementation.

Every string rule reduces to "count matches of one compiled regex in one derived string": the row and
the batch paths build the derived string with the same function and count with the same regex, which
is why their label matrices are identical. Matching is case-insensitive (strings are lower-cased once).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from classifiers.lf.core import ABSTAIN, LF
from classifiers.taxonomy import Rule, Taxonomy

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


def compile_rules(taxonomy: Taxonomy, target: str) -> list[LF]:
    """The labeling functions of ``target`` defined by the taxonomy's rules, in file order."""
    return [compile_rule(rule, taxonomy, target) for rule in taxonomy.rules_for(target)]


def compile_rule(rule: Rule, taxonomy: Taxonomy, target: str) -> LF:
    """One rule as an :class:`LF` for ``target``."""
    p = rule.params
    if rule.kind == "aggregate":
        return _aggregate_lf(rule, taxonomy, target)
    label = taxonomy.index(target, rule.label or "")
    if rule.kind == "field":
        return _field_lf(rule, target, label)
    fields: Sequence[str]
    if rule.kind == "keyword":
        rx = _words(p["any"])
        fields = p["fields"]
    elif rule.kind == "regex":
        rx = re.compile("|".join(f"(?:{s.lower()})" for s in p["patterns"]))
        fields = p["fields"]
    elif rule.kind == "tld":
        rx = re.compile(r"\.(?:" + "|".join(re.escape(s.lower().strip(".")) for s in p["suffixes"]) + r")\.")
        fields = ("_tld",)
    elif rule.kind == "domain":
        rx = re.compile("|".join(f"(?:{s.lower()})" for s in p["patterns"]))
        fields = ("domain_label",)
    elif rule.kind == "jsonld":
        rx = re.compile(r"\|(?:" + "|".join(re.escape(t.lower()) for t in p["types"]) + r")(?=\|)")
        fields = ("jsonld",)
    elif rule.kind == "og_type":
        rx = re.compile(r"^(?:" + "|".join(re.escape(v.lower()) for v in p["values"]) + r")$")
        fields = ("og_type",)
    elif rule.kind == "link":
        rx = re.compile(r"(?<!\S)[^\s]*(?:" + "|".join(p["patterns"]) + r")[^\s]*")
        fields = ("link_domains",)
    else:  # pragma: no cover - validated by the taxonomy loader
        raise AssertionError(rule.kind)
    veto = _words(p["none"]) if p.get("none") else None
    return _regex_lf(rule, target, label, rx, tuple(fields), int(p.get("min_matches", 1)), veto)


def _words(words: Sequence[str]) -> re.Pattern[str]:
    """Whole words or phrases (also ``501(c)(3)``, ``18+``, ``e.v.``): no word character on either side."""
    alts = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def tld_text(suffix: str) -> str:
    """``"gov.uk com"`` → ``".gov.uk. .com."``: a suffix list where whole labels can be matched."""
    return " ".join(f".{s.lower()}." for s in suffix.split())


def _row_text(x: Any, fields: tuple[str, ...]) -> str:
    if fields == ("_tld",):
        return tld_text(x["suffix"])
    return "\n".join(x[f] for f in fields).lower()


def _batch_text(df: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    if fields == ("_tld",):
        return [tld_text(s) for s in df["suffix"]]
    if len(fields) == 1:
        return [s.lower() for s in df[fields[0]]]
    return ["\n".join(parts).lower() for parts in zip(*(df[f] for f in fields), strict=True)]


def _regex_lf(
    rule: Rule,
    target: str,
    label: int,
    rx: re.Pattern[str],
    fields: tuple[str, ...],
    min_matches: int,
    veto: re.Pattern[str] | None,
) -> LF:
    def hit(text: str) -> bool:
        if min_matches <= 1:
            found = rx.search(text) is not None
        else:
            found = sum(1 for _ in zip(range(min_matches), rx.finditer(text), strict=False)) >= min_matches
        return found and (veto is None or veto.search(text) is None)

    def row(x: Any) -> int:
        return label if hit(_row_text(x, fields)) else ABSTAIN

    def batch(df: pd.DataFrame) -> np.ndarray:
        texts = _batch_text(df, fields)
        hits = np.fromiter((hit(t) for t in texts), dtype=bool, count=len(texts))
        return np.where(hits, label, ABSTAIN).astype(np.int64)

    return LF(rule.name, target, rule.kind, row, batch, rule.label)


def _field_lf(rule: Rule, target: str, label: int) -> LF:
    conds = [(c, _OPS[op], v) for c, op, v in rule.params["conditions"]]

    def row(x: Any) -> int:
        return label if all(fn(x[c], v) for c, fn, v in conds) else ABSTAIN

    def batch(df: pd.DataFrame) -> np.ndarray:
        mask = np.ones(len(df), dtype=bool)
        for c, fn, v in conds:
            mask &= np.asarray(fn(df[c].to_numpy(), v), dtype=bool)
        return np.where(mask, label, ABSTAIN).astype(np.int64)

    return LF(rule.name, target, rule.kind, row, batch, rule.label)


def _aggregate_lf(rule: Rule, taxonomy: Taxonomy, target: str) -> LF:
    """Votes the class in ``column`` (a class of the source target, mapped for orgs) when its share is high."""
    col, share_col = rule.params["column"], rule.params["share_column"]
    min_share = float(rule.params.get("min_share", 0.5))
    classes = taxonomy.classes(target)
    mapping = {c: classes.index(c) for c in classes}
    if target == "org":
        mapping = {src: classes.index(dst) for src, dst in taxonomy.org_map.items()} | mapping

    def row(x: Any) -> int:
        return mapping.get(x[col], ABSTAIN) if x[share_col] >= min_share else ABSTAIN

    def batch(df: pd.DataFrame) -> np.ndarray:
        idx = np.fromiter((mapping.get(v, ABSTAIN) for v in df[col]), dtype=np.int64, count=len(df))
        return np.where(df[share_col].to_numpy() >= min_share, idx, ABSTAIN).astype(np.int64)

    return LF(rule.name, target, rule.kind, row, batch, None)
