"""Every CLI command is documented in the README (a command nobody can find does not exist)."""

from pathlib import Path
from typing import Any

import typer.main

from orgmap.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


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
