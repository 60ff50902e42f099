"""``waspada exchange``: export, import, matches and keygen (STIX 2.1 and MISP, TLP 2.0,
pseudonyms).

Thin: parse options, call one function of ``waspada.exchange`` (``exporter.export_file``,
``importer.import_file``, ``matches.matches``, ``pseudonym``), format.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from waspada.cli import common
from waspada.cli.common import out
from waspada.errors import WaspadaError
from waspada.exchange import exporter, importer, matches, pseudonym
from waspada.store.db import Store

exchange_app = typer.Typer(
    name="exchange", no_args_is_help=True,
    help="Exchange identifiers with partner agencies: STIX 2.1 or MISP, TLP 2.0 markings on "
    "every object, optional pseudonyms; import theirs and see what matches locally.")

@exchange_app.command()
def keygen(
    key_out: Annotated[Path, typer.Option("--out", help="The key file to create (mode 0600; "
                                                        "never overwritten).")],
    epoch: Annotated[int, typer.Option(min=0, help="The key's epoch (raise it to rotate).")] = 1,
    as_json: common.JsonOpt = False,
) -> None:
    """Create a random 32-byte pseudonym key to share with ONE partner (pairwise)."""
    key = pseudonym.new_key(epoch)
    try:
        pseudonym.write_key(key_out, key)
    except WaspadaError as e:
        raise common.fail(e) from e
    info = {"out": str(key_out), "key_id": key.key_id, "epoch": key.epoch}
    if as_json:
        common.print_json(info)
        return
    out.print(f"wrote key {key.key_id} (epoch {key.epoch}) to {key_out}: share it with one "
              "partner over a channel you trust", highlight=False)


@exchange_app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="stix (a STIX 2.1 bundle) or misp "
                                                      "(a MISP event).")],
    tlp: Annotated[str, typer.Option("--tlp", help="The partner's level: clear, green or amber "
                                                   "(amber+strict, red: --allow-restricted).")],
    target: Annotated[Path, typer.Option("--out", help="The file to write.")],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    campaign: Annotated[str | None, typer.Option(help="Only this campaign's documents.")] = None,
    network: Annotated[str | None, typer.Option(help="Only this network's documents.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only documents posted since then.")]
    = None,
    min_risk: Annotated[int | None, typer.Option(min=0, max=100, help="Only documents at "
                                                 "least this risky.")] = None,
    include_partner: Annotated[bool, typer.Option(
        help="Also send partner data at or below --tlp (marked as the partner marked it).")]
    = False,
    allow_restricted: Annotated[bool, typer.Option(
        help="Allow an export at AMBER+STRICT or RED (refused otherwise).")] = False,
    key: Annotated[Path | None, typer.Option(
        "--pseudonymise", help="Key file (waspada exchange keygen): send HMAC-SHA-256 "
        "pseudonyms of the canonical identifiers instead of raw values.")] = None,
    producer: Annotated[str, typer.Option(help="Your organisation's name.")] = "Waspada",
    validate_all: Annotated[bool, typer.Option(
        help="Run stix2-validator on every object of a large bundle too (slow: about 80 "
        "objects a second); by default a bundle over 5,000 objects is validated by shape.")]
    = False,
    as_json: common.JsonOpt = False,
) -> None:
    """Export identifiers marked at or below --tlp, every object marked, checked before writing."""
    try:
        req = exporter.ExportRequest(
            fmt, tlp, campaign, network, since, min_risk, include_partner, allow_restricted,
            pseudonym.read_key(key) if key else None, producer,
            validator_limit=2**62 if validate_all else None)
        with Store.open(db, read_only=True) as store:
            summary = exporter.export_file(store, req, target)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(summary)
        return
    out.print(f"wrote {summary['identifiers']:,} identifiers ({summary['objects']:,} objects, "
              f"{summary['bytes']:,} bytes) at TLP:{summary['tlp'].upper()} to {target}",
              highlight=False)
    for s in summary["skipped"]:
        common.note(f"not exported: {s['kind']} {s['value']}: {s['reason']}")


@exchange_app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="STIX 2.1 bundles or MISP events (JSON).")],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    max_bytes: Annotated[int, typer.Option(min=1, help="Refuse a file larger than this.")]
    = importer.MAX_BYTES,
    as_json: common.JsonOpt = False,
) -> None:
    """Import partner files: identifiers with provenance; what cannot be mapped is listed.
    Exit 1 when some files could not be read (the others are imported), 2 when none could."""
    results: list[dict[str, Any]] = []
    failed: list[WaspadaError] = []
    try:
        with Store.open(db) as store:
            for f in files:
                try:
                    results.append(importer.import_file(store, f, max_bytes))
                except WaspadaError as e:
                    failed.append(e)
                    results.append({"source_file": str(f), "error": str(e)})
                    if len(failed) < len(files):
                        common.note(f"error: {e}")
    except WaspadaError as e:
        raise common.fail(e) from e
    if len(failed) == len(files):
        raise common.fail(failed[-1])
    if as_json:
        common.print_json({"imports": results, "failed": len(failed)})
    else:
        for r in results:
            if "error" in r:
                continue
            out.print(f"{r['source_file']}: {r['identifiers']:,} identifiers from "
                      f"{r['objects']:,} {r['format']} objects ({r['producer'] or 'no producer'}"
                      f"), by TLP {r['by_tlp']}; {r['unmapped_count']} not mapped",
                      highlight=False, markup=False)
            for u in r["unmapped"]:
                common.note(f"  not mapped: {u['type']} {u['id']}: {u['reason']}")
    if failed:
        raise typer.Exit(common.EXIT_PARTIAL)


@exchange_app.command("matches")
def matches_cmd(
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    key: Annotated[list[Path] | None, typer.Option(
        "--key", help="Key file(s) of pseudonymised partner data (repeat for several).")]
    = None,
    as_json: common.JsonOpt = False,
) -> None:
    """Local documents, campaigns and networks sharing an identifier with partner data."""
    try:
        keys = [pseudonym.read_key(k) for k in key or []]
        with Store.open(db, read_only=True) as store:
            found = matches.matches(store, keys)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(found)
        return
    out.print(f"{found['matched_identifiers']:,} of {found['partner_identifiers']:,} partner "
              f"identifiers found locally: {len(found['documents']):,} documents, "
              f"{len(found['campaigns']):,} campaigns, {len(found['networks']):,} networks",
              highlight=False)
    for m in found["matches"]:
        who = ", ".join(sorted({f"{p['producer']} TLP:{p['tlp'].upper()}" for p in m["partner"]}))
        out.print(common.cell(f"{m['identifier']}  ({who}): {len(m['documents'])} documents "
                              f"{' '.join(m['campaigns'] + m['networks'])}"))
    for kid, n in found["without_key"].items():
        common.note(f"{n} pseudonyms under key {kid} not compared: give --key with that key")
