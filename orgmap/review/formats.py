"""Labeling files for users who move files instead of running a Label Studio server.

:func:`write_file` writes the tasks ``orgmap label push`` would send, as Label Studio JSON, doccano JSONL or
CSV; :func:`read_file` reads a labelled file back as gold labels and the rows it could not use. The
columns of each format: docs/labeling.md, "Labeling files".

Example::

    write_file(tasks, "to_label.csv", "csv")
    gold, problems = read_file("labelled.csv", classes_by_target)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping, Sequence
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
