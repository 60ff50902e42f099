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

users_app = typer.Typer(help="Accounts of the web dashboard and API (waspada serve).",
                        no_args_is_help=True)
keys_app = typer.Typer(help="API keys of the web API (shown once, stored hashed).",
                       no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
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


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="The user name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    tlp: Annotated[str, typer.Option(help="Highest TLP level they may see: clear, green, "
                                          "amber, amber+strict or red.")] = "green",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from one line of stdin.")] = False,
    db: common.DbOpt = common.DEFAULT_DB_PATH,
) -> None:
    """Add a user (asks for the password twice, or reads it from stdin)."""
    from waspada.api.accounts import create_user

    password = _password(password_stdin)
    try:
        with Store.open(db) as store:
            create_user(store, username, password, role, tlp)
    except WaspadaError as e:
        raise common.fail(e) from e
    common.err.print(f"added {username} ({role}, up to TLP:{tlp.upper()})")


@users_app.command("list")
def users_list(db: common.DbOpt = common.DEFAULT_DB_PATH,
               as_json: common.JsonOpt = False) -> None:
    """List the users (never their password hashes)."""
    from waspada.store.accounts import list_users

    try:
        with Store.open(db) as store:
            rows = list_users(store)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        out.print(jsontext.dumps(rows), soft_wrap=True, markup=False, highlight=False)
        return
    for r in rows:
        out.print(f"{r['username']}\t{r['role']}\tTLP:{r['max_tlp'].upper()}\t"
                  f"{r['api_keys']} keys", markup=False, highlight=False)


@users_app.command("remove")
def users_remove(username: Annotated[str, typer.Argument(help="The user name.")],
                 db: common.DbOpt = common.DEFAULT_DB_PATH) -> None:
    """Remove a user and all their API keys."""
    from waspada.store.accounts import remove_user

    try:
        with Store.open(db) as store:
            remove_user(store, username)
    except WaspadaError as e:
        raise common.fail(e) from e
    common.err.print(f"removed {username}")


@keys_app.command("create")
def keys_create(username: Annotated[str, typer.Argument(help="Whose key it is.")],
                label: Annotated[str, typer.Option(help="What the key is for.")] = "",
                db: common.DbOpt = common.DEFAULT_DB_PATH) -> None:
    """Make an API key; it is printed once on stdout and only its hash is stored."""
    from waspada.api.accounts import create_key

    try:
        with Store.open(db) as store:
            key = create_key(store, username, label)
    except WaspadaError as e:
        raise common.fail(e) from e
    common.err.print("the key is shown once: keep it now")
    out.print(key, markup=False, highlight=False, soft_wrap=True)


@keys_app.command("list")
def keys_list(db: common.DbOpt = common.DEFAULT_DB_PATH, as_json: common.JsonOpt = False) -> None:
    """List the keys (ids, owners, labels, dates; never the keys)."""
    from waspada.store.accounts import list_keys

    try:
        with Store.open(db) as store:
            rows = list_keys(store)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        out.print(jsontext.dumps(rows), soft_wrap=True, markup=False, highlight=False)
        return
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "live"
        out.print(f"{r['key_id']}\t{r['username']}\t{r['label'] or ''}\t{state}",
                  markup=False, highlight=False)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (wsp_<id>_...).")],
                db: common.DbOpt = common.DEFAULT_DB_PATH) -> None:
    """Revoke an API key."""
    from waspada.store.accounts import revoke_key

    kid = key_id.removeprefix("wsp_").split("_")[0]
    try:
        with Store.open(db) as store:
            revoke_key(store, kid)
    except WaspadaError as e:
        raise common.fail(e) from e
    common.err.print(f"revoked {kid}")


__all__ = ["keys_app", "serve", "users_app"]
