"""The ``orgmap`` command: a thin shell over the library.

Each command opens the store, calls one function, and turns an ``OrgmapError`` into one line on stderr
and a non-zero exit. Commands live in ``orgmap/commands/<area>.py``; each module has a
``register(app)`` function and is discovered here, so areas do not edit one shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer

import orgmap.commands
from resolver.errors import OrgmapError

app = typer.Typer(
    name="orgmap",
    help="Which organization is behind each domain, and what kind of thing is each page, domain and org.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    """Turn an OrgmapError into ``orgmap: error: ...`` on stderr and exit code 2 (no traceback)."""

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


@app.command()
def version() -> None:
    """Print orgmap's version.

    Example: orgmap version
    """
    from orgmap import __version__

    typer.echo(__version__)


def _discover() -> None:
    for mod in sorted(pkgutil.iter_modules(orgmap.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"orgmap.commands.{mod.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_discover()


def main() -> None:
    """Entry point for ``python -m orgmap``."""
    app(prog_name="orgmap")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
