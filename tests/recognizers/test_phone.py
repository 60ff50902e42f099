"""Phone recogniser: every listed country, each region source, each channel, and the things
that look like numbers but are not phones (prices, dates, years, amounts, times, ranges)."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import waspada

from .helpers import Expected, assert_entities, entities

PHONE = ("phone",)

# (text, language or None, country hint or None, expected)
CASES: list[tuple[str, str | None, str | None, list[Expected]]] = [
    # one per country, region from the text's language
    (
        "Hubungi WA 0812-3456-7890 segera",
        "id",
        None,
        [
            (
                "phone",
                "+6281234567890",
                "0812-3456-7890",
                {"channel": "whatsapp", "region": "ID", "region_source": "language"},
            )
        ],
    ),
    (
        "Whatsapp 012-345 6789 untuk temuduga",
        "ms",
        None,
        [("phone", "+60123456789", "012-345 6789", {"channel": "whatsapp", "region": "MY"})],
    ),
    (
        "สนใจโทร 081-234-5678 ค่ะ",
        "th",
        None,
        [("phone", "+66812345678", "081-234-5678", {"channel": "call", "region": "TH"})],
    ),
    (
        "Liên hệ zalo 0912 345 678 để nhận việc",
        "vi",
        None,
        [("phone", "+84912345678", "0912 345 678", {"channel": "zalo", "region": "VN"})],
    ),
    (
        "Tawagan 0917 123 4567 para sa trabaho",
        "tl",
        None,
        [("phone", "+639171234567", "0917 123 4567", {"channel": "call", "region": "PH"})],
    ),
    (
        "ទូរស័ព្ទ 012 345 678",
        "km",
        None,
        [("phone", "+85512345678", "012 345 678", {"channel": "call", "region": "KH"})],
    ),
    (
        "ໂທ 020 2345 6789",
        "lo",
        None,
        [("phone", "+8562023456789", "020 2345 6789", {"channel": "call", "region": "LA"})],
    ),
    (
        "ဖုန်း 09 791 234 567",
        "my",
        None,
        [("phone", "+959791234567", "09 791 234 567", {"channel": "call", "region": "MM"})],
    ),
    (
        "微信 138 1234 5678",
        "zh",
        None,
        [("phone", "+8613812345678", "138 1234 5678", {"channel": "wechat", "region": "CN"})],
    ),
    (
        "Call 9123 4567 for interview",
        None,
        "SG",
        [("phone", "+6591234567", "9123 4567", {"channel": "call", "region_source": "hint"})],
    ),
    # a Thai text's 081-234-5678 is Thai; the same digits with an ID hint are Indonesian
    (
        "LINE 081-234-5678",
        "th",
        None,
        [("phone", "+66812345678", "081-234-5678", {"channel": "line", "region": "TH"})],
    ),
    (
        "โทร 0812345678",
        "th",
        "ID",
        [("phone", "+62812345678", "0812345678", {"region": "ID", "region_source": "hint"})],
    ),
    # explicit international forms
    (
        "Contact +62 812-3456-7890 now",
        None,
        None,
        [
            (
                "phone",
                "+6281234567890",
                "+62 812-3456-7890",
                {"channel": "call", "region_source": "plus"},
            )
        ],
    ),
    (
        "SMS 0062 812 3456 7890",
        None,
        None,
        [
            (
                "phone",
                "+6281234567890",
                "0062 812 3456 7890",
                {"channel": "sms", "region_source": "plus"},
            )
        ],
    ),
    (
        "Telegram: +855 12 345 678",
        None,
        None,
        [("phone", "+85512345678", "+855 12 345 678", {"channel": "telegram", "region": "KH"})],
    ),
    (
        "Viber +63 917 123 4567",
        None,
        None,
        [("phone", "+639171234567", "+63 917 123 4567", {"channel": "viber"})],
    ),
    (
        "WA 6281234567890",
        "th",
        None,
        [
            (
                "phone",
                "+6281234567890",
                "6281234567890",
                {"channel": "whatsapp", "region_source": "intl"},
            )
        ],
    ),
    # links: the number is international without +
    (
        "Klik wa.me/6281234567890 ya",
        None,
        None,
        [
            (
                "phone",
                "+6281234567890",
                "6281234567890",
                {"channel": "whatsapp", "region_source": "link"},
            )
        ],
    ),
    (
        "https://api.whatsapp.com/send?phone=60123456789&text=Hi",
        None,
        None,
        [("phone", "+60123456789", "60123456789", {"channel": "whatsapp", "region": "MY"})],
    ),
    (
        "t.me/+6281234567890",
        None,
        None,
        [("phone", "+6281234567890", "6281234567890", {"channel": "telegram"})],
    ),
    (
        "zalo.me/0912345678",
        None,
        None,
        [("phone", "+84912345678", "0912345678", {"channel": "zalo", "region": "VN"})],
    ),
    (
        "viber://chat?number=%2B639171234567",
        None,
        None,
        [("phone", "+639171234567", "639171234567", {"channel": "viber", "region": "PH"})],
    ),
    # no hint, unknown language: valid in exactly one region (or mobile in exactly one)
    (
        "Call 13812345678",
        "und",
        None,
        [("phone", "+8613812345678", "13812345678", {"region": "CN", "region_source": "guess"})],
    ),
    (
        "Call 09281234567 now",
        "und",
        None,
        [("phone", "+639281234567", "09281234567", {"region": "PH", "region_source": "guess"})],
    ),
    ("Call 09061701461 now", "en", None, []),  # as valid in GB as in PH: not guessed
    (
        "WA 0812345678 / 0898765432",
        "id",
        None,
        [
            ("phone", "+62812345678", "0812345678", {"channel": "whatsapp"}),
            ("phone", "+62898765432", "0898765432", {"channel": "whatsapp"}),  # same label
        ],
    ),
    (
        "hp 0812-3456-7890 0856-1234-5678",
        "id",
        None,
        [
            ("phone", "+6281234567890", "0812-3456-7890", {"channel": "call"}),
            ("phone", "+6285612345678", "0856-1234-5678", {"channel": "call"}),
        ],
    ),
    (
        "LH 19001091 (0đ/phút).",
        "vi",
        None,
        [("phone", "+8419001091", "19001091", {"channel": "call", "region": "VN"})],
    ),
    ("Phí 1000 (1000đ)", "vi", None, []),
    ("วันที่ 12/05/2565 10", "th", None, []),  # Thai Buddhist-era date and an hour
    ("2023-05-12 10:30", "vi", None, []),
    ("Zoom ID: 812 3456 7890", "id", None, []),
    ("Call 0812345678", "und", None, []),  # ID, TH, VN and MM all fit: ambiguous, no guess
    # no channel word; channel word after the number
    (
        "Kantor (021) 555-1234",
        "id",
        None,
        [("phone", "+62215551234", "(021) 555-1234", {"channel": None})],
    ),
    (
        "0812-3456-7890 (WA)",
        "id",
        None,
        [("phone", "+6281234567890", "0812-3456-7890", {"channel": "whatsapp"})],
    ),
    (
        "hp 0812 3456 7890, text +63 917 123 4567",
        "id",
        None,
        [
            ("phone", "+6281234567890", "0812 3456 7890", {"channel": "call", "region": "ID"}),
            ("phone", "+639171234567", "+63 917 123 4567", {"channel": "sms", "region": "PH"}),
        ],
    ),
    # never a phone
    ("Gaji Rp 15.000.000 per bulan", "id", None, []),
    ("Tanggal 09-05-2023", "id", None, []),
    ("Tahun 2023", "id", None, []),
    ("USD 1,500 per month", "en", None, []),
    ("Gaji 15.000.000,- nett", "id", None, []),
    ("Jam kerja 08.00-17.00", "id", None, []),
    ("Periode 2020-2023", "id", None, []),
    ("bonus 12345678%", "id", None, []),
    ("Order Rp 081234567", "id", None, []),
    ("Rp1500000", "id", None, []),
    ("Harga 1.500.000 rb", "id", None, []),
    ("INV0812345678", "id", None, []),
    ("lương 20 triệu, 12/05/2024", "vi", None, []),
]


@pytest.mark.parametrize(("text", "language", "country", "expected"), CASES)
def test_phone_table(
    text: str, language: str | None, country: str | None, expected: list[Expected]
) -> None:
    assert_entities(entities(text, PHONE, language=language, country=country), expected)


def test_obfuscated_number_spans_the_whole_run() -> None:
    text = "WA 0 8 1 2 - 3 4 5 6 - 7 8 9 0 ya"
    found = entities(text, PHONE, language="id")
    assert [(e.value, e.text) for e in found] == [("+6281234567890", "0 8 1 2 - 3 4 5 6 - 7 8 9 0")]
    assert found[0].attrs["channel"] == "whatsapp"


def test_assess_returns_phone_with_country_hint() -> None:
    res = waspada.assess("Hubungi 0812-3456-7890", country="id")
    phones = [e for e in res.entities if e.kind == "phone"]
    assert [(p.value, p.text) for p in phones] == [("+6281234567890", "0812-3456-7890")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789", min_size=1, max_size=14),
            st.sampled_from([" ", "-", ".", "+", "(", ")", "/", "WA ", "Rp ", "wa.me/", "%", "\n"]),
            st.text(max_size=6),
        ),
        max_size=12,
    ).map("".join),
    st.sampled_from([None, "ID", "TH", "VN", "PH"]),
)
def test_property_phone_values_are_valid_and_spans_map_back(text: str, country: str | None) -> None:
    for e in entities(text, PHONE, country=country):
        assert text[e.start : e.end] == e.text
        num = phonenumbers.parse(e.value, None)
        assert phonenumbers.is_valid_number(num)
        assert e.value == phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


#: real English SMS of the UCI spam collection (uci_sms_spam_collection/data.csv) with UK premium
#: or national-rate numbers: 0870/0871 numbers of 12-13 digits (no valid UK number, but valid in
#: ID) and numbers in texts that are plainly British (£, .co.uk)
UK_SMS = [
    "5 Free Top Polyphonic Tones call 087018728737, National Rate. Get a toppoly tune sent every "
    "week, just text SUBPOLY to 81618, £3 per pole. UnSub 08718727870.",
    "CALL 09090900040 & LISTEN TO EXTREME DIRTY LIVE CHAT GOING ON IN THE OFFICE RIGHT NOW TOTAL "
    "PRIVACY NO ONE KNOWS YOUR [sic] LISTENING 60P MIN 24/7MP 0870753331018+",
    "You are a winner U have been specially selected 2 receive £1000 cash or a 4* holiday "
    "(flights inc) speak to a live operator 2 claim 0871277810810",
    "Tone Club: Your subs has now expired 2 re-sub reply MONOC 4 monos or POLYC 4 polys 1 weekly "
    "@ 150p per week Txt STOP 2 stop This msg free Stream 0871212025016",
    "Enjoy the jamster videosound gold club with your credits for 2 new videosounds+2 logos"
    "+musicnews! get more fun from jamster.co.uk! 16+only Help? call: 09701213186 ",
    "3 FREE TAROT TEXTS! Find out about your love life now! TRY 3 FOR FREE! Text CHANCE to "
    "85555 16 only! After 3 Free, Msgs £1.50 each",
]
#: real English scam SMS from the Philippines (philippines_scam_sms_reports): their mobiles stay
PH_SMS = [
    ("EE 38 Peso \nhttps://6t.ae/game\n\nText me 09562949044", ["+639562949044"]),
    ("NEED MORE DETAILS.. Txt/Call Ms.jen.09504250181", ["+639504250181"]),
    ("dt0pr0cess with l0wrate call or text at 09852592068", ["+639852592068"]),
]


def test_uk_premium_numbers_in_english_sms_are_not_read_as_asian_numbers() -> None:
    for text in UK_SMS:
        assert waspada.assess(text).language == "en"
        assert entities(text, PHONE) == [], text
    for text, values in PH_SMS:
        found = entities(text, PHONE, language="en")
        assert [(e.value, e.attrs["region"]) for e in found] == [(v, "PH") for v in values]
