"""Every SQL statement of the package lives in ``waspada.store`` (issue 12): a module elsewhere
that runs SQL, or writes a statement for ``Store.query`` to run, fails here, naming the line."""

from __future__ import annotations

import re
from pathlib import Path

import waspada

PACKAGE = Path(waspada.__file__).parent
STORE = PACKAGE / "store"
#: the start of an SQL statement (upper case, as the package writes SQL) or a call that runs one
SQL = re.compile(r"\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|ALTER TABLE|DROP TABLE|COPY \(|"
                 r"WITH \w+ AS \()\s|\.(execute|sql|query)\(\s*f?[\"']|import duckdb")


def sql_lines(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if STORE in path.parents:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                found.append(f"{path.relative_to(root)}:{no}: {line.strip()}")
    return found


def test_no_module_outside_store_holds_sql() -> None:
    assert sql_lines(PACKAGE) == []


def test_the_check_finds_sql_where_it_is(tmp_path: Path) -> None:
    """The pattern is not vacuous: each way of writing SQL seen in the package is caught."""
    samples = [
        'rows = store.query("SELECT 1 FROM campaigns WHERE campaign_id = ?", [gid])',
        '    "SELECT d.doc_key, d.id FROM documents d"',
        'store.query(f"SELECT {col} FROM {table}")',
        'con.execute("INSERT INTO quarantine SELECT * FROM _q")',
        'con.execute(f"DELETE FROM {name}")',
        '"WITH mem AS (SELECT doc_key FROM " + members',
        "import duckdb",
    ]
    clean = ["lsh.query(m)", "_DELETE = (", "# select the first row"]
    (tmp_path / "m.py").write_text("\n".join(samples + clean) + "\n", encoding="utf-8")
    assert [ln.split(": ", 1)[1] for ln in sql_lines(tmp_path)] == [s.strip() for s in samples]
