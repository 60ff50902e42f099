"""Time-limited regular expressions for untrusted text.

Every pattern that runs on user text is compiled here and matched through ``finditer``, which
passes a timeout to the ``regex`` module. A pattern that times out is logged (its name, never the
text) and yields nothing more; the other patterns still run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import regex

from waspada.errors import ConfigError

log = logging.getLogger(__name__)

#: seconds one pattern may spend on one text
REGEX_TIMEOUT_S = 1.0
#: ``finditer_linear`` passes a time limit only from this many characters on
LINEAR_TIMEOUT_FROM_CHARS = 20_000


def compile_pattern(pattern: str, flags: int = 0, *, name: str = "") -> regex.Pattern[str]:
    """Compile with the ``regex`` module (V1 semantics off), failing with ConfigError."""
    try:
        return regex.compile(pattern, flags)
    except regex.error as exc:  # pragma: no cover - exercised via ConfigError tests
        raise ConfigError(f"invalid regex {name or pattern!r}: {exc}") from exc


def finditer(
    rx: regex.Pattern[str], text: str, *, pos: int = 0, timeout: float | None = None
) -> Iterator[regex.Match[str]]:
    """Iterate matches, giving up (with a log line) after ``timeout`` seconds."""
    try:
        yield from rx.finditer(text, pos, timeout=timeout or REGEX_TIMEOUT_S)
    except TimeoutError:
        log.warning("regex %r timed out on a text of %d chars; skipped", rx.pattern[:60], len(text))


def finditer_linear(rx: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
    """``finditer`` for a pattern known to be linear (bounded repeats, no nested quantifiers,
    alternations of literals): the regex module's time limit costs ~25% of the matching time,
    so only texts from LINEAR_TIMEOUT_FROM_CHARS characters on pay for it."""
    if len(text) < LINEAR_TIMEOUT_FROM_CHARS:
        return rx.finditer(text)
    return finditer(rx, text, timeout=max(REGEX_TIMEOUT_S, len(text) / 1_000_000))


def search(rx: regex.Pattern[str], text: str, **kw: Any) -> regex.Match[str] | None:
    try:
        return rx.search(text, timeout=kw.get("timeout") or REGEX_TIMEOUT_S)
    except TimeoutError:
        log.warning("regex %r timed out on a text of %d chars; skipped", rx.pattern[:60], len(text))
        return None
