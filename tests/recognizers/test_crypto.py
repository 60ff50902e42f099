"""Crypto wallets: published test vectors and well-known real addresses, valid and broken."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess
from waspada.recognizers import checksums
from waspada.recognizers.crypto import classify
from waspada.types import Entity


def wallets(text: str) -> list[Entity]:
    found = [e for e in assess(text).entities if e.kind == "crypto_wallet"]
    for e in found:
        assert text[e.start : e.end] == e.text
    return found


# (text, expected [(value, chain)]) — valid addresses are BIP-173/BIP-350 vectors, the EIP-55
# examples, the Bitcoin genesis address, and the USDT-TRC20 contract address on TRON.
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Send BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa now",
        [("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "BTC")],
    ),
    (
        "deposit: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.",
        [("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "BTC")],
    ),
    ("P2SH 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", [("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "BTC")]),
    (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        [("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "BTC")],
    ),
    # upper-case bech32 is valid; the value is the lower-case form
    (
        "ví: BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        [("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "BTC")],
    ),
    (
        "P2WSH bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3 ok",
        [("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "BTC")],
    ),
    (
        "taproot bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        [("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "BTC")],
    ),
    (
        "ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        [("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ETH")],
    ),
    (
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359 USDT ERC20",
        [("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "ETH")],
    ),
    (
        "địa chỉ 0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        [("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "ETH")],
    ),
    # all lower / all upper: no checksum to check, accepted
    (
        "0xde709f2102306220921060314715629080e2fb77",
        [("0xde709f2102306220921060314715629080e2fb77", "ETH")],
    ),
    (
        "0x52908400098527886E0F7030069857D2E4169EE7",
        [("0x52908400098527886E0F7030069857D2E4169EE7", "ETH")],
    ),
    (
        "USDT TRC20: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        [("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TRON")],
    ),
    (
        "转账到 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 谢谢",
        [("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TRON")],
    ),
    # two wallets in one text
    (
        "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa / ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        [
            ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "BTC"),
            ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ETH"),
        ],
    ),
    # --- broken checksums: not wallets
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", []),  # last char changed
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", []),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", []),  # BIP-173 invalid vector
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", []),  # v1 with bech32
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", []),  # v0 with bech32m
    ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", []),  # BIP-350 invalid
    ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", []),  # witness v17
    ("bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", []),  # mixed case
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", []),  # EIP-55 case flipped
    ("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", []),
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", []),  # TRON checksum broken
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed12", []),  # 42 hex digits: a hash, not an address
    ("order id 12345678901234567890123456789", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_wallets(text: str, expected: list[tuple[str, str]]) -> None:
    got = [(e.value, e.attrs["chain"]) for e in wallets(text)]
    assert got == expected


def test_keccak_is_not_sha3() -> None:
    # keccak256("") from the Ethereum yellow paper, not SHA3-256("")
    assert checksums.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


@pytest.mark.parametrize(
    "addr",
    [
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "dbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_spelling_from_the_eip(addr: str) -> None:
    assert checksums.eip55_checksum(addr.lower()) == addr


def test_address_types() -> None:
    assert classify("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy") == (
        "BTC",
        "p2sh",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    )
    got = classify("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
    assert got is not None and got[1] == "p2tr"


def test_bip350_program_for_taproot_vector() -> None:
    seg = checksums.segwit_decode(
        "bc", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    )
    assert seg == (
        1,
        bytes.fromhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=checksums.B58_ALPHABET + "0x bcTq", max_size=120))
def test_random_base58_text_never_crashes_and_spans_map_back(text: str) -> None:
    wallets(text)
