"""Compile declarative taxonomy rules into labeling functions with a row and a batch implementation.

Every string rule reduces to "count matches of one compiled regex in one derived string": the row and
the batch paths build the derived string with the same function and count with the same regex, which
is why their label matrices are identical. Matching is case-insensitive (strings are lower-cased once).
The batch path first asks one RE2 pass over the whole column which rows can match at all
(:mod:`classifiers.lf.prefilter`) and runs the Python test on those rows only.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from classifiers.lf import prefilter
from classifiers.lf.core import ABSTAIN, LF
from classifiers.taxonomy import Rule, Taxonomy

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "in": lambda a, b: np.isin(a, list(b)) if isinstance(a, np.ndarray) else a in b,
    "not in": lambda a, b: ~np.isin(a, list(b)) if isinstance(a, np.ndarray) else a not in b,
}


def compile_rules(taxonomy: Taxonomy, target: str) -> list[LF]:
    """The labeling functions of ``target`` defined by the taxonomy's rules, in file order."""
    rules = taxonomy.rules_for(target)
    texts = _Texts()
    indexes: dict[tuple[str, ...], _KeywordIndex] = {}
    for rule in rules:
        if rule.kind == "keyword":
            fields = tuple(rule.params["fields"])
            index = indexes.setdefault(fields, _KeywordIndex(fields, texts))
            index.add([*rule.params["any"], *rule.params.get("none", ())])
    return [compile_rule(rule, taxonomy, target, indexes, texts) for rule in rules]


def compile_rule(
    rule: Rule,
    taxonomy: Taxonomy,
    target: str,
    indexes: dict[tuple[str, ...], _KeywordIndex] | None = None,
    texts: _Texts | None = None,
) -> LF:
    """One rule as an :class:`LF` for ``target`` (``indexes`` and ``texts`` are shared by the rules of a target)."""
    lf = _compile(rule, taxonomy, target, indexes, texts or _Texts())
    return dataclasses.replace(lf, override=True) if rule.params.get("override") else lf


def _compile(
    rule: Rule,
    taxonomy: Taxonomy,
    target: str,
    indexes: dict[tuple[str, ...], _KeywordIndex] | None,
    texts: _Texts,
) -> LF:
    p = rule.params
    if rule.kind == "aggregate":
        return _aggregate_lf(rule, taxonomy, target)
    label = taxonomy.index(target, rule.label or "")
    if rule.kind == "field":
        return _field_lf(rule, target, label)
    if rule.kind == "keyword":
        fields = tuple(p["fields"])
        index = (indexes or {}).get(fields)
        if index is None:
            index = _KeywordIndex(fields, texts)
            index.add([*p["any"], *p.get("none", ())])
        return _keyword_lf(rule, target, label, index)
    fields: Sequence[str]
    if rule.kind == "regex":
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
    return _regex_lf(rule, target, label, rx, tuple(fields), int(p.get("min_matches", 1)), veto, texts)


def _words(words: Sequence[str]) -> re.Pattern[str]:
    """Whole words or phrases (also ``501(c)(3)``, ``18+``, ``e.v.``): no word character on either side."""
    alts = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


_TOKEN = re.compile(r"\w+")


def _norm_keyword(keyword: str) -> str:
    """``"Add-to-Cart"`` → ``"add to cart"``; ``"501(c)(3)"`` → ``"501 c 3"``: keywords as token sequences."""
    return " ".join(_TOKEN.findall(keyword.lower()))


