"""Owner and merge review tasks: configs, answers, and a round trip through every file format."""

from __future__ import annotations

import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmap.review.formats import read_brat, read_review_file, write_brat, write_review_file
from orgmap.review.tasks import (
    OWNER_CHOICES,
    OwnerAnswer,
    PairAnswer,
    answers_of,
    owner_config,
    owner_task,
    pair_config,
    pair_task,
)

WHEN = dt.datetime(2026, 1, 2, 3, 4, 5)


def _owner_row(domain: str = "acme.de", status: str = "linked", name: str | None = "Acme GmbH") -> dict:
    return {
        "registered_domain": domain,
        "status": status,
        "name": name,
        "confidence": 0.71,
        "n_pages": 3,
        "value": 0.9,
        "priority": 0.25,
        "pages": ["https://acme.de/", "javascript:alert(1)"],
        "candidates": [
            {"name": "Acme GmbH", "evidence": [{"kind": "legal_entity", "context": "<b>Acme GmbH</b>", "url": "https://acme.de/impressum"}]},
            {"name": "Beta AG", "evidence": []},
        ],
    }  # fmt: skip


def _pair_row() -> dict:
    side = {"domain": "acme.de", "name": "Acme GmbH", "country": "DE", "domains": ["acme.de"], "evidence": []}
    other = {**side, "domain": "acme.at", "country": "AT", "domains": ["acme.at"]}
    return {
        "a": side,
        "b": other,
        "same_org": True,
        "why": "name edge",
        "confidence": 0.8,
        "value": 1.0,
        "priority": 0.1,
    }


def test_configs_are_xml_with_the_documented_choices() -> None:
    owners = ET.fromstring(owner_config())
    assert [c.get("value") for c in owners.iter("Choice")] == list(OWNER_CHOICES)
    pairs = ET.fromstring(pair_config())
    values = [c.get("value") for c in pairs.iter("Choice")]
    assert values == ["same", "different", "parent/subsidiary", "A is the parent", "B is the parent"]


def test_an_owner_task_shows_the_evidence_escaped_and_predicts_the_models_answer() -> None:
    task = owner_task(_owner_row(), model_version="m1")
    data = task["data"]
    assert data["orgmap_id"] == "owner:acme.de" and data["predicted"] == "linked:Acme GmbH"
    assert "&lt;b&gt;Acme GmbH&lt;/b&gt;" in data["candidates_html"] and "<b>Acme" not in data["candidates_html"][:40]
    assert 'href="https://acme.de/impressum"' in data["candidates_html"]
    assert 'href="javascript' not in data["pages_html"]
    (pred,) = task["predictions"]
    assert pred["score"] == 0.25 and pred["result"][0]["value"]["choices"] == ["candidate 1"]
    assert pred["result"][0]["score"] == pytest.approx(0.71)  # the calibrated confidence
    other = owner_task(_owner_row(name="Someone Else Ltd"), model_version="m1")["predictions"][0]["result"]
    assert [r["value"] for r in other] == [{"choices": ["another name"]}, {"text": ["Someone Else Ltd"]}]


def _annotated(task: dict, result: list[dict], who: str = "ann@example.com") -> dict:
    return {**task, "id": 7, "annotations": [{"result": result, "completed_by": who, "updated_at": WHEN.isoformat()}]}


def test_answers_from_annotations() -> None:
    task = owner_task(_owner_row(), model_version="m")
    pick = [{"from_name": "owner", "type": "choices", "value": {"choices": ["candidate 2"]}}]
    typed = [
        {"from_name": "owner", "type": "choices", "value": {"choices": ["another name"]}},
        {"from_name": "other_name", "type": "textarea", "value": {"text": ["Gamma KG"]}},
    ]
    bad = [{"from_name": "owner", "type": "choices", "value": {"choices": ["candidate 5"]}}]
    pair = pair_task(_pair_row(), model_version="m")
    parent = [
        {"from_name": "decision", "type": "choices", "value": {"choices": ["parent/subsidiary"]}},
        {"from_name": "parent", "type": "choices", "value": {"choices": ["B is the parent"]}},
    ]
    answers, problems = answers_of(
        [_annotated(task, pick), _annotated(task, typed), _annotated(task, bad), _annotated(pair, parent)],
        default_time=WHEN,
    )
    assert answers == [
        OwnerAnswer("acme.de", "linked", "Beta AG", "candidate 2", "ann@example.com", WHEN, 7, "linked:Acme GmbH"),
        OwnerAnswer("acme.de", "linked", "Gamma KG", "another name", "ann@example.com", WHEN, 7, "linked:Acme GmbH"),
        PairAnswer("acme.at", "acme.de", "parent_subsidiary", "acme.at", "ann@example.com", WHEN, 7, "same", 0.8),
    ]
    assert problems == [
        {"task_id": 7, "item": "owner:acme.de", "problem": "candidate 5 but the task shows 2 candidates"}
    ]


