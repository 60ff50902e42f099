"""The indicator matcher: apply a compiled taxonomy (``data/*.yaml``) to one prepared text.

``compile_taxonomy(taxonomy)`` once (the analyzer holds the result), then
``match(compiled, ctx, entities, lang) -> list[IndicatorHit]`` per text, in four steps:

1. keywords of ALL languages (code-mixing is normal) in one pass of one Aho-Corasick automaton
   over ``ctx.lower``; Latin-script keywords only at word boundaries; a hit of a ``negatable``
   indicator right after a negation ("tidak", "tanpa", "no", "không", "ไม่", "免" ...) is dropped;
2. the regex patterns (written in lower case), run over ``ctx.lower`` (case-insensitive matching
   in ``regex`` costs more than lowering). An indicator whose every pattern starts with a literal
   word or a group of literal words (``anchors``, after any lookbehind or ``\b``) runs its
   patterns only when one of those words occurs in the text, found by one Aho-Corasick pass; the
   other patterns are joined into one time-limited alternation that runs on every text;
3. structured rules on the entities, in file order (they may name indicators fired above);
4. ``requires`` filters, in file order.

Evidence spans index the ORIGINAL text (mapped with ``ctx.norm.to_original``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from waspada.indicators.loader import (
    Indicator,
    Rule,
    Taxonomy,
    normalize_keyword,
)
from waspada.indicators.structured import apply_rule
from waspada.text import patterns as rx
from waspada.text.keywords import Keywords
from waspada.types import Context, Entity, EntityKind, IndicatorHit, Span

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
class CompiledTaxonomy:
    taxonomy: Taxonomy
    keywords: Keywords[tuple[int, bool, bool, tuple[int, ...]]]
    pattern: regex.Pattern[str] | None  # the ungated patterns, one alternation
    group_index: dict[str, int]
    #: literal start word -> indexes into ``gated``
    anchors: Keywords[tuple[int, ...]]
    #: (indicator index, its patterns as one alternation), run only where an anchor occurs
    gated: tuple[tuple[int, regex.Pattern[str]], ...]
    #: (indicator id, rule, entity kinds the rule can fire on), in file order
    rules: tuple[tuple[str, Rule, frozenset[str]], ...] = ()
    #: indicators with a ``requires`` filter, in file order
    requiring: tuple[Indicator, ...] = ()


def compile_taxonomy(tax: Taxonomy) -> CompiledTaxonomy:
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
    gated: list[tuple[int, regex.Pattern[str]]] = []
    anchor_of: dict[str, list[int]] = {}
    for idx, ind in enumerate(tax.indicators):
        pats = [p for ps in ind.patterns.values() for p in ps]
        if not pats:
            continue
        joined = "|".join(f"(?:{p})" for p in pats)
        words = [anchors(p) for p in pats]
        if all(words):
            for w in {a for ws in words if ws for a in ws}:
                anchor_of.setdefault(w, []).append(len(gated))
            gated.append((idx, rx.compile_pattern(joined, name=f"{ind.id} patterns")))
            continue
        name = f"i{idx}"
        groups[name] = idx
        parts.append(f"(?P<{name}>{joined})")
    pattern = (
        rx.compile_pattern("|".join(parts), name="indicator patterns")
        if parts
        else None
    )
    rules = tuple(
        (ind.id, rule, frozenset(rule.match.kinds)) for ind in tax.indicators for rule in ind.rules
    )
    requiring = tuple(i for i in tax.indicators if i.requires_indicator or i.requires_entity)
    return CompiledTaxonomy(
        tax,
        keywords,
        pattern,
        groups,
        Keywords((w, tuple(js)) for w, js in anchor_of.items()),
        tuple(gated),
        rules,
        requiring,
    )


#: zero-width assertions a pattern may start with: lookbehinds (without nested groups) and \b
_LEADING_ASSERTIONS = regex.compile(r"(?:\(\?<!(?:[^()\\]|\\.)*\)|\\b)*")
_META = frozenset("\\.^$*+?{}[]()|")


def anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal words one of which every match of ``pattern`` starts with, or None.

    Recognised, after leading lookbehinds and ``\\b``: a non-capturing group (not optional)
    whose every alternative starts with a literal of two or more characters (``(?:mama|papa)``;
    ``(?:kange+n+|rindu)`` gives ``kange`` and ``rindu``), or such a literal on its own. A
    character made optional by a quantifier ends the literal before it. A pattern with an
    alternation at its top level, or anything else: None (the pattern runs on every text).
    """
    m = _LEADING_ASSERTIONS.match(pattern)
    rest = pattern[m.end() if m else 0 :]
    group = rest.startswith("(?:")
    bars: list[int] = []  # the first group's own "|"
    close = -1  # where the first group ends
    depth, i, in_class = 0, 0, False
    while i < len(rest):
        c = rest[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if group and depth == 0 and close < 0:
                close = i
        elif c == "|":
            if depth == 0:
                return None  # a top-level alternative may start with anything
            if group and depth == 1 and close < 0:
                bars.append(i)
        i += 1
    if depth or in_class:
        return None  # unbalanced
    if not group:
        word = _literal_prefix(rest)
        return (word,) if word else None
    if rest[close + 1 : close + 2] in ("?", "*", "{"):
        return None  # the group itself is optional
    words = [_literal_prefix(rest[s + 1 : e]) for s, e in itertools.pairwise([2, *bars, close])]
    if not all(words):
        return None
    return tuple(dict.fromkeys(words))


def _literal_prefix(part: str) -> str:
    """The literal characters ``part`` starts with (empty when fewer than two)."""
    n = 0
    while n < len(part) and part[n] not in _META:
        n += 1
    if n < len(part) and part[n] in "?*{":
        n -= 1  # the quantifier makes the last character optional
    return part[:n] if n >= 2 else ""


def match(
    comp: CompiledTaxonomy, ctx: Context, entities: list[Entity], lang: str = "en"
) -> list[IndicatorHit]:
    """The indicators of ``comp`` that fire on ``ctx`` and ``entities``, described in ``lang``."""
    inds = comp.taxonomy.indicators
    text, low = ctx.text, ctx.lower
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
    if comp.gated and low:
        _match_at_anchors(comp, low, spans)

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


def _match_at_anchors(
    comp: CompiledTaxonomy, low: str, spans: dict[int, list[tuple[int, int]]]
) -> None:
    """The gated patterns, tried only where one of their anchor words starts.

    Every match of such a pattern starts with an anchor, so trying the anchor positions in order
    and skipping those inside the last match gives exactly the matches ``finditer`` gives.
    """
    starts: dict[int, set[int]] = {}
    for start, _, js in comp.anchors.find(low):
        for j in js:
            starts.setdefault(j, set()).add(start)
    for j in sorted(starts):
        idx, pattern = comp.gated[j]
        end = -1
        for start in sorted(starts[j]):
            if start < end:
                continue
            m = rx.match(pattern, low, start)
            if m is not None and m.end() > start:
                spans.setdefault(idx, []).append((start, m.end()))
                end = m.end()


def negated(low: str, start: int) -> bool:
    if start == 0:
        return False
    return rx.search(_NEGATION, low[max(0, start - NEGATION_WINDOW) : start]) is not None


def _requirements_met(
    ind: Indicator, evidence: dict[str, list[Span]], kinds: set[EntityKind]
) -> bool:
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
