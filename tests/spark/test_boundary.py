"""Only ``waspada.spark`` imports PySpark: importing waspada and building its CLI work where
PySpark is not installed (a real interpreter with the module made unimportable)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "waspada"


def test_nothing_outside_the_spark_package_imports_pyspark() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        if SRC / "spark" in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "pyspark"]
    assert found == []


def test_waspada_and_its_cli_load_without_pyspark() -> None:
    code = ("import sys; sys.modules['pyspark'] = None\n"
            "import waspada, waspada.spark.importer, waspada.spark.layout\n"
            "from waspada.cli import _register; _register()\n"
            "print(waspada.assess('Kerja di Kamboja gaji 1500 USD').level)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() in {"low", "medium", "high"}
