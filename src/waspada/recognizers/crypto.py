"""Crypto wallet addresses: BTC (base58check, bech32/bech32m), ETH (EIP-55), TRON (base58check).

A regex proposes candidates; a checksum hook confirms them. A string whose checksum fails is not
a wallet (it may be a typo, a hash, a made-up example), so it yields nothing.
"""

from __future__ import annotations

import re

from waspada.recognizers import checksums
from waspada.recognizers.base import Recognizer
from waspada.text.patterns import compile_pattern, finditer_linear
from waspada.types import Context, Entity

_B58 = "1-9A-HJ-NP-Za-km-z"
_CANDIDATES = compile_pattern(
    r"(?<![0-9A-Za-z])(?:"
    rf"(?P<b58>[13][{_B58}]{{25,34}})"
    rf"|(?P<tron>T[{_B58}]{{33}})"
    r"|(?P<bech>(?i:bc1[02-9ac-hj-np-z]{8,87}))"
    r"|(?P<eth>0[xX][0-9a-fA-F]{40})"
    r")(?![0-9A-Za-z])",
    name="crypto_wallet",
)

#: base58check version byte -> (chain, address type)
# Every candidate is a run of 26+ letters and digits, or contains "bc1" (bech32, any case):
# texts with neither skip the candidate pattern (a set-led search the re engine skips through).
_LONG_RUN = re.compile(r"[0-9A-Za-z]{26}")


def may_hold_wallet(text: str, lower: str) -> bool:
    """False only when ``_CANDIDATES`` cannot match ``text`` (``lower``: its lower-case form)."""
    if "bc1" in lower:
        return True
    # a run of ASCII letters and digits lies inside one whitespace-separated token
    return max(map(len, text.split()), default=0) >= 26 and _LONG_RUN.search(text) is not None


_B58_VERSIONS = {0x00: ("BTC", "p2pkh"), 0x05: ("BTC", "p2sh"), 0x41: ("TRON", "base58check")}


def classify(addr: str) -> tuple[str, str, str] | None:
    """(chain, address type, canonical value) of a wallet address, or None if it is not valid."""
    head = addr[:2].lower()
    if head == "0x":
        if len(addr) == 42 and checksums.eip55_valid(addr):
            return "ETH", "eip55" if addr[2:] != addr[2:].lower() else "hex", addr
        return None
    if head == "bc":
        seg = checksums.segwit_decode("bc", addr)
        if seg is None:
            return None
        kind = {0: "p2wpkh" if len(seg[1]) == 20 else "p2wsh", 1: "p2tr"}.get(
            seg[0], f"witness_v{seg[0]}"
        )
        return "BTC", kind, addr.lower()
    payload = checksums.b58check_decode(addr)
    if payload is None or len(payload) != 21:
        return None
    hit = _B58_VERSIONS.get(payload[0])
    if hit is None or (hit[0] == "TRON") != (addr[0] == "T"):
        return None
    return hit[0], hit[1], addr


class CryptoWalletRecognizer(Recognizer):
    name = "crypto"
    kinds = ("crypto_wallet",)

    def recognize(self, ctx: Context) -> list[Entity]:
        text = ctx.text
        # cheap pre-check: every candidate has >= 26 alphanumerics; most texts have no candidate
        if len(text) < 26 or not may_hold_wallet(text, ctx.lower):
            return []
        out: list[Entity] = []
        for m in finditer_linear(_CANDIDATES, text):  # bounded repeats of classes: linear
            got = classify(m.group())
            if got is None:
                continue
            chain, addr_type, value = got
            out.append(
                ctx.entity(
                    "crypto_wallet",
                    value,
                    m.start(),
                    m.end(),
                    recognizer=self.name,
                    score=1.0,
                    chain=chain,
                    address_type=addr_type,
                )
            )
        return out
