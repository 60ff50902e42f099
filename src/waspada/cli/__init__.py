"""The ``waspada`` command line: thin commands that parse options and call one service function.

Each topic registers its commands from its own module, so the app stays small.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="waspada",
    help="Screen texts for scam-compound recruitment lures and online scams; extract, store and "
    "link the identifiers behind them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported for their side effect: each module adds its commands to ``app``.
    from waspada.cli import check, link, model, scan  # noqa: F401


def main() -> None:
    _register()
    app()
