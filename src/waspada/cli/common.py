"""What every command shares: the one error exit, option types, and safe output of untrusted text.

Exit codes (all commands): ``0`` done; ``2`` the command could not do what was asked: a usage
error, unreadable input, a database that cannot be opened or read, a thing that was not found;
``130`` interrupted. ``scan`` adds ``1``: done, but some records were quarantined.

Texts, ids and sources come from untrusted input. Before they reach a terminal they go through
``display`` (lone surrogates and control characters become U+FFFD, one character each, so
offsets still match) and into Rich as ``Text`` (never parsed as markup). JSON output escapes
lone surrogates as ``\\udcXX`` so that it is always encodable UTF-8 and loses nothing
(``json.loads`` gives the same string back).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from waspada import jsontext
from waspada.store.db import DEFAULT_DB

#: the exit code of every error (see the module docstring)
EXIT_ERROR = 2

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB file of the intel store.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
#: ``-n`` of the listing commands: 0 or more
CountOpt = Annotated[int, typer.Option("-n", min=0, help="How many to show (0 or more).")]
#: ``--limit`` of the listing commands: 1 or more
LimitOpt = Annotated[int, typer.Option(min=1, help="Show at most this many (largest first).")]
DEFAULT_DB_PATH = Path(DEFAULT_DB)

# C0 controls except tab and newline, DEL, C1 controls: a terminal acts on them (ESC starts an
# escape sequence), so untrusted text never reaches it with them
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

_err = Console(stderr=True, soft_wrap=True)


def display(s: str | None) -> str:
    """``s`` safe for a terminal: lone surrogates and control characters other than tab and
    newline become U+FFFD, a carriage return a space (one character for one, so offsets into
    ``s`` stay valid)."""
    return _UNPRINTABLE.sub(_placeholder, s) if s else ""


def _placeholder(m: re.Match[str]) -> str:
    return " " if m.group() == "\r" else "\ufffd"


def cell(s: object) -> Text:
    """A Rich table cell or line for an untrusted value: displayed safely, never markup."""
    return Text(display("" if s is None else str(s)))


def fail(problem: Exception | str) -> typer.Exit:
    """Print ``error: <problem>`` as one line on stderr; return the exit to raise (code 2).

    ``raise fail(e) from e``."""
    msg = " ".join(display(str(problem)).split())
    _err.print(Text.assemble(("error:", "bold red"), " ", msg), soft_wrap=True)
    return typer.Exit(EXIT_ERROR)


def json_text(obj: Any, indent: int | None = None) -> str:
    """``obj`` as JSON text, non-ASCII kept as is, lone surrogates escaped (``\\udcff``)."""
    return jsontext.dumps(obj, indent)


def print_json(obj: Any, indent: int | None = 2) -> None:
    typer.echo(json_text(obj, indent))
