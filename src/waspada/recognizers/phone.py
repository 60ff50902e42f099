"""Phone numbers of South-East Asia and China, in E.164, validated with ``phonenumbers``.

Steps: cheap pre-check (at least 7 digits) -> chat links (wa.me, api.whatsapp.com, zalo.me,
t.me/+, viber://) -> candidate digit runs with our own regex -> guards that throw out prices,
dates, times, ranges and amounts -> region (explicit +, link, ``country`` hint, language or
script, or a unique-region guess) -> ``phonenumbers`` validity -> channel from context words.
Data: ``data/phone_regions.yaml`` and ``data/phone_context.yaml``; docs/recognisers-contacts.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import phonenumbers
import regex

from waspada.errors import ConfigError
from waspada.recognizers.base import Recognizer
from waspada.recognizers.contacts_data import (
    Spans,
    WordIndex,
    get,
    load_yaml,
    str_list,
)
from waspada.text import patterns
from waspada.types import Context, Entity

_REGIONS_FILE = "phone_regions.yaml"
_CONTEXT_FILE = "phone_context.yaml"

#: scores by where the region came from
SCORES = {
    "plus": 0.95,
    "link": 0.95,
    "hint": 0.85,
    "language": 0.85,
    "intl": 0.8,
    "channel": 0.75,
    "guess": 0.6,
}

_SEP = r"(?:[ \t]{0,2}[.\-\u2013][ \t]{0,2}|[ \t]{1,2}|(?<=\))|(?=\())"
#: a digit run with separators, optional leading +, closed parentheses; possessive, so linear
CANDIDATE_RX = patterns.compile_pattern(
    r"(?<![A-Za-z0-9_+@#/=&%$])(?<!\d[.,])"
    r"(?:\+[ \t]?)?(?:\(\+?\d++\)|\+?\d++)"
    rf"(?:{_SEP}(?:\(\d++\)|\d++))*+"
    r"(?![A-Za-z0-9_]|[.,]\d)",
    name="phone.candidate",
)
#: chat links whose path or query holds a phone number
LINK_RX = patterns.compile_pattern(
    r"(?i)(?:(?P<wa>wa\.me/|whatsapp\.com/send/?\?(?:[a-z_]+=[^&\s]*&)*phone=)"
    r"|(?P<zalo>zalo\.me/)|(?P<tg>t\.me/)(?=\+)"
    r"|(?P<viber>viber://(?:chat|add|contact)\?number=))"
    r"(?:\+|%2b)?(?P<num>\d{7,15})(?![0-9])",
    name="phone.link",
)
#: a cheap first pass: runs of digits and separators; only runs with 7+ digits are parsed.
#: Linear (a failed try reads at most 5 characters; a successful one consumes its run).
_RUN = patterns.compile_pattern(r"\d[\d \t().\-\u2013]{5,}", name="phone.run")
_DIGITS7 = patterns.compile_pattern(r"\d(?:\D*+\d){6}", name="phone.digits7")
_THOUSANDS = regex.compile(r"\d{1,3}(?:[.,]\d{3})+")
#: a date anywhere in a candidate ("2023-05-12 10" is a date and an hour, not a phone); the
#: separators must repeat, so "0912-345-678" is no date
_DATE = regex.compile(
    r"(?<!\d)(?:"
    r"(?:0?[1-9]|[12]\d|3[01])(?P<s>[-/.])(?:0?[1-9]|1[0-2])(?P=s)(?:19|20|25)?\d\d"
    r"|(?:19|20|25)\d\d(?P<t>[-/.])(?:0?[1-9]|1[0-2])(?P=t)(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|1[0-2])(?P<u>[-/.])(?:0?[1-9]|[12]\d|3[01])(?P=u)(?:19|20|25)\d\d"
    r")(?!\d)"
)
_TIME_RANGE = regex.compile(r"[0-2]?\d[.:][0-5]\d\s*[-\u2013/]\s*[0-2]?\d[.:][0-5]\d")
_YEAR_RANGE = regex.compile(r"(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)\d\d")
_NON_DIGIT = regex.compile(r"\D+")
_TOKEN = regex.compile(r"[^ \t]+")
_GAP_BEFORE = " \t\r\n.:="  # between a guard word and the number
_GAP_AFTER = " \t\r\n([:/-"  # between the number and a channel word after it
_LINK_CHANNEL = {"wa": "whatsapp", "zalo": "zalo", "tg": "telegram", "viber": "viber"}


@dataclass(frozen=True, slots=True)
class PhoneData:
    regions: tuple[str, ...]
    country_codes: tuple[str, ...]
    guess_witnesses: tuple[str, ...]
    guess_witness_prefixes: tuple[str, ...]
    guess_witness_prefix_digits: int  # the prefixes count from this many digits on
    guess_witness_marks: tuple[str, ...]
    language_regions: dict[str, str]
    channel_regions: dict[str, str]
    script_regions: dict[str, str]
    window_before: int
    window_after: int
    window_guard: int
    channels: WordIndex  # channel word -> channel
    guard_before: WordIndex  # currency, salary, account words: the number is not a phone
    guard_after: WordIndex  # units: the number is an amount


def _region_map(data: dict[str, Any], key: str, regions: tuple[str, ...]) -> dict[str, str]:
    raw = get(data, key, dict, _REGIONS_FILE)
    for k, v in raw.items():
        if v not in regions:
            raise ConfigError(f"{_REGIONS_FILE}: field {key!r}: {k!r} -> {v!r} is not in regions")
    return {str(k): str(v) for k, v in raw.items()}


@cache
def phone_data() -> PhoneData:
    """Load and check the phone data files (once per process)."""
    rd = load_yaml(_REGIONS_FILE)
    regions = tuple(str_list(rd, "regions", _REGIONS_FILE))
    supported = phonenumbers.SUPPORTED_REGIONS
    for r in regions:
        if r not in supported:
            raise ConfigError(f"{_REGIONS_FILE}: field 'regions': unknown region {r!r}")
    codes = tuple(str_list(rd, "country_codes", _REGIONS_FILE))
    cd = load_yaml(_CONTEXT_FILE)
    channels = get(cd, "channels", dict, _CONTEXT_FILE)
    channel_of: dict[str, str] = {}
    for ch in channels:
        for w in str_list(channels, ch, _CONTEXT_FILE):
            channel_of[w.lower()] = str(ch)
    if not channel_of:
        raise ConfigError(f"{_CONTEXT_FILE}: field 'channels' is empty")
    guard_b = str_list(cd, "currency_before", _CONTEXT_FILE)
    guard_a = str_list(cd, "unit_after", _CONTEXT_FILE)
    windows = [get(cd, k, int, _CONTEXT_FILE) for k in ("window_before", "window_after")]
    return PhoneData(
        regions=regions,
        country_codes=codes,
        guess_witnesses=tuple(str_list(rd, "guess_witnesses", _REGIONS_FILE)),
        guess_witness_prefixes=tuple(str_list(rd, "guess_witness_prefixes", _REGIONS_FILE)),
        guess_witness_prefix_digits=get(rd, "guess_witness_prefix_digits", int, _REGIONS_FILE),
        guess_witness_marks=tuple(
            m.lower() for m in str_list(rd, "guess_witness_marks", _REGIONS_FILE)
        ),
        language_regions=_region_map(rd, "language_regions", regions),
        channel_regions=_region_map(rd, "channel_regions", regions),
        script_regions=_region_map(rd, "script_regions", regions),
        window_before=windows[0],
        window_after=windows[1],
        window_guard=get(cd, "window_guard", int, _CONTEXT_FILE),
        channels=WordIndex(channel_of),
        guard_before=WordIndex(dict.fromkeys(guard_b, "")),
        guard_after=WordIndex(dict.fromkeys(guard_a, "")),
    )


@lru_cache(maxsize=65536)
def parse_valid(digits: str, region: str | None) -> tuple[str, str] | None:
    """``(E.164, region)`` when ``digits`` (with a leading + when ``region`` is None) is a valid
    number, else None. Cached: campaigns repeat the same numbers."""
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(num) or ""


@lru_cache(maxsize=65536)
def _is_mobile(e164: str) -> bool:
    t = phonenumbers.number_type(phonenumbers.parse(e164, None))
    kinds = phonenumbers.PhoneNumberType
    return t in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)


def primary_region(ctx: Context) -> tuple[str | None, str]:
    """The region a local number is read in first, and where that came from."""
    data = phone_data()
    if ctx.country:
        return ctx.country, "hint"
    region = data.language_regions.get(ctx.language) or data.script_regions.get(ctx.script)
    return (region, "language") if region else (None, "guess")


def resolve(
    digits: str, plus: bool, ctx: Context, channel: str | None = None
) -> tuple[str, str, str] | None:
    """``(E.164, region, source)`` for a digit string, or None. See docs for the rule."""
    if plus:
        res = parse_valid("+" + digits, None)
        return (res[0], res[1], "plus") if res else None
    if digits.startswith("00") and len(digits) >= 10:
        res = parse_valid("+" + digits[2:], None)
        return (res[0], res[1], "plus") if res else None
    data = phone_data()
    region, source = primary_region(ctx)
    if region:
        res = parse_valid(digits, region)
        if res:
            return res[0], res[1], source
    if digits[0] != "0" and digits.startswith(data.country_codes):
        res = parse_valid("+" + digits, None)
        if res and res[1] in data.regions:
            return res[0], res[1], "intl"
    by_channel = data.channel_regions.get(channel or "")
    if by_channel and by_channel != region:
        res = parse_valid(digits, by_channel)
        if res:
            return res[0], res[1], "channel"
    # a text whose language or hint names a region does not fall back to guessing: on real
    # Vietnamese SMS that turned codes invalid in VN into "Lao" numbers
    if region is not None:
        return None
    if (
        len(digits) >= data.guess_witness_prefix_digits
        and digits.startswith(data.guess_witness_prefixes)
    ) or _witness_mark(ctx, data):
        return None  # "087018728737": a UK-style premium number; "£3/wk": a British text
    if any(parse_valid(digits, w) for w in data.guess_witnesses):
        return None  # "09061701461": a UK premium number as much as a Philippine mobile
    return _guess(digits, data.regions)


def _witness_mark(ctx: Context, data: PhoneData) -> bool:
    """The text holds a mark of a country outside the regions ("£", ".co.uk"); looked up once
    per text (a text may hold thousands of numbers)."""
    found = ctx.cache.get("phone.witness_mark")
    if found is None:
        low = ctx.lower
        found = ctx.cache["phone.witness_mark"] = any(m in low for m in data.guess_witness_marks)
    return bool(found)


@lru_cache(maxsize=16384)
def _guess(digits: str, regions: tuple[str, ...]) -> tuple[str, str, str] | None:
    """Valid in exactly one region -> that one; else mobile in exactly one -> that one."""
    valid = [r for r in (parse_valid(digits, reg) for reg in regions) if r]
    if len(valid) == 1:
        return valid[0][0], valid[0][1], "guess"
    mobile = [r for r in valid if _is_mobile(r[0])]
    if len(mobile) == 1:
        return mobile[0][0], mobile[0][1], "guess"
    return None


def _is_not_a_phone(cand: str, ctx: Context, start: int, end: int) -> bool:
    """Guards: thousands grouping, dates, time and year ranges, currency or unit around it."""
    if _THOUSANDS.fullmatch(cand) or _DATE.search(cand) or _YEAR_RANGE.fullmatch(cand):
        return True
    if _TIME_RANGE.search(cand):
        return True
    data = phone_data()
    low = ctx.lower
    for _s, e, _ in data.guard_before.find(low, max(0, start - data.window_guard), start):
        if not low[e:start].strip(_GAP_BEFORE):
            return True
    for s, _e, _ in data.guard_after.find(low, end, end + data.window_guard):
        if not low[end:s].strip():
            return True
    return False


def channel_near(ctx: Context, start: int, end: int) -> str | None:
    """The chat channel named by the nearest context word before (or right after) a number."""
    data = phone_data()
    low = ctx.lower
    best: tuple[int, str] | None = None
    for _s, e, channel in data.channels.find(low, max(0, start - data.window_before), start):
        if best is None or e >= best[0]:
            best = (e, channel)
    if best is not None:
        return best[1]
    for s, _e, channel in data.channels.find(low, end, end + data.window_after):
        if not low[end:s].strip(_GAP_AFTER):
            return channel
    return None


def _candidates(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, candidate, its digits) with 7-15 digits. A run of more digits is often two
    numbers side by side ("0812345678 0898765432"): its space-separated parts are tried."""
    for run in list(patterns.finditer_linear(_RUN, text)):
        if len(_NON_DIGIT.sub("", run.group())) >= 7:
            pos = run.start()
            while pos > 0 and run.start() - pos < 3 and text[pos - 1] in "+( \t":
                pos -= 1  # the run starts at a digit; a candidate may start with "+" or "("
            yield from _candidates_in(text, pos, run.end())


