"""What the command modules share: the --db/--config options, settings from flags, and the error decorator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from orgmap.config import Settings, load_settings
from resolver.errors import OrgmapError

DbOption = Annotated[str | None, typer.Option("--db", help="DuckDB file (default: orgmap.duckdb or settings).")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (default: ./orgmap.toml if present).")
]


def settings_from(config: Path | None, db: str | None = None, **overrides: Any) -> Settings:
    """Load settings and apply the flags a command was given (None = not given)."""
    flat: dict[str, Any] = {"db": db}
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
