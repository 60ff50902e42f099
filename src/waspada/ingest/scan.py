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

import contextlib
import gc
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

from waspada.analyzer import assess
from waspada.errors import RecordTimeout, ScanError, StoreError
from waspada.ingest.batches import batch_of, columns_batch, unstorable, without
from waspada.ingest.fastjson import Bad, loads_record
from waspada.ingest.guard import PARENT_ENV, RecordBudget
from waspada.ingest.readers import (
    MAX_RECORD_BYTES,
    Chunk,
    Fields,
    QRow,
    check_inputs,
    excerpt,
    iter_chunks,
)
from waspada.ingest.values import content_id, opt_str, parse_time, parse_time_plain
from waspada.procs import die_with_parent, watch_parent
from waspada.store.db import ArrowBatch, Store, WriteBatch
from waspada.types import Assessment

#: documents per write transaction (results of several chunks are merged up to this)
WRITE_ROWS = 10_000
#: characters of a bad value kept when quarantining a parsed record
EXCERPT = 1024
#: seconds of CPU one record may spend in assess() before it is quarantined ("took too long")
RECORD_BUDGET_S = 5.0

QTuple = tuple[str, str, int, str, str]


#: bits of a chunk's number in a document's ``idx`` (``chunk_no << IDX_BITS | position``)
IDX_BITS = 24


@dataclass(slots=True)
class ChunkResult:
    """A worker's answer for one chunk. ``batch``: Arrow IPC bytes of an ``ArrowBatch``;
    ``skipped``: (position in chunk, id) of records not assessed because the pre-filter says
    they are stored (the parent confirms them); ``assessed``: how many records ran assess()."""

    batch: bytes
    ndocs: int
    quarantine: list[QTuple]
    reasons: Counter[str]
    nbytes: int
    skipped: list[tuple[int, str]]
    assessed: int
    #: records whose time field was given but could not be read (kept in ``posted_raw``)
    unparsed_times: int = 0


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
    bytes: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return self.new + self.already_stored + self.duplicates

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "ok": self.ok, "new": self.new,
                "already_stored": self.already_stored, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "unparsed_times": self.unparsed_times,
                "assessed": self.assessed, "bytes": self.bytes, "seconds": round(self.seconds, 3),
                "docs_per_s": round(self.read / self.seconds, 1) if self.seconds else None,
                "interrupted": self.interrupted,
                "quarantine_reasons": dict(self.reasons.most_common()),
                "quarantine_first_at": self.first_at}


#: the pre-filter of this process: sorted uint64 first-64-bits of the stored ids
_STORED: np.ndarray = np.empty(0, np.uint64)


def _probably_stored(doc_id: str) -> bool:
    keys = _STORED
    if not len(keys):
        return False
    k = np.uint64(int(doc_id[:16], 16))
    i = int(keys.searchsorted(k))
    return i < len(keys) and keys[i] == k


