"""The direction of imports: the folders tell the data flow, and dependencies point one way (docs/architecture.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LIBRARIES = {"resolver": set(), "classifiers": {"resolver"}, "graph": {"resolver"}}
"""Each library package and the other top-level packages it may import."""

EDGE = ("orgmap.sources", "orgmap.store", "orgmap.review", "orgmap.synth", "orgmap.progress", "orgmap.config")
"""Application modules at the edge: they never import the stages, the pipeline or the CLI."""


def imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_libraries_import_only_the_libraries_below_them() -> None:
    bad = []
    for pkg, allowed in LIBRARIES.items():
        for path in sources(pkg):
            for mod in imports(path):
                top = mod.split(".")[0]
                if top in {"resolver", "classifiers", "graph", "orgmap"} and top != pkg and top not in allowed:
                    bad.append(f"{module_name(path)} imports {mod}")
    assert bad == []


def test_edge_modules_never_import_stages_pipeline_or_cli() -> None:
    bad = []
    for path in sources("orgmap"):
        name = module_name(path)
        if not name.startswith(EDGE):
            continue
        for mod in imports(path):
            if mod.startswith(("orgmap.stages", "orgmap.pipeline", "orgmap.cli")):
                bad.append(f"{name} imports {mod}")
    assert bad == []


def test_stages_do_not_import_each_other_nor_the_cli() -> None:
    bad = []
    for path in sources("orgmap/stages"):
        name = module_name(path)
        for mod in imports(path):
            other_stage = mod.startswith("orgmap.stages.") and mod != name
            if other_stage or mod.startswith(("orgmap.cli", "orgmap.pipeline")):
                bad.append(f"{name} imports {mod}")
    assert bad == []
