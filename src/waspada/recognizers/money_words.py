"""Numbers written in words: ``lima belas juta``, ``mười lăm triệu``, ``สามหมื่น``, ``two thousand``.

The words live in ``data/number_words.yaml`` (Indonesian/Malay, Vietnamese, Thai, Lao, Khmer,
English, Tagalog); each means a few tokens of one small grammar shared by all of them
(``parse_tokens``): values add up within a group, ``*N`` multiplies the last value (puluh, mươi,
สิบ, hundred), ``+N`` adds to it (belas), ``^N`` closes the group with a scale (ribu, nghìn,
หมื่น, juta, triệu, ล้าน, thousand ...). A sequence the grammar refuses (``dua tiga``, ``juta
ribu``) is not a number. ``find_word_numbers`` finds the words with one Aho-Corasick pass and
groups adjacent ones into phrases of at most MAX_WORDS words: linear in the text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from waspada.datafiles import package_yaml
from waspada.errors import ConfigError
from waspada.recognizers.money_data import _need, is_latin
from waspada.text.keywords import Keywords

WORDS_FILE = "number_words.yaml"
#: most words in one phrase ("dua ratus lima puluh tujuh juta ..." has about a dozen)
MAX_WORDS = 24

Token = tuple[str, int]  # (kind, n): kind is "v" value, "*" multiply, "+" add, "^" scale, "&"


@dataclass(frozen=True, slots=True)
class WordNumber:
    start: int
    end: int
    value: int
    forms: tuple[str, ...]  # the words as written (lower-cased), for the currency they imply


@dataclass(frozen=True, slots=True)
class WordTable:
    words: Keywords[str]  # every spelling (as written and NFKC) -> its key in ``tokens``
    cue: Keywords[bool]  # the scale words (ribu, triệu, พัน ...), as substrings: a pre-check
    tokens: dict[str, tuple[Token, ...]]


def _tokens(spec: str, where: str) -> tuple[Token, ...]:
    out: list[Token] = []
    for part in spec.split():
        kind = part[0] if part[0] in "*+^&" else "v"
        digits = part[1:] if kind != "v" else part
        if kind == "&" and not digits:
            out.append(("&", 0))
            continue
        if not digits.isdigit():
            raise ConfigError(f"{WORDS_FILE}: field {where} has a bad token {part!r}")
        n = int(digits)
        if (kind == "^" and n < 1000) or (kind in "*+" and n not in (10, 100)):
            raise ConfigError(f"{WORDS_FILE}: field {where} has a bad token {part!r}")
        out.append((kind, n))
    if not out:
        raise ConfigError(f"{WORDS_FILE}: field {where} is empty")
    return tuple(out)


@cache
def word_table() -> WordTable:
    """Parse and check ``number_words.yaml`` and compile its phrase pattern (once)."""
    data = package_yaml("waspada.recognizers", WORDS_FILE)
    tokens: dict[str, tuple[Token, ...]] = {}
    for lang, words in _need(data, "languages", dict, WORDS_FILE).items():
        if not isinstance(words, dict) or not words:
            raise ConfigError(f"{WORDS_FILE}: field languages.{lang} must map words to tokens")
        for form, spec in words.items():
            where = f"languages.{lang}.{form}"
            toks = _tokens(str(spec), where)
            key = str(form).lower()
            if tokens.get(key, toks) != toks:
                raise ConfigError(f"{WORDS_FILE}: field {where} means something else elsewhere")
            tokens[key] = toks
    scales = [k for k, toks in tokens.items() if any(kind == "^" for kind, _ in toks)]
    return WordTable(
        words=Keywords((f, k) for k in tokens for f in (k, _nfkc(k))),
        cue=Keywords((f, True) for k in scales for f in (k, _nfkc(k))),
        tokens=tokens,
    )


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def parse_tokens(tokens: list[Token]) -> int | None:
    """The number a token sequence means, or None when the grammar refuses it.

    ``group`` is the number below the current scale and ``last`` its last term (what ``*N`` and
    ``+N`` act on); a new term must be smaller than ``room``, the place the terms before left
    free (``twenty one``, ``dua ratus lima puluh``; not ``one twenty``, ``lima puluh dua ratus``).
    Scales close groups in decreasing order (``dua juta lima ratus ribu``) or multiply all that
    came before (``ห้าแสนล้าน``).
    """
    while tokens and tokens[0][0] == "&":
        tokens = tokens[1:]
    while tokens and tokens[-1][0] == "&":
        tokens = tokens[:-1]
    big = 10**18
    total = group = last = last_scale = 0
    open_ = False  # the last token was a value that *N or +N acts on
    room = prev_room = big
    seen_value = False
    for kind, n in tokens:
        if kind == "v" and open_ and n == 10 and 1 <= last <= 9:
            kind = "*"  # "hai muoi": unaccented mươi is spelt like mười
        if kind == "&":
            open_ = False
        elif kind == "v":
            if n >= room:
                return None
            group += n
            prev_room, room = room, _place(n)
            last, open_, seen_value = n, True, True
        elif kind == "*":
            if open_:
                if last * n >= prev_room:
                    return None
                group += last * (n - 1)
                last *= n
            else:
                if n >= room:
                    return None
                group += n
                last = n
            open_, seen_value, room = False, True, n
        elif kind == "+":
            if not (open_ and 1 <= last <= 9):
                return None
            group += n
            last += n
            open_, room = False, 1
        elif group == 0:  # "^" with nothing below it: a scale of all before ("ribu juta")
            if not (total and n > last_scale):
                return None
            total *= n
            last_scale, room, open_ = n, n, False
        else:  # "^" closes the group
            if last_scale and n >= last_scale:
                return None  # "dua ribu tiga juta", "lima ribu dua ribu"
            total += group * n
            group = last = 0
            last_scale, room, open_ = n, n, False
    if not seen_value or (last_scale and group >= last_scale):
        return None
    return total + group


def _place(n: int) -> int:
    """The room a value leaves for the next term: 20 leaves 10 (twenty one), 5 leaves 1."""
    if n == 0:
        return 10**18
    p = 1
    while n % (p * 10) == 0:
        p *= 10
    return p


def _words(lower: str) -> list[tuple[int, int, str]]:
    """The number words of the text, leftmost-longest, not inside a Latin word and not ending
    inside a Thai/Lao/Khmer cluster: (start, end, key)."""
    n = len(lower)
    found = []
    for start, end, key in word_table().words.find(lower):
        if is_latin(lower[start]) and start and is_latin(lower[start - 1]):
            continue
        if end < n:
            nxt = lower[end]
            if (is_latin(lower[end - 1]) and is_latin(nxt)) or unicodedata.category(nxt)[0] == "M":
                continue
        found.append((start, end, key))
    found.sort(key=lambda w: (w[0], w[0] - w[1]))
    out: list[tuple[int, int, str]] = []
    reach = 0
    for w in found:
        if w[0] >= reach:
            out.append(w)
            reach = w[1]
    return out


def _phrases(words: list[tuple[int, int, str]], lower: str) -> list[list[tuple[int, int, str]]]:
    """Runs of words separated by nothing, one or two spaces or a hyphen (MAX_WORDS at most)."""
    out: list[list[tuple[int, int, str]]] = []
    for w in words:
        if out and len(out[-1]) < MAX_WORDS and _joins(lower[out[-1][-1][1] : w[0]]):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _joins(gap: str) -> bool:
    return gap in ("", "-") or (len(gap) <= 2 and gap.strip(" \t") == "")


def find_word_numbers(lower: str) -> list[WordNumber]:
    """Every phrase of number words in a lower-cased text that the grammar reads as a number."""
    table = word_table()
    out: list[WordNumber] = []
    for words in _phrases(_words(lower), lower):
        # a refused phrase may start with a word that is not part of the number ("mỗi năm ba
        # trăm triệu": năm is the year there): drop words from the front until it reads
        for i in range(len(words)):
            keys = [w[2] for w in words[i:]]
            value = parse_tokens([t for k in keys for t in table.tokens[k]])
            if value is not None:
                if value:
                    forms = tuple(lower[w[0] : w[1]] for w in words[i:])
                    out.append(WordNumber(words[i][0], words[-1][1], value, forms))
                break
    return out


def has_word_cue(lower: str) -> bool:
    """Whether the text holds a scale word (ribu, juta, nghìn, triệu, พัน, ล้าน, thousand ...)
    that does not follow digits and does not stand inside a Latin word: a cheap pre-check for
    amounts in words, which are 1000 or more only with a scale word."""
    for start, _end, _ in word_table().cue.find(lower):
        if start and is_latin(lower[start]) and is_latin(lower[start - 1]):
            continue  # "ribu" inside "seribu" (seribu is a scale word of its own)
        before = lower[max(0, start - 3) : start].rstrip(" ")
        if before and before[-1].isdigit():
            continue  # "5 juta": digits, read by the number pattern
        return True
    return False
