"""The signals stage: every page's HTML → ``page_signals``, ``page_features`` and the ``links`` table.

Reads ``pages`` in batches (the compressed HTML is decompressed here, never kept), runs
:func:`resolver.signals.extract_page` on each page, and writes per batch, in one transaction:

- ``page_signals``: candidate owner names (kind, prior weight from ``resolver.signals.SIGNAL_WEIGHTS``,
  context snippet, scope: site / host / section / page), e-mail and link domains, JSON-LD url / sameAs /
  parentOrganization, types, canonical and hreflang links;
- ``page_features``: one compact row per page (title, description, capped text, ownership text for NER,
  flags, counts, legal forms); the NER counts stay NULL until the resolve stage fills them.

Re-running replaces a page's rows (never duplicates them). A page that cannot be read (corrupt
compressed HTML) is counted and reported in the summary, and the batch goes on. At the end ``links`` is
recomputed from all ``link_domain`` signals.

Example::

    with Store("crawl.duckdb") as store:
        with recorded(store, "signals", settings) as (run, _):
            summary = extract_signals(store, settings, run)
"""

from __future__ import annotations

import html as html_lib
import multiprocessing as mp
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store import schemas
from orgmap.store.database import Store, decompress_html
from orgmap.store.pages import batched
from resolver.errors import ConfigError
from resolver.signals import NAME_KINDS, PageSignals, extract_page, ownership_text
from resolver.sql import load_queries

Q = load_queries("orgmap.store.queries", "signals.sql")

MAIN_TEXT_MODES = ("fast", "trafilatura", "auto", "none")
"""How ``page_features.text`` is extracted (see ``resolver.signals.extract_page``)."""


@dataclass(frozen=True)
class SignalsSummary:
    """What one signals run did."""

    pages: int
    """Pages extracted (including those with partial errors)."""
    signals: int
    """``page_signals`` rows written."""
    name_signals: int
    """Of which candidate owner names."""
    legal_pages: int
    about_pages: int
    pages_with_errors: int
    """Pages whose extraction noted a problem (broken JSON-LD, unreadable HTML); their other signals are kept."""
    unreadable: int
    """Pages whose stored HTML could not be decompressed: features written empty, listed in ``problems``."""
    links: int
    """Rows in ``links`` after recomputation."""
    seconds: float
    pages_per_second: float
    by_kind: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)
    """Up to 50 examples of per-page problems: ``{"page_id", "url", "error"}``."""


