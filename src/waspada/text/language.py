"""Language and script of a text, from Unicode script ranges and bundled marker words.

``detect(text) -> (lang, script)``:

* script: the script with the most letters among the first ``SAMPLE_CHARS`` characters (Latin,
  Thai, Lao, Khmer, Myanmar, Han, Hiragana, Katakana, Hangul, Arabic, Cyrillic, Devanagari, ...),
  ``"Common"`` when there is no letter. Letters of other scripts count double against Latin,
  because Latin letters turn up in links and brand names inside Thai or Chinese texts.
* language (ISO 639-1): by script for th, lo, km, my, zh, ja, ko; for Latin script by counting
  marker words of ``data/language_markers.yaml`` (id, ms, vi with or without diacritics, tl,
  en); ``"und"`` when the text is too short, has too few markers, or another script rules.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import regex

from waspada.datafiles import package_yaml
from waspada.errors import ConfigError

__all__ = ["LATIN_LANGUAGES", "SAMPLE_CHARS", "detect"]

#: only this many leading characters are read
SAMPLE_CHARS = 2048
#: languages told apart among Latin-script texts
LATIN_LANGUAGES = ("en", "id", "ms", "tl", "vi")
DATA_FILE = "language_markers.yaml"

#: (script name, language or "und"); order breaks ties
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("Latin", "und"),
    ("Thai", "th"),
    ("Lao", "lo"),
    ("Khmer", "km"),
    ("Myanmar", "my"),
    ("Han", "zh"),
    ("Hiragana", "ja"),
    ("Katakana", "ja"),
    ("Hangul", "ko"),
    ("Arabic", "und"),
    ("Cyrillic", "und"),
    ("Devanagari", "und"),
    ("Bengali", "und"),
    ("Tamil", "und"),
    ("Greek", "und"),
    ("Hebrew", "und"),
)
_SCRIPT_RUNS = regex.compile("|".join(f"(?P<{name}>\\p{{Script={name}}}+)" for name, _ in _SCRIPTS))
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ANY_LETTER = regex.compile(r"\p{L}")
_NON_LATIN_LETTER = regex.compile(r"[^\P{L}\p{Latin}]")
_TOKEN = re.compile(r"[^\W\d_]+")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_ASCII_TOKEN = re.compile(r"[a-z]+")  # _TOKEN on lower-case ASCII text, a plain set: 2x faster
#: letters that only Vietnamese uses among the region's Latin-script languages
_VI_LETTERS = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
#: at least this many tokens, and this many marker points, before a Latin language is named
_MIN_TOKENS = 2
_MIN_POINTS = 2


@dataclass(frozen=True, slots=True)
class _Markers:
    index: dict[str, tuple[str, ...]]  # word -> languages that list it


@functools.cache
def _markers() -> _Markers:
    return _build_markers(package_yaml("waspada.text", DATA_FILE))


def _build_markers(data: object) -> _Markers:
    if not isinstance(data, dict):
        raise ConfigError(f"{DATA_FILE}: expected a mapping of language to words")
    allowed = {*LATIN_LANGUAGES, "id_ms"}
    index: dict[str, list[str]] = {}
    for lang, words in data.items():
        if lang not in allowed:
            raise ConfigError(f"{DATA_FILE}: field {lang!r}: not one of {sorted(allowed)}")
        if not isinstance(words, str) or not words.split():
            raise ConfigError(f"{DATA_FILE}: field {lang!r}: expected space-separated words")
        langs = ("id", "ms") if lang == "id_ms" else (lang,)
        for w in words.split():
            if w != w.lower() or not w.isascii():
                raise ConfigError(f"{DATA_FILE}: field {lang!r}: {w!r} is not lower-case ASCII")
            have = index.setdefault(w, [])
            have.extend(x for x in langs if x not in have)
    return _Markers({w: tuple(v) for w, v in index.items()})


def detect(text: str) -> tuple[str, str]:
    """Return (ISO 639-1 code or "und", script: Latin, Thai, Lao, Khmer, Myanmar, Han ...)."""
    sample = text[:SAMPLE_CHARS]
    if sample.isascii():
        if _ASCII_LETTER.search(sample) is None:
            return "und", "Common"
        return _latin_language(sample), "Latin"
    if _NON_LATIN_LETTER.search(sample) is None:
        if _ANY_LETTER.search(sample) is None:
            return "und", "Common"
        script, lang = "Latin", "und"
    else:
        script, lang = _dominant_script(sample)
    if script == "Latin":
        if not unicodedata.is_normalized("NFC", sample):
            sample = unicodedata.normalize("NFC", sample)
        return _latin_language(sample), script
    if lang == "zh" and _KANA.search(sample):
        lang = "ja"
    return lang, script


def _dominant_script(sample: str) -> tuple[str, str]:
    counts: dict[str, int] = {}
    for m in _SCRIPT_RUNS.finditer(sample):
        name = m.lastgroup or ""
        counts[name] = counts.get(name, 0) + m.end() - m.start()
    if not counts:
        return "Common", "und"
    if "Latin" in counts:
        counts["Latin"] = (counts["Latin"] + 1) // 2
    best = max(counts.values())
    for name, lang in _SCRIPTS:
        if counts.get(name) == best:
            return name, lang
    return "Common", "und"  # pragma: no cover - every run is one of _SCRIPTS


def _latin_language(sample: str) -> str:
    low = sample.lower()
    tokens = (_ASCII_TOKEN if low.isascii() else _TOKEN).findall(low)
    if len(tokens) < _MIN_TOKENS:
        return "und"
    index = _markers().index
    points = dict.fromkeys(LATIN_LANGUAGES, 0)
    only_id = only_ms = 0
    for tok in tokens:
        langs = index.get(tok)
        if langs is None:
            if not tok.isascii() and (
                _VI_LETTERS.search(tok) or "vi" in index.get(_strip_marks(tok), ())
            ):
                points["vi"] += 1
            continue
        for lang in langs:
            points[lang] += 1
        if len(langs) == 1:
            if langs[0] == "id":
                only_id += 1
            elif langs[0] == "ms":
                only_ms += 1
    best = max(points.values())
    if best < _MIN_POINTS:
        return "und"
    if (
        points["tl"] >= _MIN_POINTS
        and points["tl"] * 2 >= points["en"]
        and points["tl"] >= max(points["id"], points["vi"])
    ):
        return "tl"  # Taglish: Tagalog function words among English content words
    lang = max(("vi", "id", "ms", "en"), key=lambda k: points[k])
    if lang in ("id", "ms"):
        return "ms" if only_ms > only_id else "id"
    return lang


@functools.lru_cache(maxsize=4096)
def _strip_marks(token: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", token) if not unicodedata.combining(c)
    ).replace("đ", "d")
