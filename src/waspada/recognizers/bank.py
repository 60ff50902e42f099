"""Bank account numbers: 8-20 digits, ONLY next to an account word or a bank name.

Data in ``data/bank_context.yaml``. Value: the digits, separators removed. Fields: ``bank`` (the
canonical name of the nearest named bank, or None), ``holder`` (the name after ``a/n``,
``atas nama``, ``account name``... when written in capitalised words), ``phone_like`` (the
digits also read as a mobile number: e-wallets such as DANA or GCash use the phone number as the
account). The phone recogniser may report the same digits as a phone: entities of different
kinds may overlap, and the account reading is given only because the context says "account".
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

from waspada.datafiles import package_yaml
from waspada.errors import ConfigError
from waspada.recognizers.base import Recognizer
from waspada.text.keywords import Keywords
from waspada.text.patterns import compile_pattern, finditer_linear
from waspada.types import Context, Entity

BANK_FILE = "bank_context.yaml"
_CANDIDATE = compile_pattern(
    r"(?<![\d\p{Latin}.,])\d(?:[ .\-]?\d){7,24}(?![\d\p{Latin}])", name="bank_digits"
)
_MONEY_GROUPS = regex.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_HOLDER = regex.compile(
    r"\s*[,;(]?\s*(?:a/n|a\.n\.?|an\.|atas nama|account name|acct name|name|tên|chủ tk|"
    r"ชื่อบัญชี|ชื่อ|户名|戶名)\s*[:.]?\s*"
    r"(?P<name>\p{Lu}[\p{L}.']*(?:[ ]\p{Lu}[\p{L}.']*){0,3})"
)
# a national mobile number (0 + 9-11 digits) or one with a regional country code in front
_PHONE_LIKE = regex.compile(r"0[1-9]\d{8,10}|(?:62|60|63|66|84|855|856|95)[1-9]\d{7,10}")


@dataclass(frozen=True, slots=True)
class BankData:
    window_before: int
    window_after: int
    min_digits: int
    max_digits: int
    #: account words and bank names -> the spelling as listed
    words: Keywords[tuple[str, bool, bool]]
    phone_words: regex.Pattern[str]
    bank_of: dict[str, str]
    currency_before: regex.Pattern[str]


def _alt(forms: list[str]) -> str:
    parts = []
    variants = set(forms) | {unicodedata.normalize("NFKC", f) for f in forms}
    for f in sorted(variants, key=lambda s: (-len(s), s)):
        p = regex.escape(f).replace(r"\ ", r"\s{1,2}")
        if f[0].isascii() and f[0].isalnum():
            p = r"(?<![\p{L}\d])" + p
        if (f[-1].isascii() and f[-1].isalnum()) or "\u00c0" <= f[-1] <= "\u1eff":
            p += r"(?![\p{L}\d])"
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"


def _is_latin(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or "\u00c0" <= ch <= "\u1eff"


def _automaton(words: list[str]) -> Keywords[tuple[str, bool, bool]]:
    return Keywords(
        (key, (w, _is_latin(key[0]), _is_latin(key[-1])))
        for w in words
        for key in {w, unicodedata.normalize("NFKC", w)}
    )


def _find_words(auto: Keywords[tuple[str, bool, bool]], lower: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every listed word standing alone where it has Latin edges."""
    n = len(lower)
    out = []
    for start, end, (word, latin_start, latin_end) in auto.find(lower):
        if latin_start and start > 0 and (lower[start - 1].isalnum()):
            continue
        if latin_end and end < n and lower[end].isalnum():
            continue
        out.append((start, end, word))
    return out