def _candidates_in(text: str, pos: int, endpos: int) -> Iterator[tuple[int, int, str, str]]:
    # A candidate after its first digit holds only characters of _RUN, so it ends inside the
    # run; the search stops two characters after the run (what the final lookahead reads), so
    # it costs the run's length, not the rest of the text (which made the recogniser quadratic
    # on "kode A1234567, " * n). The lookbehinds still see the text before ``pos``.
    matches = []
    stop = min(len(text), endpos + 2)
    for m in patterns.finditer(CANDIDATE_RX, text, pos=pos, endpos=stop):
        if m.start() >= endpos:
            break
        matches.append(m)
    for m in matches:
        cand = m.group()
        digits = _NON_DIGIT.sub("", cand)
        if 7 <= len(digits) <= 15:
            yield m.start(), m.end(), cand, digits
        elif len(digits) > 15:
            for part in _TOKEN.finditer(cand):
                d = _NON_DIGIT.sub("", part.group())
                if 7 <= len(d) <= 15:
                    yield m.start() + part.start(), m.start() + part.end(), part.group(), d


def _may_hold_link(ctx: Context) -> bool:
    """False only when LINK_RX cannot match: every chat link has "me/" (wa.me/, zalo.me/,
    t.me/), "whatsapp.com/send" or "viber://" in it, in any case."""
    if "/" not in ctx.text:
        return False
    low = ctx.lower
    return "me/" in low or "whatsapp.com/send" in low or "viber://" in low


