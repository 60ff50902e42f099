"""Address checksums written out in full: base58check, bech32/bech32m (BIP-173/BIP-350), EIP-55.

Small, dependency-free except for keccak-256 (pycryptodome's ``Crypto.Hash.keccak``; note that
``hashlib.sha3_256`` is the *padded* SHA-3 and gives different digests, so it must not be used).
"""

from __future__ import annotations

import hashlib

from Crypto.Hash import keccak

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3


# ----------------------------------------------------------------------------------- base58
def b58decode(s: str) -> bytes | None:
    """Decode base58 (Bitcoin alphabet); None when a character is outside the alphabet."""
    n = 0
    for ch in s:
        v = _B58_INDEX.get(ch)
        if v is None:
            return None
        n = n * 58 + v
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\x00" * pad + body


def b58check_decode(s: str) -> bytes | None:
    """Payload of a base58check string (version byte included), or None if the checksum fails."""
    raw = b58decode(s)
    if raw is None or len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload


# ----------------------------------------------------------------------------------- bech32
def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_decode(bech: str) -> tuple[str, list[int], int] | None:
    """(hrp, data without checksum, constant) of a bech32/bech32m string, or None if invalid.

    ``constant`` is BECH32_CONST or BECH32M_CONST, whichever the checksum satisfies.
    """
    if any(ord(x) < 33 or ord(x) > 126 for x in bech):
        return None
    if bech.lower() != bech and bech.upper() != bech:
        return None  # mixed case is invalid
    bech = bech.lower()
    pos = bech.rfind("1")
    if pos < 1 or pos + 7 > len(bech) or len(bech) > 90:
        return None
    hrp = bech[:pos]
    data: list[int] = []
    for x in bech[pos + 1 :]:
        v = _BECH32_INDEX.get(x)
        if v is None:
            return None
        data.append(v)
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = 0
    bits = 0
    ret: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or (value >> frombits):
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None  # no padding allowed when decoding 5 -> 8 bits
    return ret


def segwit_decode(hrp: str, addr: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a segwit address for ``hrp``, or None (BIP-173 + BIP-350).

    Version 0 must use the bech32 constant, versions 1-16 the bech32m constant.
    """
    dec = bech32_decode(addr)
    if dec is None or dec[0] != hrp or not dec[1]:
        return None
    _, data, const = dec
    version = data[0]
    prog = _convertbits(data[1:], 5, 8)
    if prog is None or not 2 <= len(prog) <= 40 or version > 16:
        return None
    if version == 0 and len(prog) not in (20, 32):
        return None
    if (version == 0) != (const == BECH32_CONST):
        return None
    return version, bytes(prog)


# ----------------------------------------------------------------------------------- EIP-55
def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def eip55_checksum(addr_hex40: str) -> str:
    """The EIP-55 mixed-case spelling of a 40-hex-digit address (without ``0x``)."""
    low = addr_hex40.lower()
    digest = keccak256(low.encode("ascii")).hex()
    return "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(low)
    )


def eip55_valid(addr: str) -> bool:
    """True when ``0x``+40 hex is all-lower, all-upper, or a correct EIP-55 mixed-case spelling."""
    body = addr[2:] if addr[:2] in ("0x", "0X") else addr
    if len(body) != 40:
        return False
    try:
        int(body, 16)
    except ValueError:
        return False
    if body == body.lower() or body == body.upper():
        return True
    return eip55_checksum(body) == body
