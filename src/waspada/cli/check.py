"""``waspada check``: assess one text and show the verdict, the evidence and the identifiers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from waspada.assess import assess
from waspada.cli import app
from waspada.errors import AssessError
from waspada.types import Assessment

LEVEL_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}
ENTITY_STYLE = "bold cyan underline"
EVIDENCE_STYLE = "bold black on yellow"
COUNTER_STYLE = "black on green"


@app.command()
def check(
    text: Annotated[
        str | None, typer.Argument(help="The text to check; '-' reads it from standard input.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the text from this file (UTF-8).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the explanation: en or id.")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="ISO 3166 alpha-2 hint for local phone numbers, e.g. ID."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment as JSON (to_dict()).")
    ] = False,
) -> None:
    """Is this job offer or message safe? Show the risk, the red flags and what to do."""
    body = _read_input(text, file)
    try:
        result = assess(body, lang=lang, country=country)
    except AssessError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    render(result, body, Console())


def _read_input(text: str | None, file: Path | None) -> str:
    if file is not None and text is not None:
        typer.echo("Error: give either TEXT or --file, not both.", err=True)
        raise typer.Exit(2)
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            typer.echo(f"Error: cannot read {file}: {reason}", err=True)
            raise typer.Exit(2) from exc
    if text is None:
        typer.echo("Error: give a TEXT to check, '-' for standard input, or --file PATH.", err=True)
        raise typer.Exit(2)
    if text == "-":
        return sys.stdin.read()
    return text


def render(a: Assessment, text: str, console: Console) -> None:
    """Verdict panel, the text with its evidence highlighted, indicator and entity tables."""
    style = LEVEL_STYLE[a.level]
    head = Text.assemble(
        ("Risk ", "bold"), (f"{a.risk}/100", style), "   ",
        ("Level ", "bold"), (a.level, style), "   ",
        ("Category ", "bold"), a.category, "   ",
        ("Language ", "bold"), f"{a.language} ({a.script})",
    )
    console.print(Panel(Text.assemble(head, "\n\n", a.explanation), title="waspada check",
                        border_style=style))
    console.print(Panel(highlighted(a, text), title="Text (evidence highlighted)"))
    if a.indicators:
        t = Table(title="Indicators (counter = signs of a warning ABOUT scams)")
        t.add_column("id", no_wrap=True)
        t.add_column("weight", justify="right")
        t.add_column("description", ratio=2)
        t.add_column("evidence", ratio=1)
        for h in a.indicators:
            t.add_row(h.id, f"{h.weight:.2f}", h.description,
                      ", ".join(s.text for s in h.evidence))
        console.print(t)
    if a.entities:
        t = Table(title="Identifiers and facts")
        for col in ("kind", "value", "text", "details"):
            t.add_column(col)
        for e in a.entities:
            details = ", ".join(f"{k}={v}" for k, v in e.attrs.items() if v not in (None, ""))
            t.add_row(e.kind, e.value, e.text, details)
        console.print(t)


def highlighted(a: Assessment, text: str) -> Text:
    """The original text with indicator evidence and entities styled (original offsets)."""
    out = Text(text)
    for h in a.indicators:
        st = COUNTER_STYLE if h.category == "counter" else EVIDENCE_STYLE
        for s in h.evidence:
            out.stylize(st, s.start, s.end)
    for e in a.entities:
        out.stylize(ENTITY_STYLE, e.start, e.end)
    return out
