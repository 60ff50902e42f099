"""The one writer of benchmark results: ``benchmarks/results/<name>.json`` and ``<name>.md``.

Both files are committed, so README and docs quote figures a reader can find. Each file says
when, on which commit, with which command and on what machine (cores, load) it was measured:
this machine is shared, so absolute speeds vary between runs and only same-run ratios compare.

    from results_io import Lines, write_results
    out = Lines()                       # print() that also keeps the line for the .md
    out("assess() 1,000 docs/s")
    write_results("bench_assess", {"sms": {...}}, out.markdown())
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().with_name("results")


class Lines:
    """Print each line as the benchmark always did, and keep it for the Markdown file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.extend(line.split("\n"))

    def markdown(self) -> str:
        """The kept lines as one fixed-width block (the benchmark's own table layout)."""
        return "```\n" + "\n".join(self.lines).strip("\n") + "\n```\n"


def _commit() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=root,
                               check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+uncommitted src/ changes" if dirty else "")


def run_info() -> dict[str, Any]:
    """Where and when this run happened; recorded beside every figure."""
    script = Path(sys.argv[0]).name
    return {
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": _commit(),
        "command": " ".join([f"benchmarks/{script}", *sys.argv[1:]]),
        "cores": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "python": platform.python_version(),
    }


def write_results(name: str, figures: Any, markdown: str, *, title: str | None = None,
                  results: Path = RESULTS) -> tuple[Path, Path]:
    """Write ``<name>.json`` (run info + figures) and ``<name>.md`` (run info + ``markdown``)."""
    results.mkdir(parents=True, exist_ok=True)
    info = run_info()
    js = results / f"{name}.json"
    md = results / f"{name}.md"
    js.write_text(json.dumps({"benchmark": name, "run": info, "figures": figures}, indent=2,
                             ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    head = [
        f"# {title or name}",
        "",
        f"Written by `{info['command']}` on {info['date_utc']} UTC, commit {info['commit']}, "
        f"{info['cores']} cores, load average {info['load_avg_1m']} (Python {info['python']}). "
        f"The figures as data: `{name}.json`.",
        "",
    ]
    md.write_text("\n".join(head) + "\n" + markdown.rstrip("\n") + "\n", encoding="utf-8")
    print(f"wrote {js} and {md}", file=sys.stderr)
    return js, md
