"""The CLI's shared pieces: option sets, the error decorator, and the command tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.cli._common import friendly, option_sets

runner = CliRunner()


@dataclass(frozen=True)
class Paging:
    limit: Annotated[int, typer.Option("--limit", help="Rows at most.")] = 100
    tags: Annotated[list[str] | None, typer.Option("--tag", help="Repeatable.")] = None


DEFAULT_PAGING = Paging()


def _paging_app(seen: list[tuple[str, Paging, bool]]) -> typer.Typer:
    demo = typer.Typer()

    @demo.command()
    @option_sets
    def rows(
        name: Annotated[str, typer.Argument()],
        paging: Paging = DEFAULT_PAGING,
        loud: Annotated[bool, typer.Option("--loud")] = False,
    ) -> None:
        seen.append((name, paging, loud))

    return demo


def test_an_option_set_becomes_options_in_place_and_one_argument() -> None:
    seen: list[tuple[str, Paging, bool]] = []
    demo = _paging_app(seen)
    result = runner.invoke(demo, ["x", "--tag", "a", "--loud", "--tag", "b", "--limit", "7"])
    assert result.exit_code == 0, result.output
    assert seen == [("x", Paging(limit=7, tags=["a", "b"]), True)]
    assert runner.invoke(demo, ["y"]).exit_code == 0
    assert seen[-1] == ("y", Paging(), False)
    text = runner.invoke(demo, ["--help"], env={"COLUMNS": "200"}).output
    assert text.index("--limit") < text.index("--tag") < text.index("--loud")


def test_every_export_command_takes_the_same_filter_options() -> None:
    export = typer.main.get_command(app).commands["export"]
    filters = ["org", "depth", "classes", "min_confidence", "top", "kind"]
    for name, command in export.commands.items():
        params = [p.name for p in command.params]
        start = params.index("org")
        assert params[start : start + len(filters)] == filters, name
        assert params[-2:] == ["db", "config"], name


def test_an_orgmap_error_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", "not a domain!", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert result.stderr == "orgmap: error: 'not a domain!' is not a valid domain or URL\n"
    assert result.stdout == ""


def test_ctrl_c_says_the_next_run_resumes_and_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    @friendly
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as exit_info:
        interrupted()
    assert exit_info.value.exit_code == 130
    assert capsys.readouterr().err == "orgmap: interrupted; the next run resumes where this one stopped\n"


def test_friendly_passes_other_errors_and_return_values_through() -> None:
    @friendly
    def fails() -> None:
        raise ValueError("a bug, not a user error")

    assert friendly(lambda x: x + 1)(1) == 2
    with pytest.raises(ValueError):
        fails()
