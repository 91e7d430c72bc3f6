"""Labeling files for users who move files instead of running a Label Studio server.

:func:`write_file` / :func:`read_file`: class labels as Label Studio JSON, doccano JSONL or CSV.
:func:`write_review_file` / :func:`read_review_file`: owner and merge reviews as Label Studio JSON, CSV or
Prodigy JSONL; :func:`write_brat`: ORG mentions as brat standoff. Columns: docs/labeling.md.

Example::

    write_file(tasks, "to_label.csv", "csv")
    gold, problems = read_file("labelled.csv", classes_by_target)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from orgmap.review.labelstudio import GoldLabel, resolve_annotations
from resolver.errors import InputError

FORMATS = ("labelstudio", "doccano", "csv")
CSV_COLUMNS = (
    "orgmap_id",
    "target",
    "item_id",
    "url",
    "title",
    "text",
    "prediction",
    "confidence",
    "priority",
    "label",
)


def _pred(task: Mapping[str, Any]) -> tuple[str, float | None]:
    preds = task.get("predictions") or []
    if not preds:
        return "", None
    for r in preds[0].get("result") or []:
        choices = (r.get("value") or {}).get("choices") or []
        if choices:
            return str(choices[0]), preds[0].get("score")
    return "", preds[0].get("score")


def write_file(tasks: Sequence[Mapping[str, Any]], path: str | Path, fmt: str) -> int:
    """Write tasks (as built by ``orgmap.stages.label.build_tasks``) in ``fmt``; returns rows written."""
    p = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "labelstudio":
        p.write_text(json.dumps(list(tasks), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return len(tasks)
    if fmt == "doccano":
        with p.open("w", encoding="utf-8") as fh:
            for t in tasks:
                d = t["data"]
                label, score = _pred(t)
                row = {
                    "text": f"{d.get('title') or ''}\n{d.get('url') or ''}\n{d.get('text') or ''}".strip(),
                    "label": [],
                    "orgmap_id": d["orgmap_id"],
                    "prediction": label,
                    "score": score,
                    "url": d.get("url"),
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return len(tasks)
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for t in tasks:
            d = t["data"]
            label, _ = _pred(t)
            w.writerow(
                {
                    "orgmap_id": d["orgmap_id"],
                    "target": d.get("target", d["orgmap_id"].partition(":")[0]),
                    "item_id": d.get("item_id", d["orgmap_id"].partition(":")[2]),
                    "url": d.get("url", ""),
                    "title": d.get("title", ""),
                    "text": (d.get("text") or "")[:1000],
                    "prediction": label,
                    "confidence": d.get("confidence", ""),
                    "priority": d.get("priority", ""),
                    "label": "",
                }
            )
    return len(tasks)


def detect_format(path: str | Path) -> str:
    """``labelstudio`` (.json), ``doccano`` (.jsonl/.ndjson) or ``csv`` (.csv/.tsv) from the file name."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return "labelstudio"
    if suffix in (".jsonl", ".ndjson"):
        return "doccano"
    if suffix in (".csv", ".tsv"):
        return "csv"
    raise InputError(
        f"cannot tell the format of {path} from its name; use .json (Label Studio), .jsonl (doccano) or .csv"
    )


def _ident(row: Mapping[str, Any]) -> tuple[str, str]:
    oid = str(row.get("orgmap_id") or "")
    if ":" in oid:
        t, _, i = oid.partition(":")
        return t, i
    return str(row.get("target") or ""), str(row.get("item_id") or "")


