"""Every exception the package raises is in the ``WaspadaError`` tree of ``waspada/errors.py``
(or one of the few builtins listed below, each for a stated reason), and that tree is
documented there. Read from the source (ast), so a new ``raise`` anywhere is checked."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "waspada"
ERRORS = SRC / "errors.py"

#: builtins the package may raise, and where: a caller's bug in an internal function, or the
#: interrupt re-raised to stop a scan (the list ``errors.py``'s docstring describes)
ALLOWED_BUILTINS = {
    ("text/offsetmap.py", "ValueError"): "edits out of order: a bug in the normaliser",
    ("text/normalize.py", "ValueError"): "a span outside the text: a bug in the caller",
    ("scoring/features.py", "IndexError"): "an n-gram index past the text: a caller's bug",
    ("link/minhash.py", "ValueError"): "a signature matrix of the wrong shape: a caller's bug",
    ("store/schema.py", "ValueError"): "two migrations with one version: a bug in schema.py",
    ("store/writes.py", "ValueError"): "a table name that is not a link table: a caller's bug",
    ("tlp.py", "ValueError"): "a name that is not a TLP level: callers turn it into a "
                              "ConfigError (an option) or into RED (a partner's marking)",
    ("recognizers/base.py", "NotImplementedError"): "the abstract method of a recogniser",
    ("ingest/scan.py", "KeyboardInterrupt"): "Ctrl-C, re-raised to stop the scan",
    ("spark/fs.py", "OSError"): "a rename the Spark output's file system refused, as a local "
                                "rename raises it",
    ("spark/components.py", "RuntimeError"): "connected components past their round bound: "
                                             "an internal bound a correct run never reaches",
}
#: what the CLI raises to end a command with an exit code (click's Exit, not an error)
ALLOWED_FOREIGN = {"Exit"}
#: errors.py's one class outside the tree: a BaseException on purpose (its docstring says why)
OUTSIDE_THE_TREE = {"RecordTimeout"}
#: variables raised that hold an exception caught elsewhere (a re-raise)
RERAISED = {("ingest/worker.py", "init_error"): "assess()'s failure in a worker's initializer",
            ("analyzer.py", "d"): "what assess() raised on one text of a batch, kept in its "
                                  "place by first_stage_many and raised by assess_many in order"}


def _modules() -> dict[str, ast.Module]:
    return {p.relative_to(SRC).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(SRC.rglob("*.py"))}


def _last(node: ast.expr) -> str:
    """``X`` of ``X``, ``a.b.X``, ``X(...)`` or ``a.X(...)``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def _classes(mods: dict[str, ast.Module]) -> dict[str, tuple[str, list[str]]]:
    """class name -> (module, base names) of every class the package defines."""
    return {n.name: (path, [_last(b) for b in n.bases])
            for path, mod in mods.items() for n in ast.walk(mod) if isinstance(n, ast.ClassDef)}


def _returns(mods: dict[str, ast.Module]) -> dict[str, set[str]]:
    """function name -> the class names its return annotations give (functions that build an
    exception for the caller to raise, such as ``fail`` or ``_write_error``)."""
    out: dict[str, set[str]] = {}
    for mod in mods.values():
        for n in ast.walk(mod):
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.returns is not None:
                out.setdefault(n.name, set()).add(_last(n.returns).strip("'\""))
    return out


def _is_waspada(name: str, classes: dict[str, tuple[str, list[str]]]) -> bool:
    if name == "WaspadaError":
        return True
    return name in classes and any(_is_waspada(b, classes) for b in classes[name][1])


def _caught_names(mod: ast.Module) -> set[str]:
    return {h.name for h in ast.walk(mod) if isinstance(h, ast.ExceptHandler) and h.name}


def _offences() -> list[str]:
    mods = _modules()
    classes, returns = _classes(mods), _returns(mods)
    bad: list[str] = []

    def check_class(path: str, line: int, name: str) -> None:
        if _is_waspada(name, classes) or name in ALLOWED_FOREIGN | OUTSIDE_THE_TREE:
            return
        if (path, name) not in ALLOWED_BUILTINS:
            bad.append(f"{path}:{line}: raise {name}")

    for path, mod in mods.items():
        caught = _caught_names(mod)
        for node in ast.walk(mod):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue  # a bare ``raise`` re-raises what was caught
            name = _last(node.exc)
            if name in classes or hasattr(builtins, name) or name in ALLOWED_FOREIGN:
                check_class(path, node.lineno, name)
            elif isinstance(node.exc, ast.Call) and name in returns:
                for made in returns[name]:
                    check_class(path, node.lineno, made)
            elif not (name in caught or (path, name) in RERAISED):
                bad.append(f"{path}:{node.lineno}: raise {ast.unparse(node.exc)} (unknown)")
    return bad


def test_every_raise_is_a_waspada_error_or_an_allowed_builtin() -> None:
    assert _offences() == []


def test_every_exception_class_is_defined_in_errors_py_and_drawn_in_its_tree() -> None:
    mods = _modules()
    classes = _classes(mods)
    exceptions = {n for n in classes
                  if _is_waspada(n, classes) or "BaseException" in classes[n][1]}
    elsewhere = sorted(f"{classes[n][0]}: {n}" for n in exceptions
                       if classes[n][0] != "errors.py")
    assert elsewhere == []
    doc = ast.get_docstring(mods["errors.py"]) or ""
    assert sorted(n for n in exceptions if not re.search(rf"\b{n}\b", doc)) == []
    undocumented = [n.name for n in ast.walk(mods["errors.py"])
                    if isinstance(n, ast.ClassDef) and not ast.get_docstring(n)]
    assert undocumented == []


def test_the_allowed_builtins_are_still_raised_where_listed() -> None:
    """An entry of ``ALLOWED_BUILTINS`` whose raise is gone is removed, not kept as a licence."""
    mods = _modules()
    raised = {(path, _last(n.exc)) for path, mod in mods.items() for n in ast.walk(mod)
              if isinstance(n, ast.Raise) and n.exc is not None}
    assert set(ALLOWED_BUILTINS) - raised == set()
