"""Guards for the scan's worker processes: a per-record CPU-time budget, and dying with the scan.

**Time budget.** ``RecordBudget`` arms a CPU-time interval timer (``ITIMER_PROF``, SIGPROF) for
the length of a chunk's ``assess()`` pass. The loop only stores the position of the record it
is on; the timer's handler, every quarter of the budget, charges the tick to that record and
raises ``RecordTimeout`` into it at its fifth tick, i.e. once the record has used between 1 and
1.25 times the budget of CPU. The ticks are counted per record, not only in a row: the batched
fast stage (``Analyzer.first_stage_many``) works on a record once per step, the other records'
steps in between, and a record slow in every step is charged for all of them. So the normal
path costs one list store per record and step, and a signal every quarter budget. CPU time,
not wall time: a loaded machine does not make a normal record "take too long". A signal is
handled between Python bytecodes and inside the ``re``/``regex`` matchers, which check for
signals while they backtrack; a C call that never returns to Python would not be interrupted
(the batch's compiled steps, folding and hashing, are linear and run between records).

**Orphans.** A worker is forked from the fork server, which the scan's process started. If the
scan is killed (SIGKILL), nothing tells them: the workers would wait for work forever, holding
their memory. ``waspada.procs`` makes them die with it: the fork server with the scan's process,
each worker with the fork server, and (the fallback) each worker when the scan's process is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from waspada.errors import RecordTimeout
from waspada.procs import die_with_parent

#: the environment variable naming the scan's process id, read by the fork server's preload
PARENT_ENV = "WASPADA_SCAN_PARENT"


class RecordBudget:
    """At most ``seconds`` of CPU per record in the ``running()`` block (see module doc)."""

    TICKS = 4

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        #: the position of the record being assessed, -1 between records
        self.current = [-1]
        #: ticks charged to each record (position) since ``running()`` began
        self._ticks: dict[int, int] = {}

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        c = self.current[0]
        if c < 0:
            return
        count = self._ticks.get(c, -1) + 1
        if count >= self.TICKS:
            self._ticks[c] = -1  # at most once per budget
            raise RecordTimeout
        self._ticks[c] = count

    @contextlib.contextmanager
    def running(self) -> Iterator[list[int]]:
        """Arm the timer (main thread only; elsewhere the budget is not enforced)."""
        if threading.current_thread() is not threading.main_thread():
            yield self.current
            return
        self.current[0] = -1
        self._ticks.clear()
        tick = self.seconds / self.TICKS
        old = signal.signal(signal.SIGPROF, self._tick)
        signal.setitimer(signal.ITIMER_PROF, tick, tick)
        try:
            yield self.current
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0, 0)
            signal.signal(signal.SIGPROF, old)
            self.current[0] = -1


def guard_fork_server() -> None:
    """In the scan's fork server (its preload): die with the scan's process. Nothing in any
    other process: the variable names the fork server's parent."""
    want = os.environ.get(PARENT_ENV)
    if not want or not want.isdigit() or os.getppid() != int(want):
        return
    die_with_parent()
    if os.getppid() != int(want):  # the scan died before prctl took effect
        os._exit(1)
