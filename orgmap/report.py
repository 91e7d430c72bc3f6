"""The run report: one self-contained HTML page beside the database that says what a run did, with plots.

Written by ``orgmap resolve``/``ingest`` after every run, or by ``orgmap report [--run N]``. Plots are
PNGs embedded as base64, so the file opens offline and needs no script.

Example::

    path = write_report(settings)            # the newest resolve/ingest run, beside settings.db
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgmap.config import Settings
from orgmap.outputs import output_path, require_writable_dir
from orgmap.store.database import Store
from resolver.errors import InputError
from resolver.sql import load_queries

__all__ = ["ReportData", "collect", "render_html", "write_report"]

Q = load_queries("orgmap.store.queries", "report.sql")

LARGEST_ORGS = 15
"""Organizations listed (and plotted) by number of domains."""


@dataclass(frozen=True)
class ReportData:
    """What the report shows, read from the store (plain values: rendering needs no database)."""

    run: dict[str, Any]
    """The ``runs`` row (``counts`` parsed)."""
    owners: list[tuple[str, int]]
    """(status, domains)."""
    owner_confidence: list[tuple[str, float]]
    """(status, confidence) of every domain."""
    labels: list[tuple[str, str, float, str | None]]
    """(target, label, confidence, gold label or None) of every classified item."""
    classes: list[tuple[str, str, int]]
    """(target, class, items)."""
    lfs: list[tuple[str, str, float, float]]
    """(target, LF, coverage, conflicts) of the newest run that applied the LFs."""
    nodes: list[tuple[str, int]]
    edges: list[tuple[str, int]]
    largest_orgs: list[tuple[str, int, list[str]]]
    """(name, number of domains, domains)."""
    errors: list[tuple[str, int, int]]
    """(reason, records skipped in all runs, in this run)."""


def collect(store: Store, run_id: int | None = None) -> ReportData:
    """Read what the report shows about ``run_id`` (default: the newest resolve or ingest run)."""
    con = store.con
    if run_id is None:
        run_id = con.execute(Q["latest_run"]).fetchone()[0]  # type: ignore[index]
        if run_id is None:
            raise InputError(f"{store.path} has no resolve or ingest run yet; run orgmap resolve PATH first")
    row = con.execute(Q["run"], [run_id]).fetchone()
    if row is None:
        raise InputError(f'no run {run_id} in {store.path}; list them with: orgmap sql "select * from runs"')
    names = ("run_id", "command", "status", "started_at", "ended_at", "inputs", "counts", "error")
    run = dict(zip(names, row, strict=True))
    run["counts"] = json.loads(run["counts"]) if run["counts"] else {}
    run["inputs"] = json.loads(run["inputs"]) if run["inputs"] else []
    return ReportData(
        run=run,
        owners=con.execute(Q["owners_by_status"]).fetchall(),
        owner_confidence=con.execute(Q["owner_confidence"]).fetchall(),
        labels=con.execute(Q["label_confidence"]).fetchall(),
        classes=con.execute(Q["classes_per_target"]).fetchall(),
        lfs=con.execute(Q["lf_stats"], [run_id]).fetchall(),
        nodes=con.execute(Q["graph_nodes_by_kind"]).fetchall(),
        edges=con.execute(Q["graph_edges_by_kind"]).fetchall(),
        largest_orgs=[(n, k, list(d or [])) for n, k, d in con.execute(Q["largest_orgs"], [LARGEST_ORGS]).fetchall()],
        errors=con.execute(Q["ingest_errors_by_reason"], [run_id]).fetchall(),
    )


def write_report(settings: Settings, run_id: int | None = None, path: str | Path | None = None) -> Path:
    """Write the report of ``run_id`` to ``path`` (default ``<db stem>.report.html`` beside the database)."""
    out = Path(path) if path is not None else output_path(settings, "report.html")
    require_writable_dir(out.parent, "the report")
    with Store(settings.db, read_only=True, wait=settings.db_wait) as store:
        data = collect(store, run_id)
    text = render_html(data, title=f"orgmap run {data.run['run_id']} · {Path(settings.db).name}")
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out


# -- rendering -----------------------------------------------------------------------------------


def render_html(data: ReportData, *, title: str = "orgmap run report") -> str:
    """One HTML document, no external files and no script: the run, its numbers and its plots."""
    esc = html.escape
    run, counts = data.run, data.run["counts"]
    seconds = counts.get("seconds") if isinstance(counts.get("seconds"), dict) else {}
    sections = [
        _section("Owners", _owner_figures(data), "No domain has an owner row yet."),
        _section("Classes", _class_figures(data), "Nothing was classified in this database yet."),
        _section("Graph", _graph_figures(data), "The graph is empty: run orgmap resolve (or orgmap graph build)."),
        _table(
            "Largest organizations",
            ["organization", "domains", "its domains"],
            [[n, str(k), _clip(d)] for n, k, d in data.largest_orgs],
        ),
        _section("Ingest errors", _error_figures(data), "No record was skipped at ingest."),
        _section("Stage times", _time_figures(seconds, counts), "This run recorded no stage times."),
    ]
    facts = [
        ("command", run["command"]),
        ("status", run["status"] + (f" ({run['error']})" if run.get("error") else "")),
        ("started", str(run["started_at"])[:19] + " UTC"),
        ("finished", str(run["ended_at"])[:19] + " UTC" if run["ended_at"] else "not finished"),
        ("inputs", ", ".join(map(str, run["inputs"])) if isinstance(run["inputs"], list) else str(run["inputs"])),
    ]
    facts += [(k, v) for k, v in _throughput(seconds, counts)]
    info = "".join(f"<tr><th>{esc(str(k))}</th><td>{esc(str(v))}</td></tr>" for k, v in facts)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<link rel="icon" href="data:,">
<style>body{{font-family:sans-serif;margin:2em;max-width:72em;color:#222}} h2{{margin-top:1.6em}}
table{{border-collapse:collapse}} td,th{{padding:2px 10px;text-align:left;vertical-align:top}}
th{{color:#555;font-weight:normal}} figure{{display:inline-block;margin:0 1em 1em 0}}
figcaption{{font-size:.9em;color:#555}} img{{max-width:100%}} .status-failed{{color:#b00}}</style></head>
<body><h1>{esc(title)}</h1>
<table class="run status-{esc(run["status"])}">{info}</table>
{"".join(sections)}
</body></html>
"""


