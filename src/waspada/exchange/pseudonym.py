"""Pseudonyms: an identifier replaced by HMAC-SHA-256(key, its canonical text).

Two partners holding the same pairwise key compute the same pseudonym for the same phone,
handle or wallet, so they find the identifiers they share without sending raw values. The key
file (``waspada exchange keygen``) is JSON, mode 0600: a random 32-byte key, a key id (the
first 16 hex digits of SHA-256 of the key: it names the key without revealing it) and an epoch
(an integer the partners raise when they rotate the key).

The limit, stated plainly: the pseudonym protects only against those WITHOUT the key. A key
holder can hash every number of a national phone plan (10^9 values) in minutes on a laptop and
read the raw numbers back; pairwise keys (one per partner pair) and rotation (a new epoch)
limit who can do that and for how long, nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from waspada.errors import ConfigError

KEY_BYTES = 32
#: the ``kind`` an exported pseudonym carries in front of the digest
PREFIX = "hmac-sha256"


@dataclass(frozen=True, slots=True)
class PseudonymKey:
    key: bytes
    key_id: str
    epoch: int

    def pseudonym(self, canon: str) -> str:
        """The hex HMAC-SHA-256 of a canonical text under this key."""
        return hmac.new(self.key, canon.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def new_key(epoch: int = 1) -> PseudonymKey:
    key = secrets.token_bytes(KEY_BYTES)
    return PseudonymKey(key, key_id_of(key), epoch)


def write_key(path: str | Path, key: PseudonymKey) -> None:
    """Write ``key`` to a new file readable by its owner only (0600); an existing file is
    never overwritten (a ConfigError says so)."""
    p = Path(path)
    body = json.dumps({"format": "waspada-pseudonym-key", "algorithm": "HMAC-SHA-256",
                       "key": key.key.hex(), "key_id": key.key_id, "epoch": key.epoch},
                      indent=2) + "\n"
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as e:
        raise ConfigError(f"{p} exists: a key file is never overwritten") from e
    except OSError as e:
        raise ConfigError(f"cannot write key file {p}: {e.strerror or e}") from e
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(body)


def read_key(path: str | Path) -> PseudonymKey:
    """Read a key file; a ConfigError names the file and what is wrong with it."""
    p = Path(path)
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read key file {p}: {e}") from e
    try:
        key = bytes.fromhex(d["key"])
        epoch = int(d["epoch"])
        kid = str(d["key_id"])
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"key file {p}: needs 'key' (hex), 'key_id' and 'epoch'") from e
    if len(key) != KEY_BYTES:
        raise ConfigError(f"key file {p}: the key must be {KEY_BYTES} bytes, not {len(key)}")
    if kid != key_id_of(key):
        raise ConfigError(f"key file {p}: key_id {kid} does not belong to this key")
    return PseudonymKey(key, kid, epoch)
