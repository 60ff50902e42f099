"""Normalisation with a map from every normalised span back to the original text.

``normalize(text)`` runs up to three passes, each only when a cheap check says it must:

1. *invisibles*: zero-width, bidi, format (``\\p{Cf}``) and control characters deleted (tab, newline
   and carriage return kept; vertical tab, form feed and other whitespace controls become a space),
   variation selectors 15/16 and Hangul filler characters deleted, lone surrogates replaced by
   U+FFFD one for one;
2. *NFKC*: ``unicodedata`` NFKC, applied only to the runs that are not already normalised, so
   that the map stays per character (fullwidth ``０８１２`` -> ``0812``, ``①`` -> ``1``);
3. *de-obfuscation*: local digits (Thai, Lao, Khmer, Myanmar ...) -> ASCII, emoji keycaps
   (``0️⃣``) -> the digit, single digits split by spaces/dots/dashes joined (``0 8 1 2 3 4`` ->
   ``081234``), platform names spelled out letter by letter joined (``t.e.l.e.g.r.a.m``,
   ``W.A.``), and ``dot``/``at`` spelled out in a link or e-mail context (``wa dot me``,
   ``name [at] gmail [dot] com``). Rules and word lists: ``data/normalize.yaml``.

The text is otherwise kept as it is: no case folding, no accent stripping. ``NormalizedText``
keeps one sparse ``SpanMap`` per pass that changed something; ``to_original`` maps a span back
through them. Limits and examples: docs/normalisation.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import regex

from waspada.text import normalize_rules as rules_mod
from waspada.text.offsetmap import EditBuilder, SpanMap
from waspada.text.patterns import finditer

__all__ = ["NormalizedText", "normalize"]

#: texts longer than this run the de-obfuscation patterns with a time limit
_TIMEOUT_FROM_CHARS = 20_000


class NormalizedText:
    """A normalised text, its original, and the map between them (immutable by convention)."""

    __slots__ = ("_lower", "_maps", "original", "text")

    def __init__(self, original: str, text: str, maps: Iterable[SpanMap] = ()) -> None:
        self.original = original
        self.text = text
        #: one map per pass that changed the text, first pass first
        self._maps: tuple[SpanMap, ...] = tuple(maps)
        self._lower: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self._maps) or self.text != self.original

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open normalised span [start, end) to a span of the original text.

        The result covers every original character that produced ``text[start:end]`` (and
        characters removed between them), but not removed characters before or after. It is
        monotone in ``start`` and ``end``; an empty span maps to an empty span.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(
                f"span [{start}, {end}) outside the normalised text of length {len(self.text)}"
            )
        for m in reversed(self._maps):
            start, end = m.span(start, end)
        return start, end

    @property
    def offsets(self) -> list[int] | None:
        """Per-character map (None = identity): ``offsets[i]`` = original index of the character
        that produced ``text[i]``; ``len(text) + 1`` entries, the last one ``len(original)``.

        Built on demand, one Python step per character: for tests and debugging, not hot paths.
        """
        if not self._maps:
            return None
        out = [self.to_original(i, i + 1)[0] for i in range(len(self.text))]
        out.append(len(self.original))
        return out

    @property
    def lower(self) -> str:
        """Lower-cased copy of ``text`` of exactly the same length (a character whose lower-case
        form is longer, such as ``İ``, keeps its original form)."""
        if self._lower is None:
            self._lower = _lower(self.text)
        return self._lower

    def __repr__(self) -> str:
        return f"NormalizedText(text={self.text!r}, changed={self.changed})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NormalizedText):
            return NotImplemented
        return (self.original, self.text) == (other.original, other.text) and all(
            self.to_original(i, j) == other.to_original(i, j)
            for i, j in ((0, len(self.text)), (0, 0))
        )

    __hash__ = None  # type: ignore[assignment]


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` (see the module docstring); offsets map back to ``text``."""
    r = rules_mod.rules()
    maps: list[SpanMap] = []
    cur = text
    if text.isascii():
        if not text.isprintable() and r.trigger.search(text) is not None:
            cur = _apply(cur, _invisible_edits, maps)
    else:
        if r.trigger.search(text) is not None:
            if r.invisible.search(cur) is not None:
                cur = _apply(cur, _invisible_edits, maps)
            if r.local_digit.search(cur) is not None:
                cur = cur.translate(r.digit_table)  # same length: no map needed
        if not unicodedata.is_normalized("NFKC", cur):
            cur = _nfkc_pass(cur, maps)
    low = _lower(cur)
    out = _rule_pass(cur, low, r, maps)
    result = NormalizedText(text, out, maps)
    if out is cur:
        result._lower = low
    return result


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(lc := c.lower()) != 1 else lc for c in text)
    return low