def read_file(
    path: str | Path, classes: Mapping[str, Sequence[str]], fmt: str | None = None, annotator: str | None = None
) -> tuple[list[GoldLabel], list[dict[str, Any]]]:
    """Gold labels in a labelled file, and problems (row, what is wrong). ``classes``: target → class ids."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p} not found")
    fmt = fmt or detect_format(p)
    if fmt == "labelstudio":
        try:
            tasks = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{p} is not JSON ({exc}); export the project from Label Studio as JSON") from exc
        if isinstance(tasks, dict):
            tasks = [tasks]
        gold, problems = [], []
        for target, cls in classes.items():
            g, pr = resolve_annotations(tasks, target, cls)
            gold += g
            problems += [x for x in pr if x.get("problem") != "task has no data.orgmap_id; not an orgmap task"]
        problems += [
            {"task_id": t.get("id"), "problem": "task has no data.orgmap_id; not an orgmap task"}
            for t in tasks
            if t.get("annotations") and not (t.get("data") or {}).get("orgmap_id")
        ]
        return gold, problems
    rows: list[tuple[int, dict[str, Any]]] = []
    if fmt == "doccano":
        with p.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append((n, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        raise InputError(f"{p}:{n} is not a JSON line ({exc})") from exc
    elif fmt == "csv":
        with p.open(encoding="utf-8", newline="") as fh:
            dialect = "excel-tab" if p.suffix.lower() == ".tsv" else "excel"
            rows = [(n, r) for n, r in enumerate(csv.DictReader(fh, dialect=dialect), 2)]
    else:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    gold, problems = [], []
    stamp = dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).replace(tzinfo=None)
    for n, row in rows:
        raw = row.get("label", row.get("labels", row.get("cats")))
        if isinstance(raw, list):
            labels = [str(x) for x in raw if x]
        else:
            labels = [raw.strip()] if isinstance(raw, str) and raw.strip() else []
        if not labels:
            continue
        target, item = _ident(row)
        if target not in classes or not item:
            problems.append({"row": n, "problem": "no orgmap_id (or target and item_id) of a known target"})
            continue
        if len(set(labels)) > 1:
            problems.append({"row": n, "item_id": item, "problem": f"several labels {labels}; one class per item"})
            continue
        if labels[0] not in classes[target]:
            problems.append({"row": n, "item_id": item, "problem": f"unknown {target} class {labels[0]!r}"})
            continue
        who = row.get("annotator") or row.get("user") or annotator
        gold.append(GoldLabel(target, item, labels[0], str(who) if who else None, stamp, None, 1))
    # The last row for an item wins (a later line corrects an earlier one).
    last = {(g.target, g.item_id): g for g in gold}
    return list(last.values()), problems


# -- owner and merge review files (orgmap review export/import) ------------------------------------------
REVIEW_FORMATS = ("labelstudio", "csv", "prodigy")
REVIEW_CSV_COLUMNS = (
    "orgmap_id",
    "what",
    "domain",
    "a",
    "b",
    "question",
    *(f"candidate_{i}" for i in range(1, 6)),
    "predicted",
    "confidence",
    "priority",
    "answer",
    "other_name",
    "parent",
    "annotator",
)
"""``answer``: a choice (``candidate 2`` or ``2``, ``another name`` with ``other_name``, ``person``,
``platform``, ``unknown``; for merges ``same``, ``different``, ``parent/subsidiary`` with ``parent`` = a or b)."""


def _question(task: Mapping[str, Any]) -> str:
    d = task["data"]
    if d.get("what") == "merges":
        a, b = d["a"], d["b"]
        return (
            f"Same organization? A: {a.get('name')} ({a['domain']}, {a.get('country') or '-'}) — "
            f"B: {b.get('name')} ({b['domain']}, {b.get('country') or '-'}). "
            f"orgmap: {d.get('predicted')}; {d.get('why')}"
        )
    return str(d.get("question") or d.get("domain"))


def _options(task: Mapping[str, Any]) -> list[dict[str, str]]:
    from orgmap.review.tasks import CANDIDATES, OWNER_CHOICES, PAIR_CHOICES, PARENT_CHOICES

    d = task["data"]
    if d.get("what") == "merges":
        return [{"id": c, "text": c} for c in (*PAIR_CHOICES, *PARENT_CHOICES)]
    cands = d.get("candidates") or []
    out = [{"id": CANDIDATES[i], "text": str(c["name"])} for i, c in enumerate(cands[: len(CANDIDATES)])]
    return out + [{"id": c, "text": c} for c in OWNER_CHOICES[len(CANDIDATES) :]]


def write_review_file(tasks: Sequence[Mapping[str, Any]], path: str | Path, fmt: str) -> int:
    """Write review tasks (``orgmap.stages.review.build``) as Label Studio JSON, CSV or Prodigy JSONL."""
    p = Path(path)
    if fmt not in REVIEW_FORMATS:
        raise InputError(f"unknown review file format {fmt!r}; choose one of {', '.join(REVIEW_FORMATS)}")
    p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "labelstudio":
        p.write_text(json.dumps(list(tasks), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return len(tasks)
    if fmt == "prodigy":
        with p.open("w", encoding="utf-8") as fh:
            for t in tasks:
                d = t["data"]
                row = {
                    "text": _question(t),
                    "options": _options(t),
                    "accept": [],
                    "orgmap_id": d["orgmap_id"],
                    "other_name": "",
                    "meta": {k: d.get(k) for k in ("domain", "predicted", "confidence", "priority") if k in d},
                    "data": d,
                }
                fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return len(tasks)
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=REVIEW_CSV_COLUMNS)
        w.writeheader()
        for t in tasks:
            d = t["data"]
            cands = d.get("candidates") or []
            row = {
                "orgmap_id": d["orgmap_id"],
                "what": d.get("what"),
                "domain": d.get("domain", ""),
                "a": (d.get("a") or {}).get("domain", ""),
                "b": (d.get("b") or {}).get("domain", ""),
                "question": _question(t),
                "predicted": d.get("predicted", ""),
                "confidence": d.get("confidence", ""),
                "priority": d.get("priority", ""),
            }
            row |= {f"candidate_{i + 1}": c["name"] for i, c in enumerate(cands[:5])}
            w.writerow(row)
    return len(tasks)


def detect_review_format(path: str | Path) -> str:
    """``labelstudio`` (.json), ``prodigy`` (.jsonl/.ndjson) or ``csv`` (.csv) from the file name."""
    suffix = Path(path).suffix.lower()
    kinds = {".json": "labelstudio", ".jsonl": "prodigy", ".ndjson": "prodigy", ".csv": "csv"}
    if suffix not in kinds:
        raise InputError(f"cannot tell the format of {path} from its name; use .json, .jsonl (Prodigy) or .csv")
    return kinds[suffix]


def _annotation(data: Mapping[str, Any], choice: str, extra: str, who: Any, when: Any) -> dict[str, Any]:
    """A Label Studio annotation of ``choice`` (and the name or parent ``extra``) on a review task."""
    from orgmap.review.tasks import NAME_CONTROL, OWNER_CONTROL, PAIR_CONTROL, PARENT_CONTROL

    merges = data.get("what") == "merges" or str(data.get("orgmap_id", "")).startswith("pair:")
    control, to = (PAIR_CONTROL, "pair") if merges else (OWNER_CONTROL, "candidates")
    result: list[dict[str, Any]] = [
        {"from_name": control, "to_name": to, "type": "choices", "value": {"choices": [choice]}}
    ]
    if extra and merges:
        result.append({"from_name": PARENT_CONTROL, "to_name": to, "type": "choices", "value": {"choices": [extra]}})
    elif extra:
        result.append({"from_name": NAME_CONTROL, "to_name": to, "type": "textarea", "value": {"text": [extra]}})
    return {"result": result, "completed_by": who, "updated_at": when}


def read_review_file(
    path: str | Path, fmt: str | None = None, annotator: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The tasks of a filled-in review file in Label Studio's export shape (with annotations), and its format."""
    from orgmap.review.tasks import PAIR_CHOICES, PARENT_CHOICES

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p} not found")
    fmt = fmt or detect_review_format(p)
    if fmt == "labelstudio":
        try:
            exported = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{p} is not JSON ({exc}); export the project from Label Studio as JSON") from exc
        return ([exported] if isinstance(exported, dict) else list(exported)), fmt
    tasks: list[dict[str, Any]] = []
    if fmt == "prodigy":
        with p.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{p}:{n} is not a JSON line ({exc})") from exc
                data: dict[str, Any] = row.get("data") or {"orgmap_id": row.get("orgmap_id")}
                accept = [str(x) for x in row.get("accept") or []]
                task: dict[str, Any] = {"id": None, "data": data, "annotations": []}
                main = [x for x in accept if x not in PARENT_CHOICES]
                if row.get("answer") == "accept" and main:
                    extra = (
                        next((x for x in accept if x in PARENT_CHOICES), "")
                        or str(row.get("other_name") or row.get("user_input") or "").strip()
                    )
                    when = row.get("_timestamp")
                    when = dt.datetime.fromtimestamp(float(when), dt.UTC).isoformat() if when else None
                    who = row.get("_annotator_id") or annotator
                    task["annotations"].append(_annotation(data, main[0], extra, who, when))
                tasks.append(task)
        return tasks, fmt
    if fmt != "csv":
        raise InputError(f"unknown review file format {fmt!r}; choose one of {', '.join(REVIEW_FORMATS)}")
    with p.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            oid = row.get("orgmap_id") or ""
            if oid.startswith("pair:"):
                a, _, b = oid[5:].partition("|")
                data = {"orgmap_id": oid, "what": "merges", "a": {"domain": row.get("a") or a},
                                        "b": {"domain": row.get("b") or b}}  # fmt: skip
            else:
                cands = [
                    {"name": row[f"candidate_{i}"]} for i in range(1, 6) if (row.get(f"candidate_{i}") or "").strip()
                ]
                data = {"orgmap_id": oid, "what": "owners", "domain": row.get("domain") or oid.partition(":")[2],
                        "candidates": cands, "predicted": row.get("predicted")}  # fmt: skip
            answer = (row.get("answer") or "").strip()
            task = {"id": None, "data": data, "annotations": []}
            if answer:
                merges = data["what"] == "merges"
                extra = (row.get("parent") or "").strip() if merges else (row.get("other_name") or "").strip()
                if merges and extra.lower() in ("a", "b"):
                    extra = next(k for k, v in PARENT_CHOICES.items() if v == extra.lower())
                if merges and answer not in PAIR_CHOICES and answer in PAIR_CHOICES.values():
                    answer = next(k for k, v in PAIR_CHOICES.items() if v == answer)
                task["annotations"].append(_annotation(data, answer, extra, row.get("annotator") or annotator, None))
            tasks.append(task)
    return tasks, fmt


