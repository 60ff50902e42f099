"""The web service's accounts (schema migration 9): users and API keys, as SQL.

Hashing and checking passwords and keys is ``waspada.api.accounts``' job; this module only stores
and reads what it is given: a user's argon2 hash, role and highest TLP level, and an API key's
public id with a SHA-256 of its secret. Values are bound parameters; names come from ``tables``.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from waspada.errors import StoreError
from waspada.store.db import Store
from waspada.store.tables import API_KEYS, USERS


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _write(store: Store, statements: list[tuple[str, list[Any]]]) -> None:
    """Run ``statements`` in ONE transaction (rolled back on any error)."""
    con = store.con
    try:
        con.begin()
        for sql, params in statements:
            con.execute(sql, params)
        con.commit()
    except Exception as e:
        with contextlib.suppress(Exception):  # the transaction may already be gone
            con.rollback()
        raise StoreError(f"cannot write to the database {store.path}: {e}") from e


def add_user(store: Store, username: str, password_hash: str, role: str, max_tlp: str) -> None:
    """Store a new user. Raises StoreError when the name is taken."""
    if get_user(store, username) is not None:
        raise StoreError(f"there is already a user named {username!r}")
    _write(store, [(f"INSERT INTO {USERS.name} ({USERS.column_list()}) VALUES (?, ?, ?, ?, ?)",
                    [username, password_hash, role, max_tlp, _now()])])


def get_user(store: Store, username: str) -> dict[str, Any] | None:
    """A user's record with its hash (for sign-in), or None."""
    rows = store.query(f"SELECT {USERS.column_list()} FROM {USERS.name} WHERE username = ?",
                       [username])
    return dict(zip(USERS.names, rows[0], strict=True)) if rows else None


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user, by name, WITHOUT the password hash; with the number of live keys."""
    rows = store.query(
        "SELECT u.username, u.role, u.max_tlp, u.created_at, "
        f"(SELECT count(*) FROM {API_KEYS.name} k WHERE k.username = u.username "
        f"AND k.revoked_at IS NULL) FROM {USERS.name} u ORDER BY u.username")
    return [{"username": r[0], "role": r[1], "max_tlp": r[2], "created_at": r[3].isoformat(),
             "api_keys": int(r[4])} for r in rows]


def remove_user(store: Store, username: str) -> None:
    """Delete a user and every key of theirs. Raises StoreError when there is no such user."""
    if get_user(store, username) is None:
        raise StoreError(f"no user named {username!r}")
    _write(store, [(f"DELETE FROM {API_KEYS.name} WHERE username = ?", [username]),
                   (f"DELETE FROM {USERS.name} WHERE username = ?", [username])])


def add_key(store: Store, key_id: str, username: str, key_hash: str, label: str) -> None:
    """Store a new API key of ``username`` (its id and the hash of its secret)."""
    if get_user(store, username) is None:
        raise StoreError(f"no user named {username!r}")
    _write(store, [(f"INSERT INTO {API_KEYS.name} ({API_KEYS.column_list()}) "
                    "VALUES (?, ?, ?, ?, ?, NULL)", [key_id, username, key_hash, label, _now()])])


def get_key(store: Store, key_id: str) -> dict[str, Any] | None:
    """A live (not revoked) key's record with its hash, or None."""
    rows = store.query(f"SELECT {API_KEYS.column_list()} FROM {API_KEYS.name} "
                       "WHERE key_id = ? AND revoked_at IS NULL", [key_id])
    return dict(zip(API_KEYS.names, rows[0], strict=True)) if rows else None


def list_keys(store: Store, username: str | None = None) -> list[dict[str, Any]]:
    """Keys (live and revoked), WITHOUT their hashes."""
    rows = store.query(
        f"SELECT key_id, username, label, created_at, revoked_at FROM {API_KEYS.name} "
        "WHERE ? IS NULL OR username = ? ORDER BY created_at, key_id", [username, username])
    return [{"key_id": r[0], "username": r[1], "label": r[2], "created_at": r[3].isoformat(),
             "revoked_at": r[4].isoformat() if r[4] else None} for r in rows]


def revoke_key(store: Store, key_id: str) -> None:
    """Mark a key revoked. Raises StoreError when there is no live key with that id."""
    if get_key(store, key_id) is None:
        raise StoreError(f"no live API key with id {key_id!r}")
    _write(store, [(f"UPDATE {API_KEYS.name} SET revoked_at = ? WHERE key_id = ?",
                    [_now(), key_id])])
