"""Every CLI command is documented in the README (a command nobody can find does not exist)."""

from pathlib import Path

import typer.main

from orgmap.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_top_level_command_is_in_the_readme() -> None:
    group = typer.main.get_command(app)
    missing = [name for name in group.commands if name != "version" and f"orgmap {name}" not in README]
    assert missing == []


def test_readme_says_the_two_commands() -> None:
    assert "make resolve" in README and "make test" in README
