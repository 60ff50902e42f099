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


# -- locating what lives outside the package: the checkout, the labelled data sets ---------------

CHECKOUT = Path(__file__).resolve().parents[1]


def test_repo_path_is_inside_the_checkout_the_package_runs_from() -> None:
    assert datafiles.repo_path() == CHECKOUT
    assert datafiles.repo_path("data", "public_texts.jsonl").is_file()


def test_data_dir_honours_waspada_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WASPADA_DATA", str(tmp_path))
    assert datafiles.data_dir() == tmp_path


@pytest.mark.parametrize("value", [None, ""])
def test_data_dir_falls_back_to_shared_data_beside_the_checkout(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("WASPADA_DATA", raising=False)
    else:
        monkeypatch.setenv("WASPADA_DATA", value)
    assert datafiles.data_dir() == CHECKOUT.parent / "shared" / "data"


def test_the_training_loader_reads_the_folder_waspada_data_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from waspada.training.datasets import load_all

    monkeypatch.setenv("WASPADA_DATA", str(tmp_path))
    with pytest.raises(ConfigError, match=str(tmp_path)):
        load_all(names=["uci_sms_spam_collection"], corpus=None)
