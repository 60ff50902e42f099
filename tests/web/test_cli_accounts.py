"""``waspada users add/list/remove`` and ``waspada keys create/list/revoke`` through the real
CLI, on a real store: passwords stored as argon2 hashes, a key printed once and stored only
as a hash, revocation and removal take effect, bad input exits 2 with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from waspada.api.accounts import key_user, sign_in
from waspada.cli import _register, app
from waspada.store.db import Store

_register()


def cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args), input=stdin)
    return r.exit_code, r.stdout, r.stderr


def test_users_and_keys_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    code, _, err = cli("users", "add", "rina", "--role", "analyst", "--tlp", "amber",
                       "--password-stdin", "--db", db, stdin="a long passphrase\n")
    assert code == 0, err
    code, out, _ = cli("users", "list", "--db", db, "--json")
    assert json.loads(out) == [{"username": "rina", "role": "analyst", "max_tlp": "amber",
                                "created_at": json.loads(out)[0]["created_at"], "api_keys": 0}]
    code, key, err = cli("keys", "create", "rina", "--label", "platform", "--db", db)
    key = key.strip()
    assert code == 0 and key.startswith("wsp_") and "shown once" in err
    raw = Path(db).read_bytes()
    assert key.encode() not in raw and key.split("_", 2)[2].encode() not in raw
    assert b"a long passphrase" not in raw
    with Store.open(db) as st:
        who = key_user(st, key)
        assert who is not None and (who.username, who.role, who.max_tlp) == (
            "rina", "analyst", "amber")
        assert sign_in(st, "rina", "a long passphrase") is not None
        assert sign_in(st, "rina", "a long passphrasE") is None
    code, out, _ = cli("keys", "list", "--db", db)
    assert "platform" in out and "live" in out and key not in out
    assert cli("keys", "revoke", key, "--db", db)[0] == 0
    with Store.open(db) as st:
        assert key_user(st, key) is None
    assert cli("users", "remove", "rina", "--db", db)[0] == 0
    with Store.open(db) as st:
        assert sign_in(st, "rina", "a long passphrase") is None


def test_bad_input_exits_2_naming_the_problem(tmp_path: Path) -> None:
    db = str(tmp_path / "b.duckdb")
    cases = [
        (["users", "add", "x", "--role", "boss"], "not a role"),
        (["users", "add", "x", "--tlp", "purple"], "not a TLP level"),
        (["users", "add", "bad name!"], "not a user name"),
        (["users", "add", "x"], "at least 10"),
    ]
    for args, says in cases:
        pw = "short\n" if args == ["users", "add", "x"] else "long enough pw\n"
        code, _, err = cli(*args, "--password-stdin", "--db", db, stdin=pw)
        assert code == 2 and says in err, (args, err)
    assert cli("users", "add", "x", "--password-stdin", "--db", db, stdin="long enough pw\n"
               )[0] == 0
    code, _, err = cli("users", "add", "x", "--password-stdin", "--db", db,
                       stdin="long enough pw\n")
    assert code == 2 and "already" in err
    assert cli("users", "remove", "nobody", "--db", db)[0] == 2
    assert cli("keys", "create", "nobody", "--db", db)[0] == 2
    assert cli("keys", "revoke", "wsp_000000000000_x", "--db", db)[0] == 2


def test_serve_refuses_a_database_it_cannot_open(tmp_path: Path) -> None:
    code, _, err = cli("serve", "--db", str(tmp_path / "no" / "such" / "folder" / "x.duckdb"))
    assert code == 2 and "cannot open database" in err
