"""Handing freed memory back to the system between stages and between the targets of a stage."""

from __future__ import annotations

import contextlib
import ctypes
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orgmap.store.database import Store


def release_memory(store: Store | None = None) -> None:
    """Give the memory a finished step freed back to the system (and DuckDB's cached blocks, given ``store``).

    A step frees most of what it held (pages, frames, matrices), but glibc keeps freed blocks in its heap,
    so the process's resident size would be the sum of the steps' peaks rather than the largest one.
    """
    if store is not None:
        store.drop_cache()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def use_system_allocator() -> None:
    """Let pyarrow allocate with malloc, so that :func:`release_memory` also returns what it freed.

    pandas keeps strings in Arrow buffers; pyarrow's default pool (mimalloc) holds on to freed buffers, which
    kept a few hundred MB per classify target resident after its frame was gone.
    """
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
