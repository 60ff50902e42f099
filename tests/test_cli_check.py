"""``waspada check``: the real command over the real assess()."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from waspada import assess
from waspada.cli import _register, app
from waspada.cli.check import render

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


# ---- hardening (issue 10) ----------------------------------------------------------------------

def run_check(*args: bytes | str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real CLI in a subprocess with raw argv bytes, its output encoded strictly as UTF-8
    (as in a UTF-8 locale: a lone surrogate written to it would raise)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "COLUMNS": "200"}
    cmd = [sys.executable, "-c", "from waspada.cli import main; main()", "check", *args]
    return subprocess.run([a if isinstance(a, bytes) else a.encode() for a in cmd], input=stdin,
                          capture_output=True, env=env, timeout=120)


def test_version_prints_the_installed_version() -> None:
    r = subprocess.run([sys.executable, "-c", "from waspada.cli import main; main()",
                        "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"waspada {version('waspada')}"


def test_unsupported_lang_and_country_are_refused_with_what_is_supported() -> None:
    res = runner.invoke(app, ["check", LURE, "--lang", "vi"])
    assert res.exit_code == 2 and "en and id" in res.output
    res = runner.invoke(app, ["check", LURE, "--country", "XX"])
    assert res.exit_code == 2 and "'XX'" in res.output and "ID, MY" in res.output
    # any case; a real region outside South-East Asia is a valid phone hint
    res = runner.invoke(app, ["check", LURE, "--lang", "ID", "--country", "kh", "--json"])
    assert res.exit_code == 0, res.output
    want = assess(LURE, lang="id", country="KH")
    assert json.loads(res.stdout)["explanation"] == want.explanation
    assert runner.invoke(app, ["check", LURE, "--country", "gb"]).exit_code == 0


def test_escape_sequences_in_the_text_never_reach_the_terminal() -> None:
    r = run_check(b"Kerja di Kamboja \x1b[2J\x1b]0;owned\x07 gaji besar")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert "\x1b" not in out and "\x07" not in out
    assert "Kamboja \ufffd[2J\ufffd]0;owned\ufffd gaji" in out


def test_render_shows_lone_surrogates_as_replacement_characters() -> None:
    # the view of a text with a non-UTF-8 byte (argv gives it as a lone surrogate) on a strict
    # UTF-8 terminal; the assessment is of the same text with the byte as a plain letter
    a = assess("Kerja di Kamboja, gaji besar x hubungi @loker_kamboja")
    buf = io.BytesIO()
    stream = io.TextIOWrapper(buf, encoding="utf-8", errors="strict")
    render(a, "Kerja di Kamboja, gaji besar \udcff hubungi @loker_kamboja",
           Console(file=stream, width=200))
    stream.flush()
    assert "gaji besar \ufffd hubungi" in buf.getvalue().decode("utf-8")


def test_a_non_utf8_byte_in_argv_or_stdin_is_checked_without_a_traceback() -> None:
    for r in (run_check(b"Kerja di Kamboja gaji besar \xff hubungi"),
              run_check("-", stdin=b"Kerja di Kamboja gaji besar \xff hubungi")):
        assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
        assert "besar \ufffd hubungi" in r.stdout.decode("utf-8")
    r = run_check(b"Kerja di Kamboja gaji besar \xff", "--json")
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert json.loads(r.stdout)["category"] in {"recruitment_lure", "scam", "benign"}


def test_model_option_selects_or_disables_the_model(tmp_path: Path) -> None:
    res = runner.invoke(app, ["check", LURE, "--json", "--model", "none"])
    assert res.exit_code == 0, res.output
    plain = json.loads(res.stdout.strip().splitlines()[-1])
    assert plain["model_version"] == "indicators-1" and plain["features"] == []
    shipped = json.loads(runner.invoke(app, ["check", LURE, "--json"]).stdout.splitlines()[-1])
    assert shipped["model_version"].startswith("linear-")
    missing = tmp_path / "nope.npz"
    res = runner.invoke(app, ["check", LURE, "--model", str(missing)])
    assert res.exit_code == 2
    assert "model file not found" in res.stderr and "nope.npz" in res.stderr


def test_config_file_gives_the_analyzer_its_indicators_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "ours.yaml").write_text(
        "- id: local.kamboja\n  category: recruitment_lure\n  weight: 0.5\n"
        "  description: {en: Names Cambodia, id: Menyebut Kamboja}\n"
        "  keywords: {id: [kamboja]}\n", encoding="utf-8")
    cfg = tmp_path / "waspada.toml"
    cfg.write_text('indicators = ["ours.yaml"]\nlanguage = "id"\nmodel = "none"\n',
                   encoding="utf-8")
    res = runner.invoke(app, ["check", LURE, "--json", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert [(h["id"], h["description"]) for h in got["indicators"]] == [
        ("local.kamboja", "Menyebut Kamboja")
    ]
    cfg.write_text('indicatorz = ["ours.yaml"]\n', encoding="utf-8")
    res = runner.invoke(app, ["check", LURE, "--config", str(cfg)])
    assert res.exit_code == 2 and "indicatorz" in res.stderr
