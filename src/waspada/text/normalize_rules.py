"""The compiled patterns of waspada.text.normalize, built once from ``data/normalize.yaml``."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from waspada.datafiles import package_yaml
from waspada.errors import ConfigError
from waspada.text.patterns import compile_pattern

DATA_FILE = "normalize.yaml"

#: deleted: controls (but tab, LF, CR and the whitespace controls), format characters (zero-width,
#: bidi, soft hyphen, BOM), combining grapheme joiner, variation selectors 15/16, Hangul fillers,
#: Mongolian free variation selectors
_DELETE = (
    r"[\x00-\x08\x0E-\x1B\x7F-\x84\x86-\x9F\p{Cf}\u034F\uFE0E\uFE0F"
    r"\u115F\u1160\u3164\uFFA0\u180B-\u180D]+"
)
#: whitespace controls (vertical tab, form feed, file/group/record/unit separators, NEL) -> space
_WS_CONTROL = r"[\x0B\x0C\x1C-\x1F\x85]"
#: lone surrogates (a str from ``surrogateescape`` or broken JSON) -> U+FFFD, one for one: they
#: are not text, and the Rust keyword search (valid UTF-8 only) cannot read them
_SURROGATE = r"[\uD800-\uDFFF]"
#: between single digits: spaces, dots, dashes, underscores (and emoji keycaps after a digit)
_DIGIT_SEP_CHAR = r"[ .\-\u2010-\u2015_]"
_DIGIT_SEP = _DIGIT_SEP_CHAR + "{1,3}"
_DIGIT = r"[0-9]\u20E3?"
#: between spelled-out letters
_LETTER_SEP = r"[ .\-\u2010-\u2015_*\u00B7\u2022]{1,3}"
_COMPOUND_SEP = r"[ .\-_]{1,2}"
_NOT_WORD_AFTER = r"(?![\p{L}\p{N}])"
_WORD_BEFORE = r"(?<=[\p{L}\p{N}])"
#: known mail providers: a bare " at " becomes "@" only before one of them ("visit us at x.com"
#: must not turn into an e-mail address)
_MAIL_PROVIDERS = (
    "gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn", "icloud",
    "aol", "proton", "protonmail", "yandex", "qq", "163", "126", "mail", "zoho",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rule:
    """One de-obfuscation pattern, run on the lower-cased text only when one of ``needs`` (a
    substring) occurs in it (``needs=()``: always) and ``gate`` (if any) says yes. Both are
    conditions every match implies, so a skipped rule could not have matched."""

    kind: str
    rx: regex.Pattern[str]
    needs: tuple[str, ...] = ()
    gate: Callable[[str], bool] | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    names: frozenset[str]
    long_names: tuple[str, ...]  # names of 4+ letters, longest first
    at_words: frozenset[str]
    #: any character pass 1 deletes or replaces, or a local digit (trigger for non-ASCII texts)
    trigger: re.Pattern[str]
    invisible: regex.Pattern[str]
    local_digit: regex.Pattern[str]
    digit_table: dict[int, str]
    rules: tuple[Rule, ...]
    separator: regex.Pattern[str]


def _fail(field: str, why: str) -> ConfigError:
    return ConfigError(f"{DATA_FILE}: field {field!r}: {why}")


def _words(data: dict[str, Any], field: str) -> list[str]:
    value = data.get(field)
    if not isinstance(value, list) or not value:
        raise _fail(field, "expected a non-empty list of words")
    out: list[str] = []
    for w in value:
        if not isinstance(w, str) or not w.strip() or not w.isascii():
            raise _fail(field, f"entry {w!r} is not a non-empty ASCII word")
        out.append(w.strip().lower())
    return out


def _alternation(words: list[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _digit_zeros(data: dict[str, Any]) -> dict[int, str]:
    zeros = data.get("local_digit_zeros")
    if not isinstance(zeros, dict) or not zeros:
        raise _fail("local_digit_zeros", "expected a mapping of block name to U+XXXX")
    table: dict[int, str] = {}
    for block, code in zeros.items():
        try:
            zero = int(str(code).removeprefix("U+"), 16)
        except ValueError as exc:
            raise _fail(f"local_digit_zeros.{block}", f"{code!r} is not U+XXXX") from exc
        for d in range(10):
            if unicodedata.digit(chr(zero + d), None) != d:
                raise _fail(f"local_digit_zeros.{block}", f"U+{zero + d:04X} is not digit {d}")
            table[zero + d] = str(d)
    return table


def build(data: dict[str, Any]) -> Rules:
    """Check the rule data and compile every pattern (ConfigError on a bad field)."""
    if not isinstance(data, dict):
        raise _fail("<root>", "expected a mapping")
    names = _words(data, "platform_names")
    at_words = _words(data, "at_words")
    dot_words = _words(data, "dot_words")
    tlds = _words(data, "tlds")
    compounds = data.get("platform_compounds")
    if not isinstance(compounds, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) and x.isalpha() for x in p)
        for p in compounds
    ):
        raise _fail("platform_compounds", "expected a list of [first, second] word pairs")
    table = _digit_zeros(data)

    tld = f"(?:{_alternation(tlds)}){_NOT_WORD_AFTER}"
    dots = _alternation(dot_words)
    ats = _alternation(at_words)
    digits = (
        rf"(?<![0-9]\u20E3?{_DIGIT_SEP_CHAR}{{0,3}})"
        rf"{_DIGIT}(?![0-9])(?:{_DIGIT_SEP}{_DIGIT}(?![0-9])){{5,}}"
        rf"(?!{_DIGIT_SEP_CHAR}{{0,3}}[0-9])"
    )
    # run on the lower-cased text; \b is cheaper than look-arounds on letter classes
    letters = rf"\b[a-z](?:{_LETTER_SEP}[a-z]\b){{1,11}}"
    compound = "|".join(f"{regex.escape(a)}{_COMPOUND_SEP}{regex.escape(b)}" for a, b in compounds)
    compound = rf"\b(?:{compound})\b"
    bracket = rf"[\[({{<][ \t]*(?:{dots}|{ats}|\.|@)[ \t]*[\])}}>]"
    bare_dot = rf"{_WORD_BEFORE}[ \t]+(?:{dots})[ \t]+(?={tld})"
    spaced_dot = rf"{_WORD_BEFORE}(?:[ \t]+\.[ \t]*|\.[ \t]+)(?=(?:{_alternation(tlds)})/)"
    domain_dot = (
        rf"(?:\.|[ \t]*[\[({{<][ \t]*(?:{dots}|\.)[ \t]*[\])}}>][ \t]*"
        rf"|[ \t]+(?:{dots})[ \t]+)"
    )
    bare_at = (
        rf"(?<=[\p{{L}}\p{{N}}_.\-])[ \t]+(?:{ats})[ \t]+"
        rf"(?=(?:{'|'.join(_MAIL_PROVIDERS)}){domain_dot}{tld})"
    )
    zeros = sorted(z for z, d in table.items() if d == "0")
    local = "[" + "".join(f"{chr(z)}-{chr(z + 9)}" for z in zeros) + "]"

    def rx(kind: str, pattern: str) -> regex.Pattern[str]:
        return compile_pattern(pattern, name=f"normalize.{kind}")

    rule_list = (
        Rule("digits", rx("digits", digits)),
        Rule("keycap", rx("keycap", "[0-9#*]\u20e3+"), ("\u20e3",)),
        Rule("letters", rx("letters", letters)),
        Rule("compound", rx("compound", compound), tuple({b for _, b in compounds})),
        Rule("bracket", rx("bracket", bracket), ("[", "(", "{", "<")),
        Rule("dot", rx("dot", bare_dot), tuple(dot_words)),
        Rule(
            "dot",
            rx("spaced_dot", spaced_dot),
            (" .", ". ", "\t.", ".\t"),  # the blanks around the dot may be tabs
            gate=functools.partial(_tld_before_slash, tuple(tlds)),
        ),
        # a bare "at" has a blank on each side
        Rule(
            "at",
            rx("at", bare_at),
            tuple(f"{a}{w}{b}" for w in at_words for a in " \t" for b in " \t"),
        ),
    )
    trigger_cps = sorted(set(_invisible_codepoints()) | set(table))
    return Rules(
        names=frozenset(names),
        long_names=tuple(sorted((n for n in names if len(n) >= 4), key=lambda n: (-len(n), n))),
        at_words=frozenset(at_words),
        trigger=re.compile(f"[{char_class(trigger_cps)}]"),
        invisible=compile_pattern(
            f"(?P<del>{_DELETE})|(?P<ws>{_WS_CONTROL}+)|(?P<sur>{_SURROGATE}+)",
            name="normalize.invisible",
        ),
        local_digit=compile_pattern(local, name="normalize.local_digit"),
        digit_table=table,
        rules=rule_list,
        separator=compile_pattern(r"[^0-9A-Za-z]+", name="normalize.separator"),
    )


def _tld_before_slash(tlds: tuple[str, ...], low: str) -> bool:
    """Some "/" in ``low`` comes right after one of ``tlds`` (``spaced_dot`` needs that)."""
    i = low.find("/")
    while i != -1:
        if low.endswith(tlds, 0, i):
            return True
        i = low.find("/", i + 1)
    return False


def _invisible_codepoints() -> list[int]:
    """Code points of pass 1 (the ``_DELETE``, ``_WS_CONTROL`` and ``_SURROGATE`` classes)."""
    cps = [cp for cp in range(0x20) if cp not in (0x09, 0x0A, 0x0D)]
    cps += list(range(0x7F, 0xA0))
    cps += [0x034F, 0xFE0E, 0xFE0F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x180B, 0x180C, 0x180D, 0x20E3]
    cps += list(range(0xD800, 0xE000))  # lone surrogates (replaced, not deleted)
    for lo, hi in ((0xA0, 0x30000), (0xE0000, 0xE1000)):
        cps += [cp for cp in range(lo, hi) if unicodedata.category(chr(cp)) == "Cf"]
    return cps


def char_class(cps: list[int]) -> str:
    """A regex character class body (without brackets) for sorted code points."""
    cps = sorted(set(cps))
    out: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        out.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(out)


@functools.cache
def rules() -> Rules:
    """The bundled rules, loaded and compiled on first use."""
    return build(package_yaml("waspada.text", DATA_FILE))
