"""Options and helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orgmap.config import Settings, load_settings

DbOption = Annotated[str | None, typer.Option("--db", help="DuckDB file (default: orgmap.duckdb or settings).")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (default: ./orgmap.toml if present).")
]


def settings_from(config: Path | None, db: str | None = None, **overrides: Any) -> Settings:
    """Load settings and apply the flags a command was given (None = not given)."""
    flat: dict[str, Any] = {"db": db}
    flat.update(overrides)
    return load_settings(config, flat)
