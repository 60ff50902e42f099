"""Reading money amounts: the number grammar and the rules that make a number money.

The words and rates come from ``money_data`` (one compiled pattern, built once); this module
parses its matches into ``Amount``s. ``find_amounts`` is pure (text in, amounts out) so it can be
tested without the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from waspada.recognizers.money_data import PERIODS, Lexicon, is_latin, load_lexicon, load_rates
from waspada.recognizers.money_words import find_word_numbers, has_word_cue
from waspada.text.patterns import finditer, finditer_linear

__all__ = [
    "PERIODS",
    "Amount",
    "find_amounts",
    "load_lexicon",
    "load_rates",
    "parse_number",
    "usd_per_month",
]

_WS = regex.compile(r"\s+")
_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


@dataclass(frozen=True, slots=True)
class Amount:
    start: int
    end: int
    amount: int | float
    currency: str
    period: str | None
    amount_max: int | float | None = None
    explicit_currency: bool = True
    salary_context: bool = False
    at_least: bool = False


#: longest digit string (with separators) read as an amount: 999,999,999,999,999 is 19 chars
MAX_NUMBER_CHARS = 24


def parse_number(s: str) -> Decimal | None:
    """Read ``15.000.000``, ``1,500``, ``1.500,50``, ``1,5``, ``2.5`` or a Chinese digit.

    Repeated separators, or one separator followed by exactly three digits (``1.500``), group
    thousands; with both ``.`` and ``,`` the last one is the decimal mark; otherwise a single
    separator is the decimal mark (``1,5 juta``, ``2.5k``).
    """
    if s in _CN_DIGITS:
        return Decimal(_CN_DIGITS[s])
    if len(s) > MAX_NUMBER_CHARS:
        return None  # no pay or price has that many digits; refuse rather than build huge ints
    seps = [c for c in s if c in ".,"]
    try:
        if not seps:
            return Decimal(s)
        if len(set(seps)) == 2:
            dec = seps[-1]
            thou = "," if dec == "." else "."
            return Decimal(s.replace(thou, "").replace(dec, "."))
        sep = seps[0]
        head, _, tail = s.rpartition(sep)
        if len(seps) > 1 or (len(tail) == 3 and head.lstrip("0") != ""):
            return Decimal(s.replace(sep, ""))
        return Decimal(s.replace(sep, "."))
    except InvalidOperation:
        return None


def _num(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _default_currency(lex: Lexicon, language: str, script: str, country: str | None) -> str | None:
    return (
        lex.language_currency.get(language)
        or lex.script_currency.get(script)
        or (lex.country_currency.get(country) if country else None)
    )


def find_amounts(
    lower: str, *, language: str = "und", script: str = "Latin", country: str | None = None
) -> list[Amount]:
    """Every money amount in a lower-cased text, with currency and period resolved."""
    lex = load_lexicon()
    out: list[Amount] = []
    prefix_last = lex.prefix_last_chars
    # the money pattern is linear: built from literal alternations and bounded repeats
    for m in finditer_linear(lex.pattern, lower):
        # the commonest match, a bare short number or one with a leading 0 and nothing around
        # it, is refused here without a call (the same test opens _read_match)
        start = m.start()
        before = lower[max(0, start - 3) : start].rstrip(" :")
        if not (before and before[-1] in prefix_last):
            n1 = m.group("n1")
            if m.end() == m.end("n1") and (len(n1) < 4 or n1[0] == "0"):
                continue
        a = _read_match(lex, lower, m, language, script, country)
        if a is not None:
            out.append(a)
    words = _word_amounts(lex, lower, out, language, script, country)
    if words:
        out = sorted(out + words, key=lambda a: a.start)
    if "万" in lower or "萬" in lower or "千" in lower:
        taken: set[int] = set()
        for a in out:
            taken.update(range(a.start, a.end))
        for m in finditer(lex.over_pattern, lower):
            if m.start() in taken or m.end() - 1 in taken:
                continue
            cur = (lex.country_currency.get(country) if country in ("TW", "HK") else None) or "CNY"
            factor = 100000 if m.group("m").startswith("十") else lex.multiplier[m.group("m")]
            out.append(
                Amount(
                    m.start(),
                    m.end(),
                    factor,
                    cur,
                    lex.over_period[m.group("p")],
                    explicit_currency=False,
                    salary_context=True,
                    at_least=True,
                )
            )
        out.sort(key=lambda a: a.start)
    return out


def _read_match(
    lex: Lexicon, lower: str, m: regex.Match[str], language: str, script: str, country: str | None
) -> Amount | None:
    start = m.start()
    digits: str = m.group("n1")
    # the currency written in front (Rp, $, RM ...) is looked up behind the number: scanning only
    # from digits keeps the one pattern fast
    before = lower[max(0, start - 3) : start].rstrip(" :")
    maybe_prefix = bool(before) and before[-1] in lex.prefix_last_chars
    if not maybe_prefix and m.end() == m.end("n1") and (len(digits) < 4 or digits[0] == "0"):
        return None  # a bare short number or one with a leading 0 (most numbers): fast exit
    n1 = parse_number(digits)
    if n1 is None:
        return None
    pm = lex.prefix_currency.search(lower, max(0, start - 8), start) if maybe_prefix else None
    if pm is not None:
        start = pm.start()
    elif start and is_latin(lower[start - 1]):
        return None  # "abc123", "A$500" (the $ is not a prefix after a Latin letter)
    m1, m2, n2_text, cur1b, cur2, per_form = m.group("m1", "m2", "n2", "cur1b", "cur2", "per")
    mult_forms = [x for x in (m1, m2) if x]
    cur_form = (pm.group("cur") if pm else None) or cur1b or cur2
    strong = bool(cur_form) or any(x in lex.cue_multipliers for x in mult_forms)
    grouped = n1 >= 1000 and any(c in digits for c in ".,")
    plain = (
        digits.isdigit()
        and not digits.startswith("0")
        and 1000 <= n1 < 10**8
        and not 1900 <= n1 <= 2100
    )
    if not (strong or mult_forms or grouped or plain):
        return None  # a bare small number: never money on its own (cheap exit, most numbers)
    end = m.end()
    if (start and lower[start - 1] in _IDENT_CHARS) or (end < len(lower) and lower[end] in "@_"):
        return None  # inside an e-mail address or a handle: rp865233@gmail.com, @gaji_5000
    if not cur_form and not mult_forms and _in_digit_run(lower, m.start(), end):
        return None  # a group of a longer digit run: the 7890 of "WA 0812-3456-7890"
    if pm is not None and _code_shaped(pm, m, digits):
        return None  # a voucher or reference code: "discount code RP176781"
    period, salary = _period_and_salary(lex, lower, start, per_form)
    # without a currency or a money-only abbreviation (jt, rb, tr), a pay period or salary word
    # must be near, and the number must look like pay (a multiplier, thousands groups, or 1000+
    # that is not a year or a phone number)
    if not strong and not salary:
        return None
    n2 = parse_number(n2_text) if n2_text else None
    currency = _currency(lex, cur_form, mult_forms, language, script, country)
    if currency is None:
        return None
    f1 = lex.multiplier[m1] if m1 else 1
    f2 = lex.multiplier[m2] if m2 else 1
    if currency == "IDR" and m1 == "m":  # Indonesian "Rp 1 M" is one miliar
        f1 = 1_000_000_000
    if n2 is not None and n2:
        if not m1 and m2 and n1 < n2:
            f1 = f2  # "Rp 5-7 juta": the first number shares the second's multiplier
        lo, hi = sorted((n1 * f1, n2 * f2))
        if lo <= 0:
            return None
        return Amount(
            start,
            m.end(),
            _num(lo),
            currency,
            period,
            amount_max=_num(hi),
            explicit_currency=bool(cur_form),
            salary_context=salary,
        )
    value = n1 * f1
    if value <= 0:
        return None
    return Amount(
        start,
        m.end(),
        _num(value),
        currency,
        period,
        explicit_currency=bool(cur_form),
        salary_context=salary,
    )


_IDENT_CHARS = frozenset("@_")


def _word_amounts(
    lex: Lexicon,
    lower: str,
    found: list[Amount],
    language: str,
    script: str,
    country: str | None,
) -> list[Amount]:
    """Amounts in words (``gaji lima belas juta``, ``lương mười lăm triệu``, ``เงินเดือนสามหมื่น``).

    The same rules as for digits: a currency written before or after, or a salary word or pay
    period near; without a written currency the number must be 1000 or more and its currency comes
    from its scale word (juta, triệu, หมื่น, libo) or the text's language.
    """
    out: list[Amount] = []
    if not has_word_cue(lower):
        return out  # no scale word (ribu, triệu, พัน ...): no amount in words of 1000 or more
    taken = [(a.start, a.end) for a in found]
    for w in find_word_numbers(lower):
        i = _first_after(taken, w.start)
        if i < len(taken) and taken[i][0] < w.end:
            continue  # already read as digits: the digits win
        if i and w.start - taken[i - 1][1] <= 1:
            continue  # "3 ล้านห้าแสน": the tail of an amount in digits, not an amount of its own
        start, end = w.start, w.end
        tail = lex.tail.match(lower, end)
        cur2, per_form = tail.group("cur2", "per") if tail else (None, None)
        if tail is not None and (cur2 or per_form):
            end = tail.end()
        pm = lex.prefix_currency.search(lower, max(0, start - 8), start)
        cur_form = (pm.group("cur") if pm else None) or cur2
        if pm is not None:
            start = pm.start()
        if w.value < 1000:
            continue  # "lima orang", "năm" (year), "สาม" in สามารถ: a count, not pay
        if (start and lower[start - 1] in _IDENT_CHARS) or (
            end < len(lower) and lower[end] in "@_"
        ):
            continue
        period, salary = _period_and_salary(lex, lower, start, per_form)
        if not cur_form and not salary:
            continue
        currency = _currency(lex, cur_form, w.forms, language, script, country)
        if currency is None:
            continue
        out.append(
            Amount(
                start,
                end,
                w.value,
                currency,
                period,
                explicit_currency=bool(cur_form),
                salary_context=salary,
            )
        )
    return out


def _first_after(spans: list[tuple[int, int]], pos: int) -> int:
    """Index of the first span (sorted by start) that ends after ``pos``."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _in_digit_run(lower: str, start: int, end: int) -> bool:
    """The number is one group of a digit run written with dashes or spaces (a phone number):
    a digit and one separator before it, or a dash and a digit after it."""
    if start >= 2 and lower[start - 1] in "- " and lower[start - 2].isdigit():
        return True
    return end + 1 < len(lower) and lower[end] == "-" and lower[end + 1].isdigit()


