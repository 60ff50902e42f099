"""Which files a scan reads: inputs named on the command line, and folders walked for files with
a known extension, without following a symbolic link out of the folder, nor opening a FIFO or a
device (which would block, or read as empty)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from waspada.errors import InputError

EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".txt": "txt",
}


def kind_of(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return what
    return "not a regular file"


def check_inputs(inputs: list[str]) -> None:
    """Raise ``InputError`` naming every input that does not exist or is neither a regular
    file nor a folder ("-" is stdin). A FIFO or device named here would block or read as
    empty: read a pipe through "-" instead."""
    problems: list[str] = []
    for item in inputs:
        if item == "-":
            continue
        try:
            mode = os.stat(item).st_mode
        except FileNotFoundError:
            problems.append(f"{item}: no such file or folder")
            continue
        except OSError as e:
            problems.append(f"{item}: cannot open: {e.strerror or e}")
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            problems.append(f"{item}: {kind_of(mode)}, not a regular file (read a pipe "
                            "through - for stdin)")
    if problems:
        raise InputError("; ".join(problems))


def walk(inputs: list[str]) -> Iterator[tuple[str, Path | None, str | None]]:
    """Expand inputs: folders recursively (files with a known extension, sorted), "-" = stdin.
    Yields (name, path, problem): ``problem`` is None for a file to read, else why an entry of
    a folder is not read (a symbolic link that leaves the folder or leads nowhere, a FIFO)."""
    for item in inputs:
        if item == "-":
            yield "-", None, None
            continue
        p = Path(item)
        if not p.is_dir():
            yield item, p, None
            continue
        root = p.resolve()
        for sub in sorted(p.rglob("*")):
            if sub.suffix.lower() not in EXTENSIONS:
                continue
            problem = _folder_entry_problem(sub, root)
            if problem != "folder":
                yield str(sub), sub, problem


def _folder_entry_problem(sub: Path, root: Path) -> str | None:
    """None for a regular file to read, "folder" for a folder, else why it is not read."""
    if sub.is_symlink():
        target = os.readlink(sub)
        try:
            real = sub.resolve(strict=True)
        except (OSError, RuntimeError):
            return f"dangling symbolic link: not read (to {target})"
        if not real.is_relative_to(root):
            return f"symbolic link out of the folder: not followed (to {real})"
        if real.is_dir():
            return "folder"
    try:
        mode = sub.stat().st_mode
    except OSError as e:
        return f"cannot open: {e.strerror or e}"
    if stat.S_ISDIR(mode):
        return "folder"
    if not stat.S_ISREG(mode):
        return f"{kind_of(mode)}, not a regular file: not read"
    return None


def discover(inputs: list[str]) -> Iterator[tuple[str, Path | None]]:
    """The inputs ``walk`` reads: (name, path), path None for stdin."""
    for name, path, problem in walk(inputs):
        if problem is None:
            yield name, path


def input_size(inputs: list[str]) -> int | None:
    """Total bytes of the inputs, or None when stdin is among them (unknown)."""
    total = 0
    for _name, path in discover(inputs):
        if path is None:
            return None
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total
