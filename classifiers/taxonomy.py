"""Taxonomies and declarative labeling rules: configuration the user edits, not code.

A taxonomy names the classes of each target (``page``, ``domain``, ``org``); their order is the label
index used in label matrices (``ABSTAIN = -1``). Rules are declarative labeling functions compiled by
:mod:`classifiers.lf.rules`. The packaged default is ``classifiers/taxonomy.toml`` (docs/classify.md).

Example::

    tax = load_taxonomy()
    tax.classes("org")            # ('company', 'government', ...)
    tax.index("page", "news")     # 0
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from resolver.errors import ConfigError

TARGETS = ("page", "domain", "org")
RULE_KINDS = ("keyword", "regex", "tld", "domain", "jsonld", "og_type", "link", "field", "aggregate")
_OPS = ("==", "!=", ">=", "<=", ">", "<", "in", "not in")
_REQUIRED = {
    "keyword": ("any", "fields"),
    "regex": ("patterns", "fields"),
    "tld": ("suffixes",),
    "domain": ("patterns",),
    "jsonld": ("types",),
    "og_type": ("values",),
    "link": ("patterns",),
    "field": ("conditions",),
    "aggregate": ("column", "share_column"),
}


@dataclass(frozen=True)
class Rule:
    """One declarative labeling rule, as written in the taxonomy file."""

    name: str
    """Unique name; becomes the labeling function's name in reports and evidence."""
    targets: tuple[str, ...]
    """Which of page / domain / org this rule labels."""
    kind: str
    """One of :data:`RULE_KINDS`."""
    label: str | None
    """The class the rule votes for (None for ``aggregate``, whose vote comes from the data)."""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """The kind-specific settings (``any``, ``patterns``, ``fields``, ``min_matches``, ``none``, ...)."""


@dataclass(frozen=True)
class Taxonomy:
    """Classes per target, the domain→org class map, and the declarative rules."""

    targets: Mapping[str, tuple[str, ...]] = field(hash=False)
    """Class ids per target, in label-index order."""
    org_map: Mapping[str, str] = field(hash=False)
    """How a domain class votes for its owner's org class."""
    rules: tuple[Rule, ...] = ()
    source: str = "<default>"
    """Where it was loaded from (for messages and the model registry)."""

    def classes(self, target: str) -> tuple[str, ...]:
        """The class ids of ``target`` in label-index order."""
        try:
            return self.targets[target]
        except KeyError:
            raise ConfigError(f"unknown target {target!r}; the taxonomy defines {', '.join(self.targets)}") from None

    def index(self, target: str, label: str) -> int:
        """The label index of class ``label`` for ``target``."""
        classes = self.classes(target)
        try:
            return classes.index(label)
        except ValueError:
            known = ", ".join(classes)
            raise ConfigError(f"{label!r} is not a {target} class in {self.source}; known: {known}") from None

    def rules_for(self, target: str) -> tuple[Rule, ...]:
        """The rules that label ``target``."""
        return tuple(r for r in self.rules if target in r.targets)


def default_taxonomy_path() -> Path:
    """The packaged default taxonomy file."""
    return Path(str(resources.files("classifiers").joinpath("taxonomy.toml")))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file (the packaged default when ``path`` is empty).

    Every problem in the file is reported at once, in one :class:`ConfigError`.
    """
    p = Path(path) if path else default_taxonomy_path()
    if not p.exists():
        raise ConfigError(f"taxonomy file {p} not found; set [classify] taxonomy_file to an existing TOML file")
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: {exc}") from exc
    return taxonomy_from_dict(data, source=str(p))


def taxonomy_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Taxonomy:
    """Build a :class:`Taxonomy` from parsed TOML, collecting every validation error."""
    errors: list[str] = []
    targets: dict[str, tuple[str, ...]] = {}
    for target, spec in (data.get("targets") or {}).items():
        classes = tuple(spec.get("classes") or ())
        if not classes:
            errors.append(f"[targets.{target}] has no classes")
        if len(set(classes)) != len(classes):
            errors.append(f"[targets.{target}] lists a class twice")
        targets[target] = classes
    for t in TARGETS:
        if t not in targets:
            errors.append(f"[targets.{t}] is missing")
    org_map = dict((data.get("map") or {}).get("org") or {})
    for src, dst in org_map.items():
        if dst not in targets.get("org", ()):
            errors.append(f"[map.org] {src} = {dst!r}: not an org class")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("rules") or []):
        where = f"rule #{i + 1} ({raw.get('name', '?')})"
        name, kind = raw.get("name"), raw.get("kind")
        rule_targets = tuple(raw.get("targets") or ())
        if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            errors.append(f"{where}: needs a name made of letters, digits and _")
        elif name in seen:
            errors.append(f"{where}: the name {name!r} is used twice")
        seen.add(name or "")
        if kind not in RULE_KINDS:
            errors.append(f"{where}: kind {kind!r} is not one of {', '.join(RULE_KINDS)}")
            continue
        for key in _REQUIRED[kind]:
            if not raw.get(key):
                errors.append(f"{where}: kind {kind} needs {key!r}")
        label = raw.get("label")
        if kind != "aggregate" and not label:
            errors.append(f"{where}: needs a label")
        for t in rule_targets:
            if t not in targets:
                errors.append(f"{where}: unknown target {t!r}")
            elif label and label not in targets[t]:
                errors.append(f"{where}: label {label!r} is not a {t} class")
        if not rule_targets:
            errors.append(f"{where}: needs targets (page, domain and/or org)")
        for pat in [*raw.get("patterns", ()), *raw.get("none", ())] if kind in ("regex", "domain", "link") else ():
            try:
                re.compile(pat)
            except re.error as exc:
                errors.append(f"{where}: bad regex {pat!r}: {exc}")
        for cond in raw.get("conditions", ()) if kind == "field" else ():
            if not (isinstance(cond, list) and len(cond) == 3 and cond[1] in _OPS):
                errors.append(f"{where}: condition {cond!r} must be [column, op, value] with op in {_OPS}")
            elif cond[1] in ("in", "not in") and not isinstance(cond[2], list):
                errors.append(f"{where}: condition {cond!r}: {cond[1]!r} needs a list of values")
        for t in rule_targets if kind == "aggregate" else ():
            for src, dst in (raw.get("map") or {}).items():
                if t in targets and dst not in targets[t]:
                    errors.append(f"{where}: map {src} = {dst!r}: not a {t} class")
        params = {k: v for k, v in raw.items() if k not in ("name", "targets", "kind", "label")}
        rules.append(Rule(name=name or "", targets=rule_targets, kind=kind, label=label, params=params))
    if errors:
        raise ConfigError(f"{source}: {len(errors)} problem(s):\n  " + "\n  ".join(errors))
    return Taxonomy(targets=targets, org_map=org_map, rules=tuple(rules), source=source)
