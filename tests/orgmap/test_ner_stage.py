"""The NER stage on the committed sample crawl: the gate runs the model on fewer pages and changes nothing there.

Real parts: the DuckDB file, the real spaCy model, the real signal extraction and owner model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orgmap.config import load_settings
from orgmap.pipeline import run
from orgmap.stages.ner import run_ner
from orgmap.store.database import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "pages.jsonl.gz"
MENTIONS = (
    "select page_id, kind, value, weight from page_signals where kind in ('ner_org', 'phrase_match') order by all"
)
COUNTS = "select page_id, n_ent_org, n_ent_gpe, n_ent_money from page_features order by page_id"

KNOWN = "select distinct value from page_signals where kind = 'og_site_name' and length(value) >= 4 order by 1"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def signals_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample crawl ingested and its signals extracted, NER not yet run."""
    tmp = tmp_path_factory.mktemp("ner")
    settings = load_settings(None, {"db": str(tmp / "signals.duckdb")}, environ={})
    run(settings, [str(SAMPLE)], skip=("ner", "resolve", "classify", "graph", "export"))
    return tmp / "signals.duckdb"


def _ner(src: Path, dst: Path, *, gate: bool) -> tuple[list[tuple], list[tuple], int]:
    shutil.copy(src, dst)
    settings = load_settings(None, {"db": str(dst), "ner": {"gate": gate}}, environ={})
    with Store(str(dst)) as store:
        known = [r[0] for r in store.con.execute(KNOWN).fetchall()]  # as a reference list (--orgs) gives them
        summary = run_ner(store, known, run_id=1, batch_size=8, gate=settings if gate else None)
        return store.con.execute(MENTIONS).fetchall(), store.con.execute(COUNTS).fetchall(), summary.model_pages


def test_the_gate_runs_the_model_on_fewer_pages_and_changes_nothing_on_those_it_runs_on(
    signals_db: Path, tmp_path: Path
) -> None:
    all_mentions, all_counts, all_model = _ner(signals_db, tmp_path / "all.duckdb", gate=False)
    gated_mentions, gated_counts, gated_model = _ner(signals_db, tmp_path / "gated.duckdb", gate=True)
    assert all_model == len(all_counts) and all(n >= 0 for _, n, _, _ in all_counts)
    assert 0 < gated_model < all_model
    ran = {page for page, n, _, _ in gated_counts if n is not None and n >= 0}
    skipped = {page for page, n, gpe, _ in gated_counts if n == -1 and gpe is None}
    assert len(ran) == gated_model and ran | skipped == {page for page, *_ in all_counts}
    assert [r for r in gated_counts if r[0] in ran] == [r for r in all_counts if r[0] in ran]
    assert [r for r in gated_mentions if r[0] in ran] == [r for r in all_mentions if r[0] in ran]
    # Elsewhere the known-name matcher still runs: the phrase matches are those of the ungated run.
    phrase = [r for r in all_mentions if r[1] == "phrase_match" and r[0] in skipped]
    assert phrase, "no known name on a page the gate left out: the matcher is not tested there"
    assert [r for r in gated_mentions if r[0] in skipped] == phrase
