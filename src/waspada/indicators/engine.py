"""The indicator engine: apply the taxonomy in ``data/*.yaml`` to one prepared text.

``evaluate(ctx, entities, lang) -> list[IndicatorHit]``, in four steps:

1. keywords of ALL languages (code-mixing is normal) in one pass of one Aho-Corasick automaton
   over ``ctx.lower``; Latin-script keywords only at word boundaries; a hit of a ``negatable``
   indicator right after a negation ("tidak", "tanpa", "no", "không", "ไม่", "免" ...) is dropped;
2. the regex patterns (written in lower case), joined into one time-limited alternation and
   run over ``ctx.lower`` (case-insensitive matching in ``regex`` costs more than lowering);
3. structured rules on the entities, in file order (they may name indicators fired above);
4. ``requires`` filters, in file order.

Evidence spans index the ORIGINAL text (mapped with ``ctx.norm.to_original``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from waspada.indicators.loader import (
    Indicator,
    Rule,
    Taxonomy,
    default_taxonomy,
    normalize_keyword,
)
from waspada.indicators.structured import apply_rule
from waspada.recognizers.base import Context
from waspada.text import patterns as rx
from waspada.text.keywords import Keywords
from waspada.types import Entity, IndicatorHit, Span

#: at most this many evidence spans are kept per indicator
MAX_EVIDENCE = 5
#: a negation this close before a keyword hit (characters) cancels a negatable hit
NEGATION_WINDOW = 24

_NEGATION = rx.compile_pattern(
    r"(?:(?<![\p{Latin}\d])(?:tidak|tdk|tanpa|tak|bukan|bebas|no|not|non|free|without|never|"
    r"không|ko|walang|hindi|wala|tiada|jangan|dilarang|zero)(?![\p{Latin}\d])[^.!?\n]{0,14}$)"
    r"|(?:(?:ไม่|ບໍ່|无|無|免|不|毋须|毋須|មិន)\S{0,6}$)",
    name="negation",
)


def is_latin_word(c: str) -> bool:
    return c == "_" or (c.isalnum() and (c < "\u0250" or "\u1e00" <= c <= "\u1eff"))


@dataclass(frozen=True, slots=True)
class _Compiled:
    taxonomy: Taxonomy
    keywords: Keywords[tuple[int, bool, bool, tuple[int, ...]]]
    pattern: regex.Pattern[str] | None
    group_index: dict[str, int]
    #: (indicator id, rule, entity kinds the rule can fire on), in file order
    rules: tuple[tuple[str, Rule, frozenset[str]], ...] = ()
    #: indicators with a ``requires`` filter, in file order
    requiring: tuple[Indicator, ...] = ()


def compile_taxonomy(tax: Taxonomy) -> _Compiled:
    """Build the one automaton over every keyword and the one alternation of every pattern."""
    table: dict[str, tuple[int, bool, bool, list[int]]] = {}
    for idx, ind in enumerate(tax.indicators):
        for kws in ind.keywords.values():
            for kw in kws:
                k = normalize_keyword(kw)
                if not k:
                    continue
                entry = table.setdefault(
                    k, (len(k), is_latin_word(k[0]), is_latin_word(k[-1]), [])
                )
                if idx not in entry[3]:
                    entry[3].append(idx)
    keywords = Keywords(
        (k, (n, left, right, tuple(idxs))) for k, (n, left, right, idxs) in table.items()
    )
    parts: list[str] = []
    groups: dict[str, int] = {}
    for idx, ind in enumerate(tax.indicators):
        pats = [p for ps in ind.patterns.values() for p in ps]
        if pats:
            name = f"i{idx}"
            groups[name] = idx
            parts.append(f"(?P<{name}>" + "|".join(f"(?:{p})" for p in pats) + ")")
    pattern = (
        rx.compile_pattern("|".join(parts), name="indicator patterns")
        if parts
        else None
    )
    rules = tuple(
        (ind.id, rule, frozenset(rule.match.kinds)) for ind in tax.indicators for rule in ind.rules
    )
    requiring = tuple(i for i in tax.indicators if i.requires_indicator or i.requires_entity)
    return _Compiled(tax, keywords, pattern, groups, rules, requiring)


@cache
def _default() -> _Compiled:
    return compile_taxonomy(default_taxonomy())


def evaluate(
    ctx: Context,
    entities: list[Entity],
    lang: str = "en",
    *,
    compiled: _Compiled | None = None,
) -> list[IndicatorHit]:
    """The indicators that fire on ``ctx`` and ``entities``, descriptions in ``lang``."""
    comp = compiled or _default()
    inds = comp.taxonomy.indicators
    text = ctx.text
    low = ctx.lower if len(ctx.lower) == len(text) else text.lower()
    if len(low) != len(text):  # a rare character whose lower case is longer: match as written
        low = text
    spans: dict[int, list[tuple[int, int]]] = {}

    if low:
        n_text = len(low)
        for start, end, (_, left, right, idxs) in comp.keywords.find(low):
            if left and start > 0 and is_latin_word(low[start - 1]):
                continue
            if right and end < n_text and is_latin_word(low[end]):
                continue
            for i in idxs:
                if inds[i].negatable and negated(low, start):
                    continue
                spans.setdefault(i, []).append((start, end))

    if comp.pattern is not None and text:
        for m in rx.finditer(comp.pattern, low):
            name = m.lastgroup
            if name not in comp.group_index:
                name = next((g for g, v in m.groupdict().items() if v is not None), None)
            if name is not None and m.end() > m.start():
                spans.setdefault(comp.group_index[name], []).append((m.start(), m.end()))

    evidence: dict[str, list[Span]] = {}
    for i, raw in spans.items():
        evidence[inds[i].id] = to_original_spans(ctx, raw)
    kinds = {e.kind for e in entities}
    if kinds:
        for iid, rule, rule_kinds in comp.rules:
            if rule_kinds.isdisjoint(kinds):
                continue
            found = apply_rule(rule, entities, evidence)
            if found:
                evidence.setdefault(iid, []).extend(found)
    if not evidence:
        return []
    for ind in comp.requiring:
        if ind.id in evidence and not _requirements_met(ind, evidence, kinds):
            del evidence[ind.id]

    hits = [_hit(comp.taxonomy.by_id[iid], ev, lang) for iid, ev in evidence.items()]
    hits.sort(key=lambda h: (-h.weight, h.id))
    return hits


def negated(low: str, start: int) -> bool:
    if start == 0:
        return False
    return rx.search(_NEGATION, low[max(0, start - NEGATION_WINDOW) : start]) is not None


def _requirements_met(ind: Indicator, evidence: dict[str, list[Span]], kinds: set[str]) -> bool:
    if ind.requires_indicator and not any(r in evidence for r in ind.requires_indicator):
        return False
    return not ind.requires_entity or any(k in kinds for k in ind.requires_entity)


def to_original_spans(ctx: Context, raw: list[tuple[int, int]]) -> list[Span]:
    orig = ctx.norm.original
    out: list[Span] = []
    for s, e in raw:
        os_, oe = ctx.norm.to_original(s, e)
        out.append(Span(os_, oe, orig[os_:oe]))
    return out


def _hit(ind: Indicator, ev: list[Span], lang: str) -> IndicatorHit:
    uniq = sorted(set(ev), key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for s in uniq:  # drop spans nested in an earlier, longer one
        if kept and s.start < kept[-1].end and s.end <= kept[-1].end:
            continue
        kept.append(s)
    return IndicatorHit(
        id=ind.id,
        category=ind.category,
        weight=ind.weight,
        description=ind.describe(lang),
        evidence=kept[:MAX_EVIDENCE],
    )
