"""The Spark session of a ``waspada spark`` command: ``--master`` and ``--conf k=v`` passed
through, with defaults that suit a laptop (``local[*]``, no UI)."""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession

from waspada.errors import ConfigError

#: settings applied unless the user gives their own
DEFAULTS = {
    "spark.ui.enabled": "false",
    # no progress bars drawn over the command's own stderr lines (--conf turns them back on)
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    # Arrow between the JVM and the Python workers; the staging rows are Arrow already
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """``k=v`` strings to a dict; a pair without ``=`` or with an empty key is an error."""
    out: dict[str, str] = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep or not k.strip():
            raise ConfigError(f"--conf {p!r}: expected KEY=VALUE")
        out[k.strip()] = v
    return out


def build_session(master: str | None = None, conf: dict[str, str] | None = None,
                  app_name: str = "waspada") -> SparkSession:
    """A session for ``master`` (None: the one spark-submit set, else ``local[*]``)."""
    b = SparkSession.builder.appName(app_name)
    if master:
        b = b.master(master)
    settings = dict(DEFAULTS)
    if master is None or master.startswith("local"):
        # on this machine: the Python workers run this interpreter (where waspada is
        # installed), and the driver listens on the loopback interface only
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        settings |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    for k, v in {**settings, **(conf or {})}.items():
        b = b.config(k, v)
    return b.getOrCreate()
