"""The link commands' usage errors, id prefixes and tables, through the real CLI in subprocesses
on real DuckDB files."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from waspada.cli import _register, app
from waspada.link import LinkConfig
from waspada.link.ids import new_id

from ._util import cli, write_docs

LURE = ("Dibutuhkan operator komputer di Phnom Penh, gaji 1500 USD per bulan, tiket dan visa "
        "ditanggung, hubungi Telegram atau WA {phone} sekarang juga.")  # fmt: skip
PRIZE = "Selamat! Nomor anda memenangkan hadiah undian 100 juta. Klaim di {phone} hari ini juga."


def _colliding_doc_ids(prefix: str, chars: int) -> tuple[str, str]:
    """Two document ids whose group ids (``prefix`` + hash) share their first ``chars``."""
    seen: dict[str, str] = {}
    for i in itertools.count():
        d = f"doc-{i}"
        head = new_id(prefix, d)[:chars]
        if head in seen:
            return seen[head], d
        seen[head] = d
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def two_networks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Two networks (and two campaigns) whose ids share their first 6 characters."""
    a, b = _colliding_doc_ids("n-", 6)
    rows = [
        ("a1", LURE.format(phone="081200000001"), 0, [("phone", "+6281200000001")]),
        ("a2", LURE.format(phone="081200000001"), 1, [("phone", "+6281200000001")]),
        ("b1", PRIZE.format(phone="081300000002"), 2, [("phone", "+6281300000002")]),
        ("b2", PRIZE.format(phone="081300000002"), 3, [("phone", "+6281300000002")]),
    ]
    db = write_docs(tmp_path_factory.mktemp("two") / "t.duckdb", rows, [a, "a2-id", b, "b2-id"])
    res = cli("link", "--db", str(db), "--json")
    assert res.returncode == 0, res.stderr
    return db, sorted([new_id("n-", a), new_id("n-", b)])


@pytest.mark.parametrize("cmd", ["campaigns", "networks"])
@pytest.mark.parametrize("limit", ["-1", "0"])
def test_limit_below_one_is_a_usage_error(two_networks: tuple[Path, list[str]], cmd: str,
                                          limit: str) -> None:  # fmt: skip
    db, _ = two_networks
    _register()
    res = CliRunner().invoke(app, [cmd, "--db", str(db), "--limit", limit, "--json"])
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit)
    assert "--limit" in res.stderr and res.stdout == ""


def test_network_and_campaign_accept_a_unique_prefix(two_networks: tuple[Path, list[str]]) -> None:
    db, nets = two_networks
    for nid in nets:
        res = cli("network", nid[:10].upper(), "--db", str(db), "--json")
        assert res.returncode == 0, res.stderr
        got = json.loads(res.stdout)
        assert got["id"] == nid and got["size"] == 2
    camps = json.loads(cli("campaigns", "--db", str(db), "--json").stdout)
    assert len(camps) == 2
    for c in camps:
        res = cli("campaign", c["id"][:9], "--db", str(db), "--json")
        assert res.returncode == 0, res.stderr
        assert json.loads(res.stdout)["id"] == c["id"]


def test_ambiguous_prefix_lists_the_candidates(two_networks: tuple[Path, list[str]]) -> None:
    db, nets = two_networks
    common = nets[0][:6]
    assert nets[1].startswith(common) and nets[0] != nets[1]
    res = cli("network", common, "--db", str(db))
    assert res.returncode == 2
    err = " ".join(res.stderr.split())
    assert "ambiguous" in err and nets[0] in err and nets[1] in err
    # too short to be a prefix, and unknown ids: exit 2 as `waspada show`
    for arg in ("n-", "n-ffffffffffff", "n-nope"):
        res = cli("network", arg, "--db", str(db))
        assert res.returncode == 2, arg
        assert "Traceback" not in res.stderr and res.stderr.strip(), arg


def test_tables_show_whole_ids_at_80_columns(tmp_path: Path) -> None:
    long_url = "https://recruit-kerja-luar-negeri-phnom-penh.example.com/lowongan/operator/123456"
    rows = [
        (f"p{i}", LURE.format(phone=f"08120000000{i}"), i,
         [("url", long_url), ("place", "kh phnom penh"), ("place", "th bangkok"),
          ("place", "my kuala lumpur"), ("phone", f"+6281200000{i:03d}")])
        for i in range(3)
    ]  # fmt: skip
    db = write_docs(tmp_path / "t.duckdb", rows)
    assert cli("link", "--db", str(db)).returncode == 0
    env = {**os.environ, "COLUMNS": "80"}
    for kind in ("campaign", "network"):
        groups = json.loads(cli(f"{kind}s", "--db", str(db), "--json").stdout)
        assert len(groups) == 1
        gid = groups[0]["id"]
        res = cli(f"{kind}s", "--db", str(db), env=env)
        assert res.returncode == 0, res.stderr
        assert max(map(len, res.stdout.splitlines())) <= 80
        assert gid in res.stdout, res.stdout
        res = cli(kind, gid, "--db", str(db), env=env)
        assert res.returncode == 0, res.stderr
        for m in groups[0]["members"]:
            assert m["doc_id"][:16] in res.stdout, res.stdout


def test_max_df_rejects_what_is_neither_a_count_nor_a_share(tmp_path: Path) -> None:
    db = write_docs(tmp_path / "t.duckdb", [("p1", LURE.format(phone="0812"), 0, [])])
    _register()
    for bad in ("0", "-3", "1.5", "nan", "inf", "ten"):
        res = CliRunner().invoke(app, ["link", "--db", str(db), f"--max-df={bad}"])
        assert res.exit_code == 2 and isinstance(res.exception, SystemExit), bad
        assert "max" in res.stderr.lower(), bad


def test_max_df_as_a_share_of_the_documents(tmp_path: Path) -> None:
    # 8 documents; one phone in 2 of them (25 %), another in 3 (37.5 %)
    rows = [(f"p{i}", PRIZE.format(phone=f"0813{i:08d}") + " " * i + "x" * i, i,
             [("phone", "+62811" if i < 2 else "+62822" if i < 5 else f"+62833{i}")])
            for i in range(8)]  # fmt: skip
    _register()
    for share, sizes in (("0.25", [2]), ("0.3", [2]), ("0.375", [3, 2]), ("0.2", [])):
        db = write_docs(tmp_path / f"s{share}.duckdb", rows)
        res = CliRunner().invoke(app, ["link", "--db", str(db), "--max-df", share])
        assert res.exit_code == 0, res.output
        res = CliRunner().invoke(app, ["networks", "--db", str(db), "--json"])
        assert [g["size"] for g in json.loads(res.stdout)] == sizes, share
    assert LinkConfig(max_df=0.29).hub_cap(100) == 29  # not 28 from 0.29 * 100 = 28.99...
    assert LinkConfig(max_df=0.01).hub_cap(1_000_000) == 10_000
    assert LinkConfig(max_df=3).hub_cap(10) == LinkConfig(max_df=3.0).hub_cap(10**9) == 3
