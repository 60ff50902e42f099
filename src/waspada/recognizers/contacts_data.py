"""Loading and checking the data files of the contact recognisers (phone, handles, web).

Each file is read once per process; a malformed file raises ConfigError naming the file and the
field at fault, so a bad edit fails at start-up and not in the middle of a batch.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import regex

from waspada.datafiles import read_yaml
from waspada.errors import ConfigError
from waspada.text.keywords import Keywords
from waspada.text.patterns import compile_pattern, named

DATA_DIR = Path(__file__).parent / "data"
_LATIN = regex.compile(r"[\p{Latin}0-9]")
_LETTER = regex.compile(r"\p{Latin}")


@cache
def load_yaml(name: str) -> dict[str, Any]:
    """The top-level mapping of ``data/<name>``."""
    raw = read_yaml(DATA_DIR / name, name)
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: the top level must be a mapping")
    return raw


@cache
def load_lines(name: str) -> frozenset[str]:
    """Non-empty, non-comment lines of ``data/<name>``, lower-cased."""
    path = DATA_DIR / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read: {exc}") from exc
    out = {ln.split("#", 1)[0].strip().lower() for ln in lines}
    out.discard("")
    if not out:
        raise ConfigError(f"{name}: no entries")
    return frozenset(out)


def get(data: dict[str, Any], key: str, typ: type | tuple[type, ...], file: str) -> Any:
    """``data[key]``, checked to be of ``typ``."""
    if key not in data:
        raise ConfigError(f"{file}: missing field {key!r}")
    val = data[key]
    if not isinstance(val, typ):
        raise ConfigError(f"{file}: field {key!r} must be {typ}, not {type(val).__name__}")
    return val


def str_list(data: dict[str, Any], key: str, file: str) -> list[str]:
    """``data[key]`` as a non-empty list of non-empty strings."""
    val = get(data, key, list, file)
    if not val or not all(isinstance(v, str) and v for v in val):
        raise ConfigError(f"{file}: field {key!r} must be a non-empty list of non-empty strings")
    return [str(v) for v in val]


def regex_field(data: dict[str, Any], key: str, file: str, flags: int = 0) -> regex.Pattern[str]:
    """``data[key]`` compiled as a regex (ConfigError naming file and field if invalid)."""
    src = get(data, key, str, file)
    try:
        rx = regex.compile(src, flags)
    except regex.error as exc:
        raise ConfigError(f"{file}: field {key!r} is not a valid regex: {exc}") from exc
    return named(rx, f"{file.rsplit('.', 1)[0]}.{key}")


def word_alternation(words: list[str]) -> str:
    """One regex alternation of literal words, longest first. A word that starts (ends) with a
    Latin letter or digit must not be glued to another one there, so ``wa`` does not fire inside
    ``wajib`` nor ``đ`` inside ``để``; words in Thai or Han script have no such boundary."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        p = regex.escape(w.lower())
        p = regex.sub(r"(?:\\ )+", r"[ \\t]*", p)  # "whats app" also matches "whatsapp"
        if _LATIN.match(w[0]):
            p = r"(?<![\p{Latin}0-9])" + p
        if _LATIN.match(w[-1]):
            p = p + r"(?![\p{Latin}0-9])"
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"


def words_regex(words: list[str], *, name: str, suffix: str = "") -> regex.Pattern[str]:
    """Compile ``word_alternation(words) + suffix`` (for matching on the lower-cased text)."""
    return compile_pattern(word_alternation(words) + suffix, name=name)


class WordIndex:
    """Literal words found in one Aho-Corasick pass (C speed). A word that starts (ends) with a
    Latin letter must not be glued to another Latin letter there (``wa`` is not in ``wajib``);
    a digit may touch it (``WA0812...``, ``(0đ)``). ``find`` yields ``(start, end, payload)`` of
    the words that lie in ``lower[lo:hi]``."""

    def __init__(self, words: dict[str, str]) -> None:
        self._keywords = Keywords(
            (key, (payload, bool(_LATIN.match(key[0])), bool(_LATIN.match(key[-1]))))
            for key, payload in ((w.lower(), p) for w, p in words.items())
        )

    def find(self, lower: str, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        n = len(lower)
        lo, hi = max(0, lo), min(hi, n)
        if lo >= hi:
            return
        # search a slice, not the whole text with bounds: many small windows stay linear
        for s, e, (payload, left, right) in self._keywords.find(lower[lo:hi]):
            start, end = lo + s, lo + e
            if left and start > 0 and _LETTER.match(lower[start - 1]):
                continue
            if right and end < n and _LETTER.match(lower[end]):
                continue
            yield start, end, payload


class Spans:
    """Non-overlapping half-open spans, kept sorted: overlap test and insert in O(log n) steps
    (a text of a megabyte can hold ten thousand identifiers)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return True
        return i < len(self._starts) and self._starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