class _KeywordIndex:
    """Which keywords of *all* keyword rules over the same fields occur in a text, found in one pass.

    Text and keywords are both reduced to word tokens (punctuation and case aside). Single words are
    looked up in the text's token set; phrases are matched by walking the tokens once and checking the
    phrases that start with each token. Each keyword rule then only intersects sets, so 13 keyword rules
    cost one tokenization of the text; the batch path tokenizes only rows where a keyword's longest word
    occurs, once for all rules over the same fields (:meth:`scan_rows`).
    """

    def __init__(self, fields: tuple[str, ...], texts: _Texts) -> None:
        self.fields = fields
        self.texts = texts
        """The derived strings of the frames the batch path sees."""
        self._starts: dict[str, set[tuple[str, ...]]] = {}

    def add(self, keywords: Sequence[str]) -> None:
        """Make ``keywords`` findable (phrases are indexed by their first word)."""
        for k in keywords:
            toks = tuple(_norm_keyword(k).split())
            if len(toks) > 1:
                self._starts.setdefault(toks[0], set()).add(toks)

    def scan(self, text: str) -> frozenset[str]:
        """The words and known phrases present in ``text``."""
        toks = _TOKEN.findall(text.lower())
        found = frozenset(toks)
        firsts = self._starts.keys() & found
        if not firsts:
            return found
        # tokens hold no spaces: a phrase's words follow each other exactly where " w1 w2 " is in " t1 t2 ... "
        joined = " " + " ".join(toks) + " "
        phrases = [" ".join(ph) for first in firsts for ph in self._starts[first]]
        return found.union(ph for ph in phrases if f" {ph} " in joined)

    def scan_rows(self, df: pd.DataFrame, rows: np.ndarray) -> list[frozenset[str]]:
        """:meth:`scan` of the given rows of ``df``, memoised per row for the rules sharing this index."""
        memo = self.texts.memo(df, ("scan", self.fields), dict)
        missing = np.array([i for i in rows.tolist() if i not in memo], dtype=np.int64)
        for i, text in zip(missing.tolist(), self.texts.some_texts(df, self.fields, missing), strict=True):
            memo[i] = self.scan(text)
        return [memo[i] for i in rows.tolist()]


