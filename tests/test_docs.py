"""Every CLI command is documented in the README (a command nobody can find does not exist)."""

import ast
from pathlib import Path
from typing import Any

import typer.main

from orgmap.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_every_top_level_command_is_in_the_readme() -> None:
    group = typer.main.get_command(app)
    missing = [name for name in group.commands if name != "version" and f"orgmap {name}" not in README]
    assert missing == []


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and group below COMMAND (itself first), with its path of names."""
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


def test_every_command_and_group_has_an_example() -> None:
    tree = _commands(typer.main.get_command(app))
    assert len(tree) > 30 and any(hasattr(c, "commands") for _, c in tree[1:])
    missing = [
        " ".join(path) or "orgmap"
        for path, c in tree
        if f"Example: {' '.join(('orgmap', *path))}" not in (c.help or "")
    ]
    assert missing == []


def test_readme_says_the_two_commands() -> None:
    assert "make resolve" in README and "make test" in README


PACKAGES = ("orgmap", "resolver", "classifiers", "graph")
DOCSTRING_LINES = 12
DOCSTRING_WORDS = 120
"""A module docstring says what the module is for and may show a short example; design text and measured
figures belong in docs/, where they can be dated."""


def _module_docstring_sizes() -> dict[str, tuple[int, int]]:
    """(lines, words) of every package module's docstring, by path relative to the repository."""
    sizes = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
            sizes[path.relative_to(ROOT).as_posix()] = (len(doc.splitlines()), len(doc.split()))
    return sizes


def _too_long(size: tuple[int, int]) -> bool:
    lines, words = size
    return lines > DOCSTRING_LINES or words > DOCSTRING_WORDS


def test_module_docstrings_are_short() -> None:
    sizes = _module_docstring_sizes()
    assert len(sizes) > 50 and "resolver/signals.py" in sizes
    long = [
        f"{path}: {lines} lines, {words} words" for path, (lines, words) in sizes.items() if _too_long((lines, words))
    ]
    assert long == [], f"at most {DOCSTRING_LINES} lines and {DOCSTRING_WORDS} words; move the rest to docs/"
