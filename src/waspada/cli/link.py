"""``waspada link``, ``campaigns``, ``networks``, ``network ID`` and ``campaign ID``.

Thin: parse options, call ``waspada.link.incremental.link_store``, ``waspada.store.links`` or
``waspada.link.groups``, format.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from waspada.cli import common
from waspada.cli.app import app
from waspada.cli.common import out
from waspada.errors import WaspadaError
from waspada.link import graph_files
from waspada.link.groups import group_detail
from waspada.link.incremental import link_store
from waspada.link.linker import LinkConfig
from waspada.link.networks import MAX_DF
from waspada.store import links
from waspada.store.db import Store


@app.command()
def link(
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    threshold: Annotated[
        float, typer.Option(help="Jaccard similarity of masked texts for one campaign.")
    ] = 0.7,
    max_df: Annotated[
        float,
        typer.Option(
            help="Identifiers in more documents than this are hubs and do not link: a count "
            "(a whole number >= 1) or a share of all documents (below 1, e.g. 0.01 = 1%)."
        ),
    ] = MAX_DF,
    as_json: common.JsonOpt = False,
) -> None:
    """Link the store's new documents into campaigns and networks (incremental)."""
    started = time.perf_counter()
    try:
        cfg = LinkConfig(threshold=threshold, max_df=max_df)
        with Store.open(db) as store:
            result = link_store(store, cfg)
    except WaspadaError as e:
        raise common.fail(e) from e
    summary = {
        "new_documents": result.new_docs,
        "documents": len(result.state.docs),
        "campaigns": len(result.campaigns),
        "networks": len(result.networks),
        "merges": [{"kind": k, "absorbed": a, "kept": b} for k, a, b in result.merges],
        "seconds": round(time.perf_counter() - started, 2),
    }
    if as_json:
        common.print_json(summary)
        return
    out.print(
        f"linked {summary['new_documents']:,} new of {summary['documents']:,} documents: "
        f"{summary['campaigns']:,} campaigns, {summary['networks']:,} networks, "
        f"{len(result.merges)} merges ({summary['seconds']} s)"
    )


def _list(kind: str, db: Path, limit: int, as_json: bool, graphml: Path | None,
          export_json: Path | None) -> None:  # fmt: skip
    try:
        with Store.open(db, read_only=True) as store:
            groups = links.list_groups(store, kind, limit=limit)
            if graphml or export_json:
                details = [group_detail(store, kind, g["id"]) for g in groups]
                _export([d for d in details if d], graphml, export_json)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(groups)
        return
    t = Table(title=f"{kind}s (largest {limit})")
    _id_column(t, "id", [g["id"] for g in groups])
    for col in ("size", "first seen", "last seen", "languages", "countries", "max risk",
                "top identifier"):  # fmt: skip
        t.add_column(col, overflow="fold")
    for g in groups:
        top = g["top_identifiers"][0] if g["top_identifiers"] else None
        t.add_row(
            g["id"], str(g["size"]), str(g["first_seen"] or ""), str(g["last_seen"] or ""),
            common.cell(",".join(g["languages"])), common.cell(",".join(g["countries"])),
            str(g["max_risk"]),
            common.cell(f"{top['kind']}:{top['value']} ({top['documents']})" if top else ""),
        )  # fmt: skip
    out.print(t)


def _id_column(t: Table, name: str, ids: list[str]) -> None:
    """A column Rich never cuts or wraps, so ids can be copied from an 80-column terminal."""
    t.add_column(name, no_wrap=True, min_width=max([len(name), *map(len, ids)]))


def _export(groups: list[dict[str, Any]], graphml: Path | None, export_json: Path | None) -> None:
    g = graph_files.graph(groups)
    if graphml:
        graph_files.write_graphml(g, graphml)
        common.note(f"wrote {graphml} ({len(g['nodes'])} nodes, {len(g['links'])} edges)")
    if export_json:
        graph_files.write_json(g, export_json)
        common.note(f"wrote {export_json} ({len(g['nodes'])} nodes, {len(g['links'])} edges)")


@app.command()
def campaigns(
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    limit: common.LimitOpt = 20,
    as_json: common.JsonOpt = False,
    graphml: common.GraphmlOpt = None,
    export_json: common.ExportJsonOpt = None,
) -> None:
    """List campaigns: ads posted from one template (near-duplicate masked text)."""
    _list("campaign", db, limit, as_json, graphml, export_json)


@app.command()
def networks(
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    limit: common.LimitOpt = 20,
    as_json: common.JsonOpt = False,
    graphml: common.GraphmlOpt = None,
    export_json: common.ExportJsonOpt = None,
) -> None:
    """List networks: ads joined by shared phones, handles, wallets, accounts, URLs."""
    _list("network", db, limit, as_json, graphml, export_json)


def _detail(kind: str, group_id: str, db: Path, as_json: bool, graphml: Path | None,
            export_json: Path | None) -> None:  # fmt: skip
    try:
        with Store.open(db, read_only=True) as store:
            g = group_detail(store, kind, links.find_group(store, kind, group_id))
    except WaspadaError as e:
        raise common.fail(e) from e
    if g is None:  # the group went away between the two queries
        raise common.fail(f"no {kind} with id {group_id}")
    if graphml or export_json:
        _export([g], graphml, export_json)
    if as_json:
        common.print_json(g)
        return
    out.print(f"[bold]{kind} {g['id']}[/bold]  size {g['size']}  "
              f"{g['first_seen']} .. {g['last_seen']}  max risk {g['max_risk']}")  # fmt: skip
    if g["merged_from"]:
        out.print(f"merged from: {', '.join(g['merged_from'])}")
    t = Table(title="identifiers")
    for col in ("kind", "value", "documents", "in store", "links"):
        t.add_column(col, overflow="fold")
    for i in g["identifiers"]:
        t.add_row(i["kind"], common.cell(i["value"]), str(i["documents"]),
                  str(i["documents_in_store"]),
                  "yes" if i["links"] else "no")  # fmt: skip
    out.print(t)
    t = Table(title="members (doc id: the first 16 characters, enough for waspada show)")
    t.add_column("posted", overflow="fold")
    _id_column(t, "doc id", [m["doc_id"][:16] for m in g["members"]])
    for col in ("external id", "risk"):
        t.add_column(col, overflow="fold")
    for m in g["members"]:
        t.add_row(str(m["posted_at"] or ""), m["doc_id"][:16], common.cell(m["external_id"]),
                  str(m["risk"] or 0))  # fmt: skip
    out.print(t)
    out.print("timeline: " + ", ".join(f"{d['day']}: {d['documents']}" for d in g["timeline"]))


@app.command()
def network(
    network_id: Annotated[
        str, typer.Argument(help="Network id (n-...) or a unique prefix; merged ids resolve.")
    ],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
    graphml: common.GraphmlOpt = None,
    export_json: common.ExportJsonOpt = None,
) -> None:
    """One network: members, identifiers (and which link), timeline; optional graph export."""
    _detail("network", network_id, db, as_json, graphml, export_json)


@app.command()
def campaign(
    campaign_id: Annotated[
        str, typer.Argument(help="Campaign id (c-...) or a unique prefix; merged ids resolve.")
    ],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
    graphml: common.GraphmlOpt = None,
    export_json: common.ExportJsonOpt = None,
) -> None:
    """One campaign: members, identifiers, timeline; optional graph export."""
    _detail("campaign", campaign_id, db, as_json, graphml, export_json)
