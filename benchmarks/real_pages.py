"""The real public data in ../shared/eval and how an evaluation runs orgmap on its pages.

Pages files are gzipped JSON Lines with ``url``, ``html`` and sometimes gold annotations; orgmap reads only
``url`` and ``html``, so the annotations never reach it.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from orgmap.config import Settings, load_settings
from orgmap.pipeline import run

AFTER_RESOLVE = ("classify", "graph", "export")
"""The stages an owners-only evaluation leaves out."""


def eval_dir() -> Path | None:
    """``$ORGMAP_EVAL_DIR`` or ``../shared/eval`` next to the repository, if present."""
    env = os.environ.get("ORGMAP_EVAL_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "eval")
    return next((c for c in candidates if c.is_dir()), None)


def settings_for(db: Path, **overrides: object) -> Settings:
    """Default settings writing into ``db`` (outputs beside it), environment ignored, with dotted overrides."""
    flat = {"db": str(db), "out_dir": str(db.parent / "out"), "graph.kumu_path": str(db.parent / "out" / "kumu.json")}
    flat.update(overrides)
    return load_settings(None, flat, environ={})


def read_pages(files: Iterable[Path], keep: Callable[[dict[str, Any]], bool] | None = None) -> Iterator[dict[str, Any]]:
    """Each page of the gzipped JSON Lines ``files`` (for which ``keep`` holds), with ``file`` = its file's path."""
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if keep is None or keep(row):
                    row["file"] = str(path)
                    yield row


def resolve_pages(
    files: Sequence[Path],
    db: Path,
    *,
    keep: Callable[[dict[str, Any]], bool] | None = None,
    skip: Sequence[str] = AFTER_RESOLVE,
    overrides: Mapping[str, object] | None = None,
) -> tuple[Settings, float, list[dict[str, Any]]]:
    """Run orgmap on the pages of ``files`` (url and html only) into ``db``, leaving out the stages in ``skip``.

    ``overrides``: dotted settings (``{"resolve.scorer": "noisy_or"}``). Returns the run's settings, its
    seconds, and each page's other fields (gold annotations), html left out.
    """
    src = db.with_suffix(".pages.jsonl")
    rows = []
    with src.open("w", encoding="utf-8") as out:
        for row in read_pages(files, keep):
            out.write(json.dumps({"url": row["url"], "html": row.pop("html")}) + "\n")
            rows.append(row)
    settings = settings_for(db, **(overrides or {}))
    t0 = time.perf_counter()
    try:
        run(settings, [str(src)], skip=skip)
    finally:
        src.unlink()
    return settings, time.perf_counter() - t0, rows
