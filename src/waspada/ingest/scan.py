"""The batch scan service: readers -> worker processes (assess) -> the single DuckDB writer.

The parent reads inputs into chunks of raw lines (``readers.iter_chunks``) and keeps at most
``2 x workers`` chunks in flight. Workers decode, validate and hash each record, skip those whose
id is (probably) stored already (the resume pre-filter: a sorted array of the stored ids' first
64 bits, shipped once to each worker), ``assess()`` the rest, and return ready-to-insert Arrow
tables as one Arrow IPC bytes object (``ArrowBatch``) plus quarantine rows. The parent only
confirms pre-filter hits (one anti-join per chunk), concatenates and inserts: results are written
in input order, in transactions of about ``WRITE_ROWS`` documents (``Store.write``: one
transaction per batch). Ctrl-C (SIGINT) sets a flag: no new chunk is read, in-flight chunks are
written, and the scan ends "interrupted" with everything done committed; a second Ctrl-C aborts
at once (the open transaction rolls back, committed batches stay).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import numpy as np

from waspada.analyzer import Analyzer, default_analyzer
from waspada.config import AnalyzerConfig, SemanticMode
from waspada.errors import ScanError, StoreError
from waspada.ingest.batches import batch_of
from waspada.ingest.guard import PARENT_ENV, RecordBudget
from waspada.ingest.readers import Chunk, Fields, QRow, check_inputs, iter_chunks
from waspada.ingest.values import content_id, parse_time, parse_time_plain
from waspada.ingest.worker import (
    IDX_BITS,
    ChunkResult,
    QTuple,
    WorkerState,
    check_worker,
    init_worker,
    process_chunk,
    sub_chunk,
    warm_up,
)
from waspada.store.db import ArrowBatch, Store, WriteBatch

#: documents per write transaction (results of several chunks are merged up to this)
WRITE_ROWS = 10_000
#: seconds of CPU one record may spend in assess() before it is quarantined ("took too long")
RECORD_BUDGET_S = 5.0


@dataclass(slots=True)
class ScanReport:
    """Counts of one scan: ``new + already_stored + quarantined == read``."""

    read: int = 0
    new: int = 0
    #: stored before this scan began
    already_stored: int = 0
    #: the same text (content id) as an earlier record of this scan's input
    duplicates: int = 0
    quarantined: int = 0
    #: records stored with a time field that could not be read (posted_at NULL, posted_raw kept)
    unparsed_times: int = 0
    #: where each quarantine reason (its part before ":") was first met: "input unit line"
    first_at: dict[str, str] = field(default_factory=dict)
    #: records that went through assess() (a re-run of stored input: 0)
    assessed: int = 0
    #: which texts the semantic stage read: auto, all or off
    semantic: SemanticMode = "auto"
    #: documents stored by this scan that the semantic stage read (``documents.semantic`` set)
    escalated: int = 0
    bytes: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return self.new + self.already_stored + self.duplicates

    @property
    def escalated_share(self) -> float:
        """``escalated`` over the documents stored by this scan (0 when none)."""
        return self.escalated / self.new if self.new else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "ok": self.ok, "new": self.new,
                "already_stored": self.already_stored, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "unparsed_times": self.unparsed_times,
                "assessed": self.assessed, "semantic": self.semantic,
                "escalated": self.escalated, "escalated_share": round(self.escalated_share, 4),
                "bytes": self.bytes, "seconds": round(self.seconds, 3),
                "docs_per_s": round(self.read / self.seconds, 1) if self.seconds else None,
                "interrupted": self.interrupted,
                "quarantine_reasons": dict(self.reasons.most_common()),
                "quarantine_first_at": self.first_at}


Progress = Callable[[int, int], None]  # (records done, bytes done)


@dataclass(slots=True)
class _Pending:
    """Counts of the batch not written yet: records, quarantined, documents, confirmed-stored
    (pre-filter) and unparsed times."""

    read: int = 0
    q: int = 0
    docs: int = 0
    skip: int = 0
    times: int = 0


class ScanRun:
    """One scan, as named steps: ``run`` reads the chunks and hands them to ``process_chunk``
    (in this process, ``in_process``, or in a pool, ``in_pool``); ``take`` collects each
    result (confirming the pre-filter's hits) and ``flush`` writes about ``write_rows``
    documents per transaction; ``log`` records the run in the store."""

    def __init__(self, store: Store, fields: Fields, write_rows: int,
                 on_progress: Progress | None, config: AnalyzerConfig | None = None,
                 semantic: SemanticMode | None = None) -> None:
        self.store = store
        #: the analyzer configuration the records are assessed with (None: the default)
        self.config = config
        #: which texts the semantic stage reads (None given: the configuration's mode)
        self.semantic: SemanticMode = semantic or (config or AnalyzerConfig()).semantic
        self.fields = fields
        self.write_rows = write_rows
        self.on_progress = on_progress
        self.report = ScanReport(semantic=self.semantic)
        self.stop_requested = False
        self.parts: list[ArrowBatch] = []
        self.pending_q: list[QTuple] = []
        self.pend = _Pending()
        self.chunk_no = 0
        #: the first 64 bits of the ids stored when the scan began (the resume pre-filter)
        self.stored: np.ndarray = np.empty(0, np.uint64)
        #: the analyzer, pre-filter and budget ``process_chunk`` uses in this process
        #: (``in_process`` sets all three; re-checked records of a pool scan use the analyzer,
        #: built on first need by ``analyzer``)
        self.local = WorkerState(semantic=self.semantic)

    def run(self, inputs: list[str], fmt: str, workers: int, memory_limit: str,
            budget: float | None) -> ScanReport:
        report = self.report
        started = datetime.now(UTC).replace(tzinfo=None)
        scan_id = uuid.uuid4().hex
        t0 = time.perf_counter()
        if workers <= 0:
            self.analyzer()  # a broken pipeline fails here, before any work
        self.store.tune_for_bulk_writes(memory_limit)
        self.stored = self.store.stored_id_keys()
        in_main = _is_main_thread()
        old = signal.signal(signal.SIGINT, self.on_sigint) if in_main else None
        try:
            chunks = iter_chunks(inputs, self.fields, fmt)
            if workers <= 0:
                self.in_process(chunks, budget)
            else:
                self.in_pool(chunks, workers, budget)
            self.flush()
        except BrokenProcessPool as e:
            self.flush()
            raise ScanError(f"a worker process died ({e}); {report.read:,} records were "
                            "committed before it: run the same command again to resume") from e
        except StoreError as e:
            raise StoreError(f"{e}; {report.read:,} records were committed before it: fix that "
                             "(e.g. free disk space) and run the same command again") from e
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)
            report.seconds = time.perf_counter() - t0
            report.interrupted = self.stop_requested
        self.log(scan_id, inputs, started)
        return report

    def analyzer(self) -> Analyzer:
        """The analyzer of this scan's configuration, built (and checked) on first use."""
        if self.local.analyzer is None:
            self.local.analyzer = (
                Analyzer(self.config) if self.config is not None else default_analyzer()
            )
            warm_up(self.local.analyzer, self.semantic)
        return self.local.analyzer

    def on_sigint(self, signum: int, frame: FrameType | None) -> None:
        """The first Ctrl-C stops reading (what is in flight is written); the second aborts."""
        if self.stop_requested:
            raise KeyboardInterrupt
        self.stop_requested = True

    def next_chunk_no(self) -> int:
        self.chunk_no += 1
        return self.chunk_no

    def in_process(self, chunks: Iterator[Chunk], budget: float | None) -> None:
        """``workers=0``: assess every chunk here, with this scan's pre-filter and budget."""
        self.local = WorkerState(self.stored, RecordBudget(budget) if budget else None,
                                 analyzer=self.analyzer(), semantic=self.semantic)
        for ch in chunks:
            self.take(process_chunk(ch, self.fields, self.next_chunk_no(), worker=self.local),
                      ch)
            if self.stop_requested:
                break

    def in_pool(self, chunks: Iterator[Chunk], n: int, budget: float | None) -> None:
        """Assess the chunks in ``n`` worker processes, at most ``2 x n`` chunks in flight,
        taking their results in input order."""
        ctx = mp.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
        if ctx.get_start_method() == "forkserver":
            # workers fork from a server that has imported and warmed up assess() once,
            # and that dies with this process (guard.guard_fork_server)
            os.environ[PARENT_ENV] = str(os.getpid())
            ctx.set_forkserver_preload(["__main__", "waspada.ingest._preload"])
        with ProcessPoolExecutor(n, mp_context=ctx, initializer=init_worker,
                                 initargs=(self.stored, budget, os.getpid(), self.config,
                                           self.semantic)) as pool:
            # a broken pipeline fails here, before any work; the parent does not warm up
            # an assess() of its own (about half a second of CPU) when workers run it
            try:
                pool.submit(check_worker).result()
            except Exception:
                self.analyzer()  # raise the failure here, with its own type and message
                raise
            inflight: deque[tuple[Chunk, Future[ChunkResult]]] = deque()
            for ch in chunks:
                inflight.append((ch, pool.submit(process_chunk, ch, self.fields,
                                                 self.next_chunk_no())))
                while len(inflight) >= 2 * n:
                    c, fut = inflight.popleft()
                    self.take(fut.result(), c)
                if self.stop_requested:
                    break
            self.stored = np.empty(0, np.uint64)  # the pool holds what its workers need
            while inflight:
                c, fut = inflight.popleft()
                self.take(fut.result(), c)

    def take(self, res: ChunkResult, chunk: Chunk) -> None:
        """Collect one chunk's result; write once ``write_rows`` documents are pending."""
        if res.skipped:
            # confirm the pre-filter's hits; a 64-bit prefix shared by an unstored text (all
            # but impossible) is assessed here rather than lost
            missing = self.store.unstored_ids([d for _, d in res.skipped])
            if missing:
                again = [pos for pos, d in res.skipped if d in missing]
                self.analyzer()  # built here only when needed: the workers hold their own
                redo = process_chunk(sub_chunk(chunk, again), self.fields, self.next_chunk_no(),
                                     prefilter=False, worker=self.local)
                self.collect(res, skipped=len(res.skipped) - len(again))
                self.collect(redo, skipped=0, count_bytes=False)
            else:
                self.collect(res, skipped=len(res.skipped))
        else:
            self.collect(res, skipped=0)
        if self.pend.docs >= self.write_rows:
            self.flush()
        if self.on_progress:
            self.on_progress(self.report.read + self.pend.read, self.report.bytes)

    def collect(self, res: ChunkResult, skipped: int, count_bytes: bool = True) -> None:
        """Add one result to the pending batch and the report."""
        report, pend = self.report, self.pend
        if res.ndocs:
            self.parts.append(ArrowBatch.from_ipc(res.batch))
        self.pending_q.extend(res.quarantine)
        for qi, unit, line, reason, _ in res.quarantine:
            report.first_at.setdefault(reason.split(":")[0], f"{qi} {unit} {line}")
        pend.times += res.unparsed_times
        pend.read += res.ndocs + len(res.quarantine) + skipped
        pend.q += len(res.quarantine)
        pend.docs += res.ndocs
        pend.skip += skipped
        report.assessed += res.assessed
        report.reasons.update(res.reasons)
        if count_bytes:
            report.bytes += res.nbytes

    def flush(self) -> None:
        """Write the pending batch in one transaction and count it into the report."""
        report, pend = self.report, self.pend
        if not (pend.read or self.pending_q):
            return
        new = read = 0
        if self.parts or self.pending_q:
            new, read = self.store.write_counted(
                ArrowBatch.concat(self.parts) if self.parts else WriteBatch(), self.pending_q)
        report.new += new
        report.escalated += read  # of the documents stored (a repeat of one is not counted)
        # the pre-filter holds every id stored before this scan: a record that reached the
        # writer and was not inserted repeats an earlier record of this scan
        report.already_stored += pend.skip
        report.duplicates += pend.docs - new
        report.quarantined += pend.q
        report.read += pend.read
        report.unparsed_times += pend.times
        self.parts.clear()
        self.pending_q.clear()
        self.pend = _Pending()

    def log(self, scan_id: str, inputs: list[str], started: datetime) -> None:
        r = self.report
        self.store.log_scan(scan_id, " ".join(inputs)[:1000],
                            "interrupted" if r.interrupted else "complete",
                            {"read": r.read, "new": r.new, "already_stored": r.already_stored,
                             "duplicates": r.duplicates, "quarantined": r.quarantined}, started,
                            r.semantic)


def scan(inputs: list[str], store: Store, *, fields: Fields | None = None, fmt: str = "auto",
         workers: int | None = None, on_progress: Progress | None = None,
         write_rows: int = WRITE_ROWS, memory_limit: str = "256MB",
         record_budget: float | None = RECORD_BUDGET_S,
         config: AnalyzerConfig | None = None,
         semantic: SemanticMode | None = None) -> ScanReport:
    """Scan ``inputs`` into ``store``. ``workers=0`` runs assess in this process; about
    ``write_rows`` documents are committed per transaction; DuckDB's memory is capped at
    ``memory_limit``; a record that spends over ``record_budget`` seconds of CPU in assess()
    is quarantined ("took too long"; None or 0: no budget). ``config``: the analyzer every
    record is assessed with (None: the default analyzer). ``semantic``: which texts the
    semantic stage reads, "auto", "all" or "off" (None: the configuration's mode); the fast
    stage runs per record within the budget, the semantic stage over each chunk's escalated
    texts together.

    Raises ``InputError`` (nothing done) when an input does not exist or is not a file or
    folder, ``StoreError`` when the database cannot be written (e.g. the disk is full; the
    batches committed before stay) and ``ScanError`` when a worker process died."""
    check_inputs(inputs)
    n = (os.cpu_count() or 1) if workers is None else workers
    run = ScanRun(store, fields or Fields(), write_rows, on_progress, config, semantic)
    return run.run(inputs, fmt, n, memory_limit, record_budget or None)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


__all__ = ["IDX_BITS", "ChunkResult", "QRow", "ScanReport", "ScanRun", "batch_of", "content_id",
           "parse_time", "parse_time_plain", "process_chunk", "scan"]
