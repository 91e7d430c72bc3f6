"""The NER stage: spaCy ORG mentions and known-name phrase matches over each page's ownership text.

Reads the ``owner_text`` of pages not yet processed, writes ``ner_org`` / ``phrase_match`` rows to
``page_signals`` and the entity counts to ``page_features``, one transaction per ``ner.batch_size`` pages.
Known names are the orgs of earlier runs and the reference list's names, so a name seen once is found again
wherever it appears.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from orgmap.config import Settings
from orgmap.progress import SILENT, Progress
from orgmap.runs import Run
from orgmap.store import schemas
from orgmap.store.database import Store
from orgmap.store.pages import batched
from resolver.names import looks_like_org_name
from resolver.reference import read_reference
from resolver.reference_linking import refs_from_table
from resolver.signals import SIGNAL_WEIGHTS
from resolver.sql import load_queries

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


def recognize_orgs(store: Store, settings: Settings, run: Run, progress: Progress = SILENT) -> NerSummary:
    """NER over the ownership text of pages not yet processed (nothing when ``settings.ner.enabled`` is off)."""
    if not settings.ner.enabled:
        return NerSummary(0, 0)
    extra: list[str] = []
    if settings.resolve.orgs_file:
        refs = refs_from_table(read_reference(settings.resolve.orgs_file).table)
        extra = [n for r in refs for n in (r.name, *r.aliases)]
    pages, mentions = run_ner(
        store,
        extra,
        run_id=run.run_id,
        model=settings.ner.model,
        batch_size=settings.ner.batch_size,
        max_chars=settings.ner.max_chars,
        progress=progress,
    )
    return NerSummary(pages, mentions)


def run_ner(
    store: Store,
    extra_known: Sequence[str] = (),
    *,
    run_id: int | None,
    model: str = "",
    batch_size: int = 64,
    max_chars: int = 2_000,
    progress: Progress = SILENT,
) -> tuple[int, int]:
    """NER over the ownership text of pages not yet processed; returns (pages, mentions).

    Results are written every ``batch_size`` pages, one transaction each, as the other stages do: a killed
    run keeps the batches it wrote, and the next run reads only the pages without entity counts.
    """
    from resolver.ner import build_matcher, load_nlp, recognize

    todo = store.arrow(Q["pages_needing_ner"])
    if todo.num_rows == 0:
        return 0, 0
    nlp = load_nlp(model)
    known = [r[0] for r in store.con.execute(Q["known_org_names"]).fetchall()] + list(extra_known)
    matcher = build_matcher(nlp, known) if known else None
    domains = dict(zip(todo.column("page_id").to_pylist(), todo.column("registered_domain").to_pylist(), strict=True))
    texts = zip(todo.column("page_id").to_pylist(), todo.column("text").to_pylist(), strict=True)
    task = progress.task("NER", total=todo.num_rows, unit="pages")
    n_mentions = 0
    results = recognize(nlp, texts, matcher=matcher, batch_size=batch_size, max_chars=max_chars)
    for chunk in batched(results, max(1, batch_size)):
        n_mentions += _write_batch(store, chunk, domains, run_id)
        task.advance(len(chunk))
    task.close()
    return todo.num_rows, n_mentions


def _write_batch(store: Store, chunk: list[tuple[str, Any]], domains: dict[str, str], run_id: int | None) -> int:
    """One batch of pages' mentions and entity counts, in one transaction (a kill loses this batch only)."""
    sig: dict[str, list[Any]] = defaultdict(list)
    counts: dict[str, list[Any]] = defaultdict(list)
    for page_id, result in chunk:
        counts["page_id"].append(page_id)
        counts["n_org"].append(result.n_org)
        counts["n_gpe"].append(result.n_gpe)
        counts["n_money"].append(result.n_money)
        for m in result.orgs:
            if m.source == "ner" and not looks_like_org_name(m.text):
                continue
            sig["page_id"].append(page_id)
            sig["registered_domain"].append(domains[page_id])
            sig["kind"].append("ner_org" if m.source == "ner" else "phrase_match")
            sig["value"].append(m.text)
            sig["weight"].append(NER_WEIGHT if m.source == "ner" else PHRASE_WEIGHT)
            sig["context"].append("")
            sig["run_id"].append(run_id)
    with store.transaction() as con:
        con.register("_ner_counts", pa.table(counts))
        try:
            con.execute(Q["delete_mentions"]).fetchall()
            con.execute(Q["update_entity_counts"]).fetchall()
        finally:
            con.unregister("_ner_counts")
        if sig:
            store.append("page_signals", schemas.rows("page_signals", sig))
    return len(sig["page_id"])
