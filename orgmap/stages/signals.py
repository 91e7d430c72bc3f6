"""The signals stage: every page's HTML → ``page_signals``, ``page_features`` and the ``links`` table.

The resolve stage works from these rows and never needs the HTML again. Each batch of ``pages`` goes through
:func:`resolver.signals.extract_page` and is written in one transaction; re-running replaces a page's rows,
and a page that cannot be read is counted, noted in ``page_errors``, and the batch goes on. The work per page
is bounded, so one hostile page cannot stall a batch (docs/signals.md).

Example::

    with Store("crawl.duckdb") as store:
        with recorded(store, "signals", settings) as (run, _):
            summary = extract_signals(store, settings, run)
"""

from __future__ import annotations

import dataclasses
import functools
import html as html_lib
import multiprocessing as mp
import os
import pickle
import time
from collections import Counter, defaultdict, deque
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Literal, cast

import pyarrow as pa

from orgmap.config import Settings, SignalsSettings
from orgmap.engine import open_engine, workers_for
from orgmap.engine.orphans import die_with_parent
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store import schemas
from orgmap.store.database import Store, decompress_html
from orgmap.store.pages import batched
from resolver.bounds import PageLimits, Truncation
from resolver.errors import ConfigError
from resolver.signals import NAME_KINDS, PageSignals, extract_page, ownership_text
from resolver.sql import load_queries, now

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
    truncated: int
    """Pages read in part: over a bound of ``settings.signals.limits`` or the time limit (see ``page_errors``)."""
    links: int
    """Rows in ``links`` after recomputation."""
    seconds: float
    pages_per_second: float
    by_kind: dict[str, int] = field(default_factory=dict)
    truncated_by: dict[str, int] = field(default_factory=dict)
    """Bounds hit, by reason (``too_deep``, ``timeout``, ...)."""
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
    list. Extraction runs in ``settings.engine.workers`` processes (default: every core), or as a Ray job
    with ``settings.engine.name = "ray"``; the writes stay in this process.
    """
    main_text, owner_text_chars, run_id = settings.signals.main_text, settings.ner.max_chars, run.run_id
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
    truncated_by: Counter[str] = Counter()
    problems: list[dict[str, str]] = []
    n_pages = n_legal = n_about = n_err = n_unreadable = n_truncated = 0
    extract = _on_ray if settings.engine.name == "ray" else _on_this_machine
    extracted = extract(store, ids, settings)
    try:
        for rows, results in extracted:
            sig_cols: dict[str, list[Any]] = defaultdict(list)
            feat_cols: dict[str, list[Any]] = defaultdict(list)
            err_cols: dict[str, list[Any]] = defaultdict(list)
            for (page_id, url, url_norm, domain, lang), (ps, unreadable) in zip(rows, results, strict=True):
                n_pages += 1
                n_legal += ps.is_legal_page
                n_about += ps.is_about_page
                n_truncated += bool(ps.truncated)
                truncated_by.update(t.reason for t in ps.truncated)
                error = unreadable or ("; ".join(ps.errors) if ps.errors else None)
                if error:
                    n_err += 1
                    n_unreadable += unreadable is not None
                    if len(problems) < 50:
                        problems.append({"page_id": page_id, "url": url or "", "error": error[:300]})
                _signal_rows(sig_cols, page_id, domain, ps, run_id, by_kind)
                _feature_row(feat_cols, page_id, domain, url_norm or url or "", lang, ps, run_id, owner_text_chars)
                _error_rows(err_cols, page_id, ps, unreadable, run_id)
            signals = schemas.rows("page_signals", sig_cols)
            features = schemas.rows("page_features", feat_cols)
            page_errors = schemas.rows("page_errors", err_cols)
            store.con.register("_signal_ids", pa.table({"page_id": pa.array([r[0] for r in rows], pa.string())}))
            try:
                with store.transaction() as con:
                    con.execute(Q["delete_page_signals"]).fetchall()
                    con.execute(Q["delete_page_features"]).fetchall()
                    con.execute(Q["delete_page_errors"]).fetchall()
                    store.append("page_signals", signals)
                    store.append("page_features", features)
                    store.append("page_errors", page_errors)
                    con.execute(Q["update_page_title_lang"]).fetchall()
            finally:
                store.con.unregister("_signal_ids")
            task.advance(len(rows))
    finally:
        extracted.close()
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
        truncated=n_truncated,
        links=int(n_links),
        seconds=round(seconds, 2),
        pages_per_second=round(n_pages / seconds, 1) if seconds > 0 else 0.0,
        by_kind=dict(sorted(by_kind.items())),
        truncated_by=dict(sorted(truncated_by.items())),
        problems=problems,
    )


@dataclass(frozen=True)
class _Job:
    """One page to extract (picklable: it goes to a worker process)."""

    url: str
    domain: str
    html_z: bytes | None
    text: str | None
    max_text_chars: int
    main_text: str
    limits: PageLimits


_Result = tuple[PageSignals, str | None]

TIGHT = PageLimits(max_html_chars=100_000, max_depth=100, max_jsonld_nodes=200, max_names=50, max_line_chars=500)
"""The bounds a page that ran out of time is read again within."""


_Row = tuple[str, str | None, str | None, str, str | None]
"""What the writer needs of a page besides its signals: page_id, url, url_norm, registered_domain, lang."""


def _on_this_machine(
    store: Store, ids: Sequence[str], settings: Settings
) -> Generator[tuple[list[_Row], list[_Result]], None, None]:
    """Batches of pages extracted here, by worker processes under the time limit (or in this process).

    While the caller writes one batch, the workers already extract the next (a thread hands it to them), so
    they do not wait for the writes; the database is read in this thread only.
    """
    s = settings.signals
    workers = workers_for(settings, len(ids))
    extractors = _Extractors(workers, s.page_seconds) if workers > 1 or s.page_seconds > 0 else None
    if extractors is None:
        for batch_ids in batched(ids, max(1, s.batch_size)):
            rows = _page_rows(store, batch_ids).to_pylist()
            yield [_row(r) for r in rows], [_extract_one(_job(r, settings)) for r in rows]
        return
    ahead = ThreadPoolExecutor(1, thread_name_prefix="orgmap-signals")  # one batch at a time, in order
    pending: tuple[list[_Row], Future[list[_Result]]] | None = None
    try:
        for batch_ids in batched(ids, max(1, s.batch_size)):
            rows = _page_rows(store, batch_ids).to_pylist()
            submitted = ([_row(r) for r in rows], ahead.submit(extractors.map, [_job(r, settings) for r in rows]))
            if pending is not None:
                yield pending[0], pending[1].result()
            pending = submitted
        if pending is not None:
            yield pending[0], pending[1].result()
    finally:
        ahead.shutdown(wait=True, cancel_futures=True)
        extractors.close()


def _on_ray(
    store: Store, ids: Sequence[str], settings: Settings
) -> Generator[tuple[list[_Row], list[_Result]], None, None]:
    """Batches of pages extracted by a Ray Data job over Parquet shards of the pages (the same per-page code)."""
    s = settings.signals
    shards = (_page_rows(store, batch_ids) for batch_ids in batched(ids, max(1, settings.engine.shard_rows)))
    kwargs = {
        "max_text_chars": s.max_text_chars,
        "main_text": s.main_text,
        "limits": s.limits,
        "page_seconds": s.page_seconds,
    }
    with open_engine(settings) as engine:
        for out in engine.map_batches(extract_batch, shards, **kwargs):
            rows = out.drop_columns(["result"]).to_pylist()
            yield [_row(r) for r in rows], [pickle.loads(b) for b in out.column("result").to_pylist()]


def _page_rows(store: Store, batch_ids: Sequence[str]) -> pa.Table:
    store.con.register("_signal_ids", pa.table({"page_id": pa.array(batch_ids, pa.string())}))
    try:
        return store.arrow(Q["page_batch"])
    finally:
        store.con.unregister("_signal_ids")


def _row(r: dict[str, Any]) -> _Row:
    return r["page_id"], r["url"], r["url_norm"], r["registered_domain"], r["lang"]


def _job(r: dict[str, Any], settings: Settings) -> _Job:
    s = settings.signals
    url = r["url_norm"] or r["url"] or ""
    return _Job(url, r["registered_domain"], r["html_z"], r["text"], s.max_text_chars, s.main_text, s.limits)


def extract_batch(
    pages: pa.Table, *, max_text_chars: int, main_text: str, limits: PageLimits, page_seconds: float
) -> pa.Table:
    """A shard of page rows → their ids and pickled ``(PageSignals, unreadable)`` (the Ray engine's task).

    Each page is extracted in a child process under ``page_seconds`` as on one machine, so a hostile page
    costs a Ray task no more than it costs a local run.
    """
    s = SignalsSettings(max_text_chars=max_text_chars, main_text=main_text, limits=limits, page_seconds=page_seconds)
    settings = Settings(signals=s)
    rows = pages.to_pylist()
    jobs = [_job(r, settings) for r in rows]
    results = _child_extractors(page_seconds).map(jobs) if page_seconds > 0 else [_extract_one(j) for j in jobs]
    out = pages.drop_columns(["html_z", "text"])
    return out.append_column("result", pa.array([pickle.dumps(r) for r in results], pa.binary()))


@functools.lru_cache(maxsize=1)
def _child_extractors(page_seconds: float) -> _Extractors:
    """One extracting child process per Ray worker, kept for the worker's life (it exits with it)."""
    return _Extractors(1, page_seconds)


def _extract_one(job: _Job) -> _Result:
    """One page: decompress and extract (pure, picklable: runs in worker processes too)."""
    try:
        page_html = decompress_html(job.html_z) if job.html_z is not None else _text_as_html(job.text or "")
        unreadable = None
    except Exception as exc:  # noqa: BLE001 - one corrupt blob must not stop the batch
        page_html, unreadable = "", f"unreadable html: {type(exc).__name__}: {exc}"
    ps = extract_page(
        page_html or "",
        job.url,
        registered_domain=job.domain,
        max_text_chars=job.max_text_chars,
        main_text=job.main_text,
        limits=job.limits,
    )
    return ps, unreadable


_STARTUP_SECONDS = 120


def _serve(conn: Connection, parent_pid: int) -> None:
    """A worker process: say it is ready (its imports done), then extract the pages it is sent until None."""
    die_with_parent(parent_pid)
    conn.send(None)
    while (job := conn.recv()) is not None:
        conn.send(_extract_one(job))


class _Extractors:
    """Worker processes that extract pages, each page under a time limit.

    A worker that runs out of time (or dies) is killed and replaced; its page is sent again with
    :data:`TIGHT` bounds, and if that runs out of time too, the page gets empty signals. Either way the page
    says ``timeout`` in its truncations, so it is kept and listed in ``page_errors``.
    """

    def __init__(self, workers: int, seconds: float) -> None:
        self.size = max(1, workers)
        self.seconds = seconds if seconds > 0 else float("inf")
        self.context = mp.get_context("spawn")
        self.idle: list[tuple[Any, Connection]] = []
        self._why: dict[int, str] = {}

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self.context.Pipe()
        proc = self.context.Process(target=_serve, args=(child, os.getpid()), daemon=True)
        proc.start()
        child.close()
        # A page's time starts when the worker can take it, not while it imports (a second or more).
        if not parent.poll(_STARTUP_SECONDS):
            proc.kill()
            raise RuntimeError(f"a signals worker process did not start within {_STARTUP_SECONDS} s")
        parent.recv()
        return proc, parent

    def map(self, jobs: Sequence[_Job]) -> list[_Result]:
        """The results of ``jobs``, in order."""
        results: list[_Result | None] = [None] * len(jobs)
        pending: deque[tuple[int, _Job, int]] = deque((i, job, 1) for i, job in enumerate(jobs))
        busy: dict[Connection, tuple[Any, int, _Job, int, float]] = {}
        while pending or busy:
            while pending and len(busy) < self.size:
                proc, conn = self.idle.pop() if self.idle else self._start()
                i, job, attempt = pending.popleft()
                conn.send(job)
                busy[conn] = (proc, i, job, attempt, time.monotonic() + self.seconds)
            deadline = min(d for *_, d in busy.values())
            for ready in wait(list(busy), timeout=max(0.0, deadline - time.monotonic())):
                conn = cast(Connection, ready)
                proc, i, job, attempt, _ = busy.pop(conn)
                try:
                    ps, unreadable = conn.recv()
                except (EOFError, OSError):  # the worker died on this page: as if it ran out of time
                    self._lost(proc, conn, i, job, attempt, pending, results, "its worker process died")
                    continue
                if attempt > 1:
                    cut = Truncation("timeout", f"{self._why[i]}; read again within tight bounds")
                    ps = dataclasses.replace(ps, truncated=(*ps.truncated, cut))
                results[i] = (ps, unreadable)
                self.idle.append((proc, conn))
            at = time.monotonic()
            for conn, (proc, i, job, attempt, deadline) in list(busy.items()):
                if at >= deadline:
                    del busy[conn]
                    self._lost(proc, conn, i, job, attempt, pending, results, f"over {self.seconds:g} s")
        self._why.clear()
        return [r for r in results if r is not None]

    def _lost(
        self,
        proc: Any,
        conn: Connection,
        i: int,
        job: _Job,
        attempt: int,
        pending: deque[tuple[int, _Job, int]],
        results: list[_Result | None],
        why: str,
    ) -> None:
        """A page whose worker ran out of time or died: kill the worker, read the page again or give it up."""
        proc.kill()
        proc.join()
        conn.close()
        if attempt == 1:
            self._why[i] = why
            tight = dataclasses.replace(job, limits=TIGHT, main_text="fast" if job.main_text != "none" else "none")
            pending.appendleft((i, tight, 2))
            return
        cut = Truncation("timeout", f"{self._why.get(i, why)}, and {why} again within tight bounds: no signals")
        results[i] = (PageSignals(url=job.url, registered_domain=job.domain, truncated=(cut,)), None)

    def close(self) -> None:
        """Stop the workers."""
        for proc, conn in self.idle:
            try:
                conn.send(None)
            except OSError:
                pass
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
            conn.close()
        self.idle = []


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


def _error_rows(cols: dict[str, list[Any]], page_id: str, ps: PageSignals, unreadable: str | None, run_id: int) -> None:
    """The page's ``page_errors`` rows: each bound it hit, unreadable HTML, JSON-LD notes, failed steps."""
    rows: list[tuple[str, str | None]] = [(t.reason, t.detail) for t in ps.truncated]
    if unreadable:
        rows.append(("unreadable", unreadable))
    steps = [e for e in ps.errors if not e.startswith("jsonld_")]
    rows += [(e, None) for e in dict.fromkeys(e for e in ps.errors if e.startswith("jsonld_"))]
    if steps:
        rows.append(("error", "; ".join(steps)))
    at = now()
    for reason, detail in dict(rows).items():
        cols["page_id"].append(page_id)
        cols["stage"].append("signals")
        cols["reason"].append(reason)
        cols["detail"].append(detail[:1000] if detail else None)
        cols["run_id"].append(run_id)
        cols["logged_at"].append(at)


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
        ("lang", ps.text_lang or lang),
        ("og_type", ps.og_type),
        ("jsonld_types", list(ps.jsonld_types)),
        ("is_legal_page", ps.is_legal_page),
        ("is_about_page", ps.is_about_page),
        ("n_links_internal", ps.n_links_internal),
        ("n_links_external", ps.n_links_external),
        ("n_words", ps.n_words),
        ("legal_forms", list(ps.legal_forms)),
        ("menu", " | ".join(ps.menu) or None),
        ("run_id", run_id),
    )
    for name, value in values:
        cols[name].append(value)
