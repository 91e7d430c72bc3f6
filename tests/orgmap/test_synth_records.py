"""orgmap.synth.records: generated organization records with known clusters, the same for the same seed."""

from __future__ import annotations

from collections import defaultdict

from orgmap.synth.records import generate_records


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    a, b, c = generate_records(600, seed=3), generate_records(600, seed=3), generate_records(600, seed=4)
    assert a.equals(b) and not a.equals(c)
    assert a.num_rows == 600 and a.column_names == ["record_id", "name", "country", "city", "domain", "cluster"]
    assert len(set(a.column("record_id").to_pylist())) == 600


def test_clusters_hold_variants_and_the_traps_are_there() -> None:
    t = generate_records(3000, seed=1).to_pylist()
    by: dict[str, list[dict]] = defaultdict(list)
    for r in t:
        by[r["cluster"]].append(r)
    assert 2 < len(t) / len(by) < 4  # a few records per organization, many alone
    assert any(len({r["name"] for r in rs}) > 1 for rs in by.values())  # name variants within one cluster
    assert any(r["country"] is None for r in t) and any(r["domain"] and "://" in r["domain"] for r in t)
    names: dict[str, set[str]] = defaultdict(set)
    for r in t:
        names[r["name"]].add(r["cluster"])
    assert any(len(cs) > 1 for cs in names.values())  # one name, several organizations (other countries)
