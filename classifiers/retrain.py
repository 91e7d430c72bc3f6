"""Scheduled retraining: a stable held-out share of the gold labels, and whether new data arrived.

``orgmap.stages.drift.retrain`` trains a candidate without the held-out labels and lets the promotion
gate (:mod:`classifiers.promotion`) compare it with the current model on them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from resolver.sql import load_queries

Q = load_queries("classifiers", "registry.sql")


def holdout_ids(item_ids: Iterable[str], share: float, salt: str = "orgmap-holdout") -> set[str]:
    """A stable share of ``item_ids`` kept for validation: the same item is held out in every retrain."""
    cut = int(share * 2**32)
    return {i for i in item_ids if int.from_bytes(hashlib.sha1(f"{salt}|{i}".encode()).digest()[:4], "big") < cut}


def data_state(con: Any) -> dict[str, Any]:
    """What scheduled retraining compares with its last run: newest batch, gold count, newest gold label."""
    max_run, n_pages, n_gold, last_gold = con.execute(Q["data_state"]).fetchone()
    return {
        "max_run": max_run,
        "n_pages": int(n_pages),
        "n_gold": int(n_gold),
        "last_gold_at": str(last_gold) if last_gold is not None else None,
    }


def has_new_data(previous: Mapping[str, Any] | None, now: Mapping[str, Any]) -> bool:
    """True when pages or gold labels arrived since ``previous`` (None: never retrained)."""
    if previous is None:
        return True
    return any(previous.get(k) != now.get(k) for k in ("max_run", "n_pages", "n_gold", "last_gold_at"))
