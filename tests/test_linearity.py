"""Every step of assess() takes time linear in the text's length, also on hostile input.

An attacker repeats a short unit (dense digit runs, runs glued to letters, many "@", dots,
"http", currency symbols, keywords ...) to make a step quadratic: one 100 kB text then holds a
worker for minutes. For each step and each unit, a text of n characters and one of 4n are timed
(interleaved, the minimum of several runs, garbage collection off) and the ratio must stay below
``LIMIT`` (linear: 4, n log n: about 4.5, quadratic: 16). n is chosen so that the short text takes
15 ms, so fixed costs do not hide the growth. Times are the process's CPU time, so
other processes on a shared machine do not count; what noise is left (caches they evict) makes
a ratio over the limit be measured again (``ATTEMPTS`` times) before it fails; a super-linear
step fails every time. No absolute time is asserted.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

import pytest

from waspada.analyzer import assess, default_analyzer
from waspada.indicators import matcher
from waspada.link.mask import mask_text
from waspada.scoring.features import has_url
from waspada.text import language, patterns
from waspada.text.normalize import normalize
from waspada.types import Context

pytestmark = pytest.mark.slow

LIMIT = 10.0
ATTEMPTS = 3
REPEATS = 3
#: the short text should take at least this long (seconds) ...
MIN_SHORT_S = 0.015
#: ... up to this many characters
MAX_N = 64_000

#: step -> units an attacker repeats
HOSTILE: dict[str, list[str]] = {
    "phone": [
        "kode A1234567, ",  # digit runs glued to a letter: no candidate starts in them
        "T" + "1" * 33 + " ",
        "wa.me/628123456789 ",
        "rek BCA 1234567890 ",  # dense: one number every 19 characters
        "0812-3456-7890-",  # one endless run with separators
        "1" * 40 + " ",
        "(0812) 345 678 ",
        "+62 812 3456 789 ",
    ],
    "handles": ["telegram @abcdef ", "line id ", "@", "t.me/", "telegram: ", "微信：abc "],
    "web": ["x.com ", "a.a@", "http://", "http://a.", "www.", "a.b", "a@b.co "],
    "crypto": ["1" * 26 + " ", "1" * 200 + " ", "bc1qqqqqqqqq ", "0x" + "a" * 40 + " "],
    "bank": ["rek BCA 1234567890 ", "no rek 1234 5678 9012 ", "BCA ", "1234567890 "],
    "money": ["$1 ", "Rp 1.000 ", "USD 1,500 - 2,000 ", "1."],
    "places": ["kamboja ", "lào cai "],
    "normalize": [
        "a ",
        "[at] ",
        "a\u200b",
        "０８１２",
        "t e l e g r a m ",
        "0 8 1 2 3 4 5 6 7 ",
        "x dot ",
        "\ud800",
    ],
    "language": ["gaji ", "\ud800"],
    # "http" lets has_url try its pattern; a long "a-a-..." run has a word boundary every second
    # character, and the stdlib re pattern tried each of them to the end of the run
    "has_url": ["a-http-"],
    "mask": ["a", "a+"],  # after "@ ": a long word and no "@" after it
    "keywords": ["gaji ", "a"],
    "engine": [
        "gaji tinggi kerja di luar negeri tanpa pengalaman ",
        "tidak gaji ",
        "hubungi 0812345678 ",
    ],
}
#: assess() as a whole: the issue's two cases and a mix of all the units above
HOSTILE["assess"] = [
    "kode A1234567, ",
    "rek BCA 1234567890 ",
    "".join(u for units in HOSTILE.values() for u in units),
]


def _context(text: str) -> Context:
    return Context.of(text)


def _prepare(step: str, text: str) -> Callable[[], object]:
    """The call timed for ``step`` on ``text``; its input is prepared outside the timing."""
    recognizers = {r.name: r for r in default_analyzer().recognizers}
    if step in recognizers:
        rec, ctx = recognizers[step], _context(text)
        return lambda: rec.recognize(ctx)
    if step == "normalize":
        return lambda: normalize(text)
    if step == "language":
        norm_text = normalize(text).text
        return lambda: language.detect(norm_text)
    if step == "keywords":
        low, kw = normalize(text).lower, default_analyzer().indicators.keywords
        return lambda: kw.find(low)
    if step == "engine":
        ctx = _context(text)
        ents = default_analyzer().recognize(ctx)
        return lambda: matcher.match(default_analyzer().indicators, ctx, ents, "en")
    if step == "has_url":
        low = text.lower()
        return lambda: has_url(low)
    if step == "mask":
        return lambda: mask_text("@ " + text)
    assert step == "assess"
    return lambda: assess(text)


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _time(call: Callable[[], object], calls: int) -> float:
    # CPU time of this process: the time other processes take on a shared machine is not ours
    t0 = time.process_time()
    for _ in range(calls):
        call()
    return time.process_time() - t0


def _ratio(step: str, unit: str) -> tuple[int, float, float]:
    """(n, best time at n, best time at 4n); a cheap step is called several times per timing,
    so that the short timing lasts MIN_SHORT_S and is not noise."""
    n, calls = 2_000, 1
    short = _prepare(step, _repeat(unit, n))
    while _time(short, calls) < MIN_SHORT_S:
        if n < MAX_N:
            n *= 2
            short = _prepare(step, _repeat(unit, n))
        else:
            calls *= 2
    long = _prepare(step, _repeat(unit, 4 * n))
    ts = tl = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(REPEATS):
            ts = min(ts, _time(short, calls))
            tl = min(tl, _time(long, calls))
    finally:
        gc.enable()
    return n, ts, tl


CASES = [
    pytest.param(step, unit, id=f"{step}-{ascii(unit)[1:16]}")
    for step, units in HOSTILE.items()
    for unit in units
]
#: known super-linear (listed in text/patterns.py): link/mask.py's URL pattern on "a.a.a..."
CASES.append(
    pytest.param(
        "mask", "a.", id="mask-a.", marks=pytest.mark.xfail(strict=True, reason="mask url")
    )
)


@pytest.mark.parametrize(("step", "unit"), CASES)
def test_step_is_linear_on_hostile_input(
    step: str, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a regex time limit would cap the time of a slow step and hide its growth
    monkeypatch.setattr(patterns, "REGEX_TIMEOUT_S", 60.0)
    logging.disable(logging.WARNING)
    try:
        seen = []
        for _ in range(ATTEMPTS):
            n, ts, tl = _ratio(step, unit)
            seen.append(f"n={n}: {ts * 1e3:.1f} ms -> 4n: {tl * 1e3:.1f} ms ({tl / ts:.1f}x)")
            if tl / ts < LIMIT:
                return
        pytest.fail(f"{step} is super-linear on {unit!r} * k: " + "; ".join(seen))
    finally:
        logging.disable(logging.NOTSET)
