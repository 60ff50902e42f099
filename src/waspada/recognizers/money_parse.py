"""Reading money amounts: the lexicon and rate table, the number grammar, one compiled pattern.

Everything language-specific lives in ``data/money_lexicon.yaml`` and ``data/fx_rates.json``;
this module turns them into one regex (built once) and parses its matches into ``Amount``s.
``find_amounts`` is pure (text in, amounts out) so it can be tested without the pipeline.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import regex
import yaml

from waspada.errors import ConfigError
from waspada.text.patterns import compile_pattern, finditer

LEXICON_FILE = "money_lexicon.yaml"
RATES_FILE = "fx_rates.json"
_WS = regex.compile(r"\s+")
PERIODS = ("hour", "day", "week", "month", "year")
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


@dataclass(frozen=True, slots=True)
class Rates:
    date: str
    note: str
    units_per_usd: dict[str, float]


@dataclass(frozen=True, slots=True)
class Lexicon:
    pattern: regex.Pattern[str]  # starts at the number; the prefix currency is looked up behind
    prefix_currency: regex.Pattern[str]
    prefix_last_chars: frozenset[str]  # last characters of prefix forms: a cheap pre-check
    over_pattern: regex.Pattern[str]
    prefix_period: regex.Pattern[str]
    salary: regex.Pattern[str]
    currency_of: dict[str, str]  # prefix/suffix form -> code
    multiplier: dict[str, int]  # form -> factor
    mult_currencies: dict[str, list[str]]
    cue_multipliers: frozenset[str]
    period_of: dict[str, str]  # unit or phrase or prefix -> period
    over_period: dict[str, str]
    language_currency: dict[str, str]
    script_currency: dict[str, str]
    country_currency: dict[str, str]
    to_month: dict[str, float]


def _read(name: str) -> str:
    return resources.files("waspada.recognizers").joinpath("data", name).read_text("utf-8")


def _need(d: Any, key: str, typ: type, file: str) -> Any:
    if not isinstance(d, dict) or key not in d or not isinstance(d[key], typ):
        raise ConfigError(f"{file}: field {key!r} missing or not a {typ.__name__}")
    return d[key]


@cache
def load_rates() -> Rates:
    """The dated rate table shipped with the package (checked on load)."""
    try:
        data = json.loads(_read(RATES_FILE))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{RATES_FILE}: cannot be read: {exc}") from exc
    units = _need(data, "units_per_usd", dict, RATES_FILE)
    for code, v in units.items():
        if not isinstance(v, int | float) or v <= 0:
            raise ConfigError(f"{RATES_FILE}: field units_per_usd.{code} must be a positive number")
    return Rates(
        date=_need(data, "date", str, RATES_FILE),
        note=_need(data, "note", str, RATES_FILE),
        units_per_usd={k: float(v) for k, v in units.items()},
    )


def _is_latin(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def _alt(forms: list[str], *, boundary: bool = True, lead: bool = False) -> str:
    """Alternation of literal forms, longest first; a form ending in a Latin letter must not run
    into another letter (``5km`` is not ``5k``).

    ``lead``: no form may follow a Latin letter (``A$500`` is not ``$500``, ``learn`` is not
    ``earn``). Off for forms that follow the number, where the lookbehind would only cost time.
    """
    parts = []
    variants = set(forms) | {unicodedata.normalize("NFKC", f) for f in forms}
    for f in sorted(variants, key=lambda s: (-len(s), s)):
        p = regex.escape(f).replace(r"\ ", r"\s{1,2}")
        if lead:
            p = r"(?<![\p{Latin}])" + p
        if boundary and _is_latin(f[-1]):
            p += r"(?!\p{Latin})"
        elif boundary and f[-1].isdigit():
            p += r"(?!\d)"
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"


def _add_nfkc_keys(table: dict[str, Any]) -> None:
    """The normaliser applies NFKC (Thai/Lao sara am splits): look forms up in both spellings."""
    for key in list(table):
        table.setdefault(unicodedata.normalize("NFKC", key), table[key])


@cache
def load_lexicon() -> Lexicon:
    """Parse and check ``money_lexicon.yaml`` and compile its one pattern (once per process)."""
    f = LEXICON_FILE
    try:
        data = yaml.safe_load(_read(f))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{f}: cannot be read: {exc}") from exc
    rates = load_rates()
    currency_of: dict[str, str] = {}
    prefix_forms: list[str] = []
    suffix_forms: list[str] = []
    for key, bucket in (("prefix_currencies", prefix_forms), ("suffix_currencies", suffix_forms)):
        for code, forms in _need(data, key, dict, f).items():
            if code not in rates.units_per_usd:
                raise ConfigError(f"{f}: field {key}.{code} has no rate in {RATES_FILE}")
            for form in forms:
                currency_of[str(form)] = code
                bucket.append(str(form))
    multiplier: dict[str, int] = {}
    for item in _need(data, "multipliers", list, f):
        factor = _need(item, "factor", int, f)
        for form in _need(item, "forms", list, f):
            multiplier[str(form)] = factor
    mult_cur = {str(k): list(v) for k, v in _need(data, "multiplier_currencies", dict, f).items()}
    for form, codes in mult_cur.items():
        if form not in multiplier or any(c not in rates.units_per_usd for c in codes):
            raise ConfigError(f"{f}: field multiplier_currencies.{form} names an unknown form/code")
    period_of: dict[str, str] = {}
    units: list[str] = []
    phrases: list[str] = []
    for period, spec in _need(data, "periods", dict, f).items():
        if period not in PERIODS:
            raise ConfigError(f"{f}: field periods.{period} is not one of {PERIODS}")
        for u in _need(spec, "units", list, f):
            period_of[str(u)] = period
            units.append(str(u))
        for p in _need(spec, "phrases", list, f):
            period_of[str(p)] = period
            phrases.append(str(p))
    prefixes: list[str] = []
    for period, forms in _need(data, "period_prefixes", dict, f).items():
        if period not in PERIODS:
            raise ConfigError(f"{f}: field period_prefixes.{period} is not one of {PERIODS}")
        for p in forms:
            period_of.setdefault(str(p), period)
            prefixes.append(str(p))
    for table in (currency_of, multiplier, period_of, mult_cur):
        _add_nfkc_keys(table)
    to_month = {str(k): float(v) for k, v in _need(data, "to_month", dict, f).items()}
    if set(to_month) != set(PERIODS):
        raise ConfigError(f"{f}: field to_month must give a factor for each of {PERIODS}")

    num = (
        r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
        r"|[一二两兩三四五六七八九十](?=[万萬千])"
    )
    pfx = _alt(prefix_forms, lead=True)
    mult = _alt(list(multiplier))
    rsep = _alt([str(s) for s in _need(data, "range_separators", list, f)])
    conn = _alt([str(s) for s in _need(data, "period_connectors", list, f)])
    per = rf"(?:{conn}\s{{0,2}}{_alt(units)}|{_alt(phrases)})"
    pattern = (
        rf"(?<![\d.,])(?P<n1>{num})(?:\s{{0,2}}(?P<m1>{mult}))?"
        rf"(?:\s{{0,2}}{rsep}\s{{0,2}}(?:(?P<cur1b>{pfx})\s{{0,2}})?"
        rf"(?P<n2>{num})(?:\s{{0,2}}(?P<m2>{mult}))?)?"
        rf"(?:\s{{0,2}}(?P<cur2>{_alt(suffix_forms)}))?"
        rf"(?:\s{{0,2}}(?P<per>{per}))?"
    )
    over = _need(data, "over_idiom", dict, f)
    over_period = {str(k): str(v) for k, v in _need(over, "period", dict, f).items()}
    over_rx = (
        rf"(?P<p>{_alt(list(over_period))})(?:{_alt(_need(over, 'verbs', list, f))})?"
        rf"(?:{_alt(_need(over, 'over', list, f))})"
        rf"(?P<m>{_alt(['万', '萬', '千', '十万', '十萬'])})"
    )
    return Lexicon(
        pattern=compile_pattern(pattern, name="money"),
        prefix_last_chars=frozenset(unicodedata.normalize("NFKC", x)[-1] for x in prefix_forms)
        | frozenset(x[-1] for x in prefix_forms),
        prefix_currency=compile_pattern(rf"(?P<cur>{pfx})[\s:]{{0,2}}$", name="money_prefix"),
        over_pattern=compile_pattern(over_rx, name="money_over"),
        prefix_period=compile_pattern(_alt(prefixes, lead=True), name="money_prefix_period"),
        salary=compile_pattern(
            _alt([str(w) for w in _need(data, "salary_words", list, f)], lead=True),
            name="salary_words",
        ),
        currency_of=currency_of,
        multiplier=multiplier,
        mult_currencies=mult_cur,
        cue_multipliers=frozenset(_need(data, "money_cue_multipliers", list, f)),
        period_of=period_of,
        over_period=over_period,
        language_currency=dict(_need(data, "language_currency", dict, f)),
        script_currency=dict(_need(data, "script_currency", dict, f)),
        country_currency=dict(_need(data, "country_currency", dict, f)),
        to_month=to_month,
    )


def parse_number(s: str) -> Decimal | None:
    """Read ``15.000.000``, ``1,500``, ``1.500,50``, ``1,5``, ``2.5`` or a Chinese digit.

    Repeated separators, or one separator followed by exactly three digits (``1.500``), group
    thousands; with both ``.`` and ``,`` the last one is the decimal mark; otherwise a single
    separator is the decimal mark (``1,5 juta``, ``2.5k``).
    """
    if s in _CN_DIGITS:
        return Decimal(_CN_DIGITS[s])
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
    for m in finditer(lex.pattern, lower):
        a = _read_match(lex, lower, m, language, script, country)
        if a is not None:
            out.append(a)
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
    elif start and _is_latin(lower[start - 1]):
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
    period = _period_of(lex, per_form) if per_form else None
    window = lower[max(0, start - 40) : start]
    if period is None and lex.prefix_period.search(window[-16:]) is not None:
        near = list(finditer(lex.prefix_period, window[-16:]))
        if near:
            period = lex.period_of.get(_WS.sub(" ", near[-1].group()))
    salary = period is not None or lex.salary.search(window) is not None
    # without a currency or a money-only abbreviation (jt, rb, tr), a pay period or salary word
    # must be near, and the number must look like pay (a multiplier, thousands groups, or 1000+
    # that is not a year or a phone number)
    if not strong and not salary:
        return None
    n2 = parse_number(n2_text) if n2_text else None
    if cur_form:
        currency: str | None = lex.currency_of[_WS.sub(" ", cur_form)]
    else:
        currency = None
        for form in mult_forms:
            options = lex.mult_currencies.get(form)
            if options:
                lang_cur = lex.language_currency.get(language)
                currency = lang_cur if lang_cur in options else options[0]
                break
        currency = currency or _default_currency(lex, language, script, country)
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
