"""Time-limited regular expressions for untrusted text.

A pattern that runs on user text is compiled here (``compile_pattern``; ``re_word`` and
``re_boundary`` keep the stdlib ``re`` module's ``\\w`` and ``\\b`` in a pattern moved from
``re``) and matched through ``finditer``, ``search``, ``match`` or ``sub``, which pass a timeout
to the ``regex`` module. A pattern that times out is logged (its name, never the text) and yields
nothing more; the other patterns still run. The name is also noted in the list that
``CUT_SHORT`` holds (assess() sets one per text), so that the result can say it is incomplete.

These patterns run outside this module, without a time limit, each for the reason given
(``tests/test_pattern_bypass.py`` walks the source and fails on any call not listed here):

Not on user text (checked configuration, offline tools):

- ``indicators/loader.py``: ``regex.compile``, ``regex.fullmatch`` — check the indicator files.
- ``indicators/matcher.py``: ``_LEADING_ASSERTIONS`` — reads a pattern's source.
- ``recognizers/contacts_data.py``: ``rx``, ``p`` — compile and rewrite data fields on load.
- ``recognizers/handles.py``: ``rx`` — compiles the handle rules on load (matched through here).
- ``text/normalize_rules.py``: ``re.compile`` — the trigger class (one character), built on load.
- ``training/dataset_specs.py``: ``_VI_PLACEHOLDER`` — training corpus; literal alternatives.
- ``api/hotlines.py``: ``_DATE`` — checks the dates of the packaged hotline file on load.

One character, no repeat (nothing to backtrack), or one character per match:

- ``text/language.py``: ``_ASCII_LETTER``, ``_ANY_LETTER``, ``_NON_LATIN_LETTER``, ``_KANA``,
  ``_VI_LETTERS`` — one character.
- ``recognizers/contacts_data.py``: ``_LATIN``, ``_LETTER`` — one character.
- ``recognizers/handles.py``: ``_LATIN`` — one character.
- ``recognizers/money.py``: ``_HAS_CUE`` — one character.
- ``recognizers/web.py``: ``_PATH_START`` — one character.
- ``scoring/features.py``: ``_SIGN`` — one character.
- ``text/normalize.py``: ``r.trigger`` — one character.
- ``text/keywords.py``: ``_SURROGATES`` — one character.
- ``jsontext.py``: ``_SURROGATE`` — one character.
- ``cli/common.py``: ``_UNPRINTABLE`` — one character.
- ``link/graph_files.py``: ``_XML_UNSAFE``, ``_XML_ESCAPE`` — one character; a fixed-length escape.

A run of one character class, with nothing after it that could make it give characters back
(each try ends where the class ends; an alternation of such runs over disjoint classes):

- ``text/language.py``: ``_TOKEN``, ``_ASCII_TOKEN``, ``_SCRIPT_RUNS`` — class runs.
- ``text/normalize.py``: ``_UNSTABLE_RUN``, ``r.invisible``, ``rules_mod.rules().invisible``,
  ``r.local_digit``, ``r.separator``, ``sep`` — class runs.
- ``recognizers/phone.py``: ``_NON_DIGIT``, ``_TOKEN`` — class runs.
- ``recognizers/handles.py``: ``_NON_DIGIT`` — a class run.
- ``recognizers/money_parse.py``: ``_WS`` — a class run.
- ``recognizers/web.py``: ``_BACK``, ``_FORWARD`` — possessive class runs.
- ``link/mask.py``: ``handle``, ``punct``, ``regex.compile`` — an "@" and a class run; a class run.

On a slice of bounded length (a phone or account candidate of at most 15 or 25 digits, the few
characters around an amount or an account, one domain label):

- ``recognizers/phone.py``: ``_THOUSANDS``, ``_DATE``, ``_TIME_RANGE``, ``_YEAR_RANGE`` — on a
  candidate of 7-15 digits with separators of at most 5 characters.
- ``recognizers/bank.py``: ``_MONEY_GROUPS``, ``_PHONE_LIKE``, ``_HOLDER``,
  ``data.currency_before``, ``data.phone_words`` — on the candidate, the 60 characters after it,
  the 6 before it, the gap to a context word.
- ``recognizers/money_parse.py``: ``lex.prefix_currency``, ``lex.prefix_period``, ``lex.salary``,
  ``lex.tail`` — on the 8, 16, 40 characters before an amount; bounded repeats after it.
- ``recognizers/web.py``: ``_LABEL``, ``_TLD``, ``_IPV4`` — fullmatch on a host name or a label:
  at most 63 (or 15) characters read before giving up, or one class run.
- ``scoring/model.py``: ``_IDENTIFIER_TOKEN`` — on one token; bounded alternatives.

Linear on the whole text by construction, and hot (the time limit costs ~2 us a call and ~25% of
the matching):

- ``scoring/features.py``: ``_DOT_TLD``, ``_RP_AMOUNT``, ``_AMOUNT_SUFFIX`` — each starts with a
  literal or a class and reads a bounded number of characters.
- ``scoring/features.py``: ``_LONG_DIGITS`` — a failed try reads one run of digits and
  separators, and at most 8 tries (its digits lie within 7 characters of the first) share a run.
- ``recognizers/crypto.py``: ``_LONG_RUN`` — fixed length (26 characters).
- ``link/mask.py``: ``num`` — any digit starts a match, which takes its run (the optional tail
  cannot fail the match).
- ``text/normalize.py``: ``_DIGIT_PART`` — a digit and its keycaps, or a run of non-digits.
- ``text/normalize.py``: ``rule.rx`` — the reviewed de-obfuscation rules (bounded repeats, no
  nested quantifiers); time-limited from ``_TIMEOUT_FROM_CHARS`` characters on.
- ``exchange/stix_import.py``: ``_PATTERN``, ``value`` — a partner's indicator pattern: anchored,
  literals between whitespace runs, and a quoted value whose two alternatives (a character
  that is neither quote nor backslash, or a backslash and one character) never overlap; the
  unescaping reads one backslash pair per match.

Kept as references, not applied in the package (tests check the fast paths against them):

- ``scoring/features.py``: ``_URL``, ``_CURRENCY`` — what ``has_url``, ``has_currency`` answer.

Not linear, not yet limited:

- ``link/mask.py``: ``url``, ``re.compile`` — quadratic on a long run of word characters with
  dots ("a." * 8000: 0.4 s, 4x the length 13x the time); the ``regex`` port with ``re``'s
  ``\\w`` costs 3-30x on every text of the link step. It needs a linear rewrite.
"""
from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from typing import Any

