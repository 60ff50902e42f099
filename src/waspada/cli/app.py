"""The Typer application every command module adds its commands to, and its own options."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Annotated, Any

import typer
import typer.core


class _Commands(typer.core.TyperGroup):
    """The command group: Ctrl-C in any command is exit 130 with one line on stderr, whichever
    Typer is installed (Click's own handling, in Typer releases built on Click, prints
    "Aborted!" and exits 1, against the exit-code table)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            from waspada.cli import common  # not at the top: --version needs no store modules

            raise common.interrupted() from None


app = typer.Typer(
    cls=_Commands,
    name="waspada",
    help="Screen texts for scam-compound recruitment lures and online scams; extract, store and "
    "link the identifiers behind them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version() -> str:
    try:
        return package_version("waspada")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"waspada {_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    # the app's own options (only --version); its help text is the Typer(help=...) above
    return