def _fill(path: Path, fmt: str, answers: dict[str, tuple[str, str]]) -> None:
    """Answer a written file as a person would in that format: orgmap id → (choice, name or parent)."""
    if fmt == "labelstudio":
        tasks = json.loads(path.read_text("utf-8"))
        for t in tasks:
            choice, extra = answers[t["data"]["orgmap_id"]]
            merges = t["data"]["what"] == "merges"
            result = [
                {"from_name": "decision" if merges else "owner", "type": "choices", "value": {"choices": [choice]}}
            ]
            if extra:
                kind = {"from_name": "parent", "type": "choices", "value": {"choices": [extra]}}
                text = {"from_name": "other_name", "type": "textarea", "value": {"text": [extra]}}
                result.append(kind if merges else text)
            t["annotations"] = [{"result": result, "completed_by": "ann", "updated_at": WHEN.isoformat() + "Z"}]
        path.write_text(json.dumps(tasks), "utf-8")
    elif fmt == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            choice, extra = answers[r["orgmap_id"]]
            r |= {"answer": choice, "annotator": "ann", ("parent" if r["what"] == "merges" else "other_name"): extra}
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    else:
        lines = [json.loads(x) for x in path.read_text("utf-8").splitlines()]
        for x in lines:
            choice, extra = answers[x["orgmap_id"]]
            assert choice in {o["id"] for o in x["options"]}
            x |= {
                "answer": "accept",
                "accept": [choice],
                "_annotator_id": "ann",
                "_timestamp": WHEN.replace(tzinfo=dt.UTC).timestamp(),
            }
            if extra and x["data"]["what"] == "merges":
                x["accept"].append(extra)
            elif extra:
                x["other_name"] = extra
        path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")


@pytest.mark.parametrize("fmt,suffix", [("labelstudio", ".json"), ("csv", ".csv"), ("prodigy", ".jsonl")])
def test_round_trip_per_format(tmp_path: Path, fmt: str, suffix: str) -> None:
    tasks = [
        owner_task(_owner_row("acme.de"), model_version="m"),
        owner_task(_owner_row("beta.de", "unknown", None), model_version="m"),
        owner_task(_owner_row("gamma.de"), model_version="m"),
        pair_task(_pair_row(), model_version="m"),
    ]
    path = tmp_path / f"review{suffix}"
    assert write_review_file(tasks, path, fmt) == 4
    unanswered, kind = read_review_file(path)
    assert kind == fmt and answers_of(unanswered, default_time=WHEN) == ([], [])
    _fill(
        path,
        fmt,
        {
            "owner:acme.de": ("candidate 2", ""),
            "owner:beta.de": ("another name", "Beta Werke GmbH"),
            "owner:gamma.de": ("platform", ""),
            "pair:acme.de|acme.at": ("parent/subsidiary", "A is the parent"),
        },
    )
    filled, _ = read_review_file(path)
    answers, problems = answers_of(filled, default_time=WHEN)
    assert problems == []
    got = [
        (a.registered_domain, a.status, a.name) if isinstance(a, OwnerAnswer) else (a.a, a.b, a.decision, a.parent)
        for a in answers
    ]
    assert got == [
        ("acme.de", "linked", "Beta AG"),
        ("beta.de", "linked", "Beta Werke GmbH"),
        ("gamma.de", "platform", None),
        ("acme.at", "acme.de", "parent_subsidiary", "acme.de"),
    ]
    assert {a.annotator for a in answers} == {"ann"}
    assert all(a.annotated_at == WHEN for a in answers) or fmt == "csv"  # a CSV row has no time: the file's


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=80)


@settings(max_examples=60, deadline=None)
@given(
    before=TEXT,
    name=st.text(st.characters(codec="utf-8", exclude_characters="\t\n\r"), min_size=1, max_size=20).filter(str.strip),
    after=TEXT,
)
def test_brat_standoff_round_trip(tmp_path_factory: pytest.TempPathFactory, before: str, name: str, after: str) -> None:
    out = tmp_path_factory.mktemp("brat")
    text = f"{before}{name}{after}"
    assert write_brat([("page/1", text, [name])], out) == 1
    assert (out / "page_1.txt").read_text("utf-8") == text and (out / "annotation.conf").exists()
    ents = read_brat(out / "page_1.ann")
    assert ents and all(text[s:e] == t == name and kind == "ORG" for kind, s, e, t in ents)
    assert any(s == len(before) for _, s, _, _ in ents) or name in before
