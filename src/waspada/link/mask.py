"""Masking and shingling: the text a campaign is recognised by.

A campaign is one template posted many times with a new phone number, handle or salary each
time, so the text is compared with those parts masked: identifiers the caller already knows
(from ``assess()``), URLs, e-mail addresses, @handles and every run of digits become placeholder
tokens, punctuation, emoji and whitespace collapse to single spaces, and the result is cut into
overlapping character shingles (character, not word, shingles so that Thai, Lao and Khmer text
without spaces is compared as well as Indonesian or English).

Shingles are hashed to uint64 in one vectorised pass over a whole batch (polynomial rolling
hash of the code points, then the splitmix64 finaliser), so a million documents hash in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import regex

from waspada.text.normalize import normalize
from waspada.text.patterns import compile_pattern, re_word, sub
from waspada.types import CONTACT_KINDS

#: characters per shingle
SHINGLE_CHARS = 5

#: identifier kinds whose known values are masked wherever they occur in the text
MASKED_KINDS = frozenset(CONTACT_KINDS) | {"domain", "money"}

# Placeholder tokens are plain word characters so that the punctuation collapse keeps them.
_URL = "xurlx"
_EMAIL = "xmailx"
_HANDLE = "xhandlex"
_ID = "xidx"
_NUM = "0"


@cache
def _patterns() -> tuple[regex.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str],
                         regex.Pattern[str]]:  # fmt: skip
    # The text is lower-cased first, so no IGNORECASE; stdlib ``re`` here is ~30x faster than
    # ``regex`` on the URL pattern. The final collapse uses ``regex``, whose \w keeps combining
    # marks (Thai vowels and tone marks) inside words, as stdlib ``re`` does not.
    w = re_word()
    return (
        # e-mail before URL: "a@b.com" must not become "a@xurlx". ``[\w.+-]+@...`` with re's \w,
        # tried only where a run of those characters starts or the last match ended (\G): the
        # same matches, in linear time (``re`` tried every start in a long word before an "@")
        compile_pattern(
            f"(?:(?<!{w}|[.+-])|\\G)(?:{w}|[.+-])+@(?:{w}|-)+(?:\\.(?:{w}|-)+)+", name="mask.email"
        ),
        re.compile(
            r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|io|me|ly|co|id|"
            r"vn|th|ph|my|kh|la|mm|sg|cn|top|xyz|site|online|live|life|shop|vip|cc|tk|link|app|"
            r"asia|biz|club|gov|go|ac|edu)\b(?:/\S*)?"
        ),
        re.compile(r"(?<![\w@])@[\w.]{2,}"),
        # digit runs with the separators phone numbers and amounts use, and a unit after them
        re.compile(
            r"[+$]?\d(?:[\d.,:/ -]*\d)?(?:\s?(?:juta|jt|ribu|rb|k|m|million|triệu|tr|"
            r"nghìn|ngàn|usd|idr|php|thb|vnd|rm|baht|บาท|ล้าน|พัน)\b)?"
        ),
        regex.compile(r"[\W_]+"),
    )


def mask_text(text: str, identifiers: Iterable[tuple[str, str]] = ()) -> str:
    """Return the normalised, masked, lower-case text that shingles are cut from.

    >>> mask_text("Call +62 812-3456-7890 now! Gaji Rp 5.000.000")
    'call 0 now gaji rp 0'
    """
    low = normalize(text).text.lower()
    for kind, value in identifiers:
        if kind in MASKED_KINDS and len(value) >= 3:
            v = value.lower()
            if v in low:
                low = low.replace(v, f" {_ID} ")
    email, url, handle, num, punct = _patterns()
    if "@" in low:
        low = sub(email, f" {_EMAIL} ", low)
    if "." in low or "/" in low:
        low = url.sub(f" {_URL} ", low)
    if "@" in low:
        low = handle.sub(f" {_HANDLE} ", low)
    low = num.sub(f" {_NUM} ", low)
    return punct.sub(" ", low).strip()


_P = np.uint64(0x100000001B3)  # FNV prime, used as the polynomial base


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    out: np.ndarray = x ^ (x >> np.uint64(31))
    return out


def shingle_hashes(masked: Sequence[str], k: int = SHINGLE_CHARS) -> tuple[np.ndarray, np.ndarray]:
    """Hash the character k-shingles of every masked text in one vectorised pass.

    Returns ``(hashes, offsets)``: ``hashes[offsets[i]:offsets[i+1]]`` are the uint64 shingle
    hashes of ``masked[i]`` (a text shorter than ``k`` is one shingle; an empty text has none).
    """
    padded = [m.ljust(k) if 0 < len(m) < k else m for m in masked]
    lengths = np.fromiter((len(m) for m in padded), dtype=np.int64, count=len(padded))
    n_sh = np.maximum(lengths - (k - 1), 0)
    offsets = np.zeros(len(padded) + 1, dtype=np.int64)
    np.cumsum(n_sh, out=offsets[1:])
    if offsets[-1] == 0:
        return np.zeros(0, dtype=np.uint64), offsets
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32)
    codes64 = codes.astype(np.uint64)
    total = len(codes64)
    with np.errstate(over="ignore"):
        h = np.zeros(total - k + 1, dtype=np.uint64)
        for j in range(k):
            h = h * _P + codes64[j : total - k + 1 + j]
        h = _splitmix(h)
    # keep windows that start in a document and end inside the same document
    starts = np.zeros(len(padded), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    keep_idx = np.repeat(starts - offsets[:-1], n_sh) + np.arange(offsets[-1], dtype=np.int64)
    return h[keep_idx], offsets


def shingle_set(masked: str, k: int = SHINGLE_CHARS) -> set[str]:
    """The shingles of one masked text as strings (for exact Jaccard in tests and benchmarks)."""
    if not masked:
        return set()
    m = masked.ljust(k)
    return {m[i : i + k] for i in range(len(m) - k + 1)}
