"""``waspada check`` reads every text with the semantic stage (``--semantic all`` by default):
``--json`` carries its P, the human output one line; ``--semantic off`` leaves it out. A small
real semantic model on the packaged encoder (tests/semantic/small_model.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest._util import run_cli

GREETING = "Selamat pagi, apa kabar? Sampai jumpa nanti sore."


@pytest.fixture(scope="module")
def config_file(small_semantic_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "waspada.toml"
    path.write_text(f'semantic_model = "{small_semantic_model}"\n', encoding="utf-8")
    return path


def test_check_reads_even_a_text_the_fast_stage_clears(config_file: Path, tmp_path: Path) -> None:
    # a greeting: nothing the auto mode would escalate, yet check reads it
    r = run_cli("check", GREETING, "--config", str(config_file), "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    p = json.loads(r.stdout)["semantic"]
    assert isinstance(p, float) and 0.0 <= p <= 1.0
    auto = run_cli("check", GREETING, "--config", str(config_file), "--json", "--semantic",
                   "auto", cwd=tmp_path)
    assert json.loads(auto.stdout)["semantic"] is None
    human = run_cli("check", GREETING, "--config", str(config_file), cwd=tmp_path)
    assert f"Semantic stage P(risky) {p:.2f}" in human.stdout


def test_check_semantic_off_leaves_the_stage_out(config_file: Path, tmp_path: Path) -> None:
    r = run_cli("check", GREETING, "--config", str(config_file), "--json", "--semantic", "off",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["semantic"] is None
    human = run_cli("check", GREETING, "--config", str(config_file), "--semantic", "off",
                    cwd=tmp_path)
    assert "Semantic stage" not in human.stdout


def test_check_refuses_an_unknown_semantic_mode(tmp_path: Path) -> None:
    r = run_cli("check", GREETING, "--semantic", "some", cwd=tmp_path)
    assert r.returncode == 2 and "--semantic" in r.stderr
