"""The label-only precision/coverage of benchmarks.eval_resolve on rows written here (no evaluation data)."""

from __future__ import annotations

from benchmarks.eval_resolve import domain_golds, precision_coverage, side_by_side, split_of

ROWS = [
    ("harrowgate.gov", "City of Harrowgate", "g1", "OR", "City"),
    ("quillon.edu", "Quillon College", "g2", "US", ""),
    ("quillon.edu", "Quillon College of Nursing", "g3", "US", ""),
    ("www.blackmere.edu", "Blackmere Institute", "g4", "US", ""),
    ("fennick.gov", "Fennick County", "g5", "OR", "County"),
]


def test_a_domain_is_one_unit_right_when_linked_to_any_of_its_orgs() -> None:
    halves = {split_of(r[0]) for r in ROWS}
    golds = {d: k for h in halves for d, k in domain_golds(ROWS, h).items()}
    assert golds["quillon.edu"] == {"quillon college", "quillon college of nursing"}
    assert "blackmere.edu" in golds  # the registered domain is the unit
    owners = {
        "harrowgate.gov": ("City of Harrowgate", 0.99, "g1"),
        "quillon.edu": ("Quillon College of Nursing", 0.9, "g3"),
        "blackmere.edu": ("Blackmere Academy", 0.8, "g9"),  # wrong
        "fennick.gov": ("unknown", 0.0, None),
    }
    pc = precision_coverage(golds, owners)
    assert pc["domains"] == 4 and pc["linked"] == 0.75 and pc["accuracy"] == 0.5
    assert pc["coverage_at_precision_0.95"] == 0.5 and pc["threshold_there"] == 0.9
    assert pc["precision_at_coverage_0.5"] == 1.0 and pc["precision_at_coverage_0.7"] == round(2 / 3, 3)
    assert pc["precision_at_coverage_0.8"] is None  # a quarter is never linked
    table = side_by_side({"x": {"precision_coverage": {"dev": pc, "test": pc}}}, ("dev", "test"))
    assert "coverage_at_precision_0.95" in table and table.splitlines()[0].split() == ["x", "dev", "test"]
