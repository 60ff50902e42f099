"""``waspada spark scan|link`` (on a Spark cluster; needs ``pip install 'waspada[spark]'`` and
Java 17) and ``waspada import-parquet`` (their tables into a store; no Spark needed).

Thin: parse options, build the session (``--master``, ``--conf k=v`` passed through), call
``waspada.spark.scan.scan`` / ``waspada.spark.link.link`` / ``waspada.spark.importer``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from waspada.cli import common
from waspada.cli.app import app
from waspada.cli.common import out
from waspada.errors import ConfigError, WaspadaError
from waspada.ingest.readers import FORMATS, Fields
from waspada.spark.layout import RUNS

spark_app = typer.Typer(help="Scan and link on Apache Spark; the same answers as scan and link.",
                        no_args_is_help=True)
app.add_typer(spark_app, name="spark")

def _session(master: str | None, conf: list[str] | None) -> Any:
    try:
        from waspada.spark.session import build_session, parse_conf
    except ImportError as e:
        raise common.fail(ConfigError(
            f"PySpark is not installed ({e}): pip install 'waspada[spark]' (and Java 17)")) from e
    try:
        return build_session(master, parse_conf(conf or []))
    except WaspadaError as e:
        raise common.fail(e) from e


@spark_app.command("scan")
def spark_scan(
    inputs: Annotated[list[str], typer.Argument(help="Files or folders (recursive).")],
    out_dir: Annotated[str, typer.Option("--out", help="Output folder of the Parquet tables "
                                                       "(local path, hdfs://, s3a://...).")],
    text_field: Annotated[str, typer.Option(help="Field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Field holding the record's own id.")] = "id",
    time_field: Annotated[str, typer.Option(help="Field holding the posting time.")] = "timestamp",
    source_field: Annotated[str, typer.Option(help="Field naming the source.")] = "source",
    url_field: Annotated[str, typer.Option(help="Field holding the post's URL.")] = "url",
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "auto",
    record_budget: Annotated[float, typer.Option(
        min=0, help="Seconds of CPU one record may take before it is quarantined.")] = 5.0,
    semantic: common.SemanticOpt = "auto",
    master: common.MasterOpt = None,
    conf: common.ConfOpt = None,
    as_json: common.JsonOpt = False,
) -> None:
    """Assess every record of INPUTS on Spark into Parquet tables with the store's columns
    under --out. Exit 0: all stored; 1: some quarantined; 2: usage error."""
    from waspada.ingest.inputs import check_inputs

    if fmt not in FORMATS:
        raise common.fail(f"--format must be one of {', '.join(FORMATS)}")
    try:
        check_inputs(inputs)  # before a JVM is started
    except WaspadaError as e:
        raise common.fail(e) from e
    spark = _session(master, conf)
    from waspada.spark.executor import ScanParams
    from waspada.spark.scan import scan

    params = ScanParams(Fields(text_field, id_field, time_field, source_field, url_field), fmt,
                        semantic, record_budget or None)
    try:
        r = scan(spark, inputs, out_dir, params)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(r.to_dict())
    else:
        dups = f" + {r.duplicates:,} duplicates within the input" if r.duplicates else ""
        out.print(f"{r.ok:,} ok ({r.new:,} new + {r.already_stored:,} already stored{dups}) + "
                  f"{r.quarantined:,} quarantined = {r.read:,} records read from {r.files:,} "
                  f"files in {r.seconds:.1f} s -> {out_dir} (run {r.run_id})", markup=False,
                  highlight=False)
        for reason, n in r.reasons.most_common(10):
            where = r.first_at.get(reason)
            line = f"  quarantined {n:,}: {reason}" + (f" (first: {where})" if where else "")
            out.print(common.cell(line), highlight=False)
        out.print(f"  semantic stage ({r.semantic}): read {r.escalated:,} of the {r.new:,} new "
                  "documents", markup=False, highlight=False)
    if r.quarantined:
        raise typer.Exit(common.EXIT_PARTIAL)


@spark_app.command("link")
def spark_link(
    data: Annotated[str, typer.Option("--data", help="Output folder of `waspada spark scan`.")],
    threshold: Annotated[float, typer.Option(
        help="Jaccard similarity of masked texts for one campaign.")] = 0.7,
    max_df: Annotated[float, typer.Option(
        help="Identifiers in more documents than this are hubs and do not link: a count or a "
             "share of all documents (below 1).")] = 100,
    master: common.MasterOpt = None,
    conf: common.ConfOpt = None,
    as_json: common.JsonOpt = False,
) -> None:
    """Link every document of --data into campaigns and networks (the answer of `waspada
    link` over the same documents), written as the campaign_members and network_members
    tables of a committed run."""
    from waspada.link.linker import LinkConfig

    if "://" not in data and not (Path(data) / RUNS).is_dir():  # a local folder: check it first
        raise common.fail(f"{data}: not the output folder of a Spark scan (no {RUNS} folder)")
    try:
        cfg = LinkConfig(threshold=threshold, max_df=max_df)
    except WaspadaError as e:
        raise common.fail(e) from e
    spark = _session(master, conf)
    from waspada.spark.link import link

    try:
        r = link(spark, data, cfg)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(r.to_dict())
    else:
        out.print(f"linked {r.documents:,} documents: {r.campaigns:,} campaigns, "
                  f"{r.networks:,} networks ({r.seconds:.1f} s) -> {data} (run {r.run_id})",
                  markup=False, highlight=False)


@app.command("import-parquet")
def import_parquet(
    folder: Annotated[Path, typer.Argument(help="Output folder of `waspada spark scan`.")],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """Load the Parquet tables of a Spark scan into the store (idempotent)."""
    from waspada.spark.importer import import_parquet as run
    from waspada.store.db import Store

    try:
        with Store.open(db) as store:
            r = run(folder, store)
    except WaspadaError as e:
        raise common.fail(e) from e
    if as_json:
        common.print_json(r.to_dict())
    else:
        d = r.to_dict()
        out.print(f"{d['new']:,} new + {d['already_stored']:,} already stored documents and "
                  f"{d['quarantine']:,} quarantine rows from {d['runs']} runs -> {db}",
                  markup=False, highlight=False)