def _code_shaped(pm: regex.Match[str], m: regex.Match[str], digits: str) -> bool:
    """A currency code in letters glued to five or more digits that do not end in 0, with
    nothing after: ``RP176781`` is a code, ``Rp44900``, ``PHP1000``, ``Rp 176781`` are prices."""
    return (
        pm.end("cur") == m.start()
        and pm.group("cur").rstrip(".").isalpha()
        and m.end() == m.end("n1")
        and len(digits) >= 5
        and digits.isdigit()
        and digits[-1] != "0"
    )


def _period_and_salary(
    lex: Lexicon, lower: str, start: int, per_form: str | None
) -> tuple[str | None, bool]:
    """The period written after (``per_form``) or just before the amount, and whether a period
    or a salary word is near (within 40 characters before)."""
    period = _period_of(lex, per_form) if per_form else None
    window = lower[max(0, start - 40) : start]
    if period is None and lex.prefix_period.search(window[-16:]) is not None:
        near = list(finditer(lex.prefix_period, window[-16:]))
        if near:
            period = lex.period_of.get(_WS.sub(" ", near[-1].group()))
    return period, period is not None or lex.salary.search(window) is not None


def _currency(
    lex: Lexicon,
    cur_form: str | None,
    mult_forms: list[str] | tuple[str, ...],
    language: str,
    script: str,
    country: str | None,
) -> str | None:
    """The written currency, else the one a multiplier implies, else the text's default."""
    if cur_form:
        return lex.currency_of[_WS.sub(" ", cur_form)]
    for form in mult_forms:
        options = lex.mult_currencies.get(form)
        if options:
            lang_cur = lex.language_currency.get(language)
            return lang_cur if lang_cur in options else options[0]
    return _default_currency(lex, language, script, country)


def _period_of(lex: Lexicon, form: str) -> str | None:
    key = _WS.sub(" ", form.strip())
    if key in lex.period_of:
        return lex.period_of[key]
    # connector + unit: the unit is the longest known tail
    for i in range(len(key)):
        tail = key[i:].strip()
        if tail in lex.period_of:
            return lex.period_of[tail]
    return None


def usd_per_month(amount: float, currency: str, period: str | None) -> float | None:
    """Approximate monthly US dollars (see the rate table's date and note); None if no period."""
    if period is None:
        return None
    rate = load_rates().units_per_usd.get(currency)
    if rate is None:
        return None
    return round(amount / rate * load_lexicon().to_month[period], 2)
