"""Distant supervision: a list of domains with their class becomes a labeling function.

A reference-labels file is a CSV of ``domain,class`` or ``domain,target,class`` (a host or URL is reduced to its
registered domain). Without a target a class labels the domains of that site category and, through the
taxonomy's ``[map.org]``, their owners. The same files serve as gold (``orgmap label import FILE``). Lists used
to evaluate are split by a hash of the domain (:func:`half_of`) so a list never grades itself; docs/classify.md.

Example::

    rows = read_domain_labels("dotgov.csv")
    lf = reference_lf("dotgov", rows, load_taxonomy(), "domain")
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifiers.lf.core import ABSTAIN, LF
from classifiers.taxonomy import TARGETS, Taxonomy
from resolver.domains import registered_domain
from resolver.errors import InputError

__all__ = [
    "DomainLabel",
    "half_of",
    "is_domain_labels",
    "labels_for",
    "lf_name",
    "read_domain_labels",
    "reference_lf",
    "reference_lfs",
    "reference_org_lf",
]

_DOMAIN_COLUMNS = ("domain", "registered_domain")
_CLASS_COLUMNS = ("class", "label")


@dataclass(frozen=True)
class DomainLabel:
    """One row of a reference-labels (or gold) file."""

    domain: str
    """Registered domain (punycode)."""
    target: str | None
    """page, domain or org; None: whichever target the class belongs to."""
    label: str
    """A class id of the taxonomy."""


def read_domain_labels(path: str | Path) -> list[DomainLabel]:
    """The rows of a ``domain[,target],class`` CSV; every problem is reported at once, with its line."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"reference-labels file {p} not found", path=str(p))
    st = p.stat()
    return list(_read_cached(str(p.resolve()), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=8)
def _read_cached(path: str, _mtime_ns: int, _size: int) -> tuple[DomainLabel, ...]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, dialect="excel-tab" if path.endswith(".tsv") else "excel")
        header = [h.strip().lower() for h in reader.fieldnames or ()]
        dom_col = next((c for c in _DOMAIN_COLUMNS if c in header), None)
        cls_col = next((c for c in _CLASS_COLUMNS if c in header), None)
        if dom_col is None or cls_col is None:
            raise InputError(
                f"{path}: the header is {','.join(header) or '(empty)'}; expected domain,class or domain,target,class",
                path=path,
            )
        rows, problems = [], []
        for n, raw in enumerate(reader, 2):
            rec = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            domain = registered_domain(rec[dom_col], unlisted_tld=True) if rec[dom_col] else None
            target = rec.get("target") or None
            label = rec[cls_col]
            if not label:
                continue
            if domain is None:
                problems.append(f"line {n}: {rec[dom_col]!r} is not a domain")
            elif target is not None and target not in TARGETS:
                problems.append(f"line {n}: target {target!r} is not one of {', '.join(TARGETS)}")
            else:
                rows.append(DomainLabel(domain, target, label))
    if problems:
        shown = "\n  ".join(problems[:20])
        raise InputError(f"{path}: {len(problems)} bad row(s), fix them:\n  {shown}", path=path)
    return tuple(rows)


