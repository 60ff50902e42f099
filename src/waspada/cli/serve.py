"""``waspada serve`` (the web service, docs/web.md), ``waspada users add/list/remove`` and
``waspada keys create/list/revoke`` (its accounts). Thin: parse options, call one function of
``waspada.api``.

The accounts live in the intel store, which a running server holds open (read-only): DuckDB
lets no other process write it meanwhile, so add users and keys with the server stopped.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from dataclasses import replace
from typing import Annotated

import typer

from waspada import jsontext
from waspada.cli import common
from waspada.cli.app import app
from waspada.cli.common import out
from waspada.errors import WaspadaError
from waspada.store.db import Store

#: ``$WASPADA_SECRET``: the session-signing secret (hex or text); unset: random per start
SECRET_ENV = "WASPADA_SECRET"


@app.command()
def serve(
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    rate: Annotated[float, typer.Option(
        min=0, help="Public checks a minute per client address (0: no limit).")] = 30.0,
    secure_cookies: Annotated[bool, typer.Option(
        help="Mark cookies Secure (behind HTTPS).")] = False,
    semantic: common.SemanticOpt = "auto",
    check_only: Annotated[bool, typer.Option(
        "--check", help="Build everything (store, analyzer, app), report, and exit without "
        "serving.")] = False,
    as_json: common.JsonOpt = False,
) -> None:
    """Serve the public check page (/), the JSON API (/api/v1, OpenAPI at /openapi.json) and
    the analyst dashboard (/app). The store is opened read-only while serving."""
    import uvicorn

    from waspada.api import ServeConfig, create_app
    from waspada.api.app import server_config

    config = ServeConfig(db=db, rate_per_minute=rate, secure_cookies=secure_cookies,
                         semantic=semantic)
    secret = os.environ.get(SECRET_ENV)
    if secret:
        config = replace(config, secret=secret.encode())
    try:
        web = create_app(config)
    except WaspadaError as e:
        raise common.fail(e) from e
    report = {"url": f"http://{host}:{port}/", "db": str(db), "analyzer": repr(web.state.analyzer),
              "rate_per_minute": rate, "routes": len(web.routes)}
    if as_json:
        out.print(jsontext.dumps(report), soft_wrap=True, markup=False, highlight=False)
    if check_only:
        web.state.store.close()
        if not as_json:
            common.err.print(f"waspada: ready to serve {db} ({report['analyzer']})")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    common.err.print(f"waspada: serving {db} on http://{host}:{port} (Ctrl-C stops)")
    uvicorn.Server(server_config(web, host, port)).run()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise common.fail("the two passwords differ")
    return first


def _print(rows: object, as_json: bool, lines: list[str]) -> None:
    if as_json:
        out.print(jsontext.dumps(rows), soft_wrap=True, markup=False, highlight=False)
        return
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command()
def users(
    action: Annotated[str, typer.Argument(help="add, list or remove.")],
    username: Annotated[str | None, typer.Argument(help="The user (add, remove).")] = None,
    role: Annotated[str, typer.Option(help="add: viewer, analyst or admin.")] = "viewer",
    tlp: Annotated[str, typer.Option(help="add: the highest TLP level they may see: clear, "
                                          "green, amber, amber+strict or red.")] = "green",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="add: read the password from one line of stdin (else it is "
        "asked twice).")] = False,
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """Accounts of the dashboard and API: `users add NAME --role R --tlp T`, `users list`,
    `users remove NAME` (with the server stopped: it holds the store open)."""
    from waspada.api.accounts import create_user
    from waspada.store.accounts import list_users, remove_user

    if action not in ("add", "list", "remove"):
        raise common.fail(f"unknown action {action!r}: use add, list or remove")
    if action != "list" and not username:
        raise common.fail(f"`waspada users {action}` needs a user name")
    password = _password(password_stdin) if action == "add" else ""
    try:
        with Store.open(db) as store:
            if action == "add":
                create_user(store, str(username), password, role, tlp)
            elif action == "remove":
                remove_user(store, str(username))
            rows = list_users(store)
    except WaspadaError as e:
        raise common.fail(e) from e
    if action == "list":
        _print(rows, as_json, [f"{r['username']}\t{r['role']}\tTLP:{r['max_tlp'].upper()}\t"
                               f"{r['api_keys']} keys" for r in rows])
        return
    done = {"add": f"added {username} ({role}, up to TLP:{tlp.upper()})",
            "remove": f"removed {username} and their keys"}[action]
    _print({"done": done}, as_json, [])
    common.err.print(done)


@app.command()
def keys(
    action: Annotated[str, typer.Argument(help="create, list or revoke.")],
    target: Annotated[str | None, typer.Argument(
        help="create: the user; revoke: the key or its id.")] = None,
    label: Annotated[str, typer.Option(help="create: what the key is for.")] = "",
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """API keys: `keys create USER` prints a new key ONCE (only its hash is stored),
    `keys list` (ids, owners, labels; never a key), `keys revoke ID`."""
    from waspada.api.accounts import KEY_PREFIX, create_key
    from waspada.store.accounts import list_keys, revoke_key

    if action not in ("create", "list", "revoke"):
        raise common.fail(f"unknown action {action!r}: use create, list or revoke")
    if action != "list" and not target:
        raise common.fail(f"`waspada keys {action}` needs a "
                          f"{'user name' if action == 'create' else 'key id'}")
    key_id = str(target).removeprefix(KEY_PREFIX).split("_")[0] if action == "revoke" else ""
    try:
        with Store.open(db) as store:
            key = create_key(store, str(target), label) if action == "create" else ""
            if action == "revoke":
                revoke_key(store, key_id)
            rows = list_keys(store)
    except WaspadaError as e:
        raise common.fail(e) from e
    if action == "create":
        common.err.print("the key is shown once: keep it now")
        _print({"key": key, "username": target}, as_json, [key])
    elif action == "list":
        _print(rows, as_json, [
            f"{r['key_id']}\t{r['username']}\t{r['label'] or ''}\t"
            + (f"revoked {r['revoked_at']}" if r["revoked_at"] else "live") for r in rows])
    else:
        _print({"done": f"revoked {key_id}"}, as_json, [])
        common.err.print(f"revoked {key_id}")


__all__ = ["keys", "serve", "users"]
