"""Errors raised by orgmap's stages, in a hierarchy so callers can catch at the level they care about.

::

    OrgmapError                    anything orgmap raises on purpose
    ├── InputError                 a whole input is unusable (missing path, unreadable file)
    ├── RecordError                one record is bad; carries file/record/url; the batch goes on
    │   └── InvalidURLError        a URL or host that cannot be normalized
    ├── StoreError                 the DuckDB store cannot be opened or migrated
    ├── ConfigError                a settings or taxonomy file is wrong
    └── FetchError                 a page could not be fetched (carries the url and reason)
"""

from __future__ import annotations


class OrgmapError(Exception):
    """Base of every error orgmap raises on purpose; the message says what to do next."""


class InputError(OrgmapError):
    """A whole input cannot be read: the run stops before anything is written."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class RecordError(OrgmapError):
    """One record is unusable; carries where it came from so the report can name it.

    For code that handles one record at a time: a batch keeps its bad records as values (``IngestProblem``
    rows) and goes on.
    """

    def __init__(
        self, reason: str, *, file: str | None = None, record: int | None = None, url: str | None = None
    ) -> None:
        where = ", ".join(
            p
            for p in (
                file and f"file {file}",
                record is not None and f"record {record}",
                url and f"url {url!r}",
            )
            if p
        )
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.file = file
        self.record = record
        self.url = url


class InvalidURLError(RecordError):
    """A URL or host that cannot be turned into a registered domain (reason says why)."""


class StoreError(OrgmapError):
    """The DuckDB store cannot be opened, is locked, or has a newer schema than this orgmap."""


class ConfigError(OrgmapError):
    """A settings, taxonomy or rules file is malformed; the message names the key."""


class FetchError(OrgmapError):
    """A page could not be fetched; ``reason`` is short and stable (e.g. ``robots``, ``timeout``)."""

    def __init__(self, reason: str, *, url: str, detail: str = "") -> None:
        super().__init__(f"{url}: {reason}" + (f" ({detail})" if detail else ""))
        self.reason = reason
        self.url = url
        self.detail = detail