def process_chunk(chunk: Chunk, fields: Fields, chunk_no: int = 0,
                  prefilter: bool = True) -> ChunkResult:
    """Worker side: parse, validate, hash and assess every record of a chunk into Arrow
    tables (document ``idx`` = ``chunk_no << IDX_BITS | i``). With ``prefilter``, records whose
    id the pre-filter knows are not assessed but returned in ``skipped``.

    In three passes (parse and hash all records, assess them all, then build the columns): each
    pass runs one kind of code over the whole chunk, which costs measurably less CPU than
    interleaving the bookkeeping with every ``assess()`` call."""
    skipped: list[tuple[int, str]] = []
    q: list[QTuple] = [(r.input, r.unit, r.line, r.reason, r.excerpt) for r in chunk.quarantine]
    reasons: Counter[str] = Counter(r.reason.split(":")[0] for r in chunk.quarantine)

    def bad(line: int, reason: str, raw: bytes | str) -> None:
        q.append((chunk.input, chunk.unit, line, reason, excerpt(raw)))
        reasons[reason.split(":")[0]] += 1

    # 1. parse, validate, hash, pre-filter
    lines: list[int] = []
    ids: list[str] = []
    texts: list[str] = []
    ext_ids: list[str | None] = []
    sources: list[str | None] = []
    urls: list[str | None] = []
    posted: list[datetime | None] = []
    raw_times: list[str | None] = []
    fmt = chunk.fmt
    ftext, fid, ftime = fields.text, fields.id, fields.time
    fsource, furl = fields.source, fields.url
    check_stored = prefilter and len(_STORED) > 0
    for pos, (line, item) in enumerate(zip(chunk.lines, chunk.items, strict=True)):
        ext_id = t_raw = url = None
        source: str | None = chunk.source
        if fmt == "jsonl":
            rec = loads_record(item, ftext, fid, ftime, fsource, furl)
            if type(rec) is Bad:
                bad(line, rec.reason, rec.raw)
                continue
            text, ext_id, t_raw, src, url = rec  # type: ignore[misc]
            if src is not None:
                source = opt_str(src)
        elif fmt == "rows":
            text, ext_id, t_raw, src, url = item
            if src is not None:
                source = opt_str(src)
            if text is None:
                bad(line, f"missing text field {ftext!r}", repr(item)[:EXCERPT])
                continue
        else:
            try:
                text = item.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as e:
                bad(line, f"invalid UTF-8 at byte {e.start}", item)
                continue
        if not isinstance(text, str):
            bad(line, f"text field {ftext!r} is not a string", repr(text)[:EXCERPT])
            continue
        if not text.strip():
            bad(line, "empty text", text)
            continue
        if len(text) > MAX_RECORD_BYTES:
            bad(line, f"record over {MAX_RECORD_BYTES:,} bytes", text[:EXCERPT])
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:
            bad(line, f"invalid Unicode (lone surrogate at character {e.start})",
                text.encode("utf-8", "replace"))
            continue
        doc_id = content_id(text)
        if check_stored and _probably_stored(doc_id):
            skipped.append((pos, doc_id))
            continue
        lines.append(line)
        ids.append(doc_id)
        texts.append(text)
        ext_ids.append(opt_str(ext_id))
        sources.append(source)
        urls.append(opt_str(url))
        when = parse_time(t_raw)
        posted.append(when)
        # a time that was given but not read: keep it as given (never silently dropped)
        raw_times.append(None if when is not None or t_raw is None or t_raw == ""
                         else opt_str(t_raw))

    # 2. assess, each record within the CPU budget
    results: list[Assessment] = []
    failed: list[int] = []
    budget = _BUDGET
    with budget.running() if budget is not None else _no_budget() as current:
        for i, text in enumerate(texts):
            # the timer raises RecordTimeout only while current[0] is this record's position,
            # and at most once per budget: a result is kept only once current[0] is reset
            try:
                try:
                    current[0] = i
                    a = assess(text)
                    current[0] = -1
                except Exception as e:  # one record never stops the batch
                    current[0] = -1
                    why = f"assess failed: {type(e).__name__}: {e}"
                else:
                    results.append(a)
                    continue
            except RecordTimeout:
                current[0] = -1
                why = (f"took too long: over {budget.seconds if budget else 0:g} s of CPU in "
                       "assess()")
            failed.append(i)
            bad(lines[i], why, text)
    assessed = len(texts)
    cols: list[list[Any]] = [lines, ids, ext_ids, sources, urls, posted, raw_times, texts]
    if failed:
        cols = without(cols, failed)

    # 3. columns (a value Arrow cannot take costs its record, not the chunk)
    try:
        data = columns_batch(cols, results).to_arrow(chunk_no << IDX_BITS).to_ipc()
    except Exception:
        unfit = unstorable(cols, results, bad)
        cols = without(cols, unfit)
        results = [r for i, r in enumerate(results) if i not in set(unfit)]
        data = columns_batch(cols, results).to_arrow(chunk_no << IDX_BITS).to_ipc()
    if len(q) > len(chunk.quarantine):
        # keep the quarantine rows in input order (the chunk's own rows first, as read)
        head = len(chunk.quarantine)
        q[head:] = sorted(q[head:], key=lambda r: r[2])
    unparsed = len(raw_times) - raw_times.count(None) if raw_times else 0
    return ChunkResult(data, len(results), q, reasons, chunk.nbytes, skipped, assessed,
                       unparsed)


