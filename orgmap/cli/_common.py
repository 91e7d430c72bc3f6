"""What the command modules share: the --db/--config options, option sets, settings from flags, the error decorator."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_type_hints

import typer

from orgmap.config import Settings, load_settings
from resolver.errors import OrgmapError

DbOption = Annotated[str | None, typer.Option("--db", help="DuckDB file (default: orgmap.duckdb or settings).")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (default: ./orgmap.toml if present).")
]


GLOBAL_OPTIONS: dict[str, Any] = {}
"""Options given before the command (``orgmap --wait 60 resolve``), set by the app's callback for this invocation."""

WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", min=0, help="Processes for page extraction and NER (default: every core; 1: this process)."
    ),
]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="Where page-heavy stages run: local (processes) or ray (docs/scale-out.md)."),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option("--ray-address", help="Ray cluster to join with --engine ray (default: a local Ray runtime)."),
]


def settings_from(config: Path | None, db: str | None = None, **overrides: Any) -> Settings:
    """Load settings and apply the flags a command was given (None = not given), and ``orgmap --wait``."""
    flat: dict[str, Any] = {"db": db, "db_wait": GLOBAL_OPTIONS.get("wait")}
    flat.update(overrides)
    return load_settings(config, flat)


F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    """Turn an OrgmapError into ``orgmap: error: ...`` on stderr and exit code 2 (no traceback).

    Ctrl-C becomes exit code 130 and a line saying the next run resumes. Put it under the Typer decorator::

        @app.command()
        @friendly
        def sql(...) -> None: ...
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OrgmapError as exc:
            typer.echo(f"orgmap: error: {exc}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("orgmap: interrupted; the next run resumes where this one stopped", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def option_sets(func: F) -> F:
    """Let a command take a set of options shared with other commands as one dataclass parameter.

    Typer sees, in place of each parameter annotated with a dataclass, that dataclass's fields (each an
    ``Annotated`` Typer option with its default); the command receives one instance built from them.
    So an option set is defined once, as a dataclass, and every command that takes it names it once::

        @dataclass(frozen=True)
        class Paging:
            limit: Annotated[int, typer.Option("--limit", help="Rows at most.")] = 100

        @app.command()
        @friendly
        @option_sets
        def rows(paging: Paging = Paging()) -> None: ...
    """
    signature = inspect.signature(func, eval_str=True)
    sets: dict[str, type] = {}
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        cls = param.annotation
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY))
            continue
        sets[param.name] = cls
        hints = get_type_hints(cls, include_extras=True)
        params += [
            inspect.Parameter(
                f.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=hints[f.name],
                default=inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default,
            )
            for f in dataclasses.fields(cls)
        ]
    names = [p.name for p in params]
    if len(names) != len(set(names)):
        raise TypeError(f"{func.__name__}: an option set repeats a parameter name ({names})")

    @wraps(func)
    def command(**kwargs: Any) -> Any:
        for name, cls in sets.items():
            kwargs[name] = cls(**{f.name: kwargs.pop(f.name) for f in dataclasses.fields(cls)})
        return func(**kwargs)

    command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return command  # type: ignore[return-value]
