"""Where orgmap writes files: where the user points, else beside the database; never over a file unasked.

``orgmap resolve`` writes ``<db stem>.kumu.json`` and ``<db stem>.report.html`` next to the database (or
in ``--out DIR``), so two databases never share an export and the current directory is never written
to by surprise. Those two belong to their database and are replaced by its next run, which says so.
An ``orgmap export`` refuses to replace an existing file unless given ``--force``. Directories are
checked before the work starts, so a long run does not fail at its last step.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from orgmap.config import Settings
from orgmap.store.database import probe_dir
from resolver.errors import InputError

__all__ = ["output_path", "require_new", "require_writable_dir"]


def output_path(settings: Settings, name: str) -> Path:
    """``<out_dir>/<db stem>.<name>``; without an ``out_dir`` setting (``--out``), the database's directory.

    >>> output_path(Settings(db="runs/crawl.duckdb"), "kumu.json").as_posix()
    'runs/crawl.kumu.json'
    >>> output_path(Settings(db="crawl.duckdb", out_dir="exports"), "report.html").as_posix()
    'exports/crawl.report.html'
    """
    db = Path(settings.db)
    where = Path(settings.out_dir) if settings.out_dir else db.parent
    return where / f"{db.stem}.{name}"


def require_writable_dir(where: Path, what: str = "the output") -> None:
    """Create ``where`` if needed and check a file can be written in it; :class:`InputError` saying why not."""
    try:
        probe_dir(where)
    except OSError as exc:
        raise InputError(
            f"cannot write {what} in {where} ({exc.strerror or exc}); pass another directory or file "
            "(--out DIR for orgmap resolve, -o FILE for an export)",
            path=str(where),
        ) from exc


def require_new(paths: Iterable[Path], force: bool) -> None:
    """Refuse to replace existing files unless ``force``; then check their directories can be written."""
    paths = list(paths)
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise InputError(
            f"{', '.join(existing)} already exists; pass --force to replace it, or -o another file",
            path=existing[0],
        )
    for where in dict.fromkeys(p.parent for p in paths):
        require_writable_dir(where)
