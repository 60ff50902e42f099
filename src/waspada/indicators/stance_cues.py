"""The stance cue files: ``data/stance/<lang>.yaml``, each mapping a cue family to phrases.

``load_stance_cues(paths=None)`` reads and checks them (the packaged ones when None) and compiles
them into one keyword automaton; the analyzer holds the result and ``stance.detect`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waspada.datafiles import read_yaml
from waspada.errors import ConfigError
from waspada.indicators.loader import LANGUAGES, normalize_keyword
from waspada.indicators.matcher import is_latin_word
from waspada.text.keywords import Keywords

DATA_DIR = Path(__file__).with_name("data") / "stance"

#: cue family -> (side, weight). Side "offer" solicits the reader; "warning" and "report" are
#: texts ABOUT scams; "about" (victims, perpetrators, named scams) counts for both of those.
FAMILIES: dict[str, tuple[str, float]] = {
    "beware": ("warning", 1.5),
    "advice": ("warning", 1.5),
    "official": ("about", 0.5),  # authorities, hotlines: also mark a contact as official
    "self": ("offer", 0.0),  # "our", "kami", "我司": a contact near these is the text's own
    "report": ("report", 1.5),
    "about": ("about", 1.5),
    "contact": ("offer", 0.0),  # counts only as part of a call to action (structure below)
    "recruit": ("offer", 1.5),
    "job": ("offer", 0.5),
    "solicit": ("offer", 1.0),
    "addressee": ("offer", 0.5),
}

@dataclass(frozen=True, slots=True)
class CompiledCues:
    #: keyword -> (Latin at start, Latin at end, ((family, languages), ...))
    keywords: Keywords[tuple[bool, bool, tuple[tuple[str, frozenset[str]], ...]]]


def load_cues(paths: Iterable[Path]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Read and check the cue files: ``<lang>.yaml`` mapping a family to a list of phrases."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in sorted(paths):
        lang = path.stem
        if lang not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise ConfigError(f"{path.name}: unknown language {lang!r} (known: {known})")
        raw: Any = read_yaml(path, path.name)
        if not isinstance(raw, dict):
            raise ConfigError(f"{path.name}: must map a cue family to a list of phrases")
        fams: dict[str, tuple[str, ...]] = {}
        for fam, items in raw.items():
            if fam not in FAMILIES:
                known = ", ".join(FAMILIES)
                raise ConfigError(
                    f"{path.name}: field {fam!r}: unknown cue family (known: {known})"
                )
            ok = isinstance(items, list) and all(isinstance(s, str) and s.strip() for s in items)
            if not ok:
                raise ConfigError(
                    f"{path.name}: field {fam!r}: must be a list of non-empty strings"
                )
            fams[str(fam)] = tuple(items)
        out[lang] = fams
    return out


def compile_cues(cues: dict[str, dict[str, tuple[str, ...]]]) -> CompiledCues:
    table: dict[str, dict[str, set[str]]] = {}
    for lang, fams in cues.items():
        for fam, items in fams.items():
            for kw in items:
                k = normalize_keyword(kw)
                if k:
                    table.setdefault(k, {}).setdefault(fam, set()).add(lang)
    return CompiledCues(
        Keywords(
            (k, (is_latin_word(k[0]), is_latin_word(k[-1]),
                 tuple((f, frozenset(langs)) for f, langs in sorted(fams.items()))))
            for k, fams in table.items()
        )
    )


def load_stance_cues(paths: Iterable[Path] | None = None) -> CompiledCues:
    """The cue files ``paths`` (``<lang>.yaml``), or the packaged ones when None, compiled."""
    return compile_cues(load_cues(DATA_DIR.glob("*.yaml") if paths is None else paths))
