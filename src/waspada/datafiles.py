"""Reading the YAML data files that recognisers, indicators, rules and allow-lists are made of,
and locating the data that lives outside the package.

One reader, so every data file fails the same way: a ConfigError that names the file.
One locator (``repo_path``, ``data_dir``), so the layout of a checkout is written down once:

    <checkout>/src/waspada/...        this package (an editable install)
    <checkout>/data/                  the public-text corpus (``repo_path("data")``)
    <checkout>/benchmarks/            the reports ``waspada evaluate`` writes
    <checkout>/../shared/data/        the labelled data sets (``data_dir()``; $WASPADA_DATA)
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from waspada.errors import ConfigError

#: libyaml's safe loader when PyYAML was built with it, else the pure-Python one. Every process
#: parses all data files once: ~0.02 s with libyaml instead of ~0.14 s (every CLI call, every
#: scan's fork server)
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: the environment variable that points at another copy of the labelled data sets
DATA_ENV = "WASPADA_DATA"


def repo_path(*parts: str) -> Path:
    """A path inside the checkout this package runs from (src/waspada/ -> two folders up).

    Only meaningful for an editable install or a source tree: the corpus, the benchmarks folder.
    """
    return Path(__file__).resolve().parents[2].joinpath(*parts)


def data_dir() -> Path:
    """Where the labelled data sets live: ``$WASPADA_DATA`` when it is set and not empty, else
    ``shared/data`` beside the checkout (``<checkout>/../shared/data``)."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else repo_path().parent / "shared" / "data"


def read_yaml(source: Traversable | Path, name: str | None = None) -> Any:
    """Parse the YAML file ``source``; any read or syntax error becomes ConfigError(name: ...)."""
    label = name or str(source)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{label}: cannot be read: {exc}") from exc
    return parse_yaml(text, label)


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text read from the file ``name``; a syntax error becomes ConfigError."""
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader: no arbitrary objects
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: cannot be read: {exc}") from exc


def package_yaml(package: str, name: str) -> Any:
    """Parse ``data/<name>`` shipped inside ``package`` (e.g. "waspada.text")."""
    return read_yaml(resources.files(package) / "data" / name, name)
