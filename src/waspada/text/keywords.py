"""Many literal keywords found in one pass over a text (Aho-Corasick, compiled in Rust).

Every keyword list of the package (indicator keywords, place names, bank words, handle labels,
context words) is searched with this one class. It reports every occurrence of every keyword,
overlapping ones included, as ``(start, end, payload)`` with character offsets, ordered by end and
then longest first: the order of a classic Aho-Corasick walk through its output links.

``ahocorasick_rs`` (a binding of the Rust ``aho-corasick`` crate) replaced ``pyahocorasick``: on a
1 kB job ad it is about 3x faster, and it finds exactly the same occurrences.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick_rs
import regex

#: a lone surrogate (Python strings may hold one; UTF-8 cannot encode it)
_SURROGATE = regex.compile(r"[\ud800-\udfff]")

P = TypeVar("P")


class Keywords(Generic[P]):
    """Keyword -> payload; ``find(text)`` lists ``(start, end, payload)`` of every occurrence.

    A keyword given twice keeps its last payload (as a dict would). Empty keywords are ignored.
    """

    __slots__ = ("_ac", "_keys", "_payloads")

    def __init__(self, items: Iterable[tuple[str, P]]) -> None:
        table: dict[str, P] = {}
        for key, payload in items:
            if key:
                table[key] = payload
        self._keys = list(table)
        self._payloads = list(table.values())
        self._ac = (
            ahocorasick_rs.AhoCorasick(self._keys, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self._keys
            else None
        )

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self) -> list[str]:
        return list(self._keys)

    def find(self, text: str) -> list[tuple[int, int, P]]:
        """Every occurrence in ``text``: (start, end) half-open, by end, then longest first."""
        if self._ac is None or not text:
            return []
        try:
            found = self._ac.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # lone surrogates: search a same-length copy without them
            text = _SURROGATE.sub("\ufffd", text)
            found = self._ac.find_matches_as_indexes(text, overlapping=True)
        if len(found) > 1:
            found.sort(key=lambda f: (f[2], f[1]))
        pay = self._payloads
        return [(s, e, pay[i]) for i, s, e in found]
