"""The ``orgmap`` command: a thin shell over the library.

Each command opens the store, calls one function, and turns an ``OrgmapError`` into one line on stderr
and a non-zero exit. Commands live in ``orgmap/commands/<area>.py``; each module has a
``register(app)`` function and is discovered here, so areas do not edit one shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

import orgmap.commands
from orgmap.commands._common import friendly

__all__ = ["app", "friendly", "main"]

app = typer.Typer(
    name="orgmap",
    help="Which organization is behind each domain, and what kind of thing is each page, domain and org.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
