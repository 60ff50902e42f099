"""Money amounts: every format the issue lists, per language, plus negatives and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess
from waspada.recognizers.base import Context
from waspada.recognizers.money import MoneyRecognizer
from waspada.recognizers.money_parse import load_rates, parse_number
from waspada.text.normalize import normalize
from waspada.types import Entity

REC = MoneyRecognizer()


def money(text: str, *, language: str | None = None, script: str = "Latin") -> list[Entity]:
    """Money entities via assess(), or via a Context with a fixed language when one is given."""
    if language is None:
        found = [e for e in assess(text).entities if e.kind == "money"]
    else:
        norm = normalize(text)
        ctx = Context(norm=norm, language=language, script=script, lower=norm.text.lower())
        found = REC.recognize(ctx)
    for e in found:
        assert text[e.start : e.end] == e.text
    return found


# (text, [(span text, amount, currency, period)]) — amounts worked out by hand
CASES: list[tuple[str, list[tuple[str, float, str, str | None]]]] = [
    ("Gaji Rp 15 jt", [("Rp 15 jt", 15_000_000, "IDR", None)]),
    ("gaji 15 juta/bulan", [("15 juta/bulan", 15_000_000, "IDR", "month")]),
    ("Rp15jt langsung cair", [("Rp15jt", 15_000_000, "IDR", None)]),
    ("Rp 15.000.000 per bulan", [("Rp 15.000.000 per bulan", 15_000_000, "IDR", "month")]),
    ("Rp. 250000/hari", [("Rp. 250000/hari", 250_000, "IDR", "day")]),
    ("Rp 1,5 juta", [("Rp 1,5 juta", 1_500_000, "IDR", None)]),
    ("uang saku 15rb", [("15rb", 15_000, "IDR", None)]),
    ("Rp 100rb/hari", [("Rp 100rb/hari", 100_000, "IDR", "day")]),
    ("USD 1,500/month", [("USD 1,500/month", 1_500, "USD", "month")]),
    ("salary $1,500", [("$1,500", 1_500, "USD", None)]),
    ("earn $20/hour", [("$20/hour", 20, "USD", "hour")]),
    ("$50 a day", [("$50 a day", 50, "USD", "day")]),
    ("$1.5k/week", [("$1.5k/week", 1_500, "USD", "week")]),
    ("S$3,000 monthly", [("S$3,000 monthly", 3_000, "SGD", "month")]),
    ("HK$ 10,000", [("HK$ 10,000", 10_000, "HKD", None)]),
    ("NT$30,000", [("NT$30,000", 30_000, "TWD", None)]),
    ("lương 20 triệu/tháng", [("20 triệu/tháng", 20_000_000, "VND", "month")]),
    ("thu nhập 15tr", [("15tr", 15_000_000, "VND", None)]),
    ("chỉ 500.000đ", [("500.000đ", 500_000, "VND", None)]),
    ("phí 500.000 vnđ", [("500.000 vnđ", 500_000, "VND", None)]),
    ("lương 800 nghìn/ngày", [("800 nghìn/ngày", 800_000, "VND", "day")]),
    ("₫2.000.000", [("₫2.000.000", 2_000_000, "VND", None)]),
    ("30,000 บาท", [("30,000 บาท", 30_000, "THB", None)]),
    ("฿30,000", [("฿30,000", 30_000, "THB", None)]),
    ("เงินเดือน 3 หมื่นบาท", [("3 หมื่นบาท", 30_000, "THB", None)]),
    ("รายได้ 1.5 ล้านบาท", [("1.5 ล้านบาท", 1_500_000, "THB", None)]),
    ("เริ่มต้น 799บาท/เดือน", [("799บาท/เดือน", 799, "THB", "month")]),
    ("sahod ₱50k", [("₱50k", 50_000, "PHP", None)]),
    ("Php 20,000 kada buwan", [("Php 20,000 kada buwan", 20_000, "PHP", "month")]),
    ("₱800 kada araw", [("₱800 kada araw", 800, "PHP", "day")]),
    ("gaji RM4,000", [("RM4,000", 4_000, "MYR", None)]),
    ("RM 3.5k sebulan", [("RM 3.5k sebulan", 3_500, "MYR", "month")]),
    ("deposit 1000 USDT", [("1000 USDT", 1_000, "USDT", None)]),
    ("月入过万", [("月入过万", 10_000, "CNY", "month")]),
    ("月薪3万", [("3万", 30_000, "CNY", "month")]),
    ("月薪三万", [("三万", 30_000, "CNY", "month")]),
    ("5000元/月", [("5000元/月", 5_000, "CNY", "month")]),
    ("日薪800元", [("800元", 800, "CNY", "day")]),
    ("底薪8000块", [("8000块", 8_000, "CNY", None)]),
    ("工资5000人民币", [("5000人民币", 5_000, "CNY", None)]),
    ("៛40,000", [("៛40,000", 40_000, "KHR", None)]),
    ("500,000 ကျပ်", [("500,000 ကျပ်", 500_000, "MMK", None)]),
    ("500,000 Kyat", [("500,000 Kyat", 500_000, "MMK", None)]),
    ("2,000,000 kip", [("2,000,000 kip", 2_000_000, "LAK", None)]),
    ("2,000,000 ກີບ", [("2,000,000 ກີບ", 2_000_000, "LAK", None)]),
    ("EUR 2,000", [("EUR 2,000", 2_000, "EUR", None)]),
    ("Rp 1.500,50", [("Rp 1.500,50", 1_500.5, "IDR", None)]),
    ("USD 1,500.50", [("USD 1,500.50", 1_500.5, "USD", None)]),
    # two amounts in one text
    ("Gaji Rp 5 jt, bonus $200", [("Rp 5 jt", 5_000_000, "IDR", None), ("$200", 200, "USD", None)]),
    # --- negatives: phones, dates, years, plain counts, units
    ("hubungi 0812-3456-7890", []),
    ("tanggal 09-05-2023", []),
    ("sejak tahun 2023", []),
    ("ada 150 orang", []),
    ("jarak 5 km", []),
    ("10万人参加", []),
    ("15 juta penduduk", []),
    ("5 nghìn người", []),
    ("call 09171234567", []),
    ("A$500", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_money(text: str, expected: list[tuple[str, float, str, str | None]]) -> None:
    got = [(e.text, e.attrs["amount"], e.attrs["currency"], e.attrs["period"]) for e in money(text)]
    assert got == expected


# ranges: amount = lower bound, amount_max = upper bound
RANGES: list[tuple[str, str, float, float, str, str | None]] = [
    ("Rp 5-7 juta", "Rp 5-7 juta", 5_000_000, 7_000_000, "IDR", None),
    ("Rp5.000.000–Rp7.000.000", "Rp5.000.000–Rp7.000.000", 5_000_000, 7_000_000, "IDR", None),
    (
        "gaji 10juta-15juta per bulan",
        "10juta-15juta per bulan",
        10_000_000,
        15_000_000,
        "IDR",
        "month",
    ),
    ("Rp 3 juta sd Rp 6 juta", "Rp 3 juta sd Rp 6 juta", 3_000_000, 6_000_000, "IDR", None),
    ("lương 15-20 triệu/tháng", "15-20 triệu/tháng", 15_000_000, 20_000_000, "VND", "month"),
    ("月薪2-3万", "2-3万", 20_000, 30_000, "CNY", "month"),
    ("USD 1,500 to 2,000 per month", "USD 1,500 to 2,000 per month", 1_500, 2_000, "USD", "month"),
    ("Rp 500rb - 1jt", "Rp 500rb - 1jt", 500_000, 1_000_000, "IDR", None),
]


@pytest.mark.parametrize(("text", "span", "lo", "hi", "cur", "period"), RANGES)
def test_ranges(text: str, span: str, lo: float, hi: float, cur: str, period: str | None) -> None:
    (e,) = money(text)
    assert (
        e.text,
        e.attrs["amount"],
        e.attrs["amount_max"],
        e.attrs["currency"],
        e.attrs["period"],
    ) == (span, lo, hi, cur, period)


# bare amounts take the currency of the text's language or script
LANGUAGE_DEFAULTS: list[tuple[str, str, str, float, str]] = [
    ("gaji 5.000.000 per bulan", "id", "Latin", 5_000_000, "IDR"),
    ("gaji 500 ribu", "id", "Latin", 500_000, "IDR"),
    ("gaji 5 juta", "ms", "Latin", 5_000_000, "MYR"),
    ("เงินเดือน 25,000", "th", "Thai", 25_000, "THB"),
    ("lương 500k/ngày", "vi", "Latin", 500_000, "VND"),
    ("月薪：8000", "zh", "Han", 8_000, "CNY"),
]


@pytest.mark.parametrize(("text", "lang", "script", "amount", "cur"), LANGUAGE_DEFAULTS)
def test_currency_from_language(text: str, lang: str, script: str, amount: float, cur: str) -> None:
    (e,) = money(text, language=lang, script=script)
    assert (e.attrs["amount"], e.attrs["currency"]) == (amount, cur)


def test_usd_month_uses_the_dated_table() -> None:
    rates = load_rates().units_per_usd
    (e,) = money("Rp 15 jt/bulan")
    assert e.attrs["usd_month"] == round(15_000_000 / rates["IDR"], 2)
    (e,) = money("$20/hour")  # 8 hours x 26 days
    assert e.attrs["usd_month"] == 20 * 208
    (e,) = money("฿1,000 ต่อวัน")  # 26 working days
    assert e.attrs["usd_month"] == round(1_000 / rates["THB"] * 26, 2)


def test_usd_month_null_without_period_unless_salary() -> None:
    (e,) = money("harga Rp 50.000")
    assert e.attrs["period"] is None and e.attrs["usd_month"] is None
    (e,) = money("gaji Rp 5 jt")
    assert e.attrs["period"] is None and e.attrs["period_assumed"] == "month"
    assert e.attrs["usd_month"] == round(5_000_000 / load_rates().units_per_usd["IDR"], 2)


def test_rate_table_is_dated_and_covers_the_region() -> None:
    rates = load_rates()
    assert rates.date and "approximate mid-market rates, for scale only" in rates.note
    for code in [
        "IDR",
        "MYR",
        "SGD",
        "THB",
        "VND",
        "PHP",
        "KHR",
        "LAK",
        "MMK",
        "CNY",
        "HKD",
        "TWD",
        "USD",
        "USDT",
        "EUR",
        "JPY",
        "KRW",
    ]:
        assert rates.units_per_usd[code] > 0


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("15.000.000", 15_000_000),
        ("1,500", 1_500),
        ("1.500,50", 1_500.5),
        ("1,500.50", 1_500.5),
        ("1,5", 1.5),
        ("2.5", 2.5),
        ("0.500", 0.5),
        ("三", 3),
        ("1500", 1_500),
    ],
)
def test_parse_number(raw: str, value: float) -> None:
    got = parse_number(raw)
    assert got is not None and float(got) == value


@settings(max_examples=150, deadline=None)
@given(n=st.integers(min_value=1, max_value=10**12), style=st.sampled_from(["id", "en"]))
def test_grouped_rupiah_round_trips(n: int, style: str) -> None:
    written = f"{n:,}" if style == "en" else f"{n:,}".replace(",", ".")
    text = f"Gaji Rp {written} per bulan"
    (e,) = money(text)
    assert e.attrs["amount"] == n and e.attrs["currency"] == "IDR" and e.attrs["period"] == "month"


@settings(max_examples=150, deadline=None)
@given(n=st.integers(min_value=1, max_value=999), mult=st.sampled_from(["jt", "juta", "rb"]))
def test_abbreviated_rupiah_round_trips(n: int, mult: str) -> None:
    (e,) = money(f"Rp {n} {mult}")
    assert e.attrs["amount"] == n * (1000 if mult == "rb" else 1_000_000)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789.,-/ $Rpjtk万元บาทđ₱RMUSDTbulan")), max_size=80
    )
)
def test_money_like_noise_never_crashes_and_spans_map_back(text: str) -> None:
    for e in money(text):
        attrs: dict[str, Any] = e.attrs
        assert attrs["amount"] > 0


def test_a_bad_rate_table_is_refused_naming_the_file_and_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from waspada.errors import ConfigError
    from waspada.recognizers import money_data

    monkeypatch.setattr(
        money_data, "_read", lambda name: '{"date": "x", "note": "n", "units_per_usd": {"IDR": 0}}'
    )
    with pytest.raises(ConfigError, match=r"fx_rates\.json: field units_per_usd\.IDR"):
        money_data.load_rates.__wrapped__()


# end to end: the currency of a bare amount comes from the language assess() detects
DETECTED: list[tuple[str, str, float, str, str | None]] = [
    (
        "Gaji 5.000.000 per bulan, penempatan di Kamboja",
        "5.000.000 per bulan",
        5_000_000,
        "IDR",
        "month",
    ),
    ("เงินเดือน 25,000 ต่อเดือน ทำงานที่ปอยเปต", "25,000 ต่อเดือน", 25_000, "THB", "month"),
    ("Sahod 30,000 kada buwan sa Cambodia", "30,000 kada buwan", 30_000, "PHP", "month"),
    ("salary 1500$ per month", "1500$ per month", 1_500, "USD", "month"),
]


@pytest.mark.parametrize(("text", "span", "amount", "cur", "period"), DETECTED)
def test_bare_amounts_end_to_end(
    text: str, span: str, amount: float, cur: str, period: str | None
) -> None:
    (e,) = money(text)
    assert (e.text, e.attrs["amount"], e.attrs["currency"], e.attrs["period"]) == (
        span,
        amount,
        cur,
        period,
    )
