"""Drift measures: pure functions comparing a reference window with a current window of pages.

Every measure yields an *effect* (PSI, Jensen–Shannon divergence, a drop in a mean or a share) and a p-value
from a permutation test that moves whole owners (else domains), because pages of one organization are not
independent; a measure drifts when its effect reaches its threshold and its p-value is small. The measures,
thresholds and why the reference should not be the model's own training data: docs/drift.md.

Example::

    report = compare(ref, cur, Thresholds())
    report.drift, [m.name for m in report.flagged]
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from classifiers.drift_thresholds import Thresholds

ABSTAIN = -1
_EPS = 1e-4
_TOKEN = re.compile(r"(?u)\b[^\W\d_]{3,}\b")


@dataclass(frozen=True)
class WindowData:
    """One window's pages as arrays (one entry per page), the input of :func:`compare`."""

    unit: np.ndarray
    """Cluster of the page for the permutation test: its owner, else its registered domain (an org's
    domains share class, vocabulary and language)."""
    pred: np.ndarray
    """Predicted class index."""
    confidence: np.ndarray
    """Probability of the predicted class."""
    L: np.ndarray
    """Label matrix (rows × LFs, ABSTAIN = -1)."""
    text: Sequence[str]
    """Title and text, for the token distribution."""
    lang: np.ndarray
    suffix: np.ndarray
    n_words: np.ndarray
    is_new_domain: np.ndarray
    """True where the page's domain has no page in an earlier batch."""
    has_owner: np.ndarray
    """True where the page's domain has a resolved owner (``domain_org.org_id``)."""
    run_id: np.ndarray | None = None
    gold_wrong: np.ndarray | None = None
    """Per page: 1.0 where the prediction disagrees with a gold label, 0.0 where it agrees, NaN: no gold."""

    def __len__(self) -> int:
        return len(self.pred)


@dataclass(frozen=True)
class Measure:
    """One drift measure compared between the two windows."""

    name: str
    """``class_psi``, ``lf_coverage:news_tld``, ..."""
    family: str
    """predictions | confidence | lf | input | domains | gold."""
    reference: float | None
    """Value in the reference window (None for divergences, which exist only between windows)."""
    current: float | None
    """Value in the current window."""
    effect: float
    """What is compared with the threshold."""
    threshold: float
    p_value: float | None
    """Permutation (or binomial) p-value; None when the counts allow no test."""
    drift: bool
    """effect >= threshold and p_value < alpha."""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DriftReport:
    """The measures of one comparison and the verdict."""

    measures: list[Measure]
    n_reference: int
    n_current: int
    thresholds: Thresholds

    @property
    def flagged(self) -> list[Measure]:
        """The measures that drifted."""
        return [m for m in self.measures if m.drift]

    @property
    def drift(self) -> bool:
        """True when any measure drifted."""
        return bool(self.flagged)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (``orgmap drift --json``)."""
        return {
            "drift": self.drift,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "flagged": [m.name for m in self.flagged],
            "measures": [asdict(m) for m in self.measures],
            "thresholds": asdict(self.thresholds),
        }


# -- divergences -------------------------------------------------------------------------------------


def psi(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Population stability index between distributions (last axis); zero shares floored at 1e-4."""
    p = _normalize(p)
    q = _normalize(q)
    p, q = np.maximum(p, _EPS), np.maximum(q, _EPS)
    return np.sum((q - p) * np.log(q / p), axis=-1)


def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence in bits (0 = same, 1 = disjoint) between distributions (last axis)."""
    p, q = _normalize(p), _normalize(q)
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(a > 0, a * np.log2(np.where(a > 0, a, 1) / np.where(b > 0, b, 1)), 0.0)
        return t.sum(axis=-1)

    return np.clip((kl(p, m) + kl(q, m)) / 2, 0.0, 1.0)


def _normalize(c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=np.float64)
    s = c.sum(axis=-1, keepdims=True)
    return np.divide(c, s, out=np.zeros_like(c), where=s > 0)


# -- the permutation test ----------------------------------------------------------------------------

Stat = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(reference sums, current sums), each shuffles × k → effects, shuffles × m."""


