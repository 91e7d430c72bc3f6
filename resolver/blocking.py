"""Blocking: which pairs of name keys are worth scoring, computed in DuckDB, never as all pairs.

Like splink and dedupe, orgmap scores only pairs that share something cheap to index: a rare word, an
acronym, a prefix, a sorted neighbourhood, a shared value such as a domain (steps in ``blocking.sql``;
rules and the bound on pairs: docs/matching.md, "Blocking").

Example::

    >>> import pyarrow as pa
    >>> keys = pa.table({"key": ["acme widgets", "acme widget", "globex"], "acronym": ["aw", "aw", None]})
    >>> candidate_pairs(keys).num_rows >= 1
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from resolver.sql import load_queries

__all__ = ["BlockingParams", "RULES", "candidate_pairs", "reduction_ratio", "rule_names"]

Q = load_queries("resolver", "blocking.sql")

RULES: dict[int, str] = {
    32: "key",
    1: "token",
    2: "acronym",
    4: "prefix",
    8: "sorted",
    16: "sorted_reversed",
    64: "shared",
}
"""Bit → rule name, as in the ``rules`` column of :func:`candidate_pairs`."""


@dataclass(frozen=True, slots=True)
class BlockingParams:
    """Knobs of the blocking rules (defaults measured in ``benchmarks/bench_matching.py``)."""

    token_cap: int = 100
    """A word, acronym or prefix shared by more keys than this blocks nothing."""
    prefix_len: int = 7
    """Characters of the space-free key compared by the prefix rule."""
    window: int = 4
    """Sorted-neighbourhood window: each key is paired with the next ``window - 1`` keys."""


def candidate_pairs(
    keys: pa.Table,
    *,
    bipartite: bool = False,
    params: BlockingParams | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    shared: pa.Table | None = None,
) -> pa.Table:
    """Candidate pairs of rows of ``keys``: a table ``(kid_a, kid_b, rules)`` of row positions.

    ``keys`` has columns ``key`` and ``acronym`` (nullable), and with ``bipartite=True`` a ``side``
    column (0 = query, 1 = reference): then only query-reference pairs are produced, ``kid_a`` on the query
    side. Without it, pairs have ``kid_a < kid_b``; keys should be distinct (equal keys are one entity).
    ``shared``: ``(kid, value)`` rows, values the records of key ``kid`` carry (a registered domain): keys
    sharing a value are paired too (rule ``shared``). Runs on ``con`` (a fresh in-memory DuckDB when None);
    its temp tables are dropped afterwards.
    """
    p = params or BlockingParams()
    own = con is None
    if con is None:
        con = duckdb.connect()
        con.execute(Q["quiet"]).fetchall()  # a long blocking query must not draw a progress bar on the terminal
    n = keys.num_rows
    side = keys.column("side") if "side" in keys.column_names else pa.array([0] * n, pa.int8())
    rel = pa.table(
        {
            "kid": pa.array(range(n), pa.int32()),
            "side": side.cast(pa.int8()),
            "key": keys.column("key").cast(pa.string()),
            "acronym": keys.column("acronym").cast(pa.string()),
        }
    )
    if shared is None:
        shared = pa.table({"kid": pa.array([], pa.int32()), "value": pa.array([], pa.string())})
    shared_rel = pa.table(
        {"kid": shared.column("kid").cast(pa.int32()), "value": shared.column("value").cast(pa.string())}
    )
    try:
        con.register("_bk_keys", rel)
        con.register("_bk_shared", shared_rel)
        con.execute(Q["tokens"]).fetchall()
        con.execute(
            Q["pairs"],
            {"token_cap": p.token_cap, "prefix_len": p.prefix_len, "window": max(p.window, 1), "bipartite": bipartite},
        ).fetchall()
        return con.sql(Q["sorted_pairs"]).to_arrow_table()
    finally:
        con.execute(Q["drop_temp"]).fetchall()
        con.unregister("_bk_keys")
        con.unregister("_bk_shared")
        if own:
            con.close()


def rule_names(bits: int) -> list[str]:
    """The rule names set in a ``rules`` bitmask (``rule_names(9) == ['token', 'sorted']``)."""
    return [name for bit, name in sorted(RULES.items()) if bits & bit]


def reduction_ratio(n_pairs: int, n_left: int, n_right: int | None = None) -> float:
    """1 - pairs scored / all pairs: 0.999 means a thousandth of the all-pairs work.

    ``n_right`` None: pairs within one set of ``n_left`` items; else pairs across two sets.
    """
    total = n_left * (n_left - 1) // 2 if n_right is None else n_left * n_right
    return 1.0 - n_pairs / total if total else 0.0
