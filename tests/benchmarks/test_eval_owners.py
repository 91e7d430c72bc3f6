"""The scoring of benchmarks.eval_owners on a tiny hand-made gold (no evaluation data needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.eval_owners import (
    Answer,
    ClassAnswer,
    GoldOwner,
    Outcome,
    class_accuracy,
    dev_misses,
    expected_calibration_error,
    is_right,
    main,
    map_class,
    own_answer,
    owner_accuracy,
    owner_confidence,
    page_accuracy,
    read_gold,
    reliability,
)
from benchmarks.name_rules import names_match


def _gold(domain: str, split: str, status: str, *names: str, source: str = "trafilatura", **classes: str) -> GoldOwner:
    return GoldOwner(
        domain=domain,
        split=split,
        sources=tuple(source.split("|")),
        status=status,
        names=names,
        site_category=classes.get("site", "news_media"),
        org_type=classes.get("org", "media"),
    )


GOLD = [
    _gold("example-news.de", "dev", "org", "Example News", "Example Verlag GmbH", source="trafilatura|postlight"),
    _gold("acme-widgets.com", "dev", "org", "Acme Widgets", source="webstruct", site="company", org="company"),
    _gold("janedoe.net", "dev", "person", "Jane Doe", site="blog_personal", org="person"),
    _gold("someone.blogspot.com", "dev", "platform", site="blog_personal", org="person"),
    _gold(
        "larsen-toubro.in", "test", "org", "Larsen & Toubro", source="article_benchmark", site="company", org="company"
    ),
    _gold("mystery.org", "test", "unknown", site="other", org="unknown"),
]

ORGMAP = {
    "example-news.de": Answer("linked", ("Example Verlag GmbH", "EXAMPLE NEWS"), 0.9),
    "acme-widgets.com": Answer("linked", ("Acme",), 0.5, why="1 kind(s) of signal name 'Acme'"),
    "janedoe.net": Answer("person", ("Jane Doe",), 0.7),
    "someone.blogspot.com": Answer("unknown", (), 0.2, candidate="Blogger"),
    "larsen-toubro.in": Answer("linked", ("L&T",), 0.8),
    "mystery.org": Answer("linked", ("Mystery Holdings",), 0.6),
}
BASELINE = {d: Answer("linked", (name,)) for d, name in [("example-news.de", "Example News"), ("janedoe.net", "Blog")]}


def test_rules_widen_from_strict_to_lenient() -> None:
    assert [names_match("Larsen & Toubro", "L&T", r) for r in ("strict", "entity", "lenient")] == [False, True, True]
    assert [names_match("Acme Widgets", "Acme", r) for r in ("strict", "entity", "lenient")] == [False, False, True]
    assert names_match("Example Verlag GmbH", "example verlag", "strict")


def test_right_by_gold_status() -> None:
    org, person, platform, unknown = GOLD[0], GOLD[2], GOLD[3], GOLD[5]
    assert is_right(org, ORGMAP["example-news.de"], "strict")  # an alias matches the site name
    assert not is_right(org, Answer("person", ("Example News",), 0.9), "strict")  # an org is not a person
    assert is_right(person, Answer("person", ("J. Doe",)), "strict")
    assert is_right(person, Answer("linked", ("Jane Doe",)), "strict")
    assert is_right(platform, Answer("unknown"), "strict")
    assert is_right(platform, Answer("person", ("Someone",)), "strict")  # a person's user site
    assert not is_right(platform, Answer("linked", ("Blogger",)), "lenient")
    assert not is_right(unknown, ORGMAP["mystery.org"], "lenient")


def test_accuracy_per_split_source_and_status() -> None:
    acc = owner_accuracy(GOLD, {"orgmap": ORGMAP, "trafilatura": BASELINE})
    dev, test = acc["dev"], acc["test"]
    assert (dev["n"], test["n"]) == (4, 2)
    assert dev["n_by_source"] == {"trafilatura": 3, "postlight": 1, "webstruct": 1}
    assert dev["orgmap"]["strict"]["all"] == 0.75  # all but acme-widgets.com
    assert dev["orgmap"]["lenient"]["all"] == 1.0
    assert dev["orgmap"]["strict"]["by_source"]["webstruct"] == 0.0
    assert test["orgmap"]["strict"]["all"] == 0.0
    assert test["orgmap"]["entity"]["all"] == 0.5  # "L&T" are the initials
    assert test["orgmap"]["entity"]["by_status"] == {"org": 1.0, "unknown": 0.0}
    # the baseline answers two dev domains, one of them rightly; a domain it does not answer is unknown
    assert dev["trafilatura"]["strict"]["all"] == 0.5
    assert dev["trafilatura"]["strict"]["by_status"] == {"org": 0.5, "person": 0.0, "platform": 1.0}


def test_confidence_curve_and_calibration() -> None:
    conf = owner_confidence(GOLD, ORGMAP)["dev"]
    # scored: 0.9 right, 0.5 wrong (entity), 0.7 right, 0.2 candidate "Blogger" wrong
    assert conf["answers"] == 4
    curve = {p["threshold"]: (p["precision"], p["coverage"]) for p in conf["curve"]}
    assert curve[0.0] == (0.5, 1.0)
    assert curve[0.6] == (1.0, 0.5)
    assert curve[1.0] == (None, 0.0)
    assert conf["ece"] == pytest.approx((0.1 + 0.5 + 0.3 + 0.2) / 4)


def test_reliability_bins_and_ece() -> None:
    bins = reliability([(0.95, True), (0.95, False), (0.15, False), (None, True), (1.0, True)])
    assert [(b["low"], b["n"]) for b in bins] == [(0.1, 1), (0.9, 3)]
    assert bins[1]["accuracy"] == pytest.approx(2 / 3)
    assert expected_calibration_error(bins) == pytest.approx((0.15 + 3 * abs(2 / 3 - 2.9 / 3)) / 4, abs=1e-4)
    assert expected_calibration_error([]) is None


def test_classes_mapped_and_scored() -> None:
    # the taxonomy speaks the gold's vocabularies: the map is the identity
    assert map_class("site_category", "news_media") == "news_media"
    assert map_class("org_type", "education_research") == "education_research"
    assert map_class("org_type", None) == "(none)"
    classes = {
        "example-news.de": {"site_category": ClassAnswer("news_media", 0.9), "org_type": ClassAnswer("media", 0.8)},
        "acme-widgets.com": {"site_category": ClassAnswer("news_media", 0.6), "org_type": ClassAnswer("company", 0.7)},
        "janedoe.net": {"site_category": ClassAnswer("blog_personal", 0.8), "org_type": ClassAnswer("person", None)},
    }
    rep = class_accuracy(GOLD, classes)["dev"]
    site = rep["site_category"]
    assert site["n"] == 4 and site["accuracy"] == 0.5  # someone.blogspot.com has no class: "(none)"
    assert site["per_class"]["news_media"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(0.667),
        "support": 1,
    }
    assert site["macro_f1"] == pytest.approx((0.667 + 0 + 0.667) / 3, abs=1e-3)  # "(none)" is not a gold class
    assert site["labels"][-1] == "(none)"
    assert site["confusion"][site["labels"].index("company")][site["labels"].index("news_media")] == 1
    assert rep["org_type"]["answers"] == 2  # the person's org type has no probability


def test_own_answer_of_a_gold_item_is_the_model_s() -> None:
    assert own_answer("shop", 0.7, "end_model", '{"shop": 0.7, "company": 0.3}') == ("shop", 0.7)
    # the gold label is shown in `labels`; the model's own (cross-validated) probabilities are scored
    assert own_answer("company", 1.0, "gold", '{"shop": 0.6, "company": 0.4}') == ("shop", 0.6)
    assert own_answer(None, None, None, None) == (None, None)


def test_page_types_scored_per_split() -> None:
    gold = {"a": ("dev", "article"), "b": ("dev", "home"), "c": ("test", "article")}
    answers = {"a": ("p1", ClassAnswer("article", 0.9)), "b": ("p2", ClassAnswer("article", 0.6))}
    out = page_accuracy(gold, answers)
    assert out["dev"]["n"] == 2 and out["dev"]["accuracy"] == 0.5
    assert out["test"]["per_class"]["(none)"]["support"] == 0 and out["test"]["accuracy"] == 0.0


def test_misses_are_dev_only() -> None:
    out = Outcome(ORGMAP, BASELINE, {}, pages=6, seconds={}, reused=False)
    misses = dev_misses(GOLD, out)  # mystery.org, wrong, is a test row
    assert [m.split()[0] for m in misses] == ["acme-widgets.com"]
    assert "why: 1 kind(s) of signal name 'Acme'" in misses[0]
    with pytest.raises(SystemExit):
        main(["--split", "test", "--misses"])


def test_read_gold_spells_domains_as_orgmap(tmp_path: Path) -> None:
    csv = tmp_path / "owners.csv"
    csv.write_text(
        "registered_domain,split,source,n_pages,status,site_name,legal_name,other_names,site_category,org_type,"
        "confidence,evidence,notes\n"
        "bücher.de,dev,trafilatura|postlight,2,org,Bücher,Bücher GmbH,BD|B.D.,shop,company,high,,\n",
        encoding="utf-8",
    )
    (row,) = read_gold(csv)
    assert row.domain == "xn--bcher-kva.de"
    assert row.sources == ("trafilatura", "postlight")
    assert row.names == ("Bücher", "Bücher GmbH", "BD", "B.D.")
