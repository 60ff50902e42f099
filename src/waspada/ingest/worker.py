"""The scan's worker side: one chunk of raw records in, ready-to-insert Arrow tables out.

``process_chunk`` parses, validates and hashes every record, skips those the resume pre-filter
says are stored, assesses the rest with the worker's analyzer within a per-record CPU budget and
builds the columns (``ChunkResult``). It runs in the pool's worker processes (``init_worker``
sets each one up) or, for ``workers=0`` and for re-checked records, in the scan's own process
with a ``WorkerState`` of its own.
"""

from __future__ import annotations

import contextlib
import gc
import signal
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from waspada.analyzer import Analyzer, Draft, default_analyzer
from waspada.config import AnalyzerConfig, SemanticMode
from waspada.errors import RecordTimeout
from waspada.ingest.batches import columns_batch, unstorable, without
from waspada.ingest.fastjson import Bad, loads_record
from waspada.ingest.guard import RecordBudget
from waspada.ingest.readers import MAX_RECORD_BYTES, Chunk, Fields, excerpt
from waspada.ingest.values import content_id, opt_str, parse_time
from waspada.procs import die_with_parent, watch_parent
from waspada.types import Assessment

#: characters of a bad value kept when quarantining a parsed record
EXCERPT = 1024
#: bits of a chunk's number in a document's ``idx`` (``chunk_no << IDX_BITS | position``)
IDX_BITS = 24

QTuple = tuple[str, str, int, str, str]


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
class WorkerState:
    """What ``process_chunk`` needs of the process it runs in: the analyzer (None: the default
    one), the resume pre-filter (the sorted first 64 bits of the ids stored when the scan
    began), the per-record CPU budget, and why the warm-up failed (reported by
    ``check_worker``)."""

    stored: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    budget: RecordBudget | None = None
    init_error: Exception | None = None
    analyzer: Analyzer | None = None
    #: which texts the semantic stage reads (None: the analyzer's configured mode)
    semantic: SemanticMode | None = None

    def probably_stored(self, doc_id: str) -> bool:
        keys = self.stored
        if not len(keys):
            return False
        k = np.uint64(int(doc_id[:16], 16))
        i = int(keys.searchsorted(k))
        return i < len(keys) and keys[i] == k


#: this process's state. Module-level because multiprocessing forces it: a pool's initializer
#: (``init_worker``) can pass state to the tasks that later run in the same worker process only
#: through a module global. The scan's own process never changes it (it passes its own
#: ``WorkerState`` to ``process_chunk``).
_WORKER = WorkerState()


def process_chunk(chunk: Chunk, fields: Fields, chunk_no: int = 0,
                  prefilter: bool = True, worker: WorkerState | None = None) -> ChunkResult:
    """Worker side: parse, validate, hash and assess every record of a chunk into Arrow
    tables (document ``idx`` = ``chunk_no << IDX_BITS | i``). With ``prefilter``, records whose
    id the pre-filter knows are not assessed but returned in ``skipped``.

    In three passes (parse and hash all records, assess them all, then build the columns): each
    pass runs one kind of code over the whole chunk, which costs measurably less CPU than
    interleaving the bookkeeping with every ``assess()`` call.

    ``worker``: the pre-filter and CPU budget to use; by default this process's (``_WORKER``,
    set by the pool's initializer in a worker process)."""
    w = _WORKER if worker is None else worker
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
    check_stored = prefilter and len(w.stored) > 0
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
        if check_stored and w.probably_stored(doc_id):
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

    # 2. assess: the fast stage over the chunk, step by step, each record within the CPU budget,
    # then the semantic stage over the chunk's escalated texts together (one batch for the
    # encoder)
    analyzer = w.analyzer or default_analyzer()
    drafts, failed = _first_stage(analyzer, texts, w.budget)
    for i, why in failed:
        bad(lines[i], why, texts[i])
    results, unfinished = _second_stage(analyzer, drafts, w.semantic)
    for i, why in unfinished:
        bad(lines[i], why, texts[i])
    failed_at = sorted([i for i, _ in failed] + [i for i, _ in unfinished])
    assessed = len(texts)
    cols: list[list[Any]] = [lines, ids, ext_ids, sources, urls, posted, raw_times, texts]
    if failed_at:
        cols = without(cols, failed_at)

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


