"""Every regex that runs outside ``text/patterns.py`` is one its docstring lists and justifies.

The source is walked (ast) for calls of the ``re`` and ``regex`` modules (``re.compile``,
``regex.sub`` ...) and for matching methods called on anything but the patterns module
(``_DATE.search(cand)``, ``lex.tail.match(...)``, ``_PATH_START.split(...)``). Each is named by its
module and its pattern (the name a compile is assigned to, or the object a method is called on)
and must be in the list in the docstring of ``waspada.text.patterns``; a new bypass fails here
until it goes through the time-limited path or is listed with its reason. The list has no stale
entry either.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.text import patterns

SRC = Path(patterns.__file__).resolve().parents[1]
#: the methods of a compiled pattern that match (``split`` only on a name bound to a pattern,
#: as ``str.split`` is everywhere)
MATCHING = frozenset(
    {"search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "scanner", "splititer"}
)
MODULE_CALLS = MATCHING | {"compile", "split"}


def _patterns_aliases(tree: ast.Module) -> set[str]:
    """The names a module binds to ``waspada.text.patterns``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "waspada.text":
            names |= {a.asname or a.name for a in node.names if a.name == "patterns"}
    return names


def _other_waspada_modules(tree: ast.Module) -> set[str]:
    """The names a module binds to waspada modules other than the patterns module
    (``from waspada.indicators import matcher``): ``matcher.match(...)`` is no regex call."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("waspada"):
            folder = SRC.parent.joinpath(*(node.module or "").split("."))
            names |= {
                a.asname or a.name for a in node.names
                if a.name != "patterns" and (folder / f"{a.name}.py").is_file()
            }
    return names


def bypasses(path: Path) -> set[str]:
    """``"file.py: pattern"`` for every regex call in ``path`` not made through the patterns
    module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _patterns_aliases(tree)
    modules = _other_waspada_modules(tree)
    compiled: set[str] = set()  # module-level names bound to re/regex.compile
    found: set[str] = set()
    targets: dict[int, str] = {}  # id(call) -> the name it is assigned to
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            targets[id(node.value)] = node.targets[0].id
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, method = node.func.value, node.func.attr
        if isinstance(owner, ast.Name) and owner.id in {"re", "regex"}:
            if method in MODULE_CALLS:
                name = targets.get(id(node), f"{owner.id}.{method}")
                found.add(name)
                if method == "compile":
                    compiled.add(name)
        elif method in MATCHING and not (
            isinstance(owner, ast.Name) and owner.id in aliases | modules
        ):
            choices = [owner.body, owner.orelse] if isinstance(owner, ast.IfExp) else [owner]
            found |= {ast.unparse(c) for c in choices}
    for node in ast.walk(tree):  # split, on a name bound to a compiled pattern
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr == "split" and isinstance(owner, ast.Name) and owner.id in compiled:
                found.add(owner.id)
    rel = path.relative_to(SRC).as_posix()
    return {f"{rel}: {name}" for name in found}


def documented() -> set[str]:
    """The list in the patterns module's docstring: ``- ``file.py``: ``a``, ``b`` — why``."""
    doc = patterns.__doc__ or ""
    entries: set[str] = set()
    for m in regex.finditer(r"(?m)^- ``([\w/]+\.py)``: (.*?) —", doc, regex.DOTALL):
        entries |= {f"{m.group(1)}: {n}" for n in regex.findall(r"``([^`]+)``", m.group(2))}
    return entries


def test_every_bypass_is_documented() -> None:
    found: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        if path.name != "patterns.py" or path.parent.name != "text":
            found |= bypasses(path)
    listed = documented()
    assert sorted(found - listed) == [], "regex calls not time-limited and not listed"
    assert sorted(listed - found) == [], "listed in text/patterns.py but no longer there"


def test_re_word_is_re_w_on_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))
    ours = regex.compile(patterns.re_word())
    assert [m.start() for m in ours.finditer(every)] == [
        m.start() for m in re.finditer(r"\w", every)
    ]


# "\u0e35\u0e48" (Thai marks), "²", "_": where regex's own \w and \b differ from re's
BOUNDARY_TEXT = st.text(alphabet="ab_1 -.\u0e35\u0e48²é", max_size=30)


@settings(max_examples=500, deadline=None)
@given(text=BOUNDARY_TEXT)
def test_re_boundary_is_re_b(text: str) -> None:
    b, w = patterns.re_boundary(), patterns.re_word()
    ours = regex.compile(f"{b}(?:{w}|-)+{b}")
    ref = re.compile(r"\b[\w-]+\b")
    assert [m.span() for m in ours.finditer(text)] == [m.span() for m in ref.finditer(text)]