def _apply(src: str, edit: Callable[[EditBuilder], None], maps: list[SpanMap]) -> str:
    b = EditBuilder(src)
    edit(b)
    return _finish(b, maps)


def _finish(b: EditBuilder, maps: list[SpanMap]) -> str:
    out, m = b.finish()
    if m is not None:
        maps.append(m)
    return out


# -- pass 1: invisible and control characters ---------------------------------------------------


def _invisible_edits(b: EditBuilder) -> None:
    for m in rules_mod.rules().invisible.finditer(b.src):
        if m.lastgroup == "ws":
            b.replace(m.start(), m.end(), " " * (m.end() - m.start()), positional=True)
        elif m.lastgroup == "sur":
            b.replace(m.start(), m.end(), "\ufffd" * (m.end() - m.start()), positional=True)
        else:
            b.replace(m.start(), m.end(), "")


# -- pass 2: NFKC on the runs that change ---------------------------------------------------------


#: Runs that NFKC may change: characters that NFKC alters (NFKC_QC=No), that may compose with
#: what precedes them (NFKC_QC=Maybe) or that carry a combining class (reordering). Outside such
#: runs every character is NFKC-stable, so normalising each run together with the starter before
#: it equals normalising the whole text (the regex module's Unicode tables are at least as new as
#: ``unicodedata``'s, so they flag a superset; ``_nfkc_pass`` checks the result anyway).
_UNSTABLE_RUN = regex.compile(r"[\p{NFKC_QC=N}\p{NFKC_QC=M}\p{^ccc=0}]+")


def _nfkc_pass(src: str, maps: list[SpanMap]) -> str:
    n = len(maps)
    out = _apply(src, _nfkc_edits, maps)
    if unicodedata.is_normalized("NFKC", out):
        return out
    # Safety net (not expected): map the whole text as one replacement.
    del maps[n:]
    b = EditBuilder(src)
    b.replace(0, len(src), unicodedata.normalize("NFKC", src))
    return _finish(b, maps)


def _nfkc_edits(b: EditBuilder) -> None:
    src = b.src
    for m in _UNSTABLE_RUN.finditer(src):
        a = m.start()
        if a > b.pos:
            a -= 1  # the starter before the run may compose with it
        seg = src[a : m.end()]
        norm = unicodedata.normalize("NFKC", seg)
        if norm == seg:
            continue
        per = [unicodedata.normalize("NFKC", c) for c in seg]
        if "".join(per) != norm:  # composition or reordering: the run maps as a whole
            b.replace(a, m.end(), norm)
            continue
        for i, (c, p) in enumerate(zip(seg, per, strict=True)):
            if p != c:
                b.replace(a + i, a + i + 1, p, positional=len(p) == 1)


# -- pass 3: de-obfuscation rules -----------------------------------------------------------------


