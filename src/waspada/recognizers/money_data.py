"""The money lexicon and the dated rate table: loaded, checked and compiled once.

``data/money_lexicon.yaml`` holds the written forms (currencies, multipliers, periods, salary
words); ``data/fx_rates.json`` the dated rates. ``load_lexicon`` turns the lexicon into one regex
that starts at a number; ``money_parse`` reads its matches.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import regex

from waspada.datafiles import package_yaml
from waspada.errors import ConfigError
from waspada.text.patterns import compile_pattern

LEXICON_FILE = "money_lexicon.yaml"
RATES_FILE = "fx_rates.json"
PERIODS = ("hour", "day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Rates:
    date: str
    note: str
    units_per_usd: dict[str, float]
    source_of: dict[str, str]  # currency -> key of ``sources`` (ecb, par, usd, unverified ...)
    source_date: dict[str, str]  # source key -> the reference date of its rates


@dataclass(frozen=True, slots=True)
class Lexicon:
    pattern: regex.Pattern[str]  # starts at the number; the prefix currency is looked up behind
    prefix_currency: regex.Pattern[str]
    prefix_last_chars: frozenset[str]  # last characters of prefix forms: a cheap pre-check
    over_pattern: regex.Pattern[str]
    tail: regex.Pattern[str]  # a suffix currency and a period after an amount in words
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
    sources = _need(data, "sources", dict, RATES_FILE)
    source_date: dict[str, str] = {}
    for key, spec in sources.items():
        source_date[key] = _need(spec, "date", str, f"{RATES_FILE}: sources.{key}")
        _need(spec, "name", str, f"{RATES_FILE}: sources.{key}")
    source_of = _need(data, "rate_source", dict, RATES_FILE)
    for code in units:
        if source_of.get(code) not in source_date:
            raise ConfigError(f"{RATES_FILE}: field rate_source.{code} must name one of sources")
    return Rates(
        date=_need(data, "date", str, RATES_FILE),
        note=_need(data, "note", str, RATES_FILE),
        units_per_usd={k: float(v) for k, v in units.items()},
        source_of={k: str(source_of[k]) for k in units},
        source_date=source_date,
    )


def is_latin(ch: str) -> bool:
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
        if boundary and is_latin(f[-1]):
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
    data = package_yaml("waspada.recognizers", f)
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
        tail=compile_pattern(
            rf"(?:\s{{0,2}}(?P<cur2>{_alt(suffix_forms)}))?(?:\s{{0,2}}(?P<per>{per}))?",
            name="money_tail",
        ),
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