def is_domain_labels(path: str | Path) -> bool:
    """Whether the CSV at ``path`` is a ``domain[,target],class`` file (not an ``orgmap label export`` one)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = {h.strip().lower() for h in next(csv.reader(fh), [])}
    return (
        bool(header & set(_DOMAIN_COLUMNS))
        and bool(header & set(_CLASS_COLUMNS))
        and not header
        & {
            "orgmap_id",
            "item_id",
        }
    )


def half_of(domain: str, share: float = 0.5) -> str:
    """``"lf"`` or ``"eval"``: which half of a list ``domain`` falls in (a stable hash, not the list's order).

    >>> half_of("example.gov") in ("lf", "eval")
    True
    """
    h = int(hashlib.sha1(domain.encode("utf-8")).hexdigest()[:8], 16) % 10_000
    return "eval" if h < share * 10_000 else "lf"


def labels_for(rows: Iterable[DomainLabel], taxonomy: Taxonomy, target: str) -> dict[str, str]:
    """Domain → class of ``target``: rows of that target, and rows without one whose class fits it.

    A class that is not a ``target`` class is mapped through ``[map.org]`` for orgs; others are left out.
    When a domain has several classes for the target, the last row wins.
    """
    classes = set(taxonomy.classes(target))
    out: dict[str, str] = {}
    for r in rows:
        if r.target is not None and r.target != target:
            continue
        label = r.label
        if label not in classes and r.target is None and target == "org":
            label = taxonomy.org_map.get(label, "")
        if label in classes:
            out[r.domain] = label
    return out


def reference_lf(name: str, rows: Sequence[DomainLabel], taxonomy: Taxonomy, target: str) -> LF | None:
    """A labeling function voting each listed domain's class (None when no row fits ``target``).

    Pages and domains are looked up by their registered domain; an org votes when one of its domains is
    listed (its domains' classes are counted and the most frequent wins).
    """
    lookup = labels_for(rows, taxonomy, target)
    if not lookup:
        return None
    classes = taxonomy.classes(target)
    index = {d: classes.index(c) for d, c in lookup.items()}

    def vote(domains: str) -> int:
        votes = [index[d] for d in domains.split() if d in index]
        if not votes:
            return ABSTAIN
        return int(np.bincount(votes).argmax())

    def row(x: Any) -> int:
        return vote(x["registered_domain"])

    def batch(df: pd.DataFrame) -> np.ndarray:
        return np.fromiter((vote(d) for d in df["registered_domain"]), dtype=np.int64, count=len(df))

    return LF(lf_name(name), target, "reference", row, batch, None)


ORG_CLASS_ALIASES = {
    "education": "education_research",
    "university": "education_research",
    "research": "education_research",
    "facility": "education_research",
    "funder": "nonprofit",
    "ngo": "nonprofit",
    "archive": "other",
    "business": "company",
    "party": "political_party",
    "church": "religious",
}
"""Categories of reference org lists (ROR types, users' words) → organization types, where they differ."""


def reference_org_lf(classes_by_id: Mapping[str, str], taxonomy: Taxonomy) -> LF | None:
    """``reference_orgs_class``: the class a reference org list (``orgmap resolve --orgs``) gives an org, as a vote.

    Reads the org frame's ``reference_id`` (set when the resolver linked the org to the list); a category that is no
    organization type, even through :data:`ORG_CLASS_ALIASES`, abstains (a hospital's owner type is not its kind).
    """
    classes = taxonomy.classes("org")
    index = {}
    for ref_id, cls in classes_by_id.items():
        c = (cls or "").strip().lower()
        c = c if c in classes else ORG_CLASS_ALIASES.get(c, "")
        if c in classes:
            index[ref_id] = classes.index(c)
    if not index:
        return None

    def row(x: Any) -> int:
        return index.get(x["reference_id"], ABSTAIN)

    def batch(df: pd.DataFrame) -> np.ndarray:
        return np.fromiter((index.get(i, ABSTAIN) for i in df["reference_id"]), dtype=np.int64, count=len(df))

    return LF("reference_orgs_class", "org", "reference", row, batch, None)


def _fits_some_target(row: DomainLabel, taxonomy: Taxonomy) -> bool:
    targets = [row.target] if row.target else list(TARGETS)
    return any(row.label in taxonomy.classes(t) or (t == "org" and row.label in taxonomy.org_map) for t in targets)


def lf_name(name: str) -> str:
    """``"my lists/dotgov.csv"`` → ``"reference_dotgov"``: a valid, readable LF name from a file name."""
    stem = Path(name).stem if ("/" in name or "." in name) else name
    return "reference_" + (re.sub(r"\W+", "_", stem).strip("_").lower() or "list")


def reference_lfs(paths: Iterable[str | Path], taxonomy: Taxonomy, target: str) -> list[LF]:
    """One labeling function per reference-labels file that has rows for ``target``."""
    out = []
    for path in paths:
        rows = read_domain_labels(path)
        unknown = sorted({r.label for r in rows if not _fits_some_target(r, taxonomy)})
        if unknown:
            raise InputError(
                f"{path}: {', '.join(map(repr, unknown[:10]))} is no class of the taxonomy; "
                "see `orgmap label config --target domain` (or org, page) for the classes",
                path=str(path),
            )
        lf = reference_lf(str(path), rows, taxonomy, target)
        if lf is not None:
            out.append(lf)
    return out
