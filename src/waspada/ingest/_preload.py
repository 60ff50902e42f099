"""Imported once by the scan's fork server (``set_forkserver_preload``), so that every worker
process forked from it starts with ``assess()`` imported and warm instead of paying about a
second of CPU for that itself. A failure here is left to each worker's own warm-up to report.
The fork server also dies with the scan's process (``guard.guard_fork_server``), so that a scan
killed with SIGKILL leaves no fork server and no workers behind."""

from __future__ import annotations

import contextlib
import gc

from waspada.ingest.guard import guard_fork_server

guard_fork_server()

with contextlib.suppress(Exception):
    from waspada.analyzer import assess

    assess("warm up")

# what is loaded now lives as long as the process: keep the collector from walking it again and
# again (and from touching its pages, which the forked workers share copy-on-write)
gc.freeze()
