"""Bank accounts: digits count only next to account words or bank names."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess
from waspada.types import Entity


def accounts(text: str) -> list[Entity]:
    found = [e for e in assess(text).entities if e.kind == "bank_account"]
    for e in found:
        assert text[e.start : e.end] == e.text
    return found


# (text, [(value, bank, extra attrs that must hold)])
CASES: list[tuple[str, list[tuple[str, str | None, dict[str, Any]]]]] = [
    (
        "Transfer ke rekening BCA 1234567890 a/n Budi Santoso ya",
        [("1234567890", "BCA", {"holder": "Budi Santoso", "phone_like": False})],
    ),
    ("No. Rek: 123-456-7890 (BRI)", [("1234567890", "BRI", {})]),
    (
        "norek mandiri 1370012345678 atas nama SITI AMINAH",
        [("1370012345678", "Mandiri", {"holder": "SITI AMINAH"})],
    ),
    ("BNI 0123456789", [("0123456789", "BNI", {})]),
    ("Maybank account no. 5140 1234 5678", [("514012345678", "Maybank", {})]),
    ("Public Bank A/C 3123456789", [("3123456789", "Public Bank", {})]),
    ("Số tài khoản: 0071001234567 Vietcombank", [("0071001234567", "Vietcombank", {})]),
    ("STK 19033456789012 Techcombank", [("19033456789012", "Techcombank", {})]),
    ("chuyển khoản MB Bank stk 0901234567891", [("0901234567891", "MB Bank", {})]),
    ("เลขบัญชี 123-4-56789-0 กสิกร", [("1234567890", "Kasikornbank", {})]),
    ("โอนเข้าบัญชี ไทยพาณิชย์ 4081234567", [("4081234567", "SCB", {})]),
    (
        "BDO acct 001234567890 name Juan Dela Cruz",
        [("001234567890", "BDO", {"holder": "Juan Dela Cruz"})],
    ),
    ("银行卡号 6222 0212 3456 7890 123 工商银行", [("6222021234567890123", "ICBC", {})]),
    # an e-wallet account that is a phone number: reported, and flagged phone_like
    (
        "GCash 09171234567 acct name Maria Santos",
        [("09171234567", "GCash", {"holder": "Maria Santos", "phone_like": True})],
    ),
    ("tf ke rek 081234567890", [("081234567890", None, {"phone_like": True})]),
    # --- negatives
    ("Call me 08123456789", []),  # a phone with no account word
    ("Bayar Rp 15.000.000 ke rekening BNI", []),  # an amount, not an account
    ("rekening BCA 12345", []),  # too short
    ("a/n Budi HP 081234567890", []),  # the phone word is nearer: a phone
    ("order 1234567890 shipped", []),
    ("Your 2004 Account Statement for 07742676969", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_accounts(text: str, expected: list[tuple[str, str | None, dict[str, Any]]]) -> None:
    got = accounts(text)
    assert [(e.value, e.attrs["bank"]) for e in got] == [(v, b) for v, b, _ in expected]
    for e, (_, _, extra) in zip(got, expected, strict=True):
        for k, v in extra.items():
            assert e.attrs.get(k) == v, k


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"0123456789 -.rekngBCA/:", "a/n ", "BRI ", "rek "]), max_size=60))
def test_account_like_noise_never_crashes_and_spans_map_back(parts: list[str]) -> None:
    for e in accounts("".join(parts)):
        assert e.value.isdigit() and 8 <= len(e.value) <= 20
