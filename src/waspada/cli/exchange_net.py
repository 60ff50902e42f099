"""The exchange transports on the command line: ``psi-serve``, ``psi-query``, ``taxii-push``,
``taxii-pull`` (docs/exchange-transport.md).

Thin: parse options, call ``waspada.exchange.psi`` or ``waspada.exchange.taxii``, format.
The commands join ``waspada exchange`` (``cli/exchange.py``). A TAXII password is read from the
environment variable that ``--password-env`` names, never from the command line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from waspada.cli import common
from waspada.cli.common import out
from waspada.cli.exchange import exchange_app
from waspada.errors import InputError, TransportError, WaspadaError
from waspada.exchange import psi, taxii


@exchange_app.command("psi-serve")
def psi_serve(
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535,
                                      help="Port to listen on (0: a free one).")] = 8651,
    max_query: Annotated[int, typer.Option(
        "--max-query", min=1, help="Most identifiers one query may hold.")] = psi.DEFAULT_MAX_QUERY,
    mode: common.PsiModeOpt = "intersection",
    exact: Annotated[bool, typer.Option(
        "--exact", help="Send the blinded set uncompressed: no false positives, 35 bytes an "
        "identifier (default: compressed, false-positive rate 1e-9).")] = False,
    as_json: common.JsonOpt = False,
) -> None:
    """Serve the store's identifiers for private set intersection until Ctrl-C."""
    try:
        ids = psi.store_identifiers(db)
        server = psi.PsiServer(ids, host=host, port=port, mode=mode, max_query=max_query,
                               exact=exact)
    except WaspadaError as e:
        raise common.fail(e) from e
    s = server.psi_set
    fpr = f"false-positive rate {s.fpr:g}" if s.data_structure == "gcs" else "exact"
    if as_json:  # one document, as soon as it serves: a script learns the port (--port 0)
        common.print_json({"server": server.url, "identifiers": s.size, "mode": s.mode,
                           "max_query": s.max_query, "data_structure": s.data_structure,
                           "fpr": s.fpr if s.data_structure == "gcs" else 0.0})
        sys.stdout.flush()
    common.note(f"serving {s.size} identifiers of {db} for PSI at {server.url} (mode {s.mode}, "
                f"at most {s.max_query} identifiers a query, {fpr}); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        raise common.interrupted("stopped") from None
    finally:
        server.close()


@exchange_app.command("psi-query")
def psi_query(
    url: Annotated[str, typer.Argument(help="The partner's PSI server (http://host:port/).")],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """Ask a partner's PSI server which of this store's identifiers it also holds (or how
    many, if it answers only that); it learns none of them."""
    try:
        ids = psi.store_identifiers(db)
        answer = psi.query(url, ids)
    except WaspadaError as e:
        raise common.fail(e) from e
    result: dict[str, Any] = {"server": url, "asked": len(ids)}
    if isinstance(answer, int):
        result |= {"mode": "cardinality", "shared": answer}
    else:
        result |= {"mode": "intersection", "shared": len(answer),
                   "identifiers": sorted(answer)}
    if as_json:
        common.print_json(result)
        return
    out.print(common.cell(f"{result['shared']} of {len(ids)} identifiers are also held by {url}"))
    for ident in result.get("identifiers", []):
        out.print(common.cell(f"  {ident}"))


@exchange_app.command("taxii-push")
def taxii_push(
    file: Annotated[Path, typer.Argument(help="STIX 2.1 bundle (JSON) to add.")],
    collection: common.TaxiiCollectionOpt,
    user: common.TaxiiUserOpt = None,
    password_env: common.TaxiiPasswordEnvOpt = "WASPADA_TAXII_PASSWORD",
    as_json: common.JsonOpt = False,
) -> None:
    """Add a STIX bundle's objects to a TAXII 2.1 collection and report the server's status;
    exit 1 when some objects failed or are still pending."""
    try:
        bundle = _read_bundle(file)
        summary = taxii.push(bundle, collection, user=user, password=_password(password_env, user))
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(summary)
    else:
        out.print(common.cell(
            f"{summary['status']}: {summary['success_count']} added, {summary['failure_count']} "
            f"failed, {summary['pending_count']} pending of {summary['total_count']}"))
        for f in summary["failures"]:
            out.print(common.cell(f"  failed {f.get('id')}: {f.get('message', '')}"))
    if summary["failure_count"] or summary["pending_count"]:
        raise typer.Exit(common.EXIT_PARTIAL)


@exchange_app.command("taxii-pull")
def taxii_pull(
    collection: common.TaxiiCollectionOpt,
    out_file: Annotated[Path, typer.Option("--out", help="File to write the STIX bundle to.")],
    added_after: Annotated[str | None, typer.Option(
        "--added-after", help="Only objects the server added after this time (RFC 3339).")] = None,
    user: common.TaxiiUserOpt = None,
    password_env: common.TaxiiPasswordEnvOpt = "WASPADA_TAXII_PASSWORD",
    as_json: common.JsonOpt = False,
) -> None:
    """Get every object of a TAXII 2.1 collection (all pages) into one STIX bundle file."""
    try:
        bundle = taxii.pull(collection, user=user, password=_password(password_env, user),
                            added_after=added_after)
        out_file.write_text(common.json_text(bundle, 2) + "\n", encoding="utf-8")
    except WaspadaError as e:
        raise common.fail(e) from e
    except OSError as e:
        raise common.fail(f"cannot write {out_file}: {e.strerror or e}") from e
    if as_json:
        common.print_json({"collection": collection, "objects": len(bundle["objects"]),
                           "out": str(out_file)})
    else:
        common.note(f"{len(bundle['objects'])} objects written to {out_file}")


def _password(var: str, user: str | None) -> str | None:
    """The password in ``$var`` (None without ``--user``: no authentication)."""
    if user is None:
        return None
    password = os.environ.get(var)
    if not password:
        raise common.fail(f"--user {user} needs a password: set the environment variable {var} "
                          "(or name another with --password-env)")
    return password


def _read_bundle(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise TransportError(f"{path} is not a STIX bundle: not JSON ({e})") from e
    taxii.bundle_objects(doc)  # a TransportError naming what is wrong
    return doc  # type: ignore[no-any-return]
