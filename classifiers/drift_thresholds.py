"""Drift alarm thresholds, in a module of their own (stdlib only).

Settings load them at every CLI start (``[drift.thresholds]`` in orgmap.toml); keeping them apart from
``classifiers.drift`` means that costs nothing, and there is one definition of every default.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Alarm thresholds of every measure, and the test that guards them."""

    psi: float = 0.25
    """Predicted-class PSI (0.1 = moderate, 0.25 = major shift, the credit-scoring convention)."""
    js: float = 0.06
    """Predicted-class Jensen–Shannon divergence (base 2, 0..1)."""
    confidence_drop: float = 0.05
    """Drop of the mean top-class probability."""
    low_confidence: float = 0.5
    """A prediction below this probability counts as low-confidence."""
    low_confidence_rise: float = 0.08
    """Rise of the share of low-confidence predictions."""
    lf_coverage_change: float = 0.10
    """Absolute change of one LF's coverage (share of rows it votes on); also overall coverage."""
    lf_conflict_change: float = 0.10
    """Absolute change of one LF's conflict rate (share of rows where another LF votes differently)."""
    token_js: float = 0.10
    """JS divergence of the reference's top-token distribution (plus an 'other' bucket)."""
    unseen_token_rise: float = 0.06
    """Rise of the share of tokens never seen in the reference (vocabulary change, a new language)."""
    lf_votes_js: float = 0.03
    """JS divergence of the class distribution of LF votes (new classes show up in LF votes first)."""
    rare_class_share: float = 0.01
    """A class below this share of the reference's predictions is rare (the model hardly knows it)."""
    rare_class_rise: float = 0.05
    """Rise of the share of pages an LF votes a rare class for (new kinds of sites)."""
    top_tokens: int = 300
    """Tokens kept from the reference for the token distribution."""
    language_psi: float = 0.25
    """PSI of the page-language mix."""
    tld_psi: float = 0.25
    """PSI of the public-suffix mix."""
    length_psi: float = 0.25
    """PSI of page length (words) over the reference's deciles."""
    new_domain_rise: float = 0.30
    """Rise of the share of pages on domains never seen in an earlier batch."""
    unknown_owner_rise: float = 0.15
    """Rise of the share of pages whose domain has no resolved owner."""
    gold_agreement_drop: float = 0.10
    """Rise of the error rate on gold labels that arrived since training, vs on the reference's gold."""
    min_gold: int = 20
    """Fewest gold labels each window needs for the gold measure."""
    min_share: float = 0.02
    """Languages and TLDs below this reference share are pooled into 'other' (rare categories make PSI noisy)."""
    alpha: float = 0.05
    """Family-wise significance level, split over the measure families and their tested measures
    (weighted Bonferroni), so that a check of two batches of the same distribution raises an alarm at
    most ~5 % of the time."""
    n_permutations: int = 1000
    """Shuffles of the permutation test."""
    seed: int = 0
