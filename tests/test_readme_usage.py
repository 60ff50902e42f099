"""The README's usage examples run as written after `bash scripts/demo.sh` (which installs into
.venv): every example calls `.venv/bin/waspada`, as the first ones do."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_usage_example_calls_the_installed_command_the_same_way() -> None:
    examples = [ln for ln in README.splitlines()
                if ln.startswith("    ") and re.search(r"(^|[\s|/])waspada ", ln)]
    assert len(examples) >= 15, examples
    bare = [ln for ln in examples if re.search(r"(^|[\s|])waspada ", ln)]
    assert bare == []
