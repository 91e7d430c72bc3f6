"""Reference lists as labeling functions (distant supervision), and the hash split that keeps a half for evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifiers.apply import apply_lfs, apply_lfs_snorkel
from classifiers.frames import prepare
from classifiers.lf import build_lfs
from classifiers.reference import half_of, is_domain_labels, labels_for, read_domain_labels, reference_lfs
from classifiers.taxonomy import load_taxonomy
from resolver.errors import InputError


def _csv(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_domain_labels_normalizes_domains_and_reports_every_bad_row(tmp_path: Path) -> None:
    good = _csv(tmp_path, "domain,class\nhttps://www.Example.gov/x,government\nblog.anna.blogspot.com,blog_personal\n")
    rows = read_domain_labels(good)
    assert [(r.domain, r.target, r.label) for r in rows] == [
        ("example.gov", None, "government"),
        ("anna.blogspot.com", None, "blog_personal"),
    ]
    assert is_domain_labels(good)
    bad = _csv(tmp_path, "domain,target,class\nnot a domain,domain,shop\nok.com,planet,shop\nfine.com,org,company\n")
    with pytest.raises(InputError, match="2 bad row") as exc:
        read_domain_labels(bad)
    assert "line 2" in str(exc.value) and "line 3" in str(exc.value)
    with pytest.raises(InputError, match="expected domain,class"):
        read_domain_labels(_csv(tmp_path, "site,category\na.com,shop\n", "other.csv"))
    assert not is_domain_labels(_csv(tmp_path, "orgmap_id,label\ndomain:a.com,shop\n", "export.csv"))


def test_a_list_votes_for_domains_and_their_owners(tmp_path: Path) -> None:
    tax = load_taxonomy()
    path = _csv(tmp_path, "domain,class\nnews-site.com,news_media\ncity-hall.org,government\n")
    rows = read_domain_labels(path)
    assert labels_for(rows, tax, "domain") == {"news-site.com": "news_media", "city-hall.org": "government"}
    assert labels_for(rows, tax, "org") == {"news-site.com": "media", "city-hall.org": "government"}  # [map.org]
    assert labels_for(rows, tax, "page") == {}
    df = prepare(pd.DataFrame({"registered_domain": ["news-site.com", "other.com", "x.com city-hall.org"]}))
    for target, expect in (("domain", ["news_media", None, "government"]), ("org", ["media", None, "government"])):
        (lf,) = reference_lfs([path], tax, target)
        assert lf.name == "reference_list" and lf.kind == "reference"
        classes = tax.classes(target)
        assert [classes[v] if v >= 0 else None for v in lf.batch(df)] == expect
        lfs = build_lfs(tax, target, extra=[lf])
        np.testing.assert_array_equal(apply_lfs(lfs, df).L, apply_lfs_snorkel(lfs, df).L)
    with pytest.raises(InputError, match="'newz' is no class"):
        reference_lfs([_csv(tmp_path, "domain,class\na.com,newz\n", "typo.csv")], tax, "domain")


def test_half_of_is_a_stable_even_split() -> None:
    halves = [half_of(f"site{i}.example") for i in range(4000)]
    assert 0.45 < halves.count("eval") / len(halves) < 0.55
    assert halves == [half_of(f"site{i}.example") for i in range(4000)]
    assert all(half_of(f"site{i}.example", share=0.0) == "lf" for i in range(100))


def test_a_reference_org_list_votes_its_category_for_linked_orgs() -> None:
    from classifiers.reference import reference_org_lf

    tax = load_taxonomy()
    lf = reference_org_lf({"r1": "government", "r2": "education", "r3": "healthcare", "r4": "Company"}, tax)
    assert lf is not None and lf.name == "reference_orgs_class"
    df = prepare(pd.DataFrame({"reference_id": ["r1", "r2", "r3", "r4", "", "r9"]}))
    classes = tax.classes("org")
    votes = [classes[v] if v >= 0 else None for v in lf.batch(df)]
    assert votes == ["government", "education_research", None, "company", None, None]
    assert [lf.row(r) for _, r in df.iterrows()] == list(lf.batch(df))
    assert reference_org_lf({"r1": "healthcare"}, tax) is None
