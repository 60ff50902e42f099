"""The one YAML reader: libyaml's loader where available, read exactly as the pure-Python one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import waspada
from waspada import datafiles
from waspada.errors import ConfigError

PACKAGE = Path(waspada.__file__).resolve().parent
DATA_FILES = sorted(PACKAGE.rglob("data/*.yaml"))


def test_the_package_ships_yaml_data_files() -> None:
    assert len(DATA_FILES) >= 10


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_shipped_file_reads_the_same_as_with_the_pure_python_safe_loader(
    path: Path,
) -> None:
    text = path.read_text(encoding="utf-8")
    assert datafiles.parse_yaml(text, path.name) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_loader_is_a_safe_one() -> None:
    assert issubclass(datafiles._LOADER, yaml.SafeLoader) or datafiles._LOADER.__name__ == (
        "CSafeLoader")
    with pytest.raises(ConfigError, match=r"evil\.yaml"):
        datafiles.parse_yaml("!!python/object/apply:os.system ['true']", "evil.yaml")


def test_a_syntax_error_names_the_file() -> None:
    with pytest.raises(ConfigError, match=r"^broken\.yaml: cannot be read"):
        datafiles.parse_yaml("a: [1, 2\nb: c", "broken.yaml")