def _section(title: str, figures: Sequence[tuple[str, str]], empty: str) -> str:
    esc = html.escape
    if not figures:
        return f"<h2>{esc(title)}</h2><p>{esc(empty)}</p>"
    body = "".join(
        f'<figure><img alt="{esc(caption)}" src="{src}"><figcaption>{esc(caption)}</figcaption></figure>'
        for caption, src in figures
    )
    return f"<h2>{esc(title)}</h2>{body}"


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = html.escape
    if not rows:
        return ""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<h2>{esc(title)}</h2><table><tr>{head}</tr>{body}</table>"


def _clip(items: Sequence[str], most: int = 8) -> str:
    more = f" (+{len(items) - most} more)" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def _throughput(seconds: dict[str, float], counts: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if seconds:
        out.append(("time", f"{sum(seconds.values()):.1f} s in {len(seconds)} stages"))
    ingest, signals = counts.get("ingest"), counts.get("signals")
    if isinstance(ingest, dict) and seconds.get("ingest"):
        rate = ingest.get("pages_read", 0) / seconds["ingest"]
        out.append(("ingest", f"{ingest.get('pages_read', 0):,} records, {rate:,.0f}/s"))
        bad = sum((ingest.get("skipped") or {}).values())
        if bad:
            out.append(("bad records", f"{bad:,}: listed in the ingest_errors table"))
    elif "pages_read" in counts and counts.get("seconds"):  # an ingest run: its counts are the stage's
        out.append(("ingest", f"{counts['pages_read']:,} records, {counts['pages_read'] / counts['seconds']:,.0f}/s"))
        bad = sum((counts.get("skipped") or {}).values())
        if bad:
            out.append(("bad records", f"{bad:,}: listed in the ingest_errors table"))
    if isinstance(signals, dict) and seconds.get("signals"):
        rate = signals.get("pages", 0) / seconds["signals"]
        out.append(("signals", f"{signals.get('pages', 0):,} pages, {rate:,.0f}/s"))
    return out


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _bars(title: str, pairs: Sequence[tuple[str, float]], xlabel: str, color: str = "tab:blue") -> tuple[str, str]:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, max(1.6, 0.3 * len(pairs) + 0.8)))
    ax.barh([p[0] for p in pairs][::-1], [p[1] for p in pairs][::-1], color=color)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", labelsize=8)
    return title, _png(fig)


def _owner_figures(data: ReportData) -> list[tuple[str, str]]:
    if not data.owners:
        return []
    plt = _plt()
    out = [_bars("Domains by owner status", [(s, n) for s, n in data.owners], "registered domains")]
    by_status: dict[str, list[float]] = defaultdict(list)
    for status, conf in data.owner_confidence:
        by_status[status].append(conf)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(list(by_status.values()), bins=20, range=(0, 1), stacked=True, label=list(by_status))
    ax.set_xlabel("owner confidence")
    ax.set_ylabel("domains")
    ax.legend(fontsize=8, loc="upper left")
    out.append(("Owner confidence by status", _png(fig)))
    return out


