"""The executors' side of ``spark scan``: read input files and assess their records with the
embedded scan's own functions, in batches, returning staging rows (``schemas.STAGING``).

Each task gets rows (file_no, name) and reads each file with ``ingest.readers.iter_chunks``
(the same formats, checks and quarantine reasons as ``waspada scan``), then runs each chunk
through ``ingest.worker.process_chunk`` (validate, hash, fast stage per record within the CPU
budget, semantic stage over the chunk's escalated texts together, Arrow rows of the store):
the answers are the embedded scan's by construction. The analyzer is built once per Python
worker process (``_state``, a lazy module-level singleton: Spark reuses its Python workers
across tasks) and warmed up before the first record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa

from waspada.config import SemanticMode
from waspada.ingest.guard import RecordBudget
from waspada.ingest.readers import Fields, iter_chunks
from waspada.ingest.worker import WorkerState, process_chunk, warm_up
from waspada.spark.schemas import DOC, ENT, HIT, Q_SCHEMA, QUAR, staging_batch
from waspada.store.batch import ArrowBatch
from waspada.store.writes import quarantine_id


@dataclass(frozen=True, slots=True)
class ScanParams:
    """What every task needs to know (shipped with the function, a few bytes)."""

    fields: Fields
    fmt: str = "auto"
    semantic: SemanticMode = "auto"
    record_budget: float | None = 5.0


#: this Python worker's analyzer and budget, by the parameters they were built for
_STATE: dict[ScanParams, WorkerState] = {}


def _state(p: ScanParams) -> WorkerState:
    """The worker state for ``p``, built on first use in this process (the default analyzer,
    warmed up, with the encoder loaded unless the mode is "off")."""
    w = _STATE.get(p)
    if w is None:
        from waspada.analyzer import default_analyzer

        analyzer = default_analyzer()
        warm_up(analyzer, p.semantic)
        w = WorkerState(budget=RecordBudget(p.record_budget) if p.record_budget else None,
                        analyzer=analyzer, semantic=p.semantic)
        _STATE[p] = w
    return w


def assess_file(file_no: int, name: str, p: ScanParams) -> Iterator[pa.RecordBatch]:
    """Staging rows of every record of the input file ``name``, chunk by chunk."""
    w = _state(p)
    for chunk_no, chunk in enumerate(iter_chunks([name], p.fields, p.fmt), start=1):
        res = process_chunk(chunk, p.fields, chunk_no, prefilter=False, worker=w)
        if res.ndocs:
            b = ArrowBatch.from_ipc(res.batch)
            yield staging_batch(DOC, file_no, b.docs)
            if b.ents.num_rows:
                yield staging_batch(ENT, file_no, b.ents)
            if b.hits.num_rows:
                yield staging_batch(HIT, file_no, b.hits)
        if res.quarantine:
            yield staging_batch(QUAR, file_no, quarantine_table(res.quarantine))


def quarantine_table(rows: list[tuple[str, str, int, str, str]]) -> pa.Table:
    """Quarantine rows (input, unit, line, reason, excerpt) with their key, as the store's
    writer keys them."""
    cols = list(zip(*rows, strict=True))
    values = [[quarantine_id(r) for r in rows], *cols]
    return pa.Table.from_arrays([pa.array(list(v), f.type) for v, f in zip(values, Q_SCHEMA,
                                                                              strict=True)],
                                schema=Q_SCHEMA)


def assess_files(p: ScanParams) -> Callable[[Iterator[pa.RecordBatch]],
                                            Iterator[pa.RecordBatch]]:
    """The ``mapInArrow`` function: rows (file_no, name) in, staging rows out."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for file_no, name in zip(batch.column("file_no").to_pylist(),
                                     batch.column("name").to_pylist(), strict=True):
                yield from assess_file(int(file_no), str(name), p)

    return run