class _Texts:
    """The derived strings of the most recent frame (per field tuple), their Arrow copy and prefilter masks.

    The LFs of a target share one instance, so each field's strings are built once per frame.
    """

    def __init__(self) -> None:
        self._frame: pd.DataFrame | None = None
        self._rows = -1
        self._memo: dict[Any, Any] = {}

    def memo(self, df: pd.DataFrame, key: Any, make: Callable[[], Any]) -> Any:
        """The value stored under ``key`` for ``df`` (``make()`` on first use)."""
        if df is not self._frame or len(df) != self._rows:
            self._frame, self._rows, self._memo = df, len(df), {}
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def texts(self, df: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
        """:func:`_batch_text` of ``df``, built from each field's lower-cased strings (also memoised)."""

        def build() -> list[str]:
            if fields == ("_tld",) or len(fields) == 1:
                return _batch_text(df, fields)
            # lower() commutes with joining on "\n" (no character's case depends on a neighbour across it)
            parts = [self.texts(df, (f,)) for f in fields]
            return ["\n".join(row) for row in zip(*parts, strict=True)]

        return self.memo(df, ("texts", fields), build)  # type: ignore[no-any-return]

    def rows(self, df: pd.DataFrame, fields: tuple[str, ...], pattern: str | None) -> np.ndarray:
        """Indices of the rows whose text the RE2 ``pattern`` matches (every row when it cannot tell)."""

        def find() -> np.ndarray:
            column = self.memo(df, ("arrow", fields), lambda: prefilter.to_arrow(self.texts(df, fields)))
            mask = prefilter.candidates(column, pattern)
            return np.arange(len(df)) if mask is None else np.flatnonzero(mask)

        return self.memo(df, ("rows", fields, pattern), find)  # type: ignore[no-any-return]

    def some_texts(self, df: pd.DataFrame, fields: tuple[str, ...], rows: np.ndarray) -> list[str]:
        """:func:`_batch_text` of the given rows only."""
        columns = [self.memo(df, ("stored_str", f), lambda f=f: _strings(df, f)) for f in fields]
        return ["\n".join(c[i] for c in columns).lower() for i in rows.tolist()]

    def rows_in_any(self, df: pd.DataFrame, fields: tuple[str, ...], pattern: str | None) -> np.ndarray:
        """Indices of the rows where the RE2 ``pattern`` matches one of ``fields`` as stored (not lower-cased).

        For patterns that cannot span two fields (single words): no joined or lower-cased copy is made.
        """

        def find() -> np.ndarray:
            hit = np.zeros(len(df), dtype=bool)
            for f in fields:
                column = self.memo(df, ("stored", f), lambda f=f: prefilter.arrow_column(df[f]))
                mask = prefilter.candidates(column, pattern)
                if mask is None:
                    return np.arange(len(df))
                hit |= mask
            return np.flatnonzero(hit)

        return self.memo(df, ("rows_in_any", fields, pattern), find)  # type: ignore[no-any-return]


def tld_text(suffix: str) -> str:
    """``"gov.uk com"`` → ``".gov.uk. .com."``: a suffix list where whole labels can be matched."""
    return " ".join(f".{s.lower()}." for s in suffix.split())


def _row_text(x: Any, fields: tuple[str, ...]) -> str:
    if fields == ("_tld",):
        return tld_text(x["suffix"])
    return "\n".join(x[f] for f in fields).lower()


def _batch_text(df: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    if fields == ("_tld",):
        return [tld_text(s) for s in _strings(df, "suffix")]
    if len(fields) == 1:
        return [s.lower() for s in _strings(df, fields[0])]
    return ["\n".join(parts).lower() for parts in zip(*(_strings(df, f) for f in fields), strict=True)]


def _strings(df: pd.DataFrame, column: str) -> np.ndarray:
    """A string column as Python strings (iterating an Arrow-backed column element by element is slow)."""
    return df[column].to_numpy(dtype=object)


def _regex_lf(
    rule: Rule,
    target: str,
    label: int,
    rx: re.Pattern[str],
    fields: tuple[str, ...],
    min_matches: int,
    veto: re.Pattern[str] | None,
    texts: _Texts,
) -> LF:
    can_match = prefilter.re2_superset(rx.pattern)

    def hit(text: str) -> bool:
        if min_matches <= 1:
            found = rx.search(text) is not None
        else:
            found = sum(1 for _ in zip(range(min_matches), rx.finditer(text), strict=False)) >= min_matches
        return found and (veto is None or veto.search(text) is None)

    def row(x: Any) -> int:
        return label if hit(_row_text(x, fields)) else ABSTAIN

    def batch(df: pd.DataFrame) -> np.ndarray:
        out = np.full(len(df), ABSTAIN, dtype=np.int64)
        rows = texts.rows(df, fields, can_match)
        strings = texts.texts(df, fields)
        out[rows] = np.where(
            np.fromiter((hit(strings[i]) for i in rows.tolist()), dtype=bool, count=len(rows)), label, ABSTAIN
        )
        return out

    return LF(rule.name, target, rule.kind, row, batch, rule.label)


def _keyword_lf(rule: Rule, target: str, label: int, index: _KeywordIndex) -> LF:
    """Fires when at least ``min_matches`` *different* keywords occur and none of the ``none`` words."""
    words = frozenset(_norm_keyword(k) for k in rule.params["any"]) - {""}
    veto = frozenset(_norm_keyword(k) for k in rule.params.get("none", ())) - {""}
    need = int(rule.params.get("min_matches", 1))

    def hit(found: frozenset[str]) -> bool:
        return len(words & found) >= need and not (veto and veto & found)

    # a keyword is found only where its longest word is a substring of the lower-cased text of one field
    can_match = prefilter.any_case_alternation(max(w.split(), key=len) for w in words) if need >= 1 else None

    def row(x: Any) -> int:
        return label if hit(index.scan(_row_text(x, index.fields))) else ABSTAIN

    def batch(df: pd.DataFrame) -> np.ndarray:
        out = np.full(len(df), ABSTAIN, dtype=np.int64)
        if need >= 1 and not words:
            return out
        rows = index.texts.rows_in_any(df, index.fields, can_match)
        hits = np.fromiter((hit(f) for f in index.scan_rows(df, rows)), dtype=bool, count=len(rows))
        out[rows] = np.where(hits, label, ABSTAIN)
        return out

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
    """Votes the class in ``column`` (a class of the source target) when its share is high.

    With a ``map`` table only the mapped source classes vote (a majority of product pages → ``shop``);
    without one, a source class that is a class of ``target`` votes for itself, and for orgs the
    taxonomy's ``[map.org]`` turns a domain category into an organization type.
    """
    col, share_col = rule.params["column"], rule.params["share_column"]
    min_share = float(rule.params.get("min_share", 0.5))
    classes = taxonomy.classes(target)
    if rule.params.get("map"):
        mapping = {src: classes.index(dst) for src, dst in rule.params["map"].items()}
    else:
        mapping = {c: classes.index(c) for c in classes}
        if target == "org":
            mapping = {src: classes.index(dst) for src, dst in taxonomy.org_map.items()} | mapping

    def row(x: Any) -> int:
        return mapping.get(x[col], ABSTAIN) if x[share_col] >= min_share else ABSTAIN

    def batch(df: pd.DataFrame) -> np.ndarray:
        idx = np.fromiter((mapping.get(v, ABSTAIN) for v in df[col]), dtype=np.int64, count=len(df))
        return np.where(df[share_col].to_numpy() >= min_share, idx, ABSTAIN).astype(np.int64)

    return LF(rule.name, target, rule.kind, row, batch, None)