def permutation_test(
    counts: np.ndarray, in_current: np.ndarray, stat: Stat, n_permutations: int = 400, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Observed effects and their p-values, shuffling whole units (rows of ``counts``) between windows.

    ``counts`` is units × k (per unit sums, e.g. class counts of one domain in one window); ``stat`` maps
    window sums to m effects. p = (1 + #shuffles with effect >= observed) / (1 + shuffles).
    """
    counts = np.asarray(counts, dtype=np.float64)
    cur = np.asarray(in_current, dtype=bool)
    total = counts.sum(axis=0)
    obs_cur = counts[cur].sum(axis=0)
    observed = np.atleast_1d(stat((total - obs_cur)[None, :], obs_cur[None, :])[0])
    n_cur = int(cur.sum())
    if n_cur == 0 or n_cur == len(cur) or n_permutations <= 0:
        return observed, np.full(observed.shape, np.nan)
    rng = np.random.default_rng(seed)
    chosen = np.argsort(rng.random((n_permutations, len(cur))), axis=1)[:, :n_cur]
    masks = np.zeros((n_permutations, len(cur)))
    np.put_along_axis(masks, chosen, 1.0, axis=1)
    perm_cur = masks @ counts
    perm = stat(total[None, :] - perm_cur, perm_cur).reshape(n_permutations, -1)
    p = (1 + (perm >= observed[None, :] - 1e-12).sum(axis=0)) / (1 + n_permutations)
    return observed, p


def _units(ref: WindowData, cur: WindowData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit index per page (ref pages first), and per unit whether it belongs to the current window."""
    keys = np.concatenate([np.char.add("r|", ref.unit.astype(str)), np.char.add("c|", cur.unit.astype(str))])
    uniq, idx = np.unique(keys, return_inverse=True)
    return idx, np.char.startswith(uniq.astype(str), "c|"), keys


def _sum_by(idx: np.ndarray, n_units: int, values: np.ndarray) -> np.ndarray:
    """Per-unit sums of ``values`` (pages × k)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    out = np.zeros((n_units, values.shape[1]))
    np.add.at(out, idx, values)
    return out


def _onehot(codes: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((len(codes), k))
    ok = codes >= 0
    out[np.nonzero(ok)[0], codes[ok]] = 1.0
    return out


# -- compare -----------------------------------------------------------------------------------------


def compare(
    ref: WindowData,
    cur: WindowData,
    thresholds: Thresholds | None = None,
    *,
    classes: Sequence[str] = (),
    lf_names: Sequence[str] = (),
    in_sample: bool = False,
) -> DriftReport:
    """Every measure between ``ref`` and ``cur`` (see the module docstring).

    ``in_sample``: the reference holds the model's training data; confidence and gold cannot flag drift.
    """
    t = thresholds or Thresholds()
    idx, unit_cur, _ = _units(ref, cur)
    n_units = len(unit_cur)
    both = _Both(ref, cur, idx, n_units, unit_cur, t)
    k = max(len(classes), int(max(ref.pred.max(initial=0), cur.pred.max(initial=0))) + 1)
    names = list(classes) or [str(i) for i in range(k)]
    measures: list[Measure] = []
    measures += both.categorical("class", "predictions", np.concatenate([ref.pred, cur.pred]), names, t.psi, t.js)
    scored = [both.mean_drop("confidence_drop", "confidence", np.concatenate([ref.confidence, cur.confidence]))]
    low = np.concatenate([ref.confidence, cur.confidence]) < t.low_confidence
    scored.append(both.share_rise("low_confidence_share", "confidence", low, t.low_confidence_rise))
    scored += both.gold_measure()
    if in_sample:
        why = "reference is the model's training data: in-sample confidence and accuracy are not comparable"
        scored = [dataclasses.replace(m, drift=False, detail={**m.detail, "not_flagged": why}) for m in scored]
    measures += scored
    votes = np.concatenate([ref.L, cur.L]) if ref.L.ndim == 2 and ref.L.shape[1] else None
    if votes is not None:
        vote_counts = np.stack([(votes == c).sum(axis=1) for c in range(k)], axis=1)
        measures += both.categorical("lf_votes", "lf", None, names, t.lf_votes_js, None, counts=vote_counts, js=True)
        # a class the model (almost) never predicted in the reference, now voted for by LFs: a new kind of site
        ref_share = np.bincount(ref.pred, minlength=k) / max(len(ref), 1)
        rare = np.nonzero(ref_share < t.rare_class_share)[0]
        rare_votes = np.isin(votes, rare) & (votes != ABSTAIN)
        m = both.share_rise("rare_class_votes", "lf", rare_votes.any(axis=1), t.rare_class_rise)
        measures.append(dataclasses.replace(m, detail={"rare_classes": [names[i] for i in rare]}))
    measures += both.lf_measures(lf_names)
    measures += both.token_measure()
    for name, attr, thr in (("language", "lang", t.language_psi), ("tld", "suffix", t.tld_psi)):
        values = np.concatenate([getattr(ref, attr), getattr(cur, attr)]).astype(str)
        ref_cats, ref_n = np.unique(values[: len(ref)], return_counts=True)
        keep = set(ref_cats[ref_n >= t.min_share * max(len(ref), 1)].tolist())
        values = np.where(np.isin(values, list(keep)), values, "(other)")
        cats, codes = np.unique(values, return_inverse=True)
        measures += both.categorical(name, "input", codes, [str(c) for c in cats], thr, None)
    edges = np.unique(np.quantile(ref.n_words, np.linspace(0.1, 0.9, 9))) if len(ref) else np.array([])
    bins = np.searchsorted(edges, np.concatenate([ref.n_words, cur.n_words]), side="right")
    labels = [f"<{int(e)}" for e in edges] + ["max"]
    measures += both.categorical("page_length", "input", bins, labels, t.length_psi, None)
    new = np.concatenate([ref.is_new_domain, cur.is_new_domain])
    measures.append(both.share_rise("new_domain_rate", "domains", new, t.new_domain_rise))
    unknown = ~np.concatenate([ref.has_owner, cur.has_owner]).astype(bool)
    measures.append(both.share_rise("unknown_owner_rate", "domains", unknown, t.unknown_owner_rise))
    return DriftReport(_bonferroni(measures, t.alpha), len(ref), len(cur), t)


def _bonferroni(measures: list[Measure], alpha: float) -> list[Measure]:
    """Re-decide every tested measure with a weighted Bonferroni split of the family-wise ``alpha``.

    Each family (predictions, confidence, gold, lf, input, domains) gets alpha / families, shared equally
    by its tested measures (per-LF rows: further divided by the number of LFs). Any split that sums to at
    most alpha keeps the family-wise error at alpha; splitting by family keeps a lone measure (gold) from
    paying for the many correlated input measures.
    """
    main = [m for m in measures if ":" not in m.name and m.p_value is not None]
    families = sorted({m.family for m in main})
    size = {f: sum(m.family == f for m in main) for f in families}
    n_lf = max(sum(":" in m.name for m in measures) // 2, 1)
    out = []
    for m in measures:
        if m.p_value is None or "not_flagged" in m.detail or m.family not in size:
            out.append(m)
            continue
        a = alpha / len(families) / size[m.family] / (n_lf if ":" in m.name else 1)
        out.append(dataclasses.replace(m, drift=bool(m.effect >= m.threshold and m.p_value < a)))
    return out


@dataclass
class _Both:
    """Both windows concatenated (reference pages first) and their units; builds measures."""

    ref: WindowData
    cur: WindowData
    idx: np.ndarray
    n_units: int
    unit_cur: np.ndarray
    t: Thresholds

    def _test(self, values: np.ndarray, stat: Stat) -> tuple[np.ndarray, np.ndarray]:
        counts = _sum_by(self.idx, self.n_units, values)
        return permutation_test(counts, self.unit_cur, stat, self.t.n_permutations, self.t.seed)

    def _flag(self, effect: float, threshold: float, p: float | None, alpha: float | None = None) -> bool:
        a = self.t.alpha if alpha is None else alpha
        return bool(effect >= threshold and (p is None or math.isnan(p) or p < a))

    def categorical(
        self,
        name: str,
        family: str,
        codes: np.ndarray | None,
        cats: list[str],
        psi_thr: float,
        js_thr: float | None,
        *,
        counts: np.ndarray | None = None,
        js: bool = False,
    ) -> list[Measure]:
        """PSI (and JS) of a categorical distribution.

        ``counts`` (pages × categories) replaces codes; ``js``: the one measure is the JS divergence.
        """
        onehot = _onehot(np.asarray(codes, dtype=np.int64), len(cats)) if counts is None else counts.astype(float)
        n_ref = len(self.ref)
        share_r, share_c = _normalize(onehot[:n_ref].sum(axis=0)), _normalize(onehot[n_ref:].sum(axis=0))
        detail = {
            "categories": cats,
            "reference": [round(float(x), 4) for x in share_r],
            "current": [round(float(x), 4) for x in share_c],
        }
        out = []
        (e_psi, e_js), (p_psi, p_js) = self._test(onehot, lambda r, c: np.stack([psi(r, c), js_divergence(r, c)], 1))
        if js:
            flag = self._flag(float(e_js), psi_thr, _f(p_js))
            return [Measure(f"{name}_js", family, None, None, float(e_js), psi_thr, _f(p_js), flag, detail)]
        out.append(
            Measure(
                f"{name}_psi",
                family,
                None,
                None,
                float(e_psi),
                psi_thr,
                _f(p_psi),
                self._flag(float(e_psi), psi_thr, _f(p_psi)),
                detail,
            )  # fmt: skip
        )
        if js_thr is not None:
            out.append(
                Measure(
                    f"{name}_js",
                    family,
                    None,
                    None,
                    float(e_js),
                    js_thr,
                    _f(p_js),
                    self._flag(float(e_js), js_thr, _f(p_js)),
                    {},
                )  # fmt: skip
            )
        return out

    def mean_drop(self, name: str, family: str, values: np.ndarray) -> Measure:
        pairs = np.stack([values, np.ones_like(values)], axis=1)
        (eff,), (p,) = self._test(pairs, lambda r, c: (_mean(r) - _mean(c))[:, None])
        n_ref = len(self.ref)
        rv, cv = float(np.mean(values[:n_ref])) if n_ref else 0.0, float(np.mean(values[n_ref:]))
        thr = self.t.confidence_drop
        return Measure(name, family, rv, cv, float(eff), thr, _f(p), self._flag(float(eff), thr, _f(p)))

    def share_rise(
        self, name: str, family: str, flags: np.ndarray, threshold: float, among: np.ndarray | None = None
    ) -> Measure:
        """Rise of the share of ``flags`` (among the pages ``among``, default all) from reference to current."""
        flags = np.asarray(flags, dtype=np.float64)
        among = np.ones_like(flags) if among is None else np.asarray(among, dtype=np.float64)
        pairs = np.stack([flags * among, among], axis=1)
        (eff,), (p,) = self._test(pairs, lambda r, c: (_mean(c) - _mean(r))[:, None])
        n_ref = len(self.ref)
        rv = float(pairs[:n_ref, 0].sum() / max(pairs[:n_ref, 1].sum(), 1))
        cv = float(pairs[n_ref:, 0].sum() / max(pairs[n_ref:, 1].sum(), 1))
        return Measure(name, family, rv, cv, float(eff), threshold, _f(p), self._flag(float(eff), threshold, _f(p)))

    def gold_measure(self) -> list[Measure]:
        """Error rate on the current window's new gold labels vs the reference window's gold labels."""
        if self.ref.gold_wrong is None or self.cur.gold_wrong is None:
            return []
        g = np.concatenate([self.ref.gold_wrong, self.cur.gold_wrong]).astype(np.float64)
        has = ~np.isnan(g)
        n_ref, n_cur = int(has[: len(self.ref)].sum()), int(has[len(self.ref) :].sum())
        m = self.share_rise("gold_error_rise", "gold", np.nan_to_num(g), self.t.gold_agreement_drop, has)
        detail = {"n_gold_reference": n_ref, "n_new_gold_current": n_cur}
        if min(n_ref, n_cur) < self.t.min_gold:
            detail["not_flagged"] = f"fewer than {self.t.min_gold} gold labels in a window"
            return [dataclasses.replace(m, drift=False, p_value=None, detail=detail)]
        return [dataclasses.replace(m, detail=detail)]

    def lf_measures(self, lf_names: Sequence[str]) -> list[Measure]:
        L = np.concatenate([self.ref.L, self.cur.L]) if len(self.ref.L) or len(self.cur.L) else np.zeros((0, 0))
        if L.ndim != 2 or L.shape[1] == 0:
            return []
        m = L.shape[1]
        names = list(lf_names) or [f"lf{j}" for j in range(m)]
        voted = L != ABSTAIN
        conflict = np.zeros_like(voted)
        for j in range(m):  # rows where LF j votes and another LF votes a different class
            others = np.delete(L, j, axis=1)
            conflict[:, j] = voted[:, j] & ((others != ABSTAIN) & (others != L[:, [j]])).any(axis=1)
        any_vote = voted.any(axis=1)
        any_conflict = conflict.any(axis=1)
        values = np.concatenate([voted, conflict, any_vote[:, None], any_conflict[:, None]], axis=1).astype(float)
        values = np.concatenate([values, np.ones((len(L), 1))], axis=1)

        def stat(r: np.ndarray, c: np.ndarray) -> np.ndarray:
            return np.abs(c[:, :-1] / np.maximum(c[:, -1:], 1) - r[:, :-1] / np.maximum(r[:, -1:], 1))

        eff, p = self._test(values, stat)
        n_ref = len(self.ref)
        share_r = values[:n_ref, :-1].mean(axis=0) if n_ref else np.zeros(values.shape[1] - 1)
        share_c = values[n_ref:, :-1].mean(axis=0) if len(values) > n_ref else np.zeros(values.shape[1] - 1)
        alpha = self.t.alpha / m
        out = []
        cols = [(f"lf_coverage:{n}", self.t.lf_coverage_change, alpha) for n in names]
        cols += [(f"lf_conflict:{n}", self.t.lf_conflict_change, alpha) for n in names]
        cols += [("lf_coverage", self.t.lf_coverage_change, self.t.alpha)]
        cols += [("lf_conflict", self.t.lf_conflict_change, self.t.alpha)]
        for j, (name, thr, a) in enumerate(cols):
            pj = _f(p[j])
            out.append(
                Measure(
                    name,
                    "lf",
                    round(float(share_r[j]), 4),
                    round(float(share_c[j]), 4),
                    float(eff[j]),
                    thr,
                    pj,
                    self._flag(float(eff[j]), thr, pj, a),
                )  # fmt: skip
            )
        return out

    def token_measure(self) -> list[Measure]:
        n_ref = len(self.ref)
        texts = [*self.ref.text, *self.cur.text]
        if not n_ref or not len(self.cur):
            return []
        vec = CountVectorizer(token_pattern=_TOKEN.pattern, lowercase=True, max_features=self.t.top_tokens)
        try:
            vec.fit(list(self.ref.text))
        except ValueError:  # the reference has no tokens at all
            return []
        X = vec.transform(texts)
        totals = np.asarray([len(_TOKEN.findall(s.lower())) for s in texts], dtype=np.float64)
        other = np.maximum(totals - np.asarray(X.sum(axis=1)).ravel(), 0)
        G = sp.csr_matrix((np.ones(len(texts)), (self.idx, np.arange(len(texts)))), shape=(self.n_units, len(texts)))
        counts = np.hstack([(G @ X).toarray(), (G @ other)[:, None]])
        eff, p = permutation_test(
            counts, self.unit_cur, lambda r, c: js_divergence(r, c)[:, None], self.t.n_permutations, self.t.seed
        )
        share_other_r = float(other[:n_ref].sum() / max(totals[:n_ref].sum(), 1))
        share_other_c = float(other[n_ref:].sum() / max(totals[n_ref:].sum(), 1))
        thr = self.t.token_js
        detail = {"other_share": {"reference": round(share_other_r, 4), "current": round(share_other_c, 4)}}
        pj = _f(p[0])
        flag = self._flag(float(eff[0]), thr, pj)
        return [
            Measure("token_js", "input", None, None, float(eff[0]), thr, pj, flag, detail),
            self.unseen_tokens(texts),
        ]

    def unseen_tokens(self, texts: list[str]) -> Measure:
        """Share of the current window's tokens never seen in the reference, minus its own turnover.

        The baseline is the same share between two halves of the reference (new names and rare words
        appear in every batch). No permutation test: the reference's vocabulary is part of the statistic;
        the half-vs-half baseline (a smaller vocabulary) is conservative.
        """
        n_ref = len(self.ref)
        toks = [_TOKEN.findall(s.lower()) for s in texts]
        half = (self.idx[:n_ref] % 2).astype(bool)
        seen_a = {w for i in np.nonzero(~half)[0] for w in toks[i]}
        seen = seen_a | {w for i in np.nonzero(half)[0] for w in toks[i]}

        def share(rows: Sequence[int], vocab: set[str]) -> float:
            n = sum(len(toks[i]) for i in rows)
            return sum(w not in vocab for i in rows for w in toks[i]) / n if n else 0.0

        base = share(np.nonzero(half)[0], seen_a)
        cur = share(range(n_ref, len(texts)), seen)
        thr = self.t.unseen_token_rise
        eff = cur - base
        return Measure("unseen_token_rise", "input", base, cur, eff, thr, None, bool(eff >= thr))


def _mean(sums: np.ndarray) -> np.ndarray:
    return sums[:, 0] / np.maximum(sums[:, 1], 1)


def _f(x: Any) -> float | None:
    v = float(x)
    return None if math.isnan(v) else v


# -- history (for the report's plots) ----------------------------------------------------------------


def per_batch(data: WindowData, classes: Sequence[str], lf_names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Class shares, mean confidence and LF coverage per batch (``run_id``), for plots over time."""
    if data.run_id is None:
        raise ValueError("per_batch needs WindowData.run_id")
    df = pd.DataFrame({"run_id": data.run_id, "label": np.asarray(classes, dtype=object)[data.pred]})
    shares = pd.crosstab(df["run_id"], df["label"], normalize="index")
    cov = pd.DataFrame(data.L != ABSTAIN, columns=list(lf_names)).groupby(np.asarray(data.run_id)).mean()
    conf = pd.Series(data.confidence).groupby(np.asarray(data.run_id)).mean()
    return {"class_shares": shares, "lf_coverage": cov, "confidence": conf.to_frame("mean_confidence")}
