"""Lone surrogates (from ``surrogateescape`` or broken JSON) in front of every recogniser.

A str may hold them although no UTF-8 text can; the Rust keyword search refuses them. Every
recogniser must read one as an unknown character: the same entities, at the same offsets, as
when the text holds U+FFFD (the replacement character) in its place.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import entities

KINDS = (
    "phone", "telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok",
    "email", "url", "crypto_wallet", "bank_account", "money", "place",
)  # fmt: skip
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"])
PIECES = st.sampled_from(
    [
        *"0123456789 .-+@/:_()\n",
        "WA ", "hubungi ", "0812-3456-7890", "+62 812 3456 7890", "t.me/", "telegram @",
        "rekrut_asia", "line id ", "wa.me/628123456789", "x@gmail.com", "https://bit.ly/",
        "abc.com", "rek BCA ", "1234567890", "Rp ", "15 juta", "/bulan", "USD 1,500",
        "Kamboja", "柬埔寨", "ไลน์", "微信：", "bc1q", "0x", "gaji", "ı", "İ", "ß",
    ]
)  # fmt: skip


def _key(text: str) -> list[tuple[str, str, int, int]]:
    return [(e.kind, e.value, e.start, e.end) for e in entities(text, KINDS)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, SURROGATE), max_size=40).map("".join))
def test_a_lone_surrogate_reads_as_an_unknown_character(text: str) -> None:
    replaced = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    assert _key(text) == _key(replaced)  # entities() also checks every span maps back


def test_identifiers_around_lone_surrogates_are_found() -> None:
    text = "\udcff WA 0812-3456-7890\ud800 telegram @rekrut_asia \udfff x@gmail.com Kamboja"
    assert {(k, v) for k, v, _, _ in _key(text)} >= {
        ("email", "x@gmail.com"),
        ("telegram", "rekrut_asia"),
        ("place", "Cambodia"),
    }
