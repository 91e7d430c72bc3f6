"""The NER stage: spaCy ORG mentions and known-name phrase matches over each page's ownership text.

Reads the ``owner_text`` of pages not yet processed, writes ``ner_org`` / ``phrase_match`` rows to
``page_signals`` and the entity counts to ``page_features``, one transaction per ``ner.batch_size`` pages.
Known names are the orgs of earlier runs and the reference list's names, so a name seen once is found again
wherever it appears. With ``ner.gate`` the model runs only where it can change an answer: home, legal and
about pages, and the domains whose owner from structured signals alone is below the precision target;
elsewhere only the known-name matcher runs, and ``n_ent_org`` is -1 (not counted).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from orgmap.config import Settings
from orgmap.engine import Engine, LocalEngine, open_engine
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store import schemas
from orgmap.store.database import Store
from resolver.domains import is_home_url
from resolver.names import looks_like_org_name
from resolver.reference import read_reference
from resolver.reference_linking import refs_from_table
from resolver.signals import SIGNAL_WEIGHTS
from resolver.sql import load_queries

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher

Q = load_queries("orgmap.store.queries", "ner.sql")

NER_WEIGHT = SIGNAL_WEIGHTS.get("ner_org", 0.4)
"""Prior reliability of a spaCy ORG mention as the owner's name (weak: pages name many orgs)."""
PHRASE_WEIGHT = SIGNAL_WEIGHTS.get("phrase_match", 0.45)
"""Prior reliability of a known-org phrase match (stronger: the name is a real org we know)."""


@dataclass(frozen=True)
class NerSummary:
    """What one NER run did."""

    pages: int
    """Pages whose ownership text was read."""
    mentions: int
    """ORG mentions and phrase matches written."""
    model_pages: int = 0
    """Pages the NER model ran on (the rest: the known-name matcher only, ``ner.gate``)."""


