"""Worker processes that end with their parent.

``waspada link`` hashes large inputs in a process pool. Killed with SIGKILL, the parent runs no
clean-up, and its workers would live on (blocked writing a result nobody reads). Each worker
therefore runs ``die_with_parent`` first: on Linux the kernel sends it SIGKILL when the parent
dies (``prctl(PR_SET_PDEATHSIG)``), and everywhere a daemon thread checks every half second
that the parent is still its parent and exits when it is not. (The lead may unify this with the
scan's workers: the same helper would do for both.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Process-pool initializer: make this worker exit when ``parent_pid`` dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the thread below still watches
            pass
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent_pid:  # re-parented: the parent is gone
            os._exit(1)
