"""Worker processes that end with the process that started them.

A spawned worker blocks on a pipe or queue its parent also holds open (a ``ProcessPoolExecutor``'s call queue
is shared by every worker), so when the parent is killed with SIGKILL the worker never sees end-of-file and
lives on, holding the parent's stdout and stderr. Each worker therefore watches its parent and exits when
the parent is gone.
"""

from __future__ import annotations

import os
import threading
import time

POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Exit this process soon after ``parent_pid`` ends (a daemon thread polls its parent)."""
    if os.getppid() != parent_pid:  # already orphaned before the watch began
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="orgmap-parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os._exit(1)  # no clean-up: the parent's run is gone, and the re-run redoes this worker's batch