@cache
def load_bank_data() -> BankData:
    """Parse and check ``bank_context.yaml`` (once per process)."""
    data: Any = package_yaml("waspada.recognizers", BANK_FILE)
    if not isinstance(data, dict):
        raise ConfigError(f"{BANK_FILE}: not a mapping")
    ints = {}
    for key in ("window_before", "window_after", "min_digits", "max_digits"):
        v = data.get(key)
        if not isinstance(v, int) or v <= 0:
            raise ConfigError(f"{BANK_FILE}: field {key!r} must be a positive integer")
        ints[key] = v
    words = data.get("context_words")
    banks = data.get("banks")
    cur = data.get("currency_before")
    if not isinstance(words, dict) or not all(isinstance(v, list) for v in words.values()):
        raise ConfigError(f"{BANK_FILE}: field 'context_words' must map languages to lists")
    if not isinstance(banks, dict) or not all(isinstance(v, list) for v in banks.values()):
        raise ConfigError(f"{BANK_FILE}: field 'banks' must map bank names to lists")
    phone_words = data.get("phone_words")
    if not isinstance(phone_words, list):
        raise ConfigError(f"{BANK_FILE}: field 'phone_words' must be a list")
    if not isinstance(cur, list):
        raise ConfigError(f"{BANK_FILE}: field 'currency_before' must be a list")
    wallets = data.get("e_wallets") or {}
    if not isinstance(wallets, dict):
        raise ConfigError(f"{BANK_FILE}: field 'e_wallets' must map wallet names to lists")
    bank_of = {
        str(a).lower(): str(name)
        for group in (banks, wallets)
        for name, aliases in group.items()
        for a in aliases
    }
    all_words = [str(w).lower() for ws in words.values() for w in ws] + list(bank_of)
    return BankData(
        window_before=ints["window_before"],
        window_after=ints["window_after"],
        min_digits=ints["min_digits"],
        max_digits=ints["max_digits"],
        words=_automaton(all_words),
        phone_words=compile_pattern(_alt([str(w).lower() for w in phone_words]), name="bank_phone"),
        bank_of=bank_of,
        currency_before=compile_pattern(
            _alt([str(c) for c in cur]) + r"\s{0,2}$", name="bank_currency"
        ),
    )


class BankAccountRecognizer(Recognizer):
    name = "bank"
    kinds = ("bank_account",)

    def __init__(self) -> None:
        load_bank_data()  # check the data at start

    def recognize(self, ctx: Context) -> list[Entity]:
        text = ctx.text
        # cheap pre-check: a candidate has 8+ digits; ASCII digits are counted at C speed, other
        # digits (Thai, Arabic-Indic) can only occur in a non-ASCII text
        if sum(map(text.count, "0123456789")) < 8 and text.isascii():
            return []
        cands = list(finditer_linear(_CANDIDATE, text))  # bounded, disjoint classes: linear
        if not cands:
            return []
        data = load_bank_data()
        lower = ctx.lower
        words = _find_words(data.words, lower)
        ends = [w[1] for w in words]
        max_len = max((w[1] - w[0] for w in words), default=0)
        if not words:
            return []
        out: list[Entity] = []
        for m in cands:
            raw = m.group()
            digits = raw.replace(" ", "").replace("-", "").replace(".", "")
            if not data.min_digits <= len(digits) <= data.max_digits:
                continue
            if _MONEY_GROUPS.fullmatch(raw) or data.currency_before.search(
                lower[max(0, m.start() - 6) : m.start()]
            ):
                continue  # 15.000.000 or Rp 1500000: an amount, not an account
            s, e = m.start(), m.end()
            # words are in end order (Aho-Corasick reports them as it reaches their ends);
            # bisect to the window so a long text with many numbers stays linear
            lo = bisect_left(ends, s - data.window_before)
            hi = bisect_right(ends, e + data.window_after + max_len)
            near = [
                w
                for w in words[lo:hi]
                if s - data.window_before <= w[1] <= s or e <= w[0] <= e + data.window_after
            ]
            if not near:
                continue
            before = [w[1] for w in near if w[1] <= s]
            if before and not any(w[0] >= e for w in near):
                gap = lower[max(before) : s]
                if data.phone_words.search(gap):
                    continue  # "a/n Budi HP 0812...": the phone word is nearer; a phone
            banks = sorted(
                (min(abs(w[1] - s), abs(w[0] - e)), data.bank_of[w[2]])
                for w in near
                if w[2] in data.bank_of
            )
            attrs: dict[str, Any] = {"bank": banks[0][1] if banks else None}
            holder = _HOLDER.match(text, e, min(len(text), e + 60))
            if holder:
                attrs["holder"] = holder.group("name").strip()
            attrs["phone_like"] = bool(_PHONE_LIKE.fullmatch(digits))
            out.append(
                ctx.entity(
                    "bank_account",
                    digits,
                    s,
                    e,
                    recognizer=self.name,
                    score=0.85 if banks else 0.7,
                    **attrs,
                )
            )
        return out
