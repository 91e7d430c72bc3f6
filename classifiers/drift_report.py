"""The self-contained HTML drift report: tables of measures and plots as base64 PNGs (matplotlib, Agg).

Plots: predicted-class shares per batch (over time), confidence histograms of both windows, LF coverage
per batch (a heatmap), and the effect/threshold ratio of every measure.

Example::

    >>> html = render_html(report, history, confidence, title="run:1 vs latest")   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from classifiers.drift import DriftReport


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figures(
    report: DriftReport, history: Mapping[str, pd.DataFrame], confidence: Mapping[str, np.ndarray]
) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    shares = history.get("class_shares")
    if shares is not None and len(shares):
        fig, ax = plt.subplots(figsize=(8, 3.5))
        bottom = np.zeros(len(shares))
        x = [str(r) for r in shares.index]
        for col in shares.columns:
            ax.bar(x, shares[col].to_numpy(), bottom=bottom, label=str(col))
            bottom += shares[col].to_numpy()
        ax.set_xlabel("batch (ingestion run)")
        ax.set_ylabel("share of pages")
        ax.legend(fontsize=7, ncol=2, bbox_to_anchor=(1.01, 1), loc="upper left")
        out.append(("Predicted classes per batch", _png(fig)))
    fig, ax = plt.subplots(figsize=(6, 3))
    bins = np.linspace(0, 1, 21)
    for name, values in confidence.items():
        ax.hist(values, bins=bins, alpha=0.55, density=True, label=f"{name} (n={len(values)})")
    ax.set_xlabel("top-class probability")
    ax.legend(fontsize=8)
    out.append(("Confidence of the promoted model", _png(fig)))
    cov = history.get("lf_coverage")
    if cov is not None and cov.shape[0] and cov.shape[1]:
        cov = cov.loc[:, cov.max(axis=0) > 0]
        fig, ax = plt.subplots(figsize=(max(4, 0.6 * cov.shape[0] + 3), max(3, 0.16 * cov.shape[1] + 1)))
        im = ax.imshow(cov.T.to_numpy(), aspect="auto", cmap="viridis", vmin=0)
        ax.set_yticks(range(cov.shape[1]), [str(c) for c in cov.columns], fontsize=6)
        ax.set_xticks(range(cov.shape[0]), [str(r) for r in cov.index], fontsize=7)
        ax.set_xlabel("batch (ingestion run)")
        fig.colorbar(im, ax=ax, label="coverage")
        out.append(("LF coverage per batch", _png(fig)))
    ms = [m for m in report.measures if not m.name.startswith(("lf_coverage:", "lf_conflict:")) or m.drift]
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.22 * len(ms))))
    ratio = [m.effect / m.threshold if m.threshold else 0 for m in ms]
    ax.barh([m.name for m in ms], ratio, color=["tab:red" if m.drift else "tab:gray" for m in ms])
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_xlabel("effect / threshold (red: drift)")
    ax.tick_params(axis="y", labelsize=7)
    out.append(("Measures against their thresholds", _png(fig)))
    return out


def render_html(
    report: DriftReport,
    history: Mapping[str, pd.DataFrame],
    confidence: Mapping[str, np.ndarray],
    *,
    title: str = "orgmap drift report",
    meta: Mapping[str, Any] | None = None,
) -> str:
    """One HTML document, no external files: verdict, flagged measures, all measures, plots."""
    esc = html.escape
    verdict = "DRIFT" if report.drift else "no drift"
    rows = []
    for m in sorted(report.measures, key=lambda m: (not m.drift, m.family, m.name)):
        if m.name.startswith(("lf_coverage:", "lf_conflict:")) and not m.drift and m.effect < m.threshold / 2:
            continue  # quiet per-LF rows stay in drift_measures; the report shows the ones worth reading
        cells = [m.name, m.family, _n(m.reference), _n(m.current), _n(m.effect), _n(m.threshold), _n(m.p_value)]
        style = ' class="drift"' if m.drift else ""
        rows.append(f"<tr{style}>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    info = "".join(f"<li><b>{esc(str(k))}</b>: {esc(str(v))}</li>" for k, v in (meta or {}).items())
    figs = "".join(
        f'<h2>{esc(t)}</h2><img alt="{esc(t)}" src="{src}">' for t, src in _figures(report, history, confidence)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}} td,th{{padding:2px 8px;text-align:right}}
td:first-child{{text-align:left}} tr.drift{{background:#fdd}} .verdict{{font-size:1.4em}}</style></head>
<body><h1>{esc(title)}</h1>
<p class="verdict">{esc(verdict)}: {len(report.flagged)} of {len(report.measures)} measures flagged
({report.n_reference} reference pages, {report.n_current} current pages)</p>
<ul>{info}</ul>
<table><tr><th>measure</th><th>family</th><th>reference</th><th>current</th><th>effect</th><th>threshold</th>
<th>p</th></tr>{"".join(rows)}</table>
{figs}
</body></html>
"""


def _n(v: float | None) -> str:
    if v is None or v != v:
        return ""
    return f"{v:.4f}" if abs(v) < 100 else f"{v:.0f}"
