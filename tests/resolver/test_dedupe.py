"""resolver.dedupe: records with a name and maybe a country, city, domain and identifier, clustered."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from resolver.blocking import candidate_pairs, rule_names
from resolver.dedupe import (
    DedupeParams,
    RecordColumns,
    country_codes,
    dedupe_records,
    detect_columns,
    institution_part,
    prepare_records,
)
from resolver.errors import InputError
from resolver.scoring import EvidenceParams, Score, same_city, with_evidence


def _records(*rows: dict[str, Any]) -> pa.Table:
    cols = sorted({k for r in rows for k in r})
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in cols})


def _together(table: pa.Table, params: DedupeParams | None = None) -> list[set[str]]:
    """The clusters of more than one record, as sets of record ids."""
    out = dedupe_records(table, params=params).clusters
    by: dict[str, set[str]] = {}
    for rid, cid in zip(out.column("record_id").to_pylist(), out.column("cluster_id").to_pylist(), strict=True):
        by.setdefault(cid, set()).add(rid)
    return sorted((s for s in by.values() if len(s) > 1), key=sorted)


# -- columns and cleaning ----------------------------------------------------------------------------------
def test_columns_are_found_by_common_names_and_given_ones_win() -> None:
    cols = detect_columns(["ID", "Company Name", "Country Code", "Town", "Website", "LEI"])
    assert cols == RecordColumns("Company Name", "ID", "Country Code", "Town", "Website", "LEI")
    assert detect_columns(["org", "name"], {"name": "org"}).name == "org"
    assert detect_columns(["label", "country"], {"name": "label"}).country == "country"


def test_a_table_without_a_name_column_asks_for_one() -> None:
    with pytest.raises(InputError, match="--name-col"):
        detect_columns(["foo", "bar"])
    with pytest.raises(InputError, match="no column 'nope'"):
        detect_columns(["name"], {"name": "nope"})


def test_countries_are_iso_codes_whatever_their_spelling() -> None:
    assert country_codes("DE") == ("DE",)
    assert country_codes("germany") == ("DE",)
    assert country_codes("Deutschland") == ("DE",)
    assert country_codes("Allemagne") == ("DE",)
    assert country_codes("DEU") == ("DE",)
    assert country_codes("United Kingdom") == country_codes("UK") == ("GB",)
    assert country_codes("US; ca") == ("US", "CA")
    assert country_codes("Atlantis") == ("ATLANTIS",)  # unknown: kept, so equal values still agree
    assert country_codes(" ") == ()


def test_records_are_cleaned_once_per_distinct_value() -> None:
    t = _records(
        {"name": "Acme Widgets GmbH", "country": "Germany", "website": "https://www.acme.de/kontakt", "lei": "0012 34"},
        {"name": "ACME WIDGETS", "country": "us;ca", "website": "info@acme.de", "lei": None},
    )
    rec = prepare_records(t)
    assert rec.column("name_id").to_pylist() == ["1", "2"]
    assert rec.column("key").to_pylist() == ["acme widgets", "acme widgets"]
    assert rec.column("country").to_pylist() == ["DE", None]
    assert rec.column("countries").to_pylist() == [None, ["US", "CA"]]
    assert rec.column("domain").to_pylist() == ["acme.de", "acme.de"]
    assert rec.column("identifier").to_pylist() == ["001234", None]


def test_record_ids_must_be_unique() -> None:
    with pytest.raises(InputError, match="repeats '7'"):
        prepare_records(_records({"id": "7", "name": "A"}, {"id": "7", "name": "B"}))


# -- the rules -------------------------------------------------------------------------------------------
def test_the_same_name_in_two_countries_is_two_organizations() -> None:
    t = _records(
        {"id": "a", "name": "Apex Solutions Ltd", "country": "GB"},
        {"id": "b", "name": "Apex Solutions", "country": "United Kingdom"},
        {"id": "c", "name": "Apex Solutions", "country": "US"},
    )
    assert _together(t) == [{"a", "b"}]


def test_people_of_one_name_in_two_countries_stay_two_people() -> None:
    t = _records(
        {"id": "1", "name": "John Smith", "country": "US"},
        {"id": "2", "name": "Smith, John", "country": "USA"},
        {"id": "3", "name": "John Smith", "country": "GB"},
        {"id": "4", "name": "JOHN SMITH", "country": "Great Britain"},
        {"id": "5", "name": "Maria Rossi", "country": "IT"},
        {"id": "6", "name": "Maria Rossi", "country": "ES"},
    )
    assert _together(t) == [{"1", "2"}, {"3", "4"}]


def test_a_persons_initials_are_no_acronym_of_theirs() -> None:
    t = _records(
        {"id": "p", "name": "Juan Carlos Perez", "country": "ES"},
        {"id": "o", "name": "JCP", "country": "ES"},
        {"id": "u", "name": "Universidad Central de Pamplona", "country": "ES"},
        {"id": "a", "name": "UCP", "country": "ES"},
    )
    assert _together(t) == [{"a", "u"}]
    assert _together(t, DedupeParams(person_acronyms=True)) == [{"a", "u"}, {"o", "p"}]


def test_the_same_identifier_joins_whatever_the_names_and_countries() -> None:
    t = _records(
        {"id": "1", "name": "Globex Corporation", "country": "US", "lei": "5493001KJTIIGC8Y1R12"},
        {"id": "2", "name": "Globex Europe GmbH", "country": "DE", "lei": "5493 001K JTII GC8Y 1R12"},
        {"id": "3", "name": "Initech", "country": "US", "lei": None},
    )
    out = dedupe_records(t)
    assert _together(t) == [{"1", "2"}]
    edge = out.edges.to_pylist()[0]
    assert (edge["kind"], edge["reason"], edge["merged"]) == ("hard", "identifier", True)
    assert out.clusters.column("confidence").to_pylist() == [1.0, 1.0, 1.0]


def test_different_identifiers_never_merge_on_names() -> None:
    t = _records(
        {"id": "1", "name": "Acme Widgets Ltd", "country": "GB", "company_number": "01234567"},
        {"id": "2", "name": "Acme Widgets Ltd", "country": "GB", "company_number": "07654321"},
        {"id": "3", "name": "Acme Widgets", "country": "GB", "company_number": None},
    )
    out = dedupe_records(t)
    assert _together(t) == [{"1", "3"}]  # the one without a number joins the first it meets
    assert out.stats["rejected_identifier"] >= 1


def test_a_shared_domain_joins_alike_names_even_across_countries() -> None:
    t = _records(
        {"id": "1", "name": "Echo Works LLC", "country": "US", "domain": "https://echo-works.com/about"},
        {"id": "2", "name": "Echo Wors", "country": "CA", "domain": "www.echo-works.com"},
        {"id": "3", "name": "Bright Toys", "country": "US", "domain": "echo-works.com"},  # a name unlike the others
        {"id": "4", "name": "Echo Wors", "country": "MX", "domain": None},
    )
    out = dedupe_records(t)
    assert _together(t) == [{"1", "2"}]
    kinds = {(e["record_a"], e["record_b"]): (e["kind"], e["reason"]) for e in out.edges.to_pylist()}
    assert ("domain", "domain+distinct_token") in kinds.values()


def test_a_shared_city_tips_a_close_pair_and_different_cities_hold_it_back() -> None:
    base = [
        {"id": "1", "name": "Cedar Motros Ltd", "country": "GB"},
        {"id": "2", "name": "Cedur Motors", "country": "GB"},
    ]
    assert _together(_records(*base)) == []  # 88.66: below the threshold
    same = [dict(r, city=c) for r, c in zip(base, ("Leeds", "LEEDS"), strict=True)]
    assert _together(_records(*same)) == [{"1", "2"}]
    close = [
        {"id": "1", "name": "Harbor Logistics", "country": "US", "city": "Boston"},
        {"id": "2", "name": "Harbour Logistics", "country": "US", "city": "Denver"},
    ]
    assert _together(_records(*close)) == [{"1", "2"}]  # 97.9 - 5: still one
    far = [dict(r, name=n) for r, n in zip(close, ("Sterling Foods", "Stirling Foods"), strict=True)]
    assert _together(_records(*far)) == []  # 93.5 - 5: two


def test_evidence_moves_a_score_by_the_rules() -> None:
    p = EvidenceParams()
    none: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    dom = (frozenset({"acme.com"}), frozenset({"acme.com", "acme.de"}))
    assert with_evidence(Score(80.0, "fuzzy"), none, dom, p) == (Score(99.0, "domain+fuzzy"), True)
    assert with_evidence(Score(70.0, "fuzzy"), none, dom, p) == (Score(70.0, "fuzzy"), False)
    assert with_evidence(Score(90.0, "fuzzy"), (frozenset({"a"}), frozenset({"b"})), none, p)[0].value == 85.0
    assert same_city(frozenset({"munchen"}), frozenset({"muenchen"})) is True
    assert same_city(frozenset({"paris"}), frozenset({"lyon"})) is False


def test_the_shared_blocking_rule_pairs_keys_of_one_domain() -> None:
    keys = pa.table({"key": ["alpha", "omega", "zeta"], "acronym": [None, None, None]})
    shared = pa.table({"kid": [0, 1, 2], "value": ["x.com", "x.com", "y.com"]})
    pairs = candidate_pairs(keys, shared=shared, params=None)
    got = {
        (a, b): rule_names(r)
        for a, b, r in zip(*(pairs.column(c).to_pylist() for c in pairs.column_names), strict=True)
    }
    assert "shared" in got[(0, 1)]
    assert all("shared" not in v for k, v in got.items() if 2 in k)


# -- affiliations, output ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Department of Physics, University of Verona, Verona, Italy", ("University of Verona Verona", "IT")),
        ("Dept. of Genetics, University of Cambridge, Downing Street", ("University of Cambridge", None)),
        (
            "Department of Human Genetics, University of California, Los Angeles",
            ("University of California Los Angeles", None),
        ),
        ("Lerner Research Institute, Cleveland Clinic", ("Cleveland Clinic", None)),
        ("Department of Physics, MIT", ("MIT", None)),
        ("Smith, John", ("Smith, John", None)),
        ("Acme Widgets, Inc.", ("Acme Widgets, Inc.", None)),
        ("Acme Widgets", ("Acme Widgets", None)),
    ],
)
def test_an_affiliation_is_read_as_its_institution(name: str, expected: tuple[str, str | None]) -> None:
    assert institution_part(name) == expected


def test_affiliations_of_one_institution_share_a_cluster_and_its_country() -> None:
    t = _records(
        {"affiliation": "Department of Radiology, University of Minnesota"},
        {"affiliation": "School of Public Health, University of Minnesota, USA"},
        {"affiliation": "University of Minnesota"},
        {"affiliation": "Department of Radiology, Johns Hopkins University"},
    )
    out = dedupe_records(t).clusters
    assert _together(t) == [{"1", "2", "3"}]
    assert out.column("canonical_name").to_pylist()[0] == "University of Minnesota"
    assert out.column("name").to_pylist()[0] == "Department of Radiology, University of Minnesota"
    assert _together(t, DedupeParams(affiliations=False)) == []


def test_every_cluster_has_a_confidence_edges_and_pairs_for_review() -> None:
    t = _records(
        {"id": "a", "name": "Zenith Mobility GmbH", "country": "DE"},
        {"id": "b", "name": "Zenit Mobility", "country": "DE"},
        {"id": "c", "name": "Cedar Motros Ltd", "country": "GB"},
        {"id": "d", "name": "Cedur Motors", "country": "GB"},
    )
    out = dedupe_records(t)
    rows = {r["record_id"]: r for r in out.clusters.to_pylist()}
    assert rows["a"]["cluster_id"] == rows["b"]["cluster_id"] and rows["a"]["cluster_size"] == 2
    assert rows["a"]["confidence"] == pytest.approx(0.9761)
    assert rows["c"]["confidence"] == 1.0 and rows["c"]["cluster_size"] == 1
    edge = out.edges.to_pylist()
    assert [({e["record_a"], e["record_b"]}, e["kind"]) for e in edge] == [({"a", "b"}, "name")]
    review = out.pairs.to_pylist()
    # 97.61 is sure: only the pair within 5 points of the threshold goes to review
    assert [({r["record_a"], r["record_b"]}, r["verdict"], r["same_cluster"]) for r in review] == [
        ({"c", "d"}, "below threshold", False)
    ]
    assert dedupe_records(t, params=DedupeParams.with_threshold(90.0, review_margin=0.0)).pairs.num_rows == 0


def test_the_clusters_do_not_depend_on_the_row_order() -> None:
    rows = [
        {"id": str(i), "name": n, "country": c}
        for i, (n, c) in enumerate(
            [
                ("Acme Widgets", "DE"),
                ("ACME Widgets GmbH", "DE"),
                ("Acme Widgts", "DE"),
                ("Globex", "US"),
                ("IBM", "US"),
            ]
        )
    ]
    a = dedupe_records(_records(*rows)).clusters
    b = dedupe_records(_records(*reversed(rows))).clusters
    assert dict(zip(a["record_id"].to_pylist(), a["cluster_id"].to_pylist(), strict=True)) == dict(
        zip(b["record_id"].to_pylist(), b["cluster_id"].to_pylist(), strict=True)
    )
