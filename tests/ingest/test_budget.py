"""The per-record CPU budget (``RecordBudget``) under the batched fast stage: a record is charged
for every step it is worked on, other records' steps in between, and only it fails."""

from __future__ import annotations

import time

from waspada import default_analyzer
from waspada.analyzer import Draft
from waspada.errors import RecordTimeout
from waspada.ingest.guard import RecordBudget

from ._util import distinct_texts


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_ticks_add_up_per_record_across_interleaved_steps() -> None:
    # record 0 works 0.04 s of CPU at a time, eight times, each time after another record's
    # 0.04 s: 0.32 s in all, over 1.25 budgets of 0.2 s, but never 0.05 s (one tick) in a row.
    # Counting ticks in a row only would never stop it; counted per record, it stops, and no
    # other record (0.04 s each) does.
    budget = RecordBudget(0.2)
    timed_out: list[int] = []
    with budget.running() as current:
        for turn in range(1, 9):
            for i in (0, turn):
                try:
                    current[0] = i
                    _spin(0.04)
                    current[0] = -1
                except RecordTimeout:
                    current[0] = -1
                    timed_out.append(i)
    assert timed_out == [0]


def _slow_text() -> str:
    base = " ".join(distinct_texts())
    return ((base + " ") * (900_000 // len(base) + 1))[:900_000]  # ~1 s of assess() CPU


def test_a_record_over_the_budget_fails_alone_in_the_batched_fast_stage() -> None:
    an = default_analyzer()
    good = distinct_texts()[:4]
    texts = [good[0], _slow_text(), *good[1:]]
    budget = RecordBudget(0.2)
    with budget.running() as current:
        out = an.first_stage_many(texts, current=current)
    assert isinstance(out[1], RecordTimeout)
    for i in (0, 2, 3, 4):
        draft = out[i]
        assert isinstance(draft, Draft)
        assert an.finish(draft) == an.assess(texts[i], semantic="off")
