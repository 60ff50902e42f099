"""What every command shares: the exit codes, the consoles, the option types, the one error
exit, and safe output of untrusted text. No command module defines its own.

Exit codes (every command; the table is in ``docs/cli.md``):

    0    done
    1    done, with a partial result: some input could not be used (``scan``: records were
         quarantined); the rest was done
    2    nothing (more) was done: a usage error, unreadable input, a database that cannot be
         opened or read, a thing that was not found (``show``, ``network``, ``campaign`` of an
         unknown id)
    130  interrupted (Ctrl-C); what was committed before stays

A query that is valid but finds nothing (``top`` on an empty store) is done: exit 0.

``--json`` prints one JSON document on stdout and nothing else there; progress, notes and
errors go to stderr.

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
from waspada.analyzer import Analyzer, default_analyzer
from waspada.config import AnalyzerConfig, SemanticMode, model_choice
from waspada.errors import WaspadaError
from waspada.semantic import encoder as encoder_mod
from waspada.semantic.encoder import Encoder
from waspada.store.db import DEFAULT_DB

EXIT_OK = 0
#: done, but some input could not be used (records quarantined)
EXIT_PARTIAL = 1
#: the exit code of every error
EXIT_ERROR = 2
#: interrupted (Ctrl-C)
EXIT_INTERRUPTED = 130

#: results: stdout (Rich resolves ``sys.stdout`` when it prints, so tests can capture it)
out = Console()
#: errors, progress and notes: stderr (never mixed into ``--json`` output)
err = Console(stderr=True, soft_wrap=True)

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB file of the intel store.")]
JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print the result as one JSON document on stdout (nothing else there).")]
#: ``-n`` of the listing commands: 0 or more
CountOpt = Annotated[int, typer.Option("-n", min=0, help="How many to show (0 or more).")]
#: ``--limit`` of the listing commands: 1 or more
LimitOpt = Annotated[int, typer.Option(min=1, help="Show at most this many (largest first).")]
DEFAULT_DB_PATH = Path(DEFAULT_DB)
#: ``--data`` of train and evaluate
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Data directory (default: $WASPADA_DATA or ../shared/data)."),
]
#: graph exports of the link listing and detail commands
GraphmlOpt = Annotated[
    Path | None, typer.Option("--graphml", help="Write the graph as GraphML (Gephi, yEd).")
]
ExportJsonOpt = Annotated[
    Path | None,
    typer.Option("--export-json", help="Write the graph as JSON nodes/links (d3, Cytoscape)."),
]

#: ``--model`` and ``--config``: the analyzer of check, scan, train and evaluate (docs/analyzer.md)
PsiModeOpt = Annotated[str, typer.Option(
    "--mode", help="What a client may learn: 'intersection' (which identifiers are shared) or "
    "'cardinality' (only how many).")]
TaxiiCollectionOpt = Annotated[str, typer.Option(
    "--collection", help="URL of the TAXII 2.1 collection (…/api-root/collections/ID/).")]
TaxiiUserOpt = Annotated[str | None, typer.Option("--user", help="TAXII user name.")]
TaxiiPasswordEnvOpt = Annotated[str, typer.Option(
    "--password-env", help="Environment variable that holds the TAXII password.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="Model file to use instead of the packaged one; 'none': no model (risk from "
    "the red flags alone).")]
ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="Analyzer configuration file (TOML: model, indicators, stance_cues, "
    "recognizers, country, language; docs/analyzer.md).")]

#: ``--semantic`` of check and scan: which texts the semantic stage reads (docs/semantic.md)
SemanticOpt = Annotated[SemanticMode, typer.Option(
    "--semantic", help="Which texts the semantic stage (sentence encoder) reads: auto (those "
    "the fast stage did not clear), all, or off.")]


#: ``--master`` and ``--conf`` of the ``spark`` commands (docs/spark.md)
MasterOpt = Annotated[str | None, typer.Option(
    "--master", help="Spark master URL (local[4], spark://host:7077, yarn, k8s://...; default: "
                     "the one spark-submit set, else local[*]).")]
ConfOpt = Annotated[list[str] | None, typer.Option(
    "--conf", help="A Spark setting KEY=VALUE (repeatable), e.g. spark.executor.memory=4g.")]


def analyzer_config(config: Path | None, model: str | None) -> AnalyzerConfig | None:
    """The configuration ``--config``/``--model`` name; None when neither is given (the default
    analyzer). A bad file exits 2 naming it."""
    if config is None and model is None:
        return None
    try:
        if config is not None:
            return AnalyzerConfig.from_file(config, model=model)
        return AnalyzerConfig(model=model_choice(model))
    except WaspadaError as e:
        raise fail(e) from e


def build_analyzer(config: AnalyzerConfig | None) -> Analyzer:
    """The analyzer of ``config`` (None: the default one), loaded and checked; a missing model,
    a bad indicator file ... exits 2 naming it."""
    try:
        return default_analyzer() if config is None else Analyzer(config)
    except WaspadaError as e:
        raise fail(e) from e


def build_encoder(spec: str) -> Encoder:
    """The encoder a configuration names; a bad one exits 2 naming it."""
    try:
        return encoder_mod.build_encoder(spec)
    except WaspadaError as e:
        raise fail(e) from e


# C0 controls except tab and newline, DEL, C1 controls: a terminal acts on them (ESC starts an
# escape sequence), so untrusted text never reaches it with them
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


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
    err.print(Text.assemble(("error:", "bold red"), " ", msg), soft_wrap=True)
    return typer.Exit(EXIT_ERROR)


def interrupted(note: str = "interrupted") -> typer.Exit:
    """Print ``note`` on stderr; return the exit to raise (code 130)."""
    err.print(Text(note, style="yellow"))
    return typer.Exit(EXIT_INTERRUPTED)


def note(line: str) -> None:
    """One line of progress or a side note on stderr (untrusted parts displayed safely)."""
    err.print(cell(line), highlight=False)


def json_text(obj: Any, indent: int | None = None) -> str:
    """``obj`` as JSON text, non-ASCII kept as is, lone surrogates escaped (``\\udcff``)."""
    return jsontext.dumps(obj, indent)


def print_json(obj: Any, indent: int | None = 2) -> None:
    """``obj`` as the one JSON document of a ``--json`` command, on stdout."""
    typer.echo(json_text(obj, indent))
