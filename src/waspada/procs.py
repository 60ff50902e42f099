"""Worker processes that end with the process they work for.

``waspada scan`` (fork server and workers) and ``waspada link`` (a process pool) start worker
processes. Killed with SIGKILL, the parent runs no clean-up, and the workers would live on,
blocked on a pipe nobody reads, holding their memory. Two layers stop that:

- ``die_with_parent``: on Linux, the kernel sends this process SIGKILL when its parent exits
  (``prctl(PR_SET_PDEATHSIG)``); elsewhere it does nothing. The signal is tied to the parent
  *thread* that forked this process.
- ``watch_parent``: the fallback everywhere, a daemon thread that exits this process when its
  parent changes (it died and this one was adopted) or when another process it serves is gone.

``pool_initializer`` combines them for a ``ProcessPoolExecutor``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: the kernel sends this process SIGKILL when its parent exits. Elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (a zombie counts as exited)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def watch_parent(also: int | None = None, interval: float = 0.5) -> None:
    """Start a daemon thread that ends this process when its parent changes, or when process
    ``also`` (when given) is gone."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != parent or (also is not None and gone(also)):
                os._exit(1)
            time.sleep(interval)

    threading.Thread(target=watch, name="waspada-watch-parent", daemon=True).start()


def pool_initializer(parent_pid: int) -> None:
    """Process-pool initializer: this worker exits when ``parent_pid`` (its parent) dies."""
    die_with_parent()
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)
    watch_parent()