import numpy as np
import regex

from waspada.errors import ConfigError

log = logging.getLogger(__name__)

_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"

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


def sub(rx: regex.Pattern[str], repl: str | Callable[[regex.Match[str]], str], text: str) -> str:
    """``rx.sub(repl, text)`` with the time limit; when it times out, ``text`` unchanged
    (reported with ``timed_out``)."""
    try:
        return rx.sub(repl, text, timeout=REGEX_TIMEOUT_S)
    except TimeoutError:
        timed_out(rx, text)
        return text


def _runs(mask: np.ndarray) -> str:
    """The code points set in ``mask`` as the ranges of a character class."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    pairs = zip(edges[::2], edges[1::2], strict=True)
    return "".join(f"\\U{a:08x}-\\U{b - 1:08x}" for a, b in pairs)


@cache
def re_word() -> str:
    """One character of the stdlib ``re`` module's ``\\w`` (on str), for a ``regex`` pattern.

    A pattern moved from ``re`` to ``regex`` (for the time limit) keeps its matches with this in
    place of ``\\w``: ``regex``'s own ``\\w`` also takes combining marks (Thai vowels,
    Devanagari signs), and its ``\\p{L}`` follows a newer Unicode than this Python's
    ``str.isalnum``. So: ``regex``'s letters, numbers and "_", less (and plus) the characters the
    two disagree on, found on every code point once (0.1-0.3 s)."""
    every = np.arange(0x110000, dtype="=u4").tobytes().decode(_UTF32, "surrogatepass")
    in_re = np.zeros(0x110000, dtype=bool)
    for m in re.finditer(r"\w+", every):
        in_re[m.start() : m.end()] = True
    in_regex = np.zeros(0x110000, dtype=bool)
    for run in regex.finditer(r"[\p{L}\p{N}_]+", every):
        in_regex[run.start() : run.end()] = True
    less, more = _runs(in_regex & ~in_re), _runs(in_re & ~in_regex)
    word = f"(?![{less}])[\\p{{L}}\\p{{N}}_]" if less else r"[\p{L}\p{N}_]"
    return f"(?:{word}|[{more}])" if more else f"(?:{word})"


@cache
def re_boundary() -> str:
    """The stdlib ``re`` module's ``\\b`` (on str), for a ``regex`` pattern (see ``re_word``)."""
    w = re_word()
    return f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))"
