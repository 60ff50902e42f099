"""``waspada scan`` and the intel-store queries: ``top``, ``show``, ``entities``, ``stats``,
``export``. Thin: parse options, call one service function, format the result."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from waspada.cli import common
from waspada.cli.app import app
from waspada.cli.common import err, out
from waspada.errors import WaspadaError
from waspada.ingest.readers import FORMATS, Fields, check_inputs, input_size
from waspada.store import queries
from waspada.store.db import Store

T = TypeVar("T")


@app.command()
def scan(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    text_field: Annotated[str, typer.Option(help="Field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Field holding the record's own id.")] = "id",
    time_field: Annotated[str, typer.Option(help="Field holding the posting time "
                                                 "(ISO 8601 or epoch seconds).")] = "timestamp",
    source_field: Annotated[str, typer.Option(help="Field naming the source "
                                                   "(default: the file name).")] = "source",
    url_field: Annotated[str, typer.Option(help="Field holding the post's URL.")] = "url",
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}; "
                                                      "auto = by extension.")] = "auto",
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: CPU count; "
                                                     "0 = in this process).")] = None,
    batch_rows: Annotated[int, typer.Option(min=1, help="Documents per committed "
                                            "transaction.")] = 10_000,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    record_budget: Annotated[float, typer.Option(
        min=0, help="Seconds of CPU one record may take in assess() before it is quarantined "
        "as 'took too long' (0 = no limit).")] = 5.0,
    model: common.ModelOpt = None,
    config: common.ConfigOpt = None,
    semantic: common.SemanticOpt = "auto",
    as_json: common.JsonOpt = False,
) -> None:
    """Assess every record of INPUTS into the store. Exit 0: all stored; 1: some quarantined;
    2: usage or database error (e.g. an input that does not exist, a full disk); 130:
    interrupted (what was done is committed)."""
    from waspada.ingest.scan import scan as run_scan

    if fmt not in FORMATS:
        raise common.fail(f"--format must be one of {', '.join(FORMATS)}")
    fields = Fields(text_field, id_field, time_field, source_field, url_field)
    analyzer_config = common.analyzer_config(config, model)  # a bad file: exit 2, no database
    try:
        check_inputs(inputs)  # before the database is created
        store = Store.open(db)
    except WaspadaError as e:
        raise common.fail(e) from e
    total = input_size(inputs)
    bar = Progress(TextColumn("scanning"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TextColumn("{task.fields[docs]:,} docs · {task.fields[rate]:,.0f} docs/s"),
                   TimeElapsedColumn(), console=err, transient=True,
                   disable=not (progress and err.is_terminal))
    t0 = time.perf_counter()
    with _closing(store), bar:
        task = bar.add_task("scan", total=total or None, docs=0, rate=0.0)

        def tick(docs: int, nbytes: int) -> None:
            rate = docs / max(time.perf_counter() - t0, 1e-6)
            bar.update(task, completed=nbytes, docs=docs, rate=rate)

        try:
            report = run_scan(inputs, store, fields=fields, fmt=fmt, workers=workers,
                              on_progress=tick, write_rows=batch_rows,
                              record_budget=record_budget, config=analyzer_config,
                              semantic=semantic)
        except WaspadaError as e:
            raise common.fail(e) from e
        except KeyboardInterrupt:
            raise common.interrupted("aborted: the open batch was rolled back, earlier batches "
                                     "are committed; run the same command again to finish"
                                     ) from None
    if as_json:
        common.print_json(report.to_dict())
    else:
        r = report
        dups = f" + {r.duplicates:,} duplicates within the input" if r.duplicates else ""
        out.print(f"{r.ok:,} ok ({r.new:,} new + {r.already_stored:,} already stored{dups}) + "
                  f"{r.quarantined:,} quarantined = {r.read:,} records read "
                  f"in {r.seconds:.1f} s ({r.read / max(r.seconds, 1e-6):,.0f} docs/s; "
                  f"{r.assessed:,} assessed) -> {db}", markup=False, highlight=False)
        for reason, n in r.reasons.most_common(10):
            where = r.first_at.get(reason)
            line = f"  quarantined {n:,}: {reason}" + (f" (first: {where})" if where else "")
            out.print(common.cell(line), highlight=False)
        if r.quarantined:
            out.print(f"  list them with: waspada quarantine --db {db}", markup=False,
                      highlight=False)
        out.print(f"  semantic stage ({r.semantic}): read {r.escalated:,} of the {r.new:,} "
                  f"new documents ({r.escalated_share:.1%})", markup=False, highlight=False)
        if r.unparsed_times:
            out.print(f"  {r.unparsed_times:,} stored with a time that could not be read "
                      f"(--time-field {time_field}): posted_at left empty, the value kept in "
                      "posted_raw", markup=False, highlight=False)
        if r.interrupted:
            out.print("[yellow]interrupted: everything above is committed; run the same "
                      "command again to finish[/yellow]")
    if report.interrupted:
        raise typer.Exit(common.EXIT_INTERRUPTED)
    if report.quarantined:
        raise typer.Exit(common.EXIT_PARTIAL)


def _read(db: Path, fn: Callable[[Store], T]) -> T:
    """``fn`` over the store at ``db`` opened read-only; any store error is a one-line exit 2."""
    try:
        with Store.open(db, read_only=True) as store:
            return fn(store)
    except WaspadaError as e:
        raise common.fail(e) from e


@app.command()
def top(
    n: common.CountOpt = 10,
    category: Annotated[str | None, typer.Option(help="recruitment_lure, scam or benign.")] = None,
    since: Annotated[str | None, typer.Option(help="Posted on or after DATE (YYYY-MM-DD); "
                                                     "undated documents are left out.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language code, e.g. id, en, th.")] = None,
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """The riskiest documents in the store."""
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError as e:
        raise common.fail(f"--since: {e}") from e
    rows = _read(db, lambda store: queries.top(store, n, category, day, lang))
    if as_json:
        common.print_json(rows)
        return
    wide = out.width >= 120  # the source column only on wide terminals
    cols = ["risk", "category", "lang", *(["source"] if wide else []), "id", "preview"]
    t = Table(*cols, title="Riskiest documents")
    room = max(16, out.width - (76 if wide else 52))  # what the other columns leave
    for r in rows:
        p = r["preview"]
        cells = [str(r["risk"]), r["category"], r["language"] or "",
                 *([(r["source"] or "")[:20]] if wide else []), r["id"][:10],
                 p if len(p) <= room else p[: room - 1] + "…"]
        t.add_row(*map(common.cell, cells))
    out.print(t)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")],
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """One document in full: fields, assessment, entities and indicator evidence."""
    rec = _read(db, lambda store: queries.show(store, doc_id))
    if as_json:
        common.print_json(rec)
        return
    line = common.cell
    out.print(line(f"{rec['id']}  {rec['source'] or ''}  {rec['posted_at'] or ''}"),
              style="bold")
    out.print(line(f"risk {rec['risk']} ({rec['level']}, {rec['category']}), language "
                   f"{rec['language']}, model {rec['model_version']}"))
    out.print(line(rec["text"]))
    if rec["explanation"]:
        out.print(line(rec["explanation"]), style="italic")
    for h in rec["indicators"]:
        ev = "; ".join(e["text"] for e in h["evidence"])
        out.print(line(f"  flag {h['id']} ({h['category']}, {h['weight']}): {ev}"))
    for ent in rec["entities"]:
        out.print(line(f"  {ent['kind']}: {ent['value']} (in {ent['documents']} documents)"))


@app.command()
def entities(
    kind: Annotated[str | None, typer.Option(help="phone, telegram, url, crypto_wallet, ...")]
    = None,
    min_docs: Annotated[int, typer.Option(min=1, help="Shared by at least this many "
                                          "documents (1 or more).")] = 2,
    n: common.CountOpt = 20,
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """Identifiers shared by several documents, most shared first."""
    rows = _read(db, lambda store: queries.shared_entities(store, kind, min_docs, n))
    if as_json:
        common.print_json(rows)
        return
    t = Table("kind", "value", "documents", "max risk", "first seen", "last seen",
              title="Most shared identifiers")
    for r in rows:
        t.add_row(*map(common.cell, (r["kind"], r["value"], r["documents"], r["max_risk"],
                                     _day(r["first_seen"]), _day(r["last_seen"]))))
    out.print(t)


def _day(iso: str | None) -> str:
    """The day of an ISO time, or "unknown" where no posting time was given."""
    return iso[:10] if iso else "unknown"


@app.command()
def stats(db: common.DbOpt = common.DEFAULT_DB_PATH, as_json: common.JsonOpt = False) -> None:
    """Counts: documents, quarantined, per category, language, source and day."""
    s = _read(db, queries.stats)
    if as_json:
        common.print_json(s)
        return
    out.print(f"{s['documents']:,} documents, {s['quarantined']:,} quarantined, "
              f"{s['entities']:,} distinct identifiers (schema v{s['schema_version']})")
    for key in ("by_category", "by_language", "by_source", "by_entity_kind"):
        parts = ", ".join(f"{k} {v:,}" for k, v in list(s[key].items())[:10])
        out.print(common.cell(f"  {key.removeprefix('by_')}: {parts}"))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or jsonl.")] = "parquet",
    out_path: Annotated[Path | None, typer.Option("--out", help="Output file "
                                                  "(default: waspada-export.FORMAT).")] = None,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Include message texts "
                                       "(--no-text: nothing from the texts but the "
                                       "identifiers; see docs).")] = True,
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """Export documents with their assessments."""
    target = out_path or Path(f"waspada-export.{fmt}")
    n = _read(db, lambda store: queries.export(store, target, fmt, text))
    if as_json:
        common.print_json({"rows": n, "path": str(target), "format": fmt, "text": text})
    else:
        out.print(common.cell(f"exported {n:,} documents to {target}"))


@contextlib.contextmanager
def _closing(store: Store) -> Iterator[Store]:
    """Close the store; a close that fails (e.g. its last checkpoint on a full disk) after an
    error already reported does not hide that error's exit."""
    try:
        yield store
    except BaseException:
        with contextlib.suppress(Exception):
            store.close()
        raise
    try:
        store.close()
    except WaspadaError as e:
        raise common.fail(e) from e


@app.command()
def quarantine(
    n: common.CountOpt = 50,
    db: common.DbOpt = common.DEFAULT_DB_PATH,
    as_json: common.JsonOpt = False,
) -> None:
    """Records and files that were quarantined: input, line, reason (--json adds the stored
    excerpt of at most 1 kB)."""
    rows = _read(db, lambda store: queries.quarantined(store, n))
    if as_json:
        common.print_json(rows)
        return
    t = Table("when", "input", "unit", "line", "reason", title="Quarantined")
    for r in rows:
        t.add_row(str(r["quarantined_at"])[:19], common.cell(r["input"]), common.cell(r["unit"]),
                  str(r["line"]), common.cell(r["reason"]))
    out.print(t)