@contextlib.contextmanager
def _no_budget() -> Iterator[list[int]]:
    yield [-1]


#: why this worker's warm-up failed (reported by ``_check_worker``), None when it did not
_INIT_ERROR: Exception | None = None
#: this process's per-record CPU budget for assess(), None for none
_BUDGET: RecordBudget | None = None


def _init_worker(stored: np.ndarray, budget: float | None, scan_pid: int) -> None:
    global _STORED, _INIT_ERROR, _BUDGET
    die_with_parent()  # the fork server (or, without one, the scan)
    watch_parent(scan_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _STORED = stored
    _BUDGET = RecordBudget(budget) if budget else None
    try:
        assess("warm up")  # at once when forked from the preloaded fork server
    except Exception as e:  # kept for _check_worker: a raising initializer breaks the pool
        _INIT_ERROR = e
    gc.freeze()


def _check_worker() -> None:
    if _INIT_ERROR is not None:
        raise _INIT_ERROR


def _sub_chunk(chunk: Chunk, positions: list[int]) -> Chunk:
    """The records of ``chunk`` at ``positions`` (no file-level quarantine rows, no bytes)."""
    return Chunk(chunk.input, chunk.source, chunk.fmt, chunk.unit,
                 lines=[chunk.lines[p] for p in positions],
                 items=[chunk.items[p] for p in positions])


Progress = Callable[[int, int], None]  # (records done, bytes done)


def scan(inputs: list[str], store: Store, *, fields: Fields | None = None, fmt: str = "auto",
         workers: int | None = None, on_progress: Progress | None = None,
         write_rows: int = WRITE_ROWS, memory_limit: str = "256MB",
         record_budget: float | None = RECORD_BUDGET_S) -> ScanReport:
    """Scan ``inputs`` into ``store``. ``workers=0`` runs assess in this process; about
    ``write_rows`` documents are committed per transaction; DuckDB's memory is capped at
    ``memory_limit``; a record that spends over ``record_budget`` seconds of CPU in assess()
    is quarantined ("took too long"; None or 0: no budget).

    Raises ``InputError`` (nothing done) when an input does not exist or is not a file or
    folder, ``StoreError`` when the database cannot be written (e.g. the disk is full; the
    batches committed before stay) and ``ScanError`` when a worker process died."""
    global _STORED, _BUDGET
    check_inputs(inputs)
    fields = fields or Fields()
    n = (os.cpu_count() or 1) if workers is None else workers
    report = ScanReport()
    started = datetime.now(UTC).replace(tzinfo=None)
    scan_id = uuid.uuid4().hex
    t0 = time.perf_counter()
    stop = {"requested": False}
    parts: list[ArrowBatch] = []
    pending_q: list[QTuple] = []
    # records, quarantined, documents, confirmed-stored (pre-filter), unparsed times in the
    # pending batch
    pend = {"read": 0, "q": 0, "docs": 0, "skip": 0, "times": 0}
    next_no = [0]

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if stop["requested"]:
            raise KeyboardInterrupt
        stop["requested"] = True

    def flush() -> None:
        if not (pend["read"] or pending_q):
            return
        new = 0
        if parts or pending_q:
            new = store.write(ArrowBatch.concat(parts) if parts else WriteBatch(), pending_q)
        report.new += new
        # the pre-filter holds every id stored before this scan: a record that reached the
        # writer and was not inserted repeats an earlier record of this scan
        report.already_stored += pend["skip"]
        report.duplicates += pend["docs"] - new
        report.quarantined += pend["q"]
        report.read += pend["read"]
        report.unparsed_times += pend["times"]
        parts.clear()
        pending_q.clear()
        pend.update(read=0, q=0, docs=0, skip=0, times=0)

    def take(res: ChunkResult, chunk: Chunk) -> None:
        if res.skipped:
            # confirm the pre-filter's hits; a 64-bit prefix shared by an unstored text (all
            # but impossible) is assessed here rather than lost
            missing = store.unstored_ids([d for _, d in res.skipped])
            if missing:
                again = [pos for pos, d in res.skipped if d in missing]
                next_no[0] += 1
                redo = process_chunk(_sub_chunk(chunk, again), fields, next_no[0],
                                     prefilter=False)
                _take_one(res, skipped=len(res.skipped) - len(again))
                _take_one(redo, skipped=0, count_bytes=False)
            else:
                _take_one(res, skipped=len(res.skipped))
        else:
            _take_one(res, skipped=0)
        if pend["docs"] >= write_rows:
            flush()
        if on_progress:
            on_progress(report.read + pend["read"], report.bytes)

    def _take_one(res: ChunkResult, skipped: int, count_bytes: bool = True) -> None:
        if res.ndocs:
            parts.append(ArrowBatch.from_ipc(res.batch))
        pending_q.extend(res.quarantine)
        for qi, unit, line, reason, _ in res.quarantine:
            report.first_at.setdefault(reason.split(":")[0], f"{qi} {unit} {line}")
        pend["times"] += res.unparsed_times
        pend["read"] += res.ndocs + len(res.quarantine) + skipped
        pend["q"] += len(res.quarantine)
        pend["docs"] += res.ndocs
        pend["skip"] += skipped
        report.assessed += res.assessed
        report.reasons.update(res.reasons)
        if count_bytes:
            report.bytes += res.nbytes

    budget = record_budget or None
    if n <= 0:
        assess("warm up")  # a broken pipeline (e.g. ConfigError) fails here, before any work
    store.tune_for_bulk_writes(memory_limit)
    stored = store.stored_id_keys()
    in_main = _is_main_thread()
    old = signal.signal(signal.SIGINT, on_sigint) if in_main else None
    try:
        chunks = iter_chunks(inputs, fields, fmt)
        if n <= 0:
            saved, _STORED = _STORED, stored
            saved_budget, _BUDGET = _BUDGET, RecordBudget(budget) if budget else None
            try:
                for ch in chunks:
                    next_no[0] += 1
                    take(process_chunk(ch, fields, next_no[0]), ch)
                    if stop["requested"]:
                        break
            finally:
                _STORED, _BUDGET = saved, saved_budget
        else:
            ctx = mp.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
            if ctx.get_start_method() == "forkserver":
                # workers fork from a server that has imported and warmed up assess() once,
                # and that dies with this process (guard.guard_fork_server)
                os.environ[PARENT_ENV] = str(os.getpid())
                ctx.set_forkserver_preload(["__main__", "waspada.ingest._preload"])
            with ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker,
                                     initargs=(stored, budget, os.getpid())) as pool:
                # a broken pipeline fails here, before any work; the parent does not warm up
                # an assess() of its own (about half a second of CPU) when workers run it
                try:
                    pool.submit(_check_worker).result()
                except Exception:
                    assess("warm up")  # raise the failure here, with its own type and message
                    raise
                inflight: deque[tuple[Chunk, Future[ChunkResult]]] = deque()
                for ch in chunks:
                    next_no[0] += 1
                    inflight.append((ch, pool.submit(process_chunk, ch, fields, next_no[0])))
                    while len(inflight) >= 2 * n:
                        c, fut = inflight.popleft()
                        take(fut.result(), c)
                    if stop["requested"]:
                        break
                del stored
                while inflight:
                    c, fut = inflight.popleft()
                    take(fut.result(), c)
        flush()
    except BrokenProcessPool as e:
        flush()
        raise ScanError(f"a worker process died ({e}); {report.read:,} records were committed "
                        "before it: run the same command again to resume") from e
    except StoreError as e:
        raise StoreError(f"{e}; {report.read:,} records were committed before it: fix that "
                         "(e.g. free disk space) and run the same command again") from e
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
        report.seconds = time.perf_counter() - t0
        report.interrupted = stop["requested"]
    store.log_scan(scan_id, " ".join(inputs)[:1000],
                   "interrupted" if report.interrupted else "complete",
                   {"read": report.read, "new": report.new,
                    "already_stored": report.already_stored, "duplicates": report.duplicates,
                    "quarantined": report.quarantined}, started)
    return report


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


__all__ = ["IDX_BITS", "ChunkResult", "QRow", "ScanReport", "batch_of", "content_id",
           "parse_time", "parse_time_plain", "process_chunk", "scan"]
