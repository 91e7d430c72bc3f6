"""Labeling files: export → (labeller) → import round trips, and the Label Studio conflict rule."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmap.review.formats import detect_format, read_file, write_file
from orgmap.review.labelstudio import choice_result, config_classes, labeling_config, resolve_annotations
from resolver.errors import InputError

CLASSES = {"domain": ("news", "shop", "other"), "page": ("news", "shop")}


def _tasks(n=3):
    return [
        {
            "data": {"orgmap_id": f"domain:d{i}.com", "target": "domain", "item_id": f"d{i}.com", "title": f"T{i}",
                     "url": f"https://d{i}.com", "text": "hello, \"world\"\nline", "priority": i / 10},
            "predictions": [{"model_version": "domain-v1", "score": i / 10, "result": choice_result("news")}],
        }
        for i in range(n)
    ]  # fmt: skip


def test_csv_round_trip(tmp_path):
    path = tmp_path / "x.csv"
    assert write_file(_tasks(), path, "csv") == 3
    rows = list(csv.DictReader(path.open()))
    assert rows[0]["prediction"] == "news" and rows[0]["label"] == ""
    rows[0]["label"], rows[1]["label"], rows[2]["label"] = "shop", "", "bogus"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    gold, problems = read_file(path, CLASSES, annotator="alice")
    assert [(g.target, g.item_id, g.label, g.annotator) for g in gold] == [("domain", "d0.com", "shop", "alice")]
    assert len(problems) == 1 and "bogus" in problems[0]["problem"]


def test_doccano_round_trip(tmp_path):
    path = tmp_path / "x.jsonl"
    write_file(_tasks(2), path, "doccano")
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert lines[0]["prediction"] == "news" and lines[0]["label"] == []
    lines[1]["label"] = ["other"]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    gold, problems = read_file(path, CLASSES)
    assert [(g.item_id, g.label) for g in gold] == [("d1.com", "other")] and not problems


def test_labelstudio_file_round_trip(tmp_path):
    path = tmp_path / "x.json"
    write_file(_tasks(2), path, "labelstudio")
    tasks = json.loads(path.read_text())
    assert tasks[0]["predictions"][0]["model_version"] == "domain-v1"
    tasks[0]["annotations"] = [
        {"result": choice_result("shop"), "completed_by": 1, "updated_at": "2026-01-01T00:00:00Z"}
    ]
    path.write_text(json.dumps(tasks))
    gold, _ = read_file(path, CLASSES)
    assert [(g.item_id, g.label) for g in gold] == [("d0.com", "shop")]


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="format"):
        detect_format(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="not found"):
        read_file(tmp_path / "nope.csv", CLASSES)


def _ann(label, ts, cancelled=False, who=1):
    return {"result": [] if cancelled else choice_result(label), "was_cancelled": cancelled, "updated_at": ts,
            "completed_by": who}  # fmt: skip


def test_conflict_rule_latest_wins_cancelled_ignored_ties_by_majority():
    tasks = [
        {"id": 1, "data": {"orgmap_id": "domain:a"}, "annotations": [_ann("news", "2026-01-01T00:00:00Z"),
                                                                     _ann("shop", "2026-01-02T00:00:00Z", who=2)]},
        {"id": 2, "data": {"orgmap_id": "domain:b"},
         "annotations": [_ann("news", "2026-01-01T00:00:00Z"), _ann("shop", "2026-01-03T00:00:00Z", cancelled=True)]},
        {"id": 3, "data": {"orgmap_id": "domain:c"}, "annotations": [_ann("shop", "2026-01-01T00:00:00Z"),
                                                                     _ann("news", "2026-01-01T00:00:00Z"),
                                                                     _ann("shop", "2025-12-01T00:00:00Z")]},
        {"id": 4, "data": {"orgmap_id": "domain:d"}, "annotations": [_ann("x", "2026-01-01", cancelled=True)]},
        {"id": 5, "data": {"orgmap_id": "domain:e"}, "annotations": [_ann("bogus", "2026-01-01T00:00:00Z")]},
        {"id": 6, "data": {}, "annotations": [_ann("news", "2026-01-01T00:00:00Z")]},
    ]  # fmt: skip
    gold, problems = resolve_annotations(tasks, "domain", CLASSES["domain"], {2: "bob@example.com"})
    got = {g.item_id: (g.label, g.conflict, g.annotator) for g in gold}
    assert got == {"a": ("shop", True, "bob@example.com"), "b": ("news", False, "1"), "c": ("shop", True, "1")}
    assert {p["task_id"] for p in problems} == {5, 6}


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1, max_size=12).filter(
            lambda s: s.strip() == s and s
        ),
        min_size=2,
        max_size=6,
        unique=True,
    )
)
def test_labeling_config_round_trips_classes(classes):
    assert config_classes(labeling_config("page", classes)) == tuple(classes)