def _class_figures(data: ReportData) -> list[tuple[str, str]]:
    if not data.labels:
        return []
    plt = _plt()
    targets = sorted({t for t, *_ in data.labels})
    out = []
    for target in targets:
        pairs = [(c, n) for t, c, n in data.classes if t == target][:20]
        out.append(_bars(f"Classes of {target}s", pairs, f"{target}s"))
    fig, axes = plt.subplots(1, len(targets), figsize=(3.2 * len(targets), 2.8), squeeze=False)
    for ax, target in zip(axes[0], targets, strict=True):
        ax.hist([c for t, _, c, _ in data.labels if t == target], bins=20, range=(0, 1), color="tab:green")
        ax.set_title(target, fontsize=9)
        ax.set_xlabel("confidence of the class")
    out.append(("Classification confidence per target", _png(fig)))
    calibration = _calibration(data.labels)
    if calibration:
        fig, ax = plt.subplots(figsize=(4, 4))
        ax.plot([0, 1], [0, 1], color="gray", lw=0.8, ls="--")
        for target, (mean_conf, accuracy, n) in calibration.items():
            ax.plot(mean_conf, accuracy, marker="o", label=f"{target} ({n} gold)")
        ax.set_xlabel("confidence")
        ax.set_ylabel("share right (gold)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=8, loc="upper left")
        out.append(("Calibration against gold labels", _png(fig)))
    if data.lfs:
        for target in sorted({t for t, *_ in data.lfs}):
            rows = [r for r in data.lfs if r[0] == target][:25]
            fig, ax = plt.subplots(figsize=(6, max(2, 0.22 * len(rows) + 1)))
            names = [r[1] for r in rows][::-1]
            ax.barh(names, [r[2] for r in rows][::-1], color="tab:blue", label="coverage")
            ax.barh(names, [r[3] for r in rows][::-1], color="tab:red", label="conflicts")
            ax.set_xlabel("share of rows")
            ax.tick_params(axis="y", labelsize=7)
            ax.legend(fontsize=8, loc="upper left")
            out.append((f"Labeling functions of {target}s: coverage and conflicts", _png(fig)))
    return out


def _calibration(labels: Sequence[tuple[str, str, float, str | None]]) -> dict[str, tuple[list, list, int]]:
    """Per target with gold: mean confidence and share right in confidence bins of ten (bins with items)."""
    out = {}
    for target in sorted({t for t, _, _, g in labels if g is not None}):
        bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
        for t, label, conf, gold in labels:
            if t == target and gold is not None:
                bins[min(int(conf * 10), 9)].append((conf, label == gold))
        keys = sorted(bins)
        mean_conf = [sum(c for c, _ in bins[k]) / len(bins[k]) for k in keys]
        accuracy = [sum(ok for _, ok in bins[k]) / len(bins[k]) for k in keys]
        out[target] = (mean_conf, accuracy, sum(len(v) for v in bins.values()))
    return out


def _graph_figures(data: ReportData) -> list[tuple[str, str]]:
    if not data.nodes:
        return []
    out = [
        _bars("Graph nodes by kind", data.nodes, "nodes"),
        _bars("Graph edges by kind", data.edges, "edges", "tab:orange"),
    ]
    if data.largest_orgs:
        pairs = [(n if len(n) <= 40 else n[:37] + "...", k) for n, k, _ in data.largest_orgs]
        out.append(_bars("Largest organizations by domains", pairs, "domains", "tab:purple"))
    return out


def _error_figures(data: ReportData) -> list[tuple[str, str]]:
    if not data.errors:
        return []
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, max(1.6, 0.35 * len(data.errors) + 0.8)))
    reasons = [r for r, _, _ in data.errors][::-1]
    ax.barh(reasons, [t for _, t, _ in data.errors][::-1], color="tab:gray", label="all runs")
    ax.barh(reasons, [n for _, _, n in data.errors][::-1], color="tab:red", label="this run")
    ax.set_xlabel("records skipped")
    ax.legend(fontsize=8, loc="upper left")
    return [("Ingest errors by reason", _png(fig))]


def _time_figures(seconds: dict[str, float], counts: dict[str, Any]) -> list[tuple[str, str]]:
    if not seconds:
        return []
    return [_bars("Seconds per stage", list(seconds.items()), "seconds", "tab:cyan")]