def _has_seven_digits(text: str) -> bool:
    """Cheap pre-check: ASCII digits counted at C speed; other digits (Thai, Arabic-Indic) only
    when the text is not ASCII."""
    if sum(map(text.count, "0123456789")) >= 7:
        return True
    return not text.isascii() and patterns.search(_DIGITS7, text) is not None


class PhoneRecognizer(Recognizer):
    name = "phone"
    kinds = ("phone",)

    def __init__(self) -> None:
        phone_data()  # load and check the data files now, not on the first text

    def recognize(self, ctx: Context) -> list[Entity]:
        text = ctx.text
        if not _has_seven_digits(text):
            return []
        out: list[Entity] = []
        taken = Spans()
        for m in list(patterns.finditer(LINK_RX, text)) if _may_hold_link(ctx) else []:
            kind = next(k for k in _LINK_CHANNEL if m.group(k))
            digits = m.group("num")
            res = parse_valid("+" + digits, None)
            source = "link"
            if res is None:  # a local number in a link (wa.me/0812..., zalo.me/0912...)
                hint = "VN" if kind == "zalo" else None
                local = resolve(digits, False, with_default_country(ctx, hint))
                if local is None:
                    continue
                res = (local[0], local[1])
            s, e = m.span("num")
            taken.add(s, e)
            out.append(self._entity(ctx, res, source, s, e, _LINK_CHANNEL[kind]))
        for s, e, cand, digits in _candidates(text):
            if taken.overlaps(s, e):
                continue
            plus = "+" in cand
            if not plus and _is_not_a_phone(cand, ctx, s, e):
                continue
            channel = channel_near(ctx, s, e)
            found = resolve(digits, plus, ctx, channel)
            if found is None:
                continue
            out.append(self._entity(ctx, found[:2], found[2], s, e, channel))
        return out

    def _entity(
        self,
        ctx: Context,
        res: tuple[str, str],
        source: str,
        start: int,
        end: int,
        channel: str | None,
    ) -> Entity:
        return ctx.entity(
            "phone",
            res[0],
            start,
            end,
            recognizer=self.name,
            score=SCORES[source],
            channel=channel,
            region=res[1],
            region_source=source,
        )


def with_default_country(ctx: Context, region: str | None) -> Context:
    """``ctx`` with a default country hint for a link that implies one (zalo.me -> VN)."""
    if region is None or ctx.country:
        return ctx
    return ctx.with_country(region)
