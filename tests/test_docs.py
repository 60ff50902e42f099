"""The docs stay in step with the CLI: every command is documented, every doc link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from waspada.cli import _register, app
from waspada.indicators.loader import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    _register()
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_cli_command_is_shown_in_the_readme() -> None:
    commands = _commands()
    assert len(commands) >= 14, commands
    missing = [c for c in commands if not re.search(rf"waspada {c}\b", README)]
    assert missing == []


def test_every_path_the_readme_names_exists() -> None:
    named = set(re.findall(r"`((?:docs|benchmarks|scripts|samples|src)/[\w./-]+)`", README))
    assert named, "the README names no files"
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists() and "*" not in p)
    assert missing == []


def test_the_readme_gives_exactly_the_two_setup_commands() -> None:
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = [ln.strip() for ln in section.splitlines() if ln.startswith("    ")]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_indicator_is_listed_in_the_indicators_doc_with_its_weight() -> None:
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([\w.]+)` \| [a-z_]+ \| ([\d.]+) \|", doc, re.M))
    assert listed == {i.id: f"{i.weight:g}" for i in load_taxonomy().indicators}


def test_every_doc_is_in_the_docs_index() -> None:
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    docs = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    missing = [d for d in docs if d != "README.md" and f"({d})" not in index]
    assert missing == []
