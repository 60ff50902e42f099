"""Every command follows the one exit-code table of ``docs/cli.md`` (0 done, 1 partial result,
2 usage or error, 130 interrupted) and prints one JSON document with ``--json``; the real CLI
runs (in this process through Typer's runner, or as a subprocess for Ctrl-C)."""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from waspada.cli import _register, app, common
from waspada.exchange.psi import PsiServer
from waspada.scoring.model import DEFAULT_MODEL_PATH

ROOT = Path(__file__).resolve().parents[1]
_register()


def _commands(group: Any) -> dict[str, Any]:
    """Every command by its full name; a command group's as "group sub" (``exchange export``)."""
    out: dict[str, Any] = {}
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group (typer's own click, whichever package it is)
            out.update({f"{name} {k}": v for k, v in _commands(cmd).items()})
        else:
            out[name] = cmd
    return out


COMMANDS = _commands(typer.main.get_command(app))
#: a full training or evaluation takes minutes, a Spark job starts a JVM (tests/spark runs
#: them): their exit 0 is not run here
SLOW = {"train", "evaluate", "spark scan", "spark link"}
#: their exit 0 needs a partner's TAXII server, or (psi-serve) serves until Ctrl-C (130): tests/
#: exchange runs them against real servers (test_cli_push_then_pull,
#: test_psi_serve_and_psi_query_find_exactly_the_overlap_of_two_stores)
SERVED = {"exchange psi-serve", "exchange taxii-push", "exchange taxii-pull"}
LURE = ("Lowongan kerja di Kamboja, gaji 15 juta per bulan, tiket dan visa ditanggung, "
        "hubungi Telegram @hrd_kamboja")


def cli(*args: str) -> SimpleNamespace:
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    return SimpleNamespace(code=r.exit_code, stdout=r.stdout, stderr=r.stderr)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A scanned and linked store, and one id of each kind in it."""
    d = tmp_path_factory.mktemp("codes")
    db = str(d / "w.duckdb")
    r = cli("scan", str(ROOT / "samples"), "--db", db, "--workers", "0", "--no-progress")
    assert r.code == 0, r.stderr
    assert cli("link", "--db", db).code == 0
    ids = {k: json.loads(cli(k, "--db", db, "--json").stdout)[0]["id"]
           for k in ("campaigns", "networks")}
    doc = json.loads(cli("top", "-n", "1", "--db", db, "--json").stdout)[0]["id"]
    good = d / "good.jsonl"
    good.write_text(json.dumps({"id": "1", "text": LURE}) + "\n", encoding="utf-8")
    broken = d / "broken.jsonl"
    broken.write_text(json.dumps({"id": "1", "text": LURE}) + "\n{not json\n", encoding="utf-8")
    bundle = d / "bundle.json"
    r = cli("exchange", "export", "--format", "stix", "--tlp", "amber", "--out", str(bundle),
            "--db", db)
    assert r.code == 0, r.stderr
    (d / "lake" / "_runs").mkdir(parents=True)  # a Spark output folder with no run yet
    # a partner's PSI server on 127.0.0.1, for psi-query
    with PsiServer({"phone:+6281234567890"}, max_query=1000).start() as psi_server:
        yield {"db": db, "dir": str(d), "doc": doc, "campaign": ids["campaigns"],
               "network": ids["networks"], "good": str(good), "broken": str(broken),
               "bundle": str(bundle), "psi": psi_server.url}


def done_args(cmd: str, s: dict[str, str]) -> list[str]:
    """Arguments with which ``cmd`` does its work (exit 0)."""
    db = ["--db", s["db"]]
    return {
        "check": ["check", LURE],
        "scan": ["scan", s["good"], "--db", str(Path(s["dir"]) / f"new{os.urandom(4).hex()}.db"),
                 "--workers", "0", "--no-progress"],
        "top": ["top", *db], "entities": ["entities", *db], "stats": ["stats", *db],
        "quarantine": ["quarantine", *db], "campaigns": ["campaigns", *db],
        "networks": ["networks", *db], "link": ["link", *db],
        "show": ["show", s["doc"], *db],
        "network": ["network", s["network"], *db], "campaign": ["campaign", s["campaign"], *db],
        "export": ["export", "--format", "jsonl", "--out", str(Path(s["dir"]) / "x.jsonl"), *db],
        # serve --check builds the app over a store of its own (it opens it read-only) and exits
        "serve": ["serve", "--check", "--db", str(Path(s["dir"]) / "serve.duckdb")],
        "users": ["users", "list", "--db", str(Path(s["dir"]) / "accounts.duckdb")],
        "keys": ["keys", "list", "--db", str(Path(s["dir"]) / "accounts.duckdb")],
        "exchange keygen": ["exchange", "keygen", "--out",
                            str(Path(s["dir"]) / f"k{os.urandom(4).hex()}.key")],
        "exchange export": ["exchange", "export", "--format", "misp", "--tlp", "green", "--out",
                            str(Path(s["dir"]) / "x.misp.json"), *db],
        "exchange import": ["exchange", "import", s["bundle"], "--db",
                            str(Path(s["dir"]) / f"p{os.urandom(4).hex()}.db")],
        "exchange matches": ["exchange", "matches", *db],
        "exchange psi-query": ["exchange", "psi-query", s["psi"], *db],
        "import-parquet": ["import-parquet", str(Path(s["dir"]) / "lake"), *db],
    }[cmd]


def error_args(cmd: str, s: dict[str, str]) -> list[str]:
    """Arguments with which ``cmd`` can do nothing (exit 2): a missing thing, a bad value."""
    nodb = ["--db", str(Path(s["dir"]) / "missing.duckdb")]
    db = ["--db", s["db"]]
    return {
        "check": ["check", "--lang", "xx", "text"],
        "scan": ["scan", str(Path(s["dir"]) / "no-such.jsonl"), *db],
        "top": ["top", "--since", "yesterday", *db], "entities": ["entities", *nodb],
        "stats": ["stats", *nodb], "quarantine": ["quarantine", *nodb],
        "campaigns": ["campaigns", *nodb], "networks": ["networks", *nodb],
        "link": ["link", "--threshold", "0", *db],
        "show": ["show", "ffffffffffff", *db],
        "network": ["network", "n-ffffffffffff", *db],
        "campaign": ["campaign", "c-ffffffffffff", *db],
        "export": ["export", "--out", str(Path(s["dir"]) / "no" / "dir" / "x.csv"), *db],
        "train": ["train"],
        "serve": ["serve", "--check", "--db", str(Path(s["dir"]) / "no" / "dir" / "x.duckdb")],
        "users": ["users", "remove", "nobody", *db],
        "keys": ["keys", "revoke", "wsp_000000000000_x", *db],
        "spark scan": ["spark", "scan", str(Path(s["dir"]) / "no-such.jsonl"), "--out",
                       str(Path(s["dir"]) / "out")],
        "spark link": ["spark", "link", "--data", str(Path(s["dir"]) / "no-lake")],
        "import-parquet": ["import-parquet", str(Path(s["dir"]) / "no-lake"), *db],
        "evaluate": ["evaluate", "--data", str(Path(s["dir"]) / "no-data"),
                     "--out-dir", s["dir"]],
        "exchange keygen": ["exchange", "keygen", "--out",
                            str(Path(s["dir"]) / "no" / "dir" / "k.key")],
        "exchange export": ["exchange", "export", "--format", "stix", "--tlp", "red", "--out",
                            str(Path(s["dir"]) / "r.json"), *db],
        "exchange import": ["exchange", "import", str(Path(s["dir"]) / "no-such.json"), *db],
        "exchange matches": ["exchange", "matches", *nodb],
        "exchange psi-serve": ["exchange", "psi-serve", "--mode", "everything", *db],
        "exchange psi-query": ["exchange", "psi-query", "http://127.0.0.1:9/", *db],
        "exchange taxii-push": ["exchange", "taxii-push", str(Path(s["dir"]) / "no-such.json"),
                                "--collection", "http://127.0.0.1:9/api/collections/x/"],
        "exchange taxii-pull": ["exchange", "taxii-pull", "--collection",
                                "http://127.0.0.1:9/api/collections/x/", "--out",
                                str(Path(s["dir"]) / "pulled.json")],
    }[cmd]


def test_every_command_is_in_this_table() -> None:
    s = dict.fromkeys(("db", "dir", "doc", "campaign", "network", "good", "broken", "bundle",
                       "psi"), "x")
    for cmd in COMMANDS:
        words = len(cmd.split())
        if cmd not in SLOW | SERVED:
            assert " ".join(done_args(cmd, s)[:words]) == cmd
        assert " ".join(error_args(cmd, s)[:words]) == cmd


@pytest.mark.parametrize("cmd", sorted(set(COMMANDS) - SLOW - SERVED))
def test_done_is_0_and_json_is_one_document_on_stdout(cmd: str, store: dict[str, str]) -> None:
    r = cli(*done_args(cmd, store))
    assert r.code == common.EXIT_OK, r.stderr
    r = cli(*done_args(cmd, store), "--json")
    assert r.code == common.EXIT_OK, r.stderr
    json.loads(r.stdout)  # the whole of stdout is one JSON document


@pytest.mark.parametrize("cmd", sorted(COMMANDS))
def test_error_is_2_with_one_line_on_stderr_and_nothing_on_stdout(
    cmd: str, store: dict[str, str]
) -> None:
    for extra in ([], ["--json"]):
        r = cli(*error_args(cmd, store), *extra)
        assert r.code == common.EXIT_ERROR, (cmd, r.stdout, r.stderr)
        assert r.stdout == ""
        assert r.stderr.strip(), cmd


def test_not_found_is_2_for_every_command_that_looks_up_an_id(store: dict[str, str]) -> None:
    for cmd in ("show", "network", "campaign"):
        r = cli(*error_args(cmd, store))
        lines = r.stderr.strip().splitlines()
        assert r.code == 2 and len(lines) == 1 and lines[0].startswith("error: "), r.stderr


def test_partial_result_is_1_with_the_json_report(store: dict[str, str]) -> None:
    db = str(Path(store["dir"]) / "partial.duckdb")
    r = cli("scan", store["broken"], "--db", db, "--workers", "0", "--no-progress", "--json")
    assert r.code == common.EXIT_PARTIAL, r.stderr
    report = json.loads(r.stdout)
    assert (report["ok"], report["quarantined"]) == (1, 1)


def test_a_valid_query_that_finds_nothing_is_done(store: dict[str, str]) -> None:
    r = cli("top", "--lang", "xx", "--db", store["db"], "--json")
    assert (r.code, json.loads(r.stdout)) == (0, [])


def test_every_command_has_json() -> None:
    lacking = [c for c, cmd in COMMANDS.items() if "--json" not in
               [o for p in cmd.params for o in p.opts]]
    assert lacking == []


def test_train_needs_out_or_replace_packaged_and_writes_nothing_without(tmp_path: Path) -> None:
    before = DEFAULT_MODEL_PATH.stat().st_mtime_ns
    for args in (["train"], ["train", "--out", str(tmp_path / "m.npz"), "--replace-packaged"]):
        r = cli(*args, "--json")
        assert r.code == 2 and r.stdout == "", r.stderr
        assert "--out FILE" in r.stderr and "--replace-packaged" in r.stderr
    assert DEFAULT_MODEL_PATH.stat().st_mtime_ns == before
    assert not (tmp_path / "m.npz").exists()


def test_train_model_has_no_default_path_either() -> None:
    """The function ``train`` calls names no file by default: a script that forgets ``out``
    gets a TypeError, not a replaced packaged model."""
    from waspada.training.train import train_model

    out = inspect.signature(train_model).parameters["out"]
    assert out.default is inspect.Parameter.empty and out.kind is out.KEYWORD_ONLY


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_ctrl_c_is_130_with_one_line_on_stderr() -> None:
    """Ctrl-C in a command without its own handling (``check - --json`` waiting for stdin):
    exit 130, "interrupted" on stderr, nothing on stdout. The signal is sent once the process
    blocks reading its stdin pipe (its kernel wait channel says so), not during start-up."""
    p = subprocess.Popen(
        [sys.executable, "-c", "from waspada.cli import main; main()", "check", "-", "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wchan = Path(f"/proc/{p.pid}/wchan")
    deadline = time.monotonic() + 300
    while "pipe_read" not in wchan.read_text() and time.monotonic() < deadline:
        assert p.poll() is None, p.communicate()
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == common.EXIT_INTERRUPTED, err
    assert out == ""
    assert err.strip().splitlines() == ["interrupted"]


def test_the_table_in_the_docs_is_the_one_the_commands_use() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| (.+) \|$", doc, re.M))
    assert sorted(map(int, rows)) == [common.EXIT_OK, common.EXIT_PARTIAL, common.EXIT_ERROR,
                                      common.EXIT_INTERRUPTED]
    assert "quarantined" in rows["1"] and "not found" in rows["2"]


def test_no_command_module_defines_its_own_console_fail_or_option_types() -> None:
    own: list[str] = []
    for path in sorted((ROOT / "src" / "waspada" / "cli").glob("*.py")):
        if path.name == "common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Console"):
                own.append(f"{path.name}:{node.lineno}: a Console")
            if isinstance(node, ast.FunctionDef) and "fail" in node.name:
                own.append(f"{path.name}:{node.lineno}: def {node.name}")
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript)
                    and ast.unparse(node.value.value) == "Annotated"):
                own.append(f"{path.name}:{node.lineno}: an option type")
    assert own == []