def write_brat(pages: Iterable[tuple[str, str, Sequence[str]]], out_dir: str | Path) -> int:
    """Brat standoff files of ORG mentions: ``<page_id>.txt`` (the ownership text) and ``<page_id>.ann``.

    ``pages``: (page id, text, mention strings); every occurrence of a mention in the text is one ``T``
    annotation (longest mentions first; overlapping occurrences of shorter ones are left out).
    An ``annotation.conf`` declaring the ORG entity is written beside them.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "annotation.conf").write_text("[entities]\nORG\n[relations]\n[events]\n[attributes]\n", encoding="utf-8")
    n = 0
    for page_id, text, mentions in pages:
        spans: list[tuple[int, int]] = []
        usable = {m for m in mentions if m.strip() and not set(m) & set("\t\n\r")}
        for m in sorted(usable, key=lambda m: (-len(m), m)):
            start = text.find(m)
            while start >= 0:
                end = start + len(m)
                if all(end <= s or start >= e for s, e in spans):
                    spans.append((start, end))
                start = text.find(m, start + 1)
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in page_id)
        (out / f"{stem}.txt").write_text(text, encoding="utf-8", newline="")
        lines = [f"T{i}\tORG {s} {e}\t{text[s:e]}" for i, (s, e) in enumerate(sorted(spans), 1)]
        (out / f"{stem}.ann").write_text("".join(f"{x}\n" for x in lines), encoding="utf-8", newline="")
        n += 1
    return n


def read_brat(ann: str | Path) -> list[tuple[str, int, int, str]]:
    """The entities of a brat ``.ann`` file: (type, start, end, text) for single-span ``T`` lines."""
    out = []
    for line in Path(ann).read_text(encoding="utf-8").split("\n"):  # not splitlines: U+2028 may be in a name
        if not line.startswith("T"):
            continue
        _tid, spec, text = line.split("\t", 2)
        kind, start, end = spec.split(" ")[:3]
        if ";" not in end:
            out.append((kind, int(start), int(end), text))
    return out