def extract_signals(
    store: Store,
    settings: Settings,
    run: Run,
    progress: Progress = SILENT,
    *,
    page_ids: Sequence[str] | Literal["missing", "all"] | None = None,
) -> SignalsSummary:
    """Extract signals and features for pages and write them; returns a summary.

    ``page_ids``: None or ``"missing"`` — pages without ``page_features`` (new pages; the default of a
    pipeline run); ``"all"`` — every page with content (after a change to the extractors); or an explicit
    list. ``settings.signals.workers`` > 1 extracts in that many processes (extraction is CPU-bound and
    pure; the writes stay in this process).
    """
    s = settings.signals
    batch_size, max_text_chars, main_text, workers = s.batch_size, s.max_text_chars, s.main_text, s.workers
    owner_text_chars, run_id = settings.ner.max_chars, run.run_id
    if main_text not in MAIN_TEXT_MODES:
        raise ConfigError(f"signals.main_text must be one of {', '.join(MAIN_TEXT_MODES)}, not {main_text!r}")
    t0 = time.perf_counter()
    if page_ids is None or page_ids == "missing":
        ids = [r[0] for r in store.con.execute(Q["pages_without_features"]).fetchall()]
    elif page_ids == "all":
        ids = [r[0] for r in store.con.execute(Q["pages_with_content"]).fetchall()]
    else:
        ids = sorted(set(page_ids))
    task = progress.task("signals", total=len(ids), unit="pages")
    by_kind: Counter[str] = Counter()
    problems: list[dict[str, str]] = []
    n_pages = n_legal = n_about = n_err = n_unreadable = 0
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) if workers > 1 else None
    try:
        for batch_ids in batched(ids, max(1, batch_size)):
            id_table = pa.table({"page_id": pa.array(batch_ids, pa.string())})
            store.con.register("_signal_ids", id_table)
            try:
                rows = store.con.execute(Q["page_batch"]).fetchall()
                work = [
                    (url_norm or url or "", domain, html_z, text, max_text_chars, main_text)
                    for _, url, url_norm, domain, html_z, text, _ in rows
                ]
                if pool is not None:
                    results = list(pool.map(_extract_one, work, chunksize=max(1, len(work) // (4 * workers))))
                else:
                    results = [_extract_one(w) for w in work]
                sig_cols: dict[str, list[Any]] = defaultdict(list)
                feat_cols: dict[str, list[Any]] = defaultdict(list)
                for (page_id, url, url_norm, domain, _z, _t, lang), (ps, unreadable) in zip(rows, results, strict=True):
                    n_pages += 1
                    n_legal += ps.is_legal_page
                    n_about += ps.is_about_page
                    error = unreadable or ("; ".join(ps.errors) if ps.errors else None)
                    if error:
                        n_err += 1
                        n_unreadable += unreadable is not None
                        if len(problems) < 50:
                            problems.append({"page_id": page_id, "url": url or "", "error": error[:300]})
                    _signal_rows(sig_cols, page_id, domain, ps, run_id, by_kind)
                    _feature_row(feat_cols, page_id, domain, url_norm or url or "", lang, ps, run_id, owner_text_chars)
                signals = schemas.rows("page_signals", sig_cols)
                features = schemas.rows("page_features", feat_cols)
                with store.transaction() as con:
                    con.execute(Q["delete_page_signals"]).fetchall()
                    con.execute(Q["delete_page_features"]).fetchall()
                    store.append("page_signals", signals)
                    store.append("page_features", features)
            finally:
                store.con.unregister("_signal_ids")
            task.advance(len(batch_ids))
    finally:
        if pool is not None:
            pool.shutdown()
        task.close()
    with store.transaction() as con:
        con.execute(Q["delete_links"]).fetchall()
        con.execute(Q["insert_links"]).fetchall()
    n_links = store.con.execute(Q["count_links"]).fetchall()[0][0]
    seconds = time.perf_counter() - t0
    return SignalsSummary(
        pages=n_pages,
        signals=sum(by_kind.values()),
        name_signals=sum(n for k, n in by_kind.items() if k in NAME_KINDS),
        legal_pages=n_legal,
        about_pages=n_about,
        pages_with_errors=n_err,
        unreadable=n_unreadable,
        links=int(n_links),
        seconds=round(seconds, 2),
        pages_per_second=round(n_pages / seconds, 1) if seconds > 0 else 0.0,
        by_kind=dict(sorted(by_kind.items())),
        problems=problems,
    )


def _extract_one(job: tuple[str, str, bytes | None, str | None, int, str]) -> tuple[PageSignals, str | None]:
    """One page: decompress and extract (pure, picklable: runs in worker processes too)."""
    url, domain, html_z, text, max_text_chars, main_text = job
    try:
        page_html = decompress_html(html_z) if html_z is not None else _text_as_html(text or "")
        unreadable = None
    except Exception as exc:  # noqa: BLE001 - one corrupt blob must not stop the batch
        page_html, unreadable = "", f"unreadable html: {type(exc).__name__}: {exc}"
    ps = extract_page(
        page_html or "", url, registered_domain=domain, max_text_chars=max_text_chars, main_text=main_text
    )
    return ps, unreadable


def _text_as_html(text: str) -> str:
    """A plain-text page as minimal HTML, so the same extractors read it (copyright lines, legal text)."""
    body = "<br>".join(html_lib.escape(line) for line in text.splitlines())
    return f"<html><body><p>{body}</p></body></html>"


def _signal_rows(
    cols: dict[str, list[Any]], page_id: str, domain: str, ps: PageSignals, run_id: int, by_kind: Counter[str]
) -> None:
    for s in ps.signals():
        cols["page_id"].append(page_id)
        cols["registered_domain"].append(domain)
        cols["kind"].append(s.kind)
        cols["value"].append(s.value)
        cols["weight"].append(float(s.weight))
        cols["context"].append(s.context or None)
        cols["scope"].append(s.scope or None)
        cols["run_id"].append(run_id)
        by_kind[s.kind] += 1


def _feature_row(
    cols: dict[str, list[Any]],
    page_id: str,
    domain: str,
    url_norm: str,
    lang: str | None,
    ps: PageSignals,
    run_id: int,
    owner_text_chars: int,
) -> None:
    values: Iterable[tuple[str, Any]] = (
        ("page_id", page_id),
        ("registered_domain", domain),
        ("url_norm", url_norm),
        ("title", ps.title),
        ("description", ps.description),
        ("text", ps.text or None),
        ("owner_text", ownership_text(ps, max_chars=owner_text_chars) or None),
        ("lang", lang or ps.lang),
        ("og_type", ps.og_type),
        ("jsonld_types", list(ps.jsonld_types)),
        ("is_legal_page", ps.is_legal_page),
        ("is_about_page", ps.is_about_page),
        ("n_links_internal", ps.n_links_internal),
        ("n_links_external", ps.n_links_external),
        ("n_words", ps.n_words),
        ("legal_forms", list(ps.legal_forms)),
        ("run_id", run_id),
    )
    for name, value in values:
        cols[name].append(value)
