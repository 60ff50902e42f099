"""``waspada check``: assess one text and show the verdict, the evidence and the identifiers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import phonenumbers
import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from waspada.cli import common
from waspada.cli.app import app
from waspada.cli.common import cell, display, fail, json_text
from waspada.config import EXPLANATION_LANGUAGES
from waspada.errors import AssessError
from waspada.types import Assessment

LEVEL_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}
ENTITY_STYLE = "bold cyan underline"
EVIDENCE_STYLE = "bold black on yellow"
COUNTER_STYLE = "black on green"
#: the regions whose local phone formats are read without a hint (examples in --country's error)
TUNED_REGIONS = "ID, MY, SG, TH, VN, PH, KH, LA, MM, CN"


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
    model: common.ModelOpt = None,
    config: common.ConfigOpt = None,
    semantic: common.SemanticOpt = "all",
    as_json: common.JsonOpt = False,
) -> None:
    """Is this job offer or message safe? Show the risk, the red flags and what to do."""
    lang, country = _check_options(lang, country)
    analyzer = common.build_analyzer(common.analyzer_config(config, model))
    body = _read_input(text, file)
    try:
        result = analyzer.assess(body, lang=lang, country=country, semantic=semantic)
    except AssessError as exc:
        raise fail(exc) from exc
    if as_json:
        typer.echo(json_text(result.to_dict()))
        return
    render(result, body, common.out)


def _check_options(lang: str | None, country: str | None) -> tuple[str | None, str | None]:
    """``--lang`` must be a language the explanations are written in, ``--country`` a region
    with a phone numbering plan; anything else is refused (exit 2) rather than ignored."""
    if lang is not None and lang.lower() not in EXPLANATION_LANGUAGES:
        raise fail(f"--lang {lang!r}: explanations are written in "
                   f"{' and '.join(EXPLANATION_LANGUAGES)} only")
    if country is not None and country.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise fail(f"--country {country!r}: not an ISO 3166 alpha-2 region with a phone "
                   f"numbering plan (the local formats read best: {TUNED_REGIONS})")
    return (lang.lower() if lang else None), (country.upper() if country else None)


def _read_input(text: str | None, file: Path | None) -> str:
    """The text from TEXT, '-' (stdin) or --file. Bytes that are not UTF-8 are kept as lone
    surrogates (``surrogateescape``), as Python does for TEXT itself, in every locale."""
    if file is not None and text is not None:
        raise fail("give either TEXT or --file, not both")
    if file is not None:
        try:
            return file.read_bytes().decode("utf-8", "surrogateescape")
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror or exc}") from exc
    if text is None:
        raise fail("give a TEXT to check, '-' for standard input, or --file PATH")
    if text == "-":
        return sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
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
    console.print(Panel(Text.assemble(head, "\n\n", display(a.explanation)),
                        title="waspada check", border_style=style))
    if a.semantic is not None:
        console.print(Text.assemble(("Semantic stage ", "bold"),
                                    f"P(risky) {a.semantic:.2f} (sentence encoder)"))
    console.print(Panel(highlighted(a, text), title="Text (evidence highlighted)"))
    if a.indicators:
        t = Table(title="Indicators (counter = signs of a warning ABOUT scams)")
        t.add_column("id", no_wrap=True)
        t.add_column("weight", justify="right")
        t.add_column("description", ratio=2)
        t.add_column("evidence", ratio=1)
        for h in a.indicators:
            t.add_row(cell(h.id), f"{h.weight:.2f}", cell(h.description),
                      cell(", ".join(s.text for s in h.evidence)))
        console.print(t)
    if a.entities:
        t = Table(title="Identifiers and facts")
        for col in ("kind", "value", "text", "details"):
            t.add_column(col)
        for e in a.entities:
            details = ", ".join(f"{k}={v}" for k, v in e.attrs.items() if v not in (None, ""))
            t.add_row(cell(e.kind), cell(e.value), cell(e.text), cell(details))
        console.print(t)


def highlighted(a: Assessment, text: str) -> Text:
    """The original text with indicator evidence and entities styled (original offsets; the
    text as ``display`` shows it, which keeps every offset)."""
    out = Text(display(text))
    for h in a.indicators:
        st = COUNTER_STYLE if h.category == "counter" else EVIDENCE_STYLE
        for s in h.evidence:
            out.stylize(st, s.start, s.end)
    for e in a.entities:
        out.stylize(ENTITY_STYLE, e.start, e.end)
    return out
