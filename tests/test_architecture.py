"""The package's shape: arrows point down, no import cycles, modules stay small.

Read from the source with ``ast`` (imports inside functions count too), so a refactor that
breaks the layering fails here, not in a reviewer's head.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "waspada"

#: each top-level module or subpackage of waspada and its layer: a module may import from its own
#: subpackage or from a LOWER layer only (docs/analyzer.md, ../shared/DESIGN.md "arrows point down")
LAYERS = {
    "errors": 0,
    "datafiles": 1, "jsontext": 1, "procs": 1, "tlp": 1,
    "text": 2,
    "types": 3, "config": 3, "store": 3,
    "recognizers": 4, "indicators": 4, "scoring": 4, "semantic": 4,
    "analyzer": 5,
    "link": 6, "ingest": 6, "training": 6, "exchange": 6,
    "api": 7, "spark": 7,  # spark runs ingest's and link's own functions on a cluster
    "cli": 8,
    "__init__": 9,
}  # fmt: skip
#: the house limit on a module's length (lines); a module over it is split by role
MAX_LINES = 420


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The waspada modules ``path`` imports (``from waspada.x import y`` names module x.y when
    that is a module, else x)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "waspada":
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "waspada"}
    return out


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = {m: {t for t in _imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}


def test_every_part_of_the_package_has_a_layer() -> None:
    assert {_top(m) for m in MODULES} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    here = _top(module)
    upward = sorted(
        t for t in GRAPH[module]
        if _top(t) != here and LAYERS[_top(t)] >= LAYERS[here]
    )
    assert not upward, f"{module} (layer {LAYERS[here]}) imports {upward}"


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for t in sorted(GRAPH[m]):
            if state.get(t) == 1:
                cycle = [*path[path.index(t):], t]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        path.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_the_size_limit(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (limit {MAX_LINES}): split it by role"
