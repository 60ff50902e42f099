"""``waspada check``: the real command over the real assess()."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from waspada import assess
from waspada.cli import _register, app

_register()
runner = CliRunner()

LURE = (
    "Kerja di Kamboja, gaji fantastis, tanpa pengalaman, tiket pesawat gratis. "
    "Hubungi Telegram @loker_kamboja"
)


def test_json_is_exactly_to_dict() -> None:
    res = runner.invoke(app, ["check", LURE, "--json", "--lang", "id"])
    assert res.exit_code == 0, res.output
    line = res.stdout.strip().splitlines()[-1]
    assert line == json.dumps(assess(LURE, lang="id").to_dict(), ensure_ascii=False)
    assert json.loads(line)["category"] == "recruitment_lure"


def test_rich_output_shows_verdict_indicators_and_entities() -> None:
    res = runner.invoke(app, ["check", LURE, "--lang", "en"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "Risk" in out and "recruitment_lure" in out and "Level" in out
    assert "recruit.high_pay" in out
    assert "Indicators" in out and "Identifiers" in out and "telegram" in out


def test_stdin_with_dash() -> None:
    res = runner.invoke(app, ["check", "-", "--json"], input=LURE)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1])["level"] in {"medium", "high"}


def test_file_option(tmp_path: Path) -> None:
    p = tmp_path / "ad.txt"
    p.write_text(LURE, encoding="utf-8")
    res = runner.invoke(app, ["check", "--file", str(p), "--json", "--country", "ID"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1])["risk"] == assess(LURE).risk


def test_unreadable_file_is_a_clear_error_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    res = runner.invoke(app, ["check", "--file", str(missing)])
    assert res.exit_code == 2
    assert "cannot read" in res.output and "nope.txt" in res.output


def test_no_input_is_an_error() -> None:
    res = runner.invoke(app, ["check"])
    assert res.exit_code == 2
