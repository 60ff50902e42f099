"""Time-limited regular expressions for untrusted text.

Every pattern that runs on user text is compiled here and matched through ``finditer``, which
passes a timeout to the ``regex`` module. A pattern that times out is logged (its name, never the
text) and yields nothing more; the other patterns still run. The name is also noted in the list
that ``CUT_SHORT`` holds (assess() sets one per text), so that the result can say it is
incomplete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import regex

from waspada.errors import ConfigError

log = logging.getLogger(__name__)

#: seconds one pattern may spend on one text
REGEX_TIMEOUT_S = 1.0
#: ``finditer_linear`` passes a time limit only from this many characters on
LINEAR_TIMEOUT_FROM_CHARS = 20_000

#: pattern -> its name (for the log line and ``Assessment.incomplete``)
_NAMES: dict[regex.Pattern[str], str] = {}
#: where ``timed_out`` notes the names of the patterns cut short; None: nowhere. assess() sets a
#: fresh list per text (``CUT_SHORT.set``/``reset``: ~0.2 us, cheaper than a context manager)
CUT_SHORT: ContextVar[list[str] | None] = ContextVar("waspada_cut_short", default=None)


def compile_pattern(pattern: str, flags: int = 0, *, name: str = "") -> regex.Pattern[str]:
    """Compile with the ``regex`` module (V1 semantics off), failing with ConfigError."""
    try:
        rx = regex.compile(pattern, flags)
    except regex.error as exc:  # pragma: no cover - exercised via ConfigError tests
        raise ConfigError(f"invalid regex {name or pattern!r}: {exc}") from exc
    return named(rx, name) if name else rx


def named(rx: regex.Pattern[str], name: str) -> regex.Pattern[str]:
    """Give ``rx`` (compiled elsewhere) the name it is reported by when it times out."""
    _NAMES[rx] = name
    return rx


def timed_out(rx: regex.Pattern[str], text: str) -> None:
    """Report that ``rx`` hit its time limit on ``text``: a log line (the pattern's name and the
    text's length, never the text) and the name noted in ``CUT_SHORT``'s list, if one is set."""
    name = _NAMES.get(rx) or rx.pattern[:60]
    log.warning("regex %r timed out on a text of %d chars; skipped", name, len(text))
    cut = CUT_SHORT.get()
    if cut is not None and name not in cut:
        cut.append(name)


def finditer(
    rx: regex.Pattern[str],
    text: str,
    *,
    pos: int = 0,
    endpos: int | None = None,
    timeout: float | None = None,
) -> list[regex.Match[str]]:
    """The matches, found before any is handed over; when ``timeout`` seconds run out, those
    found so far (the time-out is reported with ``timed_out``).

    Eager on purpose: the regex module counts the CPU time from the first call, the caller's
    work between two lazy matches included, so a recogniser that did a lot per match (money on
    ``"$1 " * 100_000``) was cut short by its own work, not by the pattern."""
    found: list[regex.Match[str]] = []
    try:
        for m in rx.finditer(text, pos, endpos, timeout=timeout or REGEX_TIMEOUT_S):
            found.append(m)
    except TimeoutError:
        timed_out(rx, text)
    return found


def finditer_linear(rx: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
    """``finditer`` for a pattern known to be linear (bounded repeats, no nested quantifiers,
    alternations of literals): the regex module's time limit costs ~25% of the matching time,
    so only texts from LINEAR_TIMEOUT_FROM_CHARS characters on pay for it."""
    if len(text) < LINEAR_TIMEOUT_FROM_CHARS:
        return rx.finditer(text)
    return iter(finditer(rx, text, timeout=max(REGEX_TIMEOUT_S, len(text) / 1_000_000)))


def search(rx: regex.Pattern[str], text: str, **kw: Any) -> regex.Match[str] | None:
    try:
        return rx.search(text, timeout=kw.get("timeout") or REGEX_TIMEOUT_S)
    except TimeoutError:
        timed_out(rx, text)
        return None


def match(rx: regex.Pattern[str], text: str, pos: int = 0) -> regex.Match[str] | None:
    """``rx.match(text, pos)`` with the time limit (None, reported, when it times out)."""
    try:
        return rx.match(text, pos, timeout=REGEX_TIMEOUT_S)
    except TimeoutError:
        timed_out(rx, text)
        return None
