"""The ``waspada`` command line: thin commands that parse options and call one service function.

``app`` (``cli/app.py``) is the Typer application; each topic adds its commands from its own
module (``check``, ``store``: scan and the queries over the intel store, ``link``, ``spark``,
``training``; ``exchange`` is a command group of its own),
registered by ``_register`` so that the app stays small and ``--version`` loads nothing else.
"""

from __future__ import annotations

from waspada.cli.app import app


def _register() -> None:
    # Imported for their side effect: each module adds its commands to ``app``.
    # (exchange_net adds the PSI and TAXII commands to exchange_app)
    from waspada.cli import check, exchange_net, link, serve, spark, store, training  # noqa: F401
    from waspada.cli.exchange import exchange_app

    if all(g.name != "exchange" for g in app.registered_groups):  # once, however often called
        app.add_typer(exchange_app, name="exchange")


def main() -> None:
    _register()
    app()


__all__ = ["app", "main"]