def _first_stage(analyzer: Analyzer, texts: list[str], budget: RecordBudget | None
                 ) -> tuple[list[tuple[int, Draft]], list[tuple[int, str]]]:
    """The fast stage of the texts, step by step over the chunk (``first_stage_many``), each
    record within the CPU budget (the batch writes the position of the record it works on where
    the budget's timer reads it): (position, draft) of those that passed, (position, why) of
    those that did not."""
    drafts: list[tuple[int, Draft]] = []
    failed: list[tuple[int, str]] = []
    with budget.running() if budget is not None else _no_budget() as current:
        results = analyzer.first_stage_many(texts, current=current)
    for i, d in enumerate(results):
        if isinstance(d, RecordTimeout):
            failed.append((i, f"took too long: over {budget.seconds if budget else 0:g} s of CPU "
                              "in assess()"))
        elif isinstance(d, BaseException):
            failed.append((i, f"assess failed: {type(d).__name__}: {d}"))
        else:
            drafts.append((i, d))
    return drafts, failed


def _second_stage(analyzer: Analyzer, drafts: list[tuple[int, Draft]],
                  semantic: SemanticMode | None) -> tuple[list[Assessment], list[tuple[int, str]]]:
    """Finish the drafts, the escalated ones embedded together. When the batch fails, each
    draft is finished alone, so that only the record that fails is lost (position, why)."""
    try:
        return analyzer.assess_drafts([d for _, d in drafts], semantic=semantic), []
    except Exception:
        pass
    results: list[Assessment] = []
    failed: list[tuple[int, str]] = []
    for i, d in drafts:
        try:
            results.extend(analyzer.assess_drafts([d], semantic=semantic))
        except Exception as e:  # one record never stops the batch
            failed.append((i, f"assess failed: {type(e).__name__}: {e}"))
    return results, failed


@contextlib.contextmanager
def _no_budget() -> Iterator[list[int]]:
    yield [-1]


def init_worker(stored: np.ndarray, budget: float | None, scan_pid: int,
                config: AnalyzerConfig | None = None,
                semantic: SemanticMode | None = None) -> None:
    """The pool's initializer: set up this worker process (see ``_WORKER``) with the analyzer
    of ``config`` (None: the default analyzer, already warm in the preloaded fork server) and
    the semantic mode (None: the configured one); the encoder is loaded here unless the mode is
    "off", so that a broken one fails the scan at its start."""
    die_with_parent()  # the fork server (or, without one, the scan)
    watch_parent(scan_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _WORKER.stored = stored
    _WORKER.budget = RecordBudget(budget) if budget else None
    _WORKER.semantic = semantic
    try:
        _WORKER.analyzer = Analyzer(config) if config is not None else default_analyzer()
        warm_up(_WORKER.analyzer, semantic)
    except Exception as e:  # kept for check_worker: a raising initializer breaks the pool
        _WORKER.init_error = e
    gc.freeze()


def warm_up(analyzer: Analyzer, semantic: SemanticMode | None) -> None:
    """One text through ``analyzer`` (the fast stage is warm at once when forked from the
    preloaded fork server); through the semantic stage too, loading the encoder, unless the
    mode is "off"."""
    mode = semantic or analyzer.config.semantic
    analyzer.assess("warm up", semantic="off" if mode == "off" else "all")


def check_worker() -> None:
    """Run in a worker: raise the failure of its warm-up, if any."""
    if _WORKER.init_error is not None:
        raise _WORKER.init_error


def sub_chunk(chunk: Chunk, positions: list[int]) -> Chunk:
    """The records of ``chunk`` at ``positions`` (no file-level quarantine rows, no bytes)."""
    return Chunk(chunk.input, chunk.source, chunk.fmt, chunk.unit,
                 lines=[chunk.lines[p] for p in positions],
                 items=[chunk.items[p] for p in positions])
