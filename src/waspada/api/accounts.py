"""Users and API keys: the rules (roles, TLP ceilings), the hashing, and sign-in checks.

Passwords are stored as argon2id hashes (argon2-cffi's defaults). An API key is
``wsp_<key id>_<secret>``: the id is public and names the key (``waspada keys revoke``); only
a SHA-256 of the secret is stored (the secret is 32 random bytes, so a fast hash is enough, and
checking a key on every API request stays cheap); the whole key is shown once, when made.
Storage is ``waspada.store.accounts``; nothing here writes SQL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from waspada.errors import StoreError
from waspada.store import accounts as store_accounts
from waspada.store.db import Store
from waspada.tlp import TLP_LEVELS, Tlp, at_or_below, parse_tlp

Role = Literal["viewer", "analyst", "admin"]
#: the roles, each allowed everything the ones before it are
ROLES: tuple[Role, ...] = get_args(Role)
KEY_PREFIX = "wsp_"
_HASHER = PasswordHasher()
#: checked against when the user does not exist, so that sign-in takes as long either way
_DUMMY_HASH = _HASHER.hash("no such user")
MIN_PASSWORD = 10


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a signed-in user or an API key's owner."""

    username: str
    role: Role
    max_tlp: Tlp
    via: Literal["session", "key"] = "session"

    @property
    def levels(self) -> tuple[Tlp, ...]:
        """The TLP levels this reader may see."""
        return at_or_below(self.max_tlp)

    def can(self, role: Role) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def parse_role(name: str) -> Role:
    key = name.strip().lower()
    for r in ROLES:
        if r == key:
            return r
    raise StoreError(f"{name!r} is not a role (one of: {', '.join(ROLES)})")


def _principal(rec: dict[str, object], via: Literal["session", "key"]) -> Principal | None:
    try:
        return Principal(str(rec["username"]), parse_role(str(rec["role"])),
                         parse_tlp(str(rec["max_tlp"])), via)
    except (StoreError, ValueError):
        return None  # a record this release cannot read grants nothing (fail closed)


def create_user(store: Store, username: str, password: str, role: str, max_tlp: str) -> None:
    """Add a user (StoreError naming what is wrong: the name, the password, role or level)."""
    name = username.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise StoreError(f"{username!r} is not a user name: 1-64 letters, digits, . _ - @")
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"the password must have at least {MIN_PASSWORD} characters")
    try:
        level = parse_tlp(max_tlp)
    except ValueError as e:
        raise StoreError(str(e)) from e
    store_accounts.add_user(store, name, _HASHER.hash(password), parse_role(role), level)


def sign_in(store: Store, username: str, password: str) -> Principal | None:
    """The user when the password is theirs, else None (the same work either way)."""
    rec = store_accounts.get_user(store, username.strip())
    stored = str(rec["password_hash"]) if rec else _DUMMY_HASH
    ok: bool
    try:
        ok = _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return _principal(rec, "session") if ok and rec else None


def session_user(store: Store, username: str) -> Principal | None:
    """The user a valid session cookie names (None once removed)."""
    rec = store_accounts.get_user(store, username)
    return _principal(rec, "session") if rec else None


def create_key(store: Store, username: str, label: str = "") -> str:
    """Make an API key for ``username`` and return it whole (shown once; only its hash is
    stored)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    store_accounts.add_key(store, key_id, username, _digest(secret), label)
    return f"{KEY_PREFIX}{key_id}_{secret}"


def key_user(store: Store, key: str) -> Principal | None:
    """The owner of a live API key, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    key_id, _, secret = key[len(KEY_PREFIX):].partition("_")
    rec = store_accounts.get_key(store, key_id) if key_id and secret else None
    if rec is None or not hmac.compare_digest(str(rec["key_hash"]), _digest(secret)):
        return None
    user = store_accounts.get_user(store, str(rec["username"]))
    return _principal(user, "key") if user else None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


__all__ = ["KEY_PREFIX", "ROLES", "TLP_LEVELS", "Principal", "Role", "create_key",
           "create_user", "key_user", "parse_role", "session_user", "sign_in"]
