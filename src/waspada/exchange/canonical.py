"""One canonical text per identifier, the form that partners compare (raw or as a pseudonym).

``canonical(kind, value)`` returns ``"<family>:<value>"`` or None when the value is not a valid
identifier of its kind:

===============  ==========================================  ===============================
kind             canonical                                   example
===============  ==========================================  ===============================
phone            E.164 (phonenumbers)                        ``phone:+6281234567890``
whatsapp, zalo   a number: the phone's E.164 (a WhatsApp      ``phone:+6281234567890``
                 number IS that phone); else platform+code    ``whatsapp:AbCdEf1234`` (case kept)
telegram, line,  platform + lower-case handle (no "@");       ``telegram:someuser``
wechat, ...      invite codes ("+...", "g/...", "channel/")
                 keep their case
crypto_wallet    chain + checksummed address (EIP-55 for     ``eth:0x52908400098527886E0F...``
                 ETH, lower-case bech32, base58 as is)
bank_account     bank code (when known) + account digits      ``bank:bca:1234567890``
email            lower-case address                          ``email:hr@abc-kerja.com``
url              lower-case scheme and host, path as is,      ``url:http://abc-kerja.com/apply``
                 no trailing "/"
domain           the registered domain (public-suffix list    ``domain:abc-kerja.co.id``
                 bundled with tldextract, never fetched)
===============  ==========================================  ===============================

The prefixes keep two kinds apart (a Telegram handle and a LINE id with the same letters are
two identifiers), and a partner's pseudonyms are HMACs of exactly these strings.
"""

from __future__ import annotations

import phonenumbers

from waspada.recognizers import checksums
from waspada.recognizers.crypto import classify
from waspada.recognizers.web import registered_domain

#: handle kinds whose values keep their case when they start with one of these (invite codes)
_CASED_PREFIXES = ("+", "g/", "channel/")
HANDLE_KINDS = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram",
                "tiktok")
#: every kind ``canonical`` reads (``domain`` comes from partners; local URLs imply it)
KINDS = ("phone", *HANDLE_KINDS, "crypto_wallet", "bank_account", "email", "url", "domain")


def phone(value: str) -> str | None:
    """``phone:+E164`` of a number written with its country code; None if not a valid one."""
    v = value.strip()
    if not v.startswith("+"):
        v = "+" + v
    try:
        num = phonenumbers.parse(v, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return "phone:" + phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def handle(kind: str, value: str) -> str | None:
    """``kind:handle``; a WhatsApp or Zalo value that is a phone number is that phone."""
    v = value.strip()
    if kind in ("whatsapp", "zalo") and v.lstrip("+").isdigit():
        return phone(v)
    if not v.startswith(_CASED_PREFIXES) and not (kind == "whatsapp" and _is_invite(v)):
        v = v.lstrip("@").lower()
    return f"{kind}:{v}" if v else None


def _is_invite(v: str) -> bool:
    # a WhatsApp group invite code: 10-40 letters and digits in mixed case
    return v.isalnum() and v != v.lower() and 10 <= len(v) <= 40


def wallet(value: str) -> str | None:
    """``chain:address`` with the address in its checksummed form; None if it fails."""
    got = classify(value.strip())
    if got is None:
        return None
    chain, _kind, addr = got
    if chain == "ETH":
        addr = "0x" + checksums.eip55_checksum(addr[2:].lower())
    return f"{chain.lower()}:{addr}"


def bank_account(value: str, bank: str | None = None) -> str | None:
    """``bank:code:digits`` (``bank:digits`` when the bank is not known). A value may also be
    written ``CODE:digits``."""
    v = value.strip()
    if ":" in v and bank is None:
        bank, v = v.rsplit(":", 1)
    digits = "".join(c for c in v if c.isdigit())
    if not 6 <= len(digits) <= 34 or len(digits) < len(v.replace(" ", "").replace("-", "")):
        return None
    code = (bank or "").strip().lower().replace(" ", "_")
    return f"bank:{code}:{digits}" if code else f"bank:{digits}"


def email(value: str) -> str | None:
    v = value.strip().lower()
    local, _, host = v.rpartition("@")
    return f"email:{v}" if local and host and "." in host else None


def url(value: str) -> str | None:
    v = value.strip()
    scheme, sep, rest = v.partition("://")
    if not sep:
        scheme, rest = "http", v
    host, slash, path = rest.partition("/")
    if not host:
        return None
    out = f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")
    return "url:" + out


def domain(value: str) -> str | None:
    host = value.strip().lower().rstrip(".")
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split(":", 1)[0]
    reg, _suffix = registered_domain(host)
    return f"domain:{reg}" if reg else None


def canonical(kind: str, value: str, bank: str | None = None) -> str | None:
    """The canonical text of one identifier (module docstring), None when ``value`` is not a
    valid identifier of ``kind`` or ``kind`` is not an identifier kind (money, place)."""
    if kind == "phone":
        return phone(value)
    if kind in HANDLE_KINDS:
        return handle(kind, value)
    if kind == "crypto_wallet":
        return wallet(value)
    if kind == "bank_account":
        return bank_account(value, bank)
    if kind == "email":
        return email(value)
    if kind == "url":
        return url(value)
    if kind == "domain":
        return domain(value)
    return None


def implied(kind: str, value: str) -> list[str]:
    """The canonical texts one local identifier answers to: its own, and for a URL its
    registered domain too (a partner may send the domain alone)."""
    own = canonical(kind, value)
    out = [own] if own else []
    if kind == "url":
        d = domain(value)
        if d:
            out.append(d)
    return out


def family(canon: str) -> str:
    """The part before the first ":" (``phone``, ``telegram``, ``eth``...)."""
    return canon.split(":", 1)[0]
