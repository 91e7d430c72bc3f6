"""Kumu blueprints: the stored graph as Kumu's JSON import (``{"elements": [...], "connections": [...]}``).

Ids use only letters, digits and ``-`` (Kumu treats ``_`` and ``.`` specially) and derive from the node id,
so re-importing an updated export updates the same elements; :func:`validate_blueprint` checks every export
against the format (docs/graph.md, "Kumu format").

Example::

    bp = blueprint(nodes, edges)  # Arrow rows from graph.export.select_subgraph
    assert validate_blueprint(bp) == []
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

__all__ = [
    "CONNECTION_TYPES",
    "DIRECTIONS",
    "ELEMENT_TYPES",
    "blueprint",
    "connection_id",
    "distinct_labels",
    "element_id",
    "validate_blueprint",
]

ELEMENT_TYPES = {"domain": "Domain", "org": "Organization", "host": "Host", "page": "Page"}
"""Kumu element ``type`` per node kind."""
CONNECTION_TYPES = {
    "owned_by": "owned by",
    "links_to": "links to",
    "redirects_to": "redirects to",
    "parent_of": "parent of",
    "subsidiary_of": "subsidiary of",
    "same_as": "same as",
    "part_of": "part of",
}
"""Kumu connection ``type`` per edge kind."""
DIRECTIONS = ("directed", "undirected", "mutual")
_UNDIRECTED = {"same_as"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9-]+$")
"""What an orgmap Kumu id looks like: no ``_`` or ``.``."""
_ID_PREFIX = {"domain": "dom", "org": "org", "host": "host", "page": "page"}
_MAX_LIST = 10


def element_id(node_id: str) -> str:
    """Stable Kumu id of a node: ``<kind>-<16 hex>`` (same node, same id, export after export)."""
    kind = node_id.split(":", 1)[0]
    return f"{_ID_PREFIX.get(kind, 'node')}-{hashlib.sha1(node_id.encode('utf-8')).hexdigest()[:16]}"


def connection_id(src: str, dst: str, kind: str) -> str:
    """Stable Kumu id of an edge (prefixed ``c-``, so never equal to an element id)."""
    return "c-" + hashlib.sha1(f"{src}\x1f{dst}\x1f{kind}".encode()).hexdigest()[:16]


def blueprint(nodes: pa.Table, edges: pa.Table) -> dict[str, list[dict[str, Any]]]:
    """Kumu elements and connections for node and edge rows shaped like ``graph_nodes`` / ``graph_edges``."""
    node_rows = nodes.to_pylist()
    labels = distinct_labels(node_rows)
    elements = [_element(r, labels) for r in node_rows]
    connections = [_connection(r) for r in edges.to_pylist() if r["src"] in labels and r["dst"] in labels]
    return {"elements": elements, "connections": connections}


def distinct_labels(node_rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each node's Kumu label: its own, unless an element of another kind has the same one.

    Kumu users find elements by label, so an org named ``acme.com`` next to the domain ``acme.com`` would
    be two hits that look alike: the domain keeps the label, the others get their type after it
    (``acme.com (Organization)``). Case is ignored when comparing.

    >>> rows = [{"node_id": "domain:a.com", "kind": "domain", "label": "a.com", "item_id": "a.com"},
    ...         {"node_id": "org:1", "kind": "org", "label": "A.com", "item_id": "1"}]
    >>> distinct_labels(rows)
    {'domain:a.com': 'a.com', 'org:1': 'A.com (Organization)'}
    """
    rows = list(node_rows)
    base = {r["node_id"]: r["label"] or r["item_id"] for r in rows}
    kinds: dict[str, set[str]] = {}
    for r in rows:
        kinds.setdefault(base[r["node_id"]].casefold(), set()).add(r["kind"])
    out = {}
    for r in rows:
        label, kind = base[r["node_id"]], r["kind"]
        shared = len(kinds[label.casefold()]) > 1
        keeps = kind == min(kinds[label.casefold()], key=_label_priority)
        out[r["node_id"]] = label if not shared or keeps else f"{label} ({ELEMENT_TYPES.get(kind, kind.title())})"
    return out


_LABEL_PRIORITY = ("domain", "host", "org", "page")
"""Which kind keeps a label several kinds share (the rest get their type after it)."""


