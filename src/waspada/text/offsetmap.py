"""Sparse maps from spans of an edited text back to spans of the text it was made from.

One normalisation pass turns an input string into an output string by a list of edits
(deletions and replacements) applied left to right. ``EditBuilder`` records those edits and
returns the output together with a ``SpanMap``: the output cut into segments, each either

* *identity* -- output[o:o+n] came character by character from input[i:i+n], or
* *atomic* -- output[o:o+m] as a whole replaced input[i:j] (``" dot "`` -> ``"."``).

Deleted input characters are the gaps between segments. A ``SpanMap`` stores only the segment
starts (a few per edit), so a text with no edits costs nothing and a 5 MB text with a handful of
edits costs a handful of list entries; a span is mapped with one ``bisect`` per end.
"""

from __future__ import annotations

from bisect import bisect_right


class SpanMap:
    """Map half-open spans of one pass's output to half-open spans of its input."""

    __slots__ = ("_identity", "_in_ends", "_in_starts", "_out_starts", "in_len", "out_len")

    def __init__(
        self,
        out_starts: list[int],
        in_starts: list[int],
        in_ends: list[int],
        identity: list[bool],
        out_len: int,
        in_len: int,
    ) -> None:
        self._out_starts = out_starts
        self._in_starts = in_starts
        self._in_ends = in_ends
        self._identity = identity
        self.out_len = out_len
        self.in_len = in_len

    def start(self, s: int) -> int:
        """Input index where the producer of output[s] starts (``in_len`` past the end)."""
        if s >= self.out_len:
            return self.in_len
        k = bisect_right(self._out_starts, s) - 1
        if self._identity[k]:
            return self._in_starts[k] + s - self._out_starts[k]
        return self._in_starts[k]

    def end(self, e: int) -> int:
        """Input index where the producer of output[e - 1] ends (0 for ``e == 0``)."""
        if e <= 0:
            return 0
        k = bisect_right(self._out_starts, e - 1) - 1
        if self._identity[k]:
            return self._in_starts[k] + e - self._out_starts[k]
        return self._in_ends[k]

    def span(self, s: int, e: int) -> tuple[int, int]:
        """Map output[s:e] to the input span that produced it.

        The span covers every producing character, includes characters deleted *between* them,
        and excludes deleted characters before the first and after the last. An empty span maps
        to an empty span at the end of what precedes it.
        """
        if s >= e:
            p = self.end(e)
            return p, p
        return self.start(s), self.end(e)

    def __len__(self) -> int:
        return len(self._out_starts)


class EditBuilder:
    """Collect left-to-right edits of ``src`` and build the output text and its ``SpanMap``."""

    __slots__ = (
        "_identity",
        "_in_ends",
        "_in_starts",
        "_out",
        "_out_starts",
        "_parts",
        "_pos",
        "edits",
        "src",
    )

    def __init__(self, src: str) -> None:
        self.src = src
        self._parts: list[str] = []
        self._out_starts: list[int] = []
        self._in_starts: list[int] = []
        self._in_ends: list[int] = []
        self._identity: list[bool] = []
        self._pos = 0  # input cursor: everything before it is emitted
        self._out = 0  # output length so far
        self.edits = 0

    @property
    def pos(self) -> int:
        return self._pos

    def _segment(self, piece: str, in_start: int, in_end: int, identity: bool) -> None:
        n = len(piece)
        if not n:
            return
        if identity and self._identity and self._identity[-1] and self._in_ends[-1] == in_start:
            self._in_ends[-1] = in_end  # extend the previous identity segment
        else:
            self._out_starts.append(self._out)
            self._in_starts.append(in_start)
            self._in_ends.append(in_end)
            self._identity.append(identity)
        self._parts.append(piece)
        self._out += n

    def keep_to(self, a: int) -> None:
        """Copy input[pos:a] unchanged."""
        if a > self._pos:
            self._segment(self.src[self._pos : a], self._pos, a, True)
            self._pos = a

    def replace(self, a: int, b: int, repl: str, *, positional: bool = False) -> None:
        """Replace input[a:b] (a >= pos) by ``repl``; ``""`` deletes.

        ``positional=True`` (only when ``len(repl) == b - a``) maps character i of ``repl`` to
        character i of the input; otherwise ``repl`` maps to input[a:b] as a whole.
        """
        if a < self._pos or b < a:
            raise ValueError(f"edit [{a}, {b}) overlaps an earlier edit ending at {self._pos}")
        self.keep_to(a)
        if positional and len(repl) != b - a:
            raise ValueError("a positional replacement must keep the length")
        self._segment(repl, a, b, positional)
        self._pos = b
        self.edits += 1

    def finish(self) -> tuple[str, SpanMap | None]:
        """The output text, and its map (None when nothing was edited)."""
        if not self.edits:
            return self.src, None
        self.keep_to(len(self.src))
        out = "".join(self._parts)
        return out, SpanMap(
            self._out_starts,
            self._in_starts,
            self._in_ends,
            self._identity,
            len(out),
            len(self.src),
        )
