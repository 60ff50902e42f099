"""Load and check the indicator data files (``data/*.yaml``).

Every file holds a list of indicators. One indicator::

    - id: recruit.hotspot_destination        # family.name, unique over all files
      category: recruitment_lure             # recruitment_lure | scam | counter
      weight: 0.4                            # in (0, 1]
      description: {en: ..., id: ..., ...}   # en and id required
      keywords: {id: [...], zh: [...]}       # literal phrases, case-insensitive
      patterns: {en: ['regex', ...]}         # optional, lower case, run on ctx.lower
      negatable: true                        # optional: drop a hit right after "tidak", "no" ...
      structured:                            # optional: entity rules (any one fires)
        - entity: place                      # a kind or a list of kinds
          where: {hotspot: true}             # attr: value | [values] | {op: value}
          with_indicator: [recruit.role]     # optional: one of these fired too
          near: 120                          # optional: entity within 120 chars of their evidence
          unless_entity: [{entity: email}]   # optional: none of these entities is in the text
      requires: {indicator: [...], entity: [...]}   # optional, checked last; any of each list
      sources: [https://...]

Any problem raises ``ConfigError`` naming the file, the indicator id and the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import regex

from waspada.datafiles import read_yaml
from waspada.errors import ConfigError
from waspada.types import ENTITY_KINDS, INDICATOR_CATEGORIES, EntityKind, IndicatorCategory

DATA_DIR = Path(__file__).with_name("data")

#: languages a keyword or pattern list may be written in
LANGUAGES = ("id", "en", "ms", "vi", "th", "tl", "zh", "km", "lo", "my")
WHERE_OPS = ("eq", "ne", "in", "not_in", "gte", "lte", "endswith", "contains")

_KEYS = {
    "id", "category", "weight", "description", "keywords", "patterns", "negatable",
    "structured", "requires", "sources",
}
_RULE_KEYS = {"entity", "where", "with_indicator", "near", "unless_entity"}
_REQUIRES_KEYS = {"indicator", "entity"}


@dataclass(frozen=True, slots=True)
class Condition:
    """One test on an entity attribute: ``attr op value``."""

    attr: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class EntityMatch:
    kinds: tuple[EntityKind, ...]
    where: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """A structured rule: an entity (with conditions), optionally near other indicators."""

    match: EntityMatch
    with_indicator: tuple[str, ...] = ()
    near: int | None = None
    unless: tuple[EntityMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    category: IndicatorCategory
    weight: float
    description: dict[str, str]
    keywords: dict[str, tuple[str, ...]]
    patterns: dict[str, tuple[str, ...]]
    negatable: bool = False
    rules: tuple[Rule, ...] = ()
    requires_indicator: tuple[str, ...] = ()
    requires_entity: tuple[EntityKind, ...] = ()
    sources: tuple[str, ...] = ()
    file: str = ""

    def describe(self, lang: str) -> str:
        return self.description.get(lang) or self.description["en"]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    indicators: tuple[Indicator, ...]
    by_id: dict[str, Indicator] = field(default_factory=dict)


def normalize_keyword(kw: str) -> str:
    """Keywords are compared with the normalised, lower-cased text: NFKC, then lower()."""
    return unicodedata.normalize("NFKC", kw).lower().strip()


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.ind = "?"

    def fail(self, fld: str, msg: str) -> ConfigError:
        return ConfigError(f"{self.file}: indicator {self.ind!r}, field {fld!r}: {msg}")

    def lang_lists(self, raw: Any, fld: str) -> dict[str, tuple[str, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(fld, "must map a language code to a list of strings")
        out: dict[str, tuple[str, ...]] = {}
        for lang, items in raw.items():
            if lang not in LANGUAGES:
                known = ", ".join(LANGUAGES)
                raise self.fail(f"{fld}.{lang}", f"unknown language (known: {known})")
            ok = isinstance(items, list) and all(isinstance(s, str) and s.strip() for s in items)
            if not ok:
                raise self.fail(f"{fld}.{lang}", "must be a list of non-empty strings")
            out[lang] = tuple(items)
        return out

    def entity_match(self, raw: Any, fld: str) -> EntityMatch:
        if not isinstance(raw, dict) or "entity" not in raw:
            raise self.fail(fld, "needs 'entity'")
        kinds_raw = raw["entity"]
        kinds = (kinds_raw,) if isinstance(kinds_raw, str) else tuple(kinds_raw or ())
        for k in kinds:
            if k not in ENTITY_KINDS:
                raise self.fail(f"{fld}.entity", f"unknown entity kind {k!r}")
        if not kinds:
            raise self.fail(f"{fld}.entity", "is empty")
        where = raw.get("where") or {}
        if not isinstance(where, dict):
            raise self.fail(f"{fld}.where", "must be a mapping attr -> value")
        conds: list[Condition] = []
        for attr, val in where.items():
            if isinstance(val, dict):
                for op, v in val.items():
                    if op not in WHERE_OPS:
                        raise self.fail(f"{fld}.where.{attr}", f"unknown operator {op!r}")
                    if op in ("gte", "lte") and not isinstance(v, int | float):
                        raise self.fail(f"{fld}.where.{attr}.{op}", "needs a number")
                    conds.append(Condition(str(attr), op, tuple(v) if isinstance(v, list) else v))
            elif isinstance(val, list):
                conds.append(Condition(str(attr), "in", tuple(val)))
            else:
                conds.append(Condition(str(attr), "eq", val))
        return EntityMatch(cast(tuple[EntityKind, ...], kinds), tuple(conds))

    def rule(self, raw: Any, fld: str) -> Rule:
        if not isinstance(raw, dict):
            raise self.fail(fld, "must be a mapping")
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise self.fail(f"{fld}.{sorted(unknown)[0]}", "unknown key")
        near = raw.get("near")
        if near is not None and (not isinstance(near, int) or near <= 0):
            raise self.fail(f"{fld}.near", "must be a positive number of characters")
        with_ind = tuple(raw.get("with_indicator") or ())
        if near is not None and not with_ind:
            raise self.fail(f"{fld}.near", "needs with_indicator")
        unless = tuple(
            self.entity_match(u, f"{fld}.unless_entity[{i}]")
            for i, u in enumerate(raw.get("unless_entity") or ())
        )
        return Rule(self.entity_match(raw, fld), with_ind, near, unless)

    def indicator(self, raw: Any) -> Indicator:
        if not isinstance(raw, dict):
            raise self.fail("-", "each indicator must be a mapping")
        self.ind = str(raw.get("id", "?"))
        unknown = set(raw) - _KEYS
        if unknown:
            raise self.fail(sorted(unknown)[0], "unknown key")
        iid = raw.get("id")
        if not isinstance(iid, str) or not regex.fullmatch(r"[a-z_]+\.[a-z0-9_]+", iid):
            raise self.fail("id", "must look like family.name (lower case)")
        cat = raw.get("category")
        if cat not in INDICATOR_CATEGORIES:
            raise self.fail("category", f"{cat!r} is not one of {', '.join(INDICATOR_CATEGORIES)}")
        w = raw.get("weight")
        if isinstance(w, bool) or not isinstance(w, int | float) or not 0 < w <= 1:
            raise self.fail("weight", f"{w!r} is not in (0, 1]")
        desc = raw.get("description")
        if not isinstance(desc, dict):
            raise self.fail("description", "must map language -> text")
        for lang in ("en", "id"):
            if not isinstance(desc.get(lang), str) or not desc[lang].strip():
                raise self.fail(f"description.{lang}", "missing (English and Indonesian required)")
        keywords = self.lang_lists(raw.get("keywords"), "keywords")
        patterns = self.lang_lists(raw.get("patterns"), "patterns")
        for lang, pats in patterns.items():
            for p in pats:
                try:
                    regex.compile(p)
                except regex.error as exc:
                    msg = f"regex {p!r} does not compile: {exc}"
                    raise self.fail(f"patterns.{lang}", msg) from exc
        rules = tuple(
            self.rule(r, f"structured[{i}]") for i, r in enumerate(raw.get("structured") or ())
        )
        if not keywords and not patterns and not rules:
            raise self.fail("keywords", "an indicator needs keywords, patterns or structured rules")
        req = raw.get("requires") or {}
        if not isinstance(req, dict) or set(req) - _REQUIRES_KEYS:
            raise self.fail("requires", "must be a mapping with 'indicator' and/or 'entity'")
        req_ent = tuple(req.get("entity") or ())
        for k in req_ent:
            if k not in ENTITY_KINDS:
                raise self.fail("requires.entity", f"unknown entity kind {k!r}")
        sources = raw.get("sources") or []
        if not isinstance(sources, list) or not all(
            isinstance(s, str) and s.startswith("http") for s in sources
        ):
            raise self.fail("sources", "must be a list of URLs")
        return Indicator(
            id=iid,
            category=cast(IndicatorCategory, cat),
            weight=float(w),
            description={str(k): str(v) for k, v in desc.items()},
            keywords=keywords,
            patterns=patterns,
            negatable=bool(raw.get("negatable", False)),
            rules=rules,
            requires_indicator=tuple(req.get("indicator") or ()),
            requires_entity=cast(tuple[EntityKind, ...], req_ent),
            sources=tuple(sources),
            file=self.file,
        )


def load_files(paths: Iterable[Path]) -> Taxonomy:
    """Load and check indicator files; raise ConfigError on the first problem."""
    indicators: list[Indicator] = []
    seen: dict[str, str] = {}
    for path in sorted(paths):
        chk = _Checker(path.name)
        raw = read_yaml(path, path.name)
        if not isinstance(raw, list):
            raise ConfigError(f"{path.name}: must hold a list of indicators")
        for item in raw:
            ind = chk.indicator(item)
            if ind.id in seen:
                raise chk.fail("id", f"duplicate id (also in {seen[ind.id]})")
            seen[ind.id] = path.name
            indicators.append(ind)
    by_id = {i.id: i for i in indicators}
    for ind in indicators:
        chk = _Checker(ind.file)
        chk.ind = ind.id
        refs = [("requires.indicator", r) for r in ind.requires_indicator] + [
            ("structured.with_indicator", r) for rule in ind.rules for r in rule.with_indicator
        ]
        for fld, ref in refs:
            if ref not in by_id:
                raise chk.fail(fld, f"names unknown indicator {ref!r}")
    return Taxonomy(tuple(indicators), by_id)


def load_taxonomy(paths: Iterable[Path] | None = None) -> Taxonomy:
    """The indicators of ``paths`` (YAML files, or folders read as their ``*.yaml``), or the
    packaged ones when None, loaded and checked."""
    if paths is None:
        return load_files(DATA_DIR.glob("*.yaml"))
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return load_files(files)