def _label_priority(kind: str) -> int:
    return _LABEL_PRIORITY.index(kind) if kind in _LABEL_PRIORITY else len(_LABEL_PRIORITY)


def _attrs(row: Mapping[str, Any]) -> dict[str, Any]:
    raw = row.get("attrs")
    return {k: v for k, v in json.loads(raw).items() if v is not None} if raw else {}


def _num(value: Any, digits: int = 4) -> Any:
    if isinstance(value, float):
        return round(value, digits) if math.isfinite(value) else None
    return value


def _date(value: Any) -> str | None:
    return value.date().isoformat() if isinstance(value, dt.datetime) else None


def _probs(attrs: Mapping[str, Any]) -> dict[str, float]:
    probs = attrs.get("class_probs")
    if isinstance(probs, str):
        try:
            probs = json.loads(probs)
        except ValueError:
            return {}
    if not isinstance(probs, dict):
        return {}
    return {str(k): v for k, v in probs.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _clip(items: Iterable[str]) -> str:
    items = list(items)
    more = f" (+{len(items) - _MAX_LIST} more)" if len(items) > _MAX_LIST else ""
    return ", ".join(items[:_MAX_LIST]) + more


def _element(row: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    kind, attrs = row["kind"], _attrs(row)
    label = labels[row["node_id"]]
    tags: list[str] = []
    if row.get("class"):
        tags.append(str(row["class"]))
    if row.get("country"):
        tags.append(str(row["country"]))
    if attrs.get("legal_form"):
        tags.append(str(attrs["legal_form"]))
    parts = [label]
    if kind == "domain":
        status = attrs.get("owner_status", "unresolved")
        if row.get("owner_id"):
            owner = labels.get("org:" + row["owner_id"]) or attrs.get("owner_name") or row["owner_id"]
            parts.append(f"owned by {owner} (confidence {row['confidence']:.2f})")
        else:
            parts.append(f"owner {status}")
            tags.append("unowned")
        if attrs.get("crawled") is False:
            tags.append("not crawled")
        parts.append(f"{row.get('n_pages') or 0} pages")
    elif kind == "org":
        if row.get("country"):
            parts.append(str(row["country"]))
        domains = attrs.get("domains") or []
        parts.append(f"{row.get('n_domains') or 0} domains" + (f": {_clip(domains)}" if domains else ""))
        aliases = [a for a in attrs.get("aliases") or [] if a != (row["label"] or row["item_id"])]
        if aliases:
            parts.append("also known as " + _clip(aliases))
    if row.get("class"):
        conf = row.get("class_confidence")
        parts.append(f"class {row['class']}" + (f" ({conf:.2f})" if isinstance(conf, float) else ""))
    element: dict[str, Any] = {
        "id": element_id(row["node_id"]),
        "label": label,
        "type": ELEMENT_TYPES.get(kind, kind.title()),
        "description": " · ".join(parts),
        "tags": list(dict.fromkeys(tags)),
    }
    fields: dict[str, Any] = {
        "Node ID": row["node_id"],
        "Class": row.get("class"),
        "Class confidence": _num(row.get("class_confidence")),
        "Confidence": _num(row.get("confidence")),
        "Country": row.get("country"),
        "Legal form": attrs.get("legal_form"),
        "Owner": (labels.get("org:" + row["owner_id"]) or attrs.get("owner_name")) if row.get("owner_id") else None,
        "Owner status": attrs.get("owner_status") if kind == "domain" else None,
        "URL": f"https://{row['item_id']}/" if kind in ("domain", "host") else attrs.get("url"),
        "Domains": row.get("n_domains"),
        "Pages": row.get("n_pages"),
        "Inbound links": row.get("links_in"),
        "Outbound links": row.get("links_out"),
        "Degree": row.get("degree"),
        "PageRank": _num(row.get("pagerank"), 8),
        "Component": row.get("component"),
        "Community": row.get("community"),
        "First seen": _date(row.get("first_seen")),
        "Last seen": _date(row.get("last_seen")),
    }
    for cls, p in sorted(_probs(attrs).items()):
        fields[f"P({cls})"] = _num(float(p))
    element.update({k: v for k, v in fields.items() if v is not None and v != ""})
    return element


def _connection(row: Mapping[str, Any]) -> dict[str, Any]:
    kind, attrs = row["kind"], _attrs(row)
    conn: dict[str, Any] = {
        "id": connection_id(row["src"], row["dst"], kind),
        "from": element_id(row["src"]),
        "to": element_id(row["dst"]),
        "type": CONNECTION_TYPES.get(kind, kind.replace("_", " ")),
        "direction": "undirected" if kind in _UNDIRECTED else "directed",
    }
    fields: dict[str, Any] = {
        "Confidence": _num(row.get("confidence")),
        "Links": row.get("n_links") if kind == "links_to" else None,
        "Redirects": row.get("n_links") if kind == "redirects_to" else None,
        "Pages": row.get("n_pages") if kind == "links_to" else None,
        "Status": attrs.get("status"),
        "Evidence": _evidence(attrs.get("evidence")),
    }
    conn.update({k: v for k, v in fields.items() if v is not None and v != ""})
    return conn


def _evidence(evidence: Any) -> str | None:
    """A one-line summary of an edge's evidence (signals and names), for the Kumu side panel."""
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence)
        except ValueError:
            return evidence[:300]
    if isinstance(evidence, dict):
        items = evidence.get("items")
        if isinstance(items, list) and items:
            bits = [
                f"{i.get('signal')}: {i.get('name')}" if i.get("name") else str(i.get("signal"))
                for i in items[:5]
                if isinstance(i, dict)
            ]
            return "; ".join(bits)[:300] or None
        return json.dumps(evidence, ensure_ascii=False)[:300]
    return None if evidence is None else json.dumps(evidence, ensure_ascii=False)[:300]


def validate_blueprint(bp: Any) -> list[str]:
    """Every way ``bp`` breaks the Kumu blueprint format as orgmap writes it; empty when valid."""
    errors: list[str] = []
    if not isinstance(bp, dict) or set(bp) != {"elements", "connections"}:
        return ["a blueprint is an object with exactly 'elements' and 'connections'"]
    if not isinstance(bp["elements"], list) or not isinstance(bp["connections"], list):
        return ["'elements' and 'connections' must be arrays"]
    seen: set[str] = set()
    element_ids: set[str] = set()
    for i, el in enumerate(bp["elements"]):
        where = f"elements[{i}]"
        if not isinstance(el, dict):
            errors.append(f"{where} is not an object")
            continue
        errors += _check_id(el.get("id"), where, seen)
        if isinstance(el.get("id"), str):  # any other id is reported above (and may be unhashable)
            element_ids.add(el["id"])
        if not isinstance(el.get("label"), str) or not el["label"]:
            errors.append(f"{where}.label must be a non-empty string")
        for key in ("type", "description"):
            if key in el and not isinstance(el[key], str):
                errors.append(f"{where}.{key} must be a string")
        if "tags" in el and not (isinstance(el["tags"], list) and all(isinstance(t, str) for t in el["tags"])):
            errors.append(f"{where}.tags must be an array of strings")
        errors += _check_fields(el, where, {"id", "label", "type", "description", "tags"})
    for i, c in enumerate(bp["connections"]):
        where = f"connections[{i}]"
        if not isinstance(c, dict):
            errors.append(f"{where} is not an object")
            continue
        errors += _check_id(c.get("id"), where, seen)
        for end in ("from", "to"):
            if c.get(end) not in element_ids:
                errors.append(f"{where}.{end} = {c.get(end)!r} is no element id")
        if c.get("direction") not in DIRECTIONS:
            errors.append(f"{where}.direction must be one of {', '.join(DIRECTIONS)}")
        if "type" in c and not isinstance(c["type"], str):
            errors.append(f"{where}.type must be a string")
        errors += _check_fields(c, where, {"id", "from", "to", "type", "direction"})
    return errors


def _check_id(value: Any, where: str, seen: set[str]) -> list[str]:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return [f"{where}.id = {value!r}: ids are letters, digits and '-' only (no '_' or '.')"]
    if value in seen:
        return [f"{where}.id = {value!r} is not unique across elements and connections"]
    seen.add(value)
    return []


def _check_fields(obj: Mapping[str, Any], where: str, standard: set[str]) -> list[str]:
    errors = []
    for key, value in obj.items():
        if key in standard:
            continue
        ok = isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value))
        if not ok:
            errors.append(f"{where}[{key!r}] must be a flat string, number or boolean, got {type(value).__name__}")
    return errors
