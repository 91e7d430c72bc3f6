"""Entity resolution: blocking, scoring, clustering with a chaining guard, reference linking, incremental."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolver.blocking import candidate_pairs, reduction_ratio, rule_names
from resolver.clustering import ClusterParams, cluster_names, resolve_clusters
from resolver.errors import InputError
from resolver.reference import load_reference, match_reference
from resolver.scoring import KeyInfo, jurisdiction, score_keys


def _names(*names: str, **cols: list) -> pa.Table:
    return pa.table({"name_id": [str(i) for i in range(len(names))], "name": list(names), **cols})


def _groups(out: pa.Table) -> list[set[str]]:
    by: dict[str, set[str]] = {}
    ids = out.column("name_id").to_pylist()
    for nid, cid in zip(ids, out.column("cluster_id").to_pylist(), strict=True):
        by.setdefault(cid, set()).add(nid)
    return sorted(by.values(), key=min)


def _cluster_of(out: pa.Table) -> dict[str, str]:
    return dict(zip(out.column("name_id").to_pylist(), out.column("cluster_id").to_pylist(), strict=True))


# -- scoring --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("acme widgets", "acme widgets", True),
        ("acme widgets", "acme widgts", True),  # typo
        ("microsoft", "mircosoft", True),
        ("tiempo", "tiempos", False),  # another form of the word: El Tiempo (Bogotá) is not Los Tiempos
        ("nacional", "nacion", False),  # El Nacional (Caracas) is not La Nación (Buenos Aires)
        ("coca cola", "cocacola", True),
        ("international business machines", "ibm", True),
        ("acme", "acme group", True),
        ("acme widgets", "acme bank", False),  # one distinctive word apart
        ("acme widgets", "acme gadgets", False),
        ("studio 54", "studio 55", False),  # numbers differ
        ("acme 2000", "acme", False),
        ("apex solutions", "apex systems", False),
        ("acme", "acme holding", False),  # parent / subsidiary is an edge, not a merge
    ],
)
def test_score_keys(a: str, b: str, same: bool) -> None:
    s = score_keys(KeyInfo.of(a), KeyInfo.of(b))
    assert (s.value >= 90) is same, s
    assert score_keys(KeyInfo.of(b), KeyInfo.of(a)).value == s.value


def test_jurisdiction_from_country_or_legal_form() -> None:
    assert jurisdiction("gb", "Inc.") == frozenset({"GB"})
    assert "US" in jurisdiction(None, "Inc.")
    assert "GB" in jurisdiction(None, "Ltd")
    assert jurisdiction(None, None) is None


# -- blocking -------------------------------------------------------------------------------------------
def test_blocking_rules_and_reduction() -> None:
    keys = ["acme widgets", "acme widgts", "globex", "ibm", "international business machines", "initech"]
    keys += [f"filler company {i}" for i in range(200)]
    tbl = pa.table({"key": keys, "acronym": [KeyInfo.of(k).acronym for k in keys]})
    pairs = candidate_pairs(tbl)
    got = {
        (a, b): r for a, b, r in zip(*(pairs.column(c).to_pylist() for c in ("kid_a", "kid_b", "rules")), strict=True)
    }
    assert (0, 1) in got  # typo caught (shared rare word "acme", prefix, neighbourhood)
    assert "acronym" in rule_names(got[(3, 4)])
    assert pairs.num_rows < len(keys) * (len(keys) - 1) // 2 / 5
    assert reduction_ratio(pairs.num_rows, len(keys)) > 0.8
    assert all(a < b for a, b in got)


def test_blocking_never_misses_equal_keys() -> None:
    # equal keys are one unit within a set, and an exact-key pair across two sets, whatever the block size
    common = ["global solutions group"] * 3 + [f"global solutions group {i}" for i in range(300)]
    out = cluster_names(_names(*common))
    assert len({c for i, c in _cluster_of(out).items() if int(i) < 3}) == 1
    tbl = pa.table(
        {"key": ["solutions group", *common[3:], "solutions group"], "acronym": [None] * 302, "side": [0] * 301 + [1]}
    )
    pairs = candidate_pairs(tbl, bipartite=True)
    assert (0, 301) in set(zip(pairs.column("kid_a").to_pylist(), pairs.column("kid_b").to_pylist(), strict=True))


def test_bipartite_pairs_only_cross_sides() -> None:
    tbl = pa.table({"key": ["acme widgets", "acme widget", "acme widgets"], "acronym": [None] * 3, "side": [0, 0, 1]})
    pairs = candidate_pairs(tbl, bipartite=True)
    assert set(pairs.column("kid_b").to_pylist()) == {2}
    assert set(pairs.column("kid_a").to_pylist()) == {0, 1}


# -- clustering -----------------------------------------------------------------------------------------
def test_acme_widgets_gmbh_equals_acme_widgets_but_not_acme_bank() -> None:
    out = cluster_names(_names("ACME Widgets GmbH", "Acme Widgets", "Acme Bank"))
    assert _groups(out) == [{"0", "1"}, {"2"}]
    canon = dict(zip(out.column("name_id").to_pylist(), out.column("canonical_name").to_pylist(), strict=True))
    assert canon["1"] == "ACME Widgets GmbH"


def test_different_jurisdictions_stay_apart_unless_hard_evidence() -> None:
    names = _names("Apex Solutions Ltd", "Apex Solutions Inc", country=["GB", "US"])
    assert len(_groups(cluster_names(names))) == 2
    names = _names("Apex Solutions Ltd", "Apex Solutions Inc")  # jurisdictions implied by the legal forms
    assert len(_groups(cluster_names(names))) == 2
    hard = pa.table({"name_id_a": ["0"], "name_id_b": ["1"], "reason": ["redirect"]})
    out = cluster_names(names, hard)
    assert len(_groups(out)) == 1
    assert "hard:redirect" in out.column("reason").to_pylist()[0]


def test_name_without_jurisdiction_does_not_bridge_two_countries() -> None:
    names = _names("Apex Solutions Ltd", "Apex Solutions", "Apex Solutions Inc", country=["GB", None, "US"])
    groups = _groups(cluster_names(names))
    assert len(groups) == 2 and {"0", "2"} not in groups


def test_chaining_guard() -> None:
    # A ~ B (acronym) and B ~ C (generic word) score above the threshold, A and C do not:
    # single-linkage connected components would chain "IBM" to "... Machine Shop"
    a, b, c = "IBM", "International Business Machines", "International Business Machine Shop"
    k = [KeyInfo.of(x) for x in ("ibm", "international business machines", "international business machine shop")]
    assert score_keys(k[0], k[1]).value >= 90 and score_keys(k[1], k[2]).value >= 90
    assert score_keys(k[0], k[2]).value < 50
    res = resolve_clusters(_names(a, b, c))
    assert _groups(res.assignments) == [{"0"}, {"1", "2"}]
    assert "guard" in res.edges.column("why").to_pylist()
    loose = resolve_clusters(_names(a, b, c), params=ClusterParams(threshold=90, link_threshold=0))
    assert len(_groups(loose.assignments)) == 1


def test_chaining_guard_default_blocks_distinct_ends() -> None:
    names = _names("Acme", "Acme Group", "Acme Group Bank", "Acme Group Bank Holding")
    groups = _groups(cluster_names(names))
    assert {"0", "1"} in groups
    assert not any({"0", "3"} <= g for g in groups)


def test_hard_links_merge_dissimilar_names() -> None:
    names = _names("Alphabet Inc.", "Google LLC", "Globex")
    hard = pa.table({"name_id_a": ["0", "9"], "name_id_b": ["1", "2"], "reason": ["jsonld_same_as", "redirect"]})
    res = resolve_clusters(names, hard)
    assert _groups(res.assignments) == [{"0", "1"}, {"2"}]
    assert res.stats["hard_links_unknown"] == 1
    assert "hard" in res.edges.column("kind").to_pylist()


def test_deterministic_under_shuffled_rows() -> None:
    base = [
        "ACME Widgets GmbH",
        "Acme Widgets",
        "acme widgts",
        "Acme Bank",
        "IBM",
        "International Business Machines",
        "Globex Corporation",
        "Globex",
        "Initech LLC",
        "Initech",
        "Apex Solutions Ltd",
        "Apex Solutions Inc",
        "Umbrella Corp",
        "Umbrella",
        "Stark Industries",
        "Stark Industry",
        "Wayne Enterprises",
    ]
    names = _names(*base)
    ref = cluster_names(names).sort_by("name_id").to_pylist()
    rng = random.Random(7)
    for _ in range(5):
        order = list(range(len(base)))
        rng.shuffle(order)
        shuffled = names.take(order)
        assert cluster_names(shuffled).sort_by("name_id").to_pylist() == ref


def test_names_needing_normalization_and_errors() -> None:
    out = cluster_names(_names("", "Acme", ""))
    assert len(_groups(out)) == 3  # empty names are never merged
    with pytest.raises(InputError, match="name_id"):
        cluster_names(pa.table({"name": ["x"]}))
    with pytest.raises(InputError, match="unique"):
        cluster_names(pa.table({"name_id": ["1", "1"], "name": ["a", "b"]}))


def test_weight_picks_canonical_name() -> None:
    out = cluster_names(_names("Acme Widgets", "ACME WIDGETS", weight=[1.0, 5.0]))
    assert set(out.column("canonical_name").to_pylist()) == {"ACME WIDGETS"}


# -- reference lists ------------------------------------------------------------------------------------
REF_CSV = """id,name,aliases,domains,country,class,ticker
r1,International Business Machines Corp.,IBM|Big Blue,https://www.ibm.com,US,company,IBM
r2,Acme Widgets GmbH,Acme,acme-widgets.de,DE,company,
r3,Université de Genève,University of Geneva|UNIGE,unige.ch,CH,education,
"""


def test_load_reference(tmp_path) -> None:
    p = tmp_path / "orgs.csv"
    p.write_text(REF_CSV, encoding="utf-8")
    ref = load_reference(p)
    row = ref.to_pylist()[0]
    assert row["ref_id"] == "r1" and row["aliases"] == ["IBM", "Big Blue"] and row["domains"] == ["ibm.com"]
    assert row["attributes"] == '{"ticker": "IBM"}'
    assert ref.to_pylist()[1]["attributes"] is None


def test_load_reference_reports_every_bad_row(tmp_path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(
        "id,name,domains,country\nr1,Acme,,DE\n,Nameless,,\nr1,Dup,,\nr4,Bad,not a domain!,XYZ\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_reference(p)
    msg = str(err.value)
    assert "line 3: empty id" in msg and "line 4: id 'r1' already used on line 2" in msg
    assert "line 5: domain" in msg and "line 5: country 'XYZ'" in msg
    p.write_text("name,aliases\nAcme,\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks id"):
        load_reference(p)
    with pytest.raises(InputError, match="not found"):
        load_reference(tmp_path / "missing.csv")


def test_match_reference_by_name_alias_and_domain(tmp_path) -> None:
    p = tmp_path / "orgs.csv"
    p.write_text(REF_CSV, encoding="utf-8")
    ref = load_reference(p)
    q = pa.table(
        {
            "name_id": ["a", "b", "c", "d", "e", "f"],
            "name": [
                "I.B.M.",
                "Big Blue",
                "Totally Different Name",
                "University of Geneva",
                "Acme Bank",
                "ACME Widgets",
            ],
            "domain": [None, None, "ibm.com", None, None, None],
        }
    )
    out = {r["name_id"]: r for r in match_reference(q, ref, threshold=90).to_pylist()}
    assert out["a"]["ref_id"] == "r1"
    assert out["b"]["ref_id"] == "r1" and out["b"]["ref_name"] == "Big Blue"  # by alias
    assert out["c"]["ref_id"] == "r1" and out["c"]["reason"] == "domain"  # by domain only
    assert out["d"]["ref_id"] == "r3"
    assert out["f"]["ref_id"] == "r2"
    assert "e" not in out  # Acme Bank is not Acme Widgets nor "Acme"


def test_match_reference_respects_country() -> None:
    ref = pa.table({"ref_id": ["uk", "us"], "name": ["Apex Solutions", "Apex Solutions"], "country": ["GB", "US"]})
    q = pa.table({"name_id": ["1", "2"], "name": ["Apex Solutions Inc", "Apex Solutions"], "country": [None, "GB"]})
    out = {r["name_id"]: r["ref_id"] for r in match_reference(q, ref).to_pylist()}
    assert out == {"1": "us", "2": "uk"}


# -- incremental ----------------------------------------------------------------------------------------
def test_reference_acronyms_link_one_way() -> None:
    ref = pa.table(
        {
            "ref_id": ["dp", "ibm"],
            "name": ["Office of Defense Programs", "International Business Machines"],
            "aliases": [["DP"], []],
        }
    )
    q = pa.table({"name_id": ["long", "short"], "name": ["Department of Physics", "IBM"]})
    out = {r["name_id"]: r["ref_id"] for r in match_reference(q, ref).to_pylist()}
    assert out == {"short": "ibm"}


def test_edges_and_stats_explain_the_result() -> None:
    res = resolve_clusters(_names("Acme Widgets", "Acme Widgts", "Globex"))
    assert res.stats["names"] == 3 and res.stats["keys"] == 3 and res.stats["clusters"] == 2
    assert 0.0 <= res.stats["reduction_ratio"] <= 1.0
    row = res.edges.to_pylist()[0]
    assert row["accepted"] and row["why"] == "merged" and row["kind"] == "fuzzy"


def test_links_join_every_name_of_a_cluster_by_accepted_edges() -> None:
    names = _names("Acme Widgets GmbH", "Acme Widgets", "Acme Widgts", "Globex", "Globex Corp", "Initech")
    res = resolve_clusters(names, pa.table({"name_id_a": ["3"], "name_id_b": ["0"], "reason": ["redirect"]}))
    links = res.links.to_pylist()
    same_key = {frozenset((r["name_id_a"], r["name_id_b"])) for r in links if r["reason"] == "same_key"}
    assert same_key == {frozenset({"0", "1"}), frozenset({"3", "4"})}  # one unit's names hang on its heaviest
    hard = [(r["name_id_a"], r["name_id_b"], r["merged"]) for r in links if r["kind"] == "hard"]
    assert hard == [("3", "0", True)]
    component = {str(i): str(i) for i in range(6)}

    def find(x: str) -> str:
        while component[x] != x:
            x = component[x]
        return x

    for r in links:
        component[find(r["name_id_a"])] = find(r["name_id_b"])
    by_links: dict[str, set[str]] = {}
    for x in component:
        by_links.setdefault(find(x), set()).add(x)
    assert sorted(by_links.values(), key=min) == _groups(res.assignments) == [{"0", "1", "2", "3", "4"}, {"5"}]


def test_a_name_that_may_not_join_stays_alone_but_hard_evidence_still_joins_it() -> None:
    names = _names("Acme Widgets", "Acme Widgets", "Acme Widgets", joinable=[True, False, True])
    assert _groups(cluster_names(names)) == [{"0", "2"}, {"1"}]
    hard = pa.table({"name_id_a": ["1"], "name_id_b": ["2"], "reason": ["hreflang"]})
    assert _groups(resolve_clusters(names, hard).assignments) == [{"0", "1", "2"}]


def test_names_in_two_languages_stay_apart() -> None:
    names = _names("Atlas Journal", "Atlas Journal", "Atlas Journal", lang=["en", "de", None])
    res = resolve_clusters(names)
    assert len(_groups(res.assignments)) == 2  # the name without a language joins one of them
    assert "language" in res.edges.column("why").to_pylist()
    countries = _names("El Ejemplo", "El Ejemplo", country=[None, "UY"], countries=[["ES"], None])
    assert len(_groups(cluster_names(countries))) == 2


def test_given_keys_are_used_as_is() -> None:
    # the caller's normalization wins (the resolve stage passes its own keys)
    names = _names("Foo", "Bar", key=["same", "same"], legal_form=[None, None], acronym=[None, None])
    assert len(_groups(cluster_names(names))) == 1


def test_match_reference_contains_is_opt_in() -> None:
    ref = pa.table({"ref_id": ["utah", "acme"], "name": ["University of Utah", "Acme Widgets"]})
    q = pa.table(
        {
            "name_id": ["aff", "owner"],
            "name": ["Department of Biochemistry University of Utah School of Medicine", "Acme Widgets Bank"],
        }
    )
    assert match_reference(q, ref).num_rows == 0
    out = {r["name_id"]: r for r in match_reference(q, ref, contains=True).to_pylist()}
    assert out["aff"]["ref_id"] == "utah" and out["aff"]["reason"] == "contains"
    assert out["owner"]["ref_id"] == "acme"  # opt-in because of exactly this: only for messy strings


_WORDS = st.sampled_from(["acme", "widgets", "widgts", "bank", "group", "ibm", "intl", "2000", "of", "north", "nord"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=4), st.lists(_WORDS, min_size=1, max_size=4))
def test_score_is_symmetric_and_bounded(a: list[str], b: list[str]) -> None:
    ka, kb = KeyInfo.of(" ".join(a)), KeyInfo.of(" ".join(b))
    s = score_keys(ka, kb)
    assert 0.0 <= s.value <= 100.0
    assert score_keys(kb, ka).value == s.value
    if ka.key == kb.key:
        assert s.value == 100.0
    if s.value == 100.0:  # only the same words, perhaps reordered
        assert sorted(ka.tokens) == sorted(kb.tokens)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=12), st.randoms())
def test_clusters_do_not_depend_on_row_order(names: list[str], rnd: random.Random) -> None:
    table = _names(*names)
    order = list(range(len(names)))
    rnd.shuffle(order)
    a = cluster_names(table).sort_by("name_id").to_pylist()
    b = cluster_names(table.take(order)).sort_by("name_id").to_pylist()
    assert a == b
