"""The link commands' JSON and graph exports are byte-identical from run to run, whatever the
process's string hashing (PYTHONHASHSEED): ties in counts are ordered by key."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ._util import cli, write_docs

LURE = ("Dibutuhkan operator komputer di Phnom Penh, gaji {salary} USD per bulan, tiket dan visa "
        "ditanggung, hubungi WA {phone} sekarang juga.")  # fmt: skip
PLACES = [("place", "kh phnom penh"), ("place", "th bangkok"), ("place", "my kuala lumpur"),
          ("place", "la vientiane")]  # fmt: skip


def test_two_runs_give_byte_identical_json_and_exports(tmp_path: Path) -> None:
    # three documents of one template and one network, each naming the same four countries and
    # an Indonesian phone: five countries with equal counts; two handles with equal counts
    rows = [(f"p{i}", LURE.format(salary=1500 + i, phone=f"0812000000{i:02d}"), i,
             [*PLACES, ("phone", f"+62812000000{i:02d}"), ("telegram", "hrd_b"),
              ("telegram", "hrd_a")])
            for i in range(3)]  # fmt: skip
    base = write_docs(tmp_path / "base.duckdb", rows)
    outputs: list[dict[str, bytes]] = []
    for seed in ("1", "2", "3"):
        run = tmp_path / f"run{seed}"
        run.mkdir()
        db = run / "t.duckdb"
        shutil.copy(base, db)
        env = {**os.environ, "PYTHONHASHSEED": seed}
        assert cli("link", "--db", str(db), env=env).returncode == 0
        got: dict[str, bytes] = {}
        for cmd in ("campaigns", "networks"):
            gml, js = run / f"{cmd}.graphml", run / f"{cmd}.json"
            res = cli(cmd, "--db", str(db), "--json", "--graphml", str(gml), "--export-json",
                      str(js), env=env)  # fmt: skip
            assert res.returncode == 0, res.stderr
            got[cmd] = res.stdout.encode()
            got[f"{cmd}.graphml"] = gml.read_bytes()
            got[f"{cmd}.json"] = js.read_bytes()
        outputs.append(got)
    assert b'"KH": 3' in outputs[0]["networks"]  # the ties are there
    for other in outputs[1:]:
        for key, value in outputs[0].items():
            assert other[key] == value, key