def _rule_pass(src: str, low: str, r: rules_mod.Rules, maps: list[SpanMap]) -> str:
    """Run every rule whose substrings occur in ``low`` (same length as ``src``); apply the
    matches left to right, a match overlapping an earlier edit is dropped."""
    found: list[tuple[int, int, str, regex.Match[str]]] = []
    # The rule patterns are linear (bounded repeats, no nested quantifiers), and the regex
    # module's timeout costs ~2 us a call, so only long texts pay for the time limit.
    long = len(low) > _TIMEOUT_FROM_CHARS
    timeout = max(1.0, len(low) / 1_000_000)
    for rule in r.rules:
        for n in rule.needs:
            if n in low:
                break
        else:
            if rule.needs:
                continue
        if rule.gate is not None and not rule.gate(low):
            continue
        it = finditer(rule.rx, low, timeout=timeout) if long else rule.rx.finditer(low)
        for m in it:
            found.append((m.start(), -m.end(), rule.kind, m))
    if not found:
        return src
    found.sort(key=lambda f: (f[0], f[1]))
    b = EditBuilder(src)
    for a, _, kind, m in found:
        if a < b.pos:
            continue
        if kind == "digits":
            _join_digits(b, m)
        elif kind == "keycap":  # "9⃣" -> "9"; the keycap stays part of the digit's span
            b.replace(m.start(), m.end(), m.group()[0])
        elif kind == "compound":
            _delete_separators(b, m, r.separator)
        elif kind == "letters":
            _join_letters(b, m, r)
        elif kind == "bracket":
            _bracket(b, m, r)
        else:
            b.replace(m.start(), m.end(), "." if kind == "dot" else "@")
    return _finish(b, maps)


def _bracket(b: EditBuilder, m: regex.Match[str], r: rules_mod.Rules) -> None:
    """``(dot)``, ``[at]``, ``{.}`` ... between two words, with the blanks around them."""
    src = b.src
    a, e = m.start(), m.end()
    while a > b.pos and src[a - 1] in " \t":
        a -= 1
    while e < len(src) and src[e] in " \t":
        e += 1
    if a == 0 or e == len(src) or not src[a - 1].isalnum() or not src[e].isalnum() or a < b.pos:
        return
    word = m.group()[1:-1].strip(" \t").lower()
    b.replace(a, e, "@" if word in r.at_words or word == "@" else ".")


_DIGIT_PART = re.compile("([0-9])(\u20e3*)|[^0-9]+")


def _join_digits(b: EditBuilder, m: regex.Match[str]) -> None:
    """Delete the separators of a run of single digits; a keycap stays with its digit."""
    base = m.start()
    for part in _DIGIT_PART.finditer(m.group()):
        digit = part.group(1)
        if digit is None:
            b.replace(base + part.start(), base + part.end(), "")
        elif part.group(2):
            b.replace(base + part.start(), base + part.end(), digit)


def _delete_separators(b: EditBuilder, m: regex.Match[str], sep: regex.Pattern[str]) -> None:
    base = m.start()
    for s in sep.finditer(m.group()):
        b.replace(base + s.start(), base + s.end(), "")


def _join_letters(b: EditBuilder, m: regex.Match[str], r: rules_mod.Rules) -> None:
    run = m.group()
    base = m.start()
    letters = [i for i, c in enumerate(run) if c.isascii() and c.isalpha()]
    joined = "".join(run[i] for i in letters).lower()
    first = -1
    name = ""
    if joined in r.names:
        first, name = 0, joined
    else:
        for cand in r.long_names:
            k = joined.find(cand)
            if k >= 0:
                first, name = k, cand
                break
    if first < 0:
        return
    lo, hi = letters[first], letters[first + len(name) - 1]
    for s in r.separator.finditer(run, lo, hi):
        b.replace(base + s.start(), base + s.end(), "")
    # "W.A." -> "WA": a final dot after a dotted name goes too, unless a word follows it
    end = base + hi + 1
    src = b.src
    if (
        end < len(src)
        and src[end] == "."
        and "." in run[lo:hi]
        and (end + 1 == len(src) or not (src[end + 1].isalnum() or src[end + 1] == "."))
    ):
        b.replace(end, end + 1, "")
