"""One canonical text per identifier, however it was written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waspada.exchange.canonical import canonical, implied


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("phone", "+6281234567890", "phone:+6281234567890"),
    ("phone", "6281234567890", "phone:+6281234567890"),
    ("phone", "+62 812-3456-7890", "phone:+6281234567890"),
    ("phone", "+1", None),
    ("whatsapp", "+6281234567890", "phone:+6281234567890"),  # a WhatsApp number is the phone
    ("whatsapp", "AbCdEfGhIj12", "whatsapp:AbCdEfGhIj12"),  # a group invite keeps its case
    ("telegram", "@Rekrut_Kerja", "telegram:rekrut_kerja"),
    ("telegram", "+AbCdEf", "telegram:+AbCdEf"),  # an invite link's code keeps its case
    ("line", "KKPark.HR", "line:kkpark.hr"),
    ("zalo", "g/AbCd12", "zalo:g/AbCd12"),
    # EIP-55 test vector: the lower-case address and the checksummed one are one wallet
    ("crypto_wallet", "0x52908400098527886e0f7030069857d2e4169ee7",
     "eth:0x52908400098527886E0F7030069857D2E4169EE7"),
    ("crypto_wallet", "0x52908400098527886E0F7030069857D2E4169EE7",
     "eth:0x52908400098527886E0F7030069857D2E4169EE7"),
    ("crypto_wallet", "0x52908400098527886E0F7030069857D2E4169Ee7", None),  # bad checksum
    ("crypto_wallet", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
     "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    ("crypto_wallet", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
     "tron:TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"),
    ("bank_account", "1234-5678-90", "bank:1234567890"),
    ("bank_account", "BCA:1234567890", "bank:bca:1234567890"),
    ("bank_account", "12AB3456789", None),
    ("email", "HR@Kerja-Luar.COM", "email:hr@kerja-luar.com"),
    ("email", "no-at-sign", None),
    ("url", "HTTP://Kerja-Luar.com/Daftar/", "url:http://kerja-luar.com/Daftar"),
    ("url", "kerja-luar.com/daftar", "url:http://kerja-luar.com/daftar"),
    ("domain", "www.kemlu.go.id", "domain:kemlu.go.id"),
    ("domain", "shop.example.co.uk", "domain:example.co.uk"),
    ("domain", "localhost", None),
    ("money", "IDR 15000000", None),
])
def test_canonical(kind: str, value: str, expected: str | None) -> None:
    assert canonical(kind, value) == expected


def test_bank_code_given_apart() -> None:
    assert canonical("bank_account", "1234567890", bank="Bank Mandiri") == \
        "bank:bank_mandiri:1234567890"


def test_a_url_also_answers_to_its_registered_domain() -> None:
    assert implied("url", "https://a.b.kerja-luar.co.id/x") == [
        "url:https://a.b.kerja-luar.co.id/x", "domain:kerja-luar.co.id"]


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True))
def test_handles_ignore_case_and_the_at_sign(handle: str) -> None:
    want = "telegram:" + handle.lower()
    assert canonical("telegram", handle) == want
    assert canonical("telegram", "@" + handle.upper()) == want


@given(st.integers(min_value=10**9, max_value=10**10 - 1))
def test_phone_spacing_does_not_matter(n: int) -> None:
    digits = f"62812{n}"[:13]
    spaced = "+" + " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    assert canonical("phone", spaced) == canonical("phone", "+" + digits)