def recognize_orgs(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> NerSummary:
    """NER over the ownership text of pages not yet processed (nothing when ``settings.ner.enabled`` is off).

    The pages are cut into batches of ``ner.batch_size`` that the engine (``settings.engine``) runs on every
    core or on a Ray cluster; each batch's results are written here, one transaction each.
    """
    if not settings.ner.enabled:
        return NerSummary(0, 0)
    extra: list[str] = []
    if settings.resolve.orgs_file:
        refs = refs_from_table(read_reference(settings.resolve.orgs_file).table)
        extra = [n for r in refs for n in (r.name, *r.aliases)]
    todo = store.con.execute(Q["count_pages_needing_ner"]).fetchone()
    with open_engine(settings, int(todo[0]) if todo else 0) as engine:
        return run_ner(
            store,
            extra,
            run_id=run.run_id,
            model=settings.ner.model,
            batch_size=settings.ner.batch_size,
            max_chars=settings.ner.max_chars,
            progress=progress,
            engine=engine,
            gate=settings if settings.ner.gate else None,
        )


def run_ner(
    store: Store,
    extra_known: Sequence[str] = (),
    *,
    run_id: int | None,
    model: str = "",
    batch_size: int = 64,
    max_chars: int = 2_000,
    progress: Progress = SILENT,
    engine: Engine | None = None,
    gate: Settings | None = None,
) -> NerSummary:
    """NER over the ownership text of pages not yet processed.

    Results are written every ``batch_size`` pages, one transaction each, as the other stages do: a killed
    run keeps the batches it wrote, and the next run reads only the pages without entity counts. Without
    ``engine`` the batches run in this process. ``gate``: the settings whose precision target picks the pages
    the model runs on (:func:`model_pages`); None runs it on every page.
    """
    todo = store.arrow(Q["pages_needing_ner"])
    if todo.num_rows == 0:
        return NerSummary(0, 0)
    ids = todo.column("page_id").to_pylist()
    selected = model_pages(store, todo, gate) if gate is not None else set(ids)
    todo = todo.select(["page_id", "registered_domain", "text"]).append_column(
        "model", pa.array([i in selected for i in ids], pa.bool_())
    )
    known = tuple([r[0] for r in store.con.execute(Q["known_org_names"]).fetchall()] + list(extra_known))
    domains = dict(zip(todo.column("page_id").to_pylist(), todo.column("registered_domain").to_pylist(), strict=True))
    batches = (todo.slice(i, batch_size) for i in range(0, todo.num_rows, max(1, batch_size)))
    task = progress.task("NER", total=todo.num_rows, unit="pages")
    n_mentions = 0
    engine = engine or LocalEngine(1)
    kwargs = {"model": model, "known": known, "batch_size": batch_size, "max_chars": max_chars}
    for found in engine.map_batches(recognize_batch, batches, **kwargs):
        n_mentions += _write_batch(store, found, domains, run_id)
        task.advance(found.num_rows)
    task.close()
    return NerSummary(todo.num_rows, n_mentions, len(selected))


def model_pages(store: Store, todo: pa.Table, settings: Settings) -> set[str]:
    """The pages of ``todo`` where NER can change an answer: home, legal, about, unsure domains, first pages.

    A domain is unsure when its owner, scored from its structured signals alone (``page_signals`` without
    NER's rows, over all its pages), is below the precision target; NER then runs on all its pages. Every
    domain's first page (shortest URL) is read by the model too: on real gold, leaving a domain whose owner
    looked sure without any NER lost owners. The choice does not depend on which pages NER has read: a
    killed and resumed run picks as a clean one does.
    """
    from orgmap.owner_inputs import candidates_from, load_facts, load_pages, scorer_of
    from resolver.owners import score_owners

    doms = sorted(set(todo.column("registered_domain").to_pylist()))
    candidates = candidates_from(store.arrow(Q["structured_candidates"], [doms]))
    wanted = set(doms)
    facts = {d: f for d, f in load_facts(store).items() if d in wanted}
    scorer = scorer_of(settings)
    pages = load_pages(store) if scorer.kind == "model" else {}
    scored = score_owners(candidates, facts, settings.resolve.linking, {}, scorer=scorer, pages=pages)
    sure = {o.registered_domain for o in scored.owners if o.confidence >= scorer.threshold}
    cols = zip(
        todo.column("page_id").to_pylist(),
        todo.column("registered_domain").to_pylist(),
        todo.column("url_norm").to_pylist(),
        todo.column("legal").to_pylist(),
        todo.column("about").to_pylist(),
        todo.column("first_of_domain").to_pylist(),
        strict=True,
    )
    return {
        p for p, dom, url, legal, about, first in cols if legal or about or first or dom not in sure or is_home_url(url)
    }


MENTION = pa.struct([("text", pa.string()), ("source", pa.string())])


def recognize_batch(
    pages: pa.Table, *, model: str, known: tuple[str, ...], batch_size: int, max_chars: int
) -> pa.Table:
    """NER over one batch of ``(page_id, text, model)`` rows → page_id, entity counts and mentions (an engine task).

    Where ``model`` is false only the known-name matcher runs, and ``n_org`` is -1 (not counted). The spaCy
    pipeline and the matcher over ``known`` are built once per process and kept.
    """
    from resolver.ner import load_nlp, recognize

    nlp = load_nlp(model)
    matcher = _matcher(model, known) if known else None
    rows = list(
        zip(
            pages.column("page_id").to_pylist(),
            pages.column("text").to_pylist(),
            pages.column("model").to_pylist() if "model" in pages.column_names else [True] * pages.num_rows,
            strict=True,
        )
    )
    results: dict[str, Any] = {}
    for use_model in (True, False):
        part = [(page_id, text) for page_id, text, m in rows if bool(m) is use_model]
        if part:
            found = recognize(nlp, part, matcher=matcher, batch_size=batch_size, max_chars=max_chars, model=use_model)
            results.update(found)
    cols: dict[str, list[Any]] = defaultdict(list)
    for page_id, _, _ in rows:
        result = results[page_id]
        cols["page_id"].append(page_id)
        cols["n_org"].append(-1 if result.n_org is None else result.n_org)
        cols["n_gpe"].append(result.n_gpe)
        cols["n_money"].append(result.n_money)
        # a model mention that does not look like an organization's name is dropped here, in the worker
        kept = [m for m in result.orgs if m.source != "ner" or looks_like_org_name(m.text)]
        cols["mentions"].append([{"text": m.text, "source": m.source} for m in kept])
    return pa.table(
        {
            "page_id": pa.array(cols["page_id"], pa.string()),
            "n_org": pa.array(cols["n_org"], pa.int64()),
            "n_gpe": pa.array(cols["n_gpe"], pa.int64()),
            "n_money": pa.array(cols["n_money"], pa.int64()),
            "mentions": pa.array(cols["mentions"], pa.list_(MENTION)),
        }
    )


@functools.lru_cache(maxsize=2)
def _matcher(model: str, known: tuple[str, ...]) -> PhraseMatcher:
    from resolver.ner import build_matcher, load_nlp

    return build_matcher(load_nlp(model), known)


def _write_batch(store: Store, found: pa.Table, domains: dict[str, str], run_id: int | None) -> int:
    """One batch of pages' mentions and entity counts, in one transaction (a kill loses this batch only)."""
    sig: dict[str, list[Any]] = defaultdict(list)
    counts = found.select(["page_id", "n_org", "n_gpe", "n_money"])
    for page_id, mentions in zip(
        found.column("page_id").to_pylist(), found.column("mentions").to_pylist(), strict=True
    ):
        for m in mentions:
            sig["page_id"].append(page_id)
            sig["registered_domain"].append(domains[page_id])
            sig["kind"].append("ner_org" if m["source"] == "ner" else "phrase_match")
            sig["value"].append(m["text"])
            sig["weight"].append(NER_WEIGHT if m["source"] == "ner" else PHRASE_WEIGHT)
            sig["context"].append("")
            sig["run_id"].append(run_id)
    with store.transaction() as con:
        con.register("_ner_counts", counts)
        try:
            con.execute(Q["delete_mentions"]).fetchall()
            con.execute(Q["update_entity_counts"]).fetchall()
        finally:
            con.unregister("_ner_counts")
        if sig:
            store.append("page_signals", schemas.rows("page_signals", sig))
    return len(sig["page_id"])
