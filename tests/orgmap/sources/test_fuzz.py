"""The fuzz suite: every malformed input of ``tests/support/malformed.py`` (over 300) ingested into one store.

Each must end without a traceback (a one-line ``OrgmapError`` is fine: the command prints one line) and with
every record accounted for: stored (new, duplicate, redirect) + errored = read, = the records the input
holds where the corpus knows it, and one ``ingest_errors`` row per error. ``benchmarks/bench_fuzz.py``
reads the same inputs one process each, for time and peak RSS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgmap.store.database import Store
from tests.support.malformed import Case, check, corpus

CASES = corpus(seed=0)


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 300
    kinds = {c.name.split("_")[0].split(".")[0] for c in CASES}
    assert {"jsonl", "json", "csv", "warc", "gz", "urls", "html", "parquet", "mutation"} <= kinds


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    root = tmp_path_factory.mktemp("fuzz")
    with Store(str(root / "fuzz.duckdb")) as store:
        yield store, root


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_input_is_read_without_traceback_and_every_record_is_accounted_for(
    case: Case, store: tuple[Store, Path]
) -> None:
    out = check(case, store[1], store[0])
    assert out.kind != "traceback", out.error
    assert out.accounted, out
