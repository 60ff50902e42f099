"""Stance: does the text solicit the reader (``offer``), warn about scams (``warning``), report on
them (``report``), or none of these (``other``)?

``detect(cues, ctx, entities) -> StanceResult`` (``cues`` from ``stance_cues.load_stance_cues``),
in one keyword pass and three short linear regexes:

1. the cue keywords of every language (``data/stance/<lang>.yaml``, code-mixing is normal) are
   found in one pass of one Aho-Corasick automaton over ``ctx.lower``, Latin-script cues only
   at word boundaries (as the indicator matcher does);
2. language-independent structure: a news dateline ("KUALA LUMPUR:"), a news date "(26/12/2025)",
   a count of victims ("243 WNI", "10 Filipinos"), quotations (a call to action inside a quote
   that does not open the text is quoted, not made), and the contact identifiers the recognisers
   found: a call to action right before the text's own contact (not an official one: a
   government domain, or a hotline/report word just before it) is the strongest offer cue;
3. the transparent score below and its precedence rules (docs/stance.md).

Each family counts once, a little more for further distinct cues: ``weight * (1 + 0.5 *
min(n - 1, 2))``. Offer cues right after a negated-advice cue ("jangan", "do not", "huwag",
"đừng", "อย่า", "不要" ...) or a negation ("tidak", "never", "không" ...) do not count: "do not
click the link" is advice, not an invitation.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from waspada.indicators.loader import LANGUAGES
from waspada.indicators.matcher import is_latin_word, negated, to_original_spans
from waspada.indicators.stance_cues import FAMILIES, CompiledCues
from waspada.text import patterns as rx
from waspada.types import CONTACT_KINDS, Context, Entity, Stance, StanceCue

#: structural cues (not in the data files): side and weight
STRUCTURE: dict[str, tuple[str, float]] = {
    "call_to_action": ("offer", 3.0),  # a call to action right before the text's own contact
    "own_contact": ("offer", 1.0),  # the text gives a contact that is not an official one
    "dateline": ("report", 1.0),
    "news_date": ("report", 1.0),
    "victim_count": ("report", 1.0),
    "named_person": ("report", 1.0),  # a person named the way news names them: 张某, anh H.
}
#: offer cues need at least this score to make an offer
DECIDE_AT = 1.5
#: warning + report + about cues need at least this score to make a warning or report (two
#: different cues): one "don't" or one "said" is not enough
ABOUT_AT = 2.25
#: a call to action with the text's own contact is an offer unless the warning and report
#: cues outweigh the offer cues by this much (a beware line does not turn an ad into a warning)
CTA_MARGIN = 2.0
#: a warning or report whose offer cues reach this may be medium (never high); else it is low
STRONG_OFFER = 3.0
#: a call-to-action cue this close (characters) before a contact identifier goes with it
CTA_WINDOW = 40
#: an official-channel cue this close before a contact identifier makes it an official one
OFFICIAL_WINDOW = 60
#: an advice cue ending this close before an offer cue negates it
ADVICE_WINDOW = 20
#: at most this many evidence spans are kept
MAX_EVIDENCE = 8

#: the kinds through which a reader is asked to reach someone (not where to pay)
REACH_KINDS = frozenset(CONTACT_KINDS) - {"crypto_wallet", "bank_account"}
_OFFICIAL_DOMAIN = rx.compile_pattern(r"(?:^|\.)(?:gov|go|mil|gob)(?:\.[a-z]{2})?$", name="gov")
_DATELINE = rx.compile_pattern(
    r"\A\s{0,3}\p{Lu}[\p{Lu}\p{M} .'-]{2,30}(?:,[^\n:–—]{1,30})?\s?[:–—-]\s", name="dateline"
)
_NEWS_DATE = rx.compile_pattern(
    r"\((?:[\p{L}]{2,10},?\s)?\d{1,2}\s?[/.-]\s?\d{1,2}(?:\s?[/.-]\s?\d{2,4})?\)"
    r"|\(\d{1,2}\s[\p{L}\p{M}.]{2,12}\s?\d{0,4}\s?\)"
    r"|(?<=(?<!\d)\d{1,2})月\d{1,2}日[,，]",
    name="news date",
)
_VICTIM_COUNT = rx.compile_pattern(
    r"(?<!\d)\d[\d.,]{0,8}\s?(?:wni|pmi|korban|mangsa|victims|filipinos|pinoy|pilipino|"
    r"malaysians|indonesians|nạn nhân|công dân|ผู้เสียหาย|คนไทย|ຄົນລາວ|ជនរងគ្រោះ)",
    name="victim count",
)
_NAMED_PERSON_HAN = rx.compile_pattern(
    r"\p{Han}(?:某(?![些种種个個天日一位人项項])|小姐|先生|女士)", name="named person (Han)"
)
_NAMED_PERSON_VI = rx.compile_pattern(
    r"(?<![\p{L}])(?:[Aa]nh|[Cc]hị|[Ôô]ng|[Bb]à|[Cc]háu)\s(?:\p{Lu}\p{Ll}{0,6}\s){0,3}\p{Lu}\.",
    name="named person (vi)",
)
_HAN_NAMING = ("某", "小姐", "先生", "女士")
_OPEN_QUOTES = "“«「『„"
_CLOSE_QUOTES = "”»」』"
_QUOTE = rx.compile_pattern(f'["{_OPEN_QUOTES}{_CLOSE_QUOTES}]', name="quote")


@dataclass(frozen=True, slots=True)
class StanceResult:
    stance: Stance
    evidence: list[StanceCue] = field(default_factory=list)
    #: score per side (offer, warning, report, about), for the explanation and the cap
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def strong_offer(self) -> bool:
        return self.scores.get("offer", 0.0) >= STRONG_OFFER


def _lang_ok(detected: str, langs: frozenset[str]) -> bool:
    """A cue counts in its own language, in English (mixed in everywhere), or when the text's
    language is unknown: short function words collide across languages (Malay "sila" is
    "please", Tagalog "sila" is "they")."""
    if detected in langs or "en" in langs or detected not in LANGUAGES:
        return True
    return detected in _CLOSE and not langs.isdisjoint(_CLOSE)


#: languages close enough to share cues
_CLOSE = frozenset({"id", "ms"})


def detect(comp: CompiledCues, ctx: Context, entities: list[Entity]) -> StanceResult:
    """The stance of the prepared text ``ctx``, with the cue spans (original offsets) that
    decided it."""
    low = ctx.lower
    hits: dict[str, list[tuple[int, int]]] = {}  # family -> normalised spans
    det = ctx.language
    n = len(low)
    found: list[tuple[int, int, str]] = []
    lang_ok: dict[frozenset[str], bool] = {}
    for start, end, (left, right, fams) in comp.keywords.find(low) if low else []:
        if left and start > 0 and is_latin_word(low[start - 1]):
            continue
        if right and end < n and is_latin_word(low[end]):
            continue
        for fam, langs in fams:
            ok = lang_ok.get(langs)
            if ok is None:
                ok = lang_ok[langs] = _lang_ok(det, langs)
            if ok:
                found.append((start, end, fam))
    found = _maximal(found)
    advice_ends = sorted(e for _, e, f in found if f == "advice")
    quoted = _quoted_intervals(ctx.text) if found else []
    for start, end, fam in found:
        if FAMILIES[fam][0] == "offer" and (
            _in_intervals(quoted, start)
            or (fam != "addressee" and (_after_advice(advice_ends, start) or negated(low, start)))
        ):
            continue
        hits.setdefault(fam, []).append((start, end))

    # a cue inside a URL or e-mail address ("…/awas-modus-penipuan") is part of an identifier
    inside = sorted((e.start, e.end) for e in entities if e.kind in ("url", "email"))
    cues: dict[str, list[tuple[int, int, str]]] = {}
    counts: dict[str, int] = {}
    for fam, spans in hits.items():
        kept = [
            (sp.start, sp.end, sp.text)
            for sp in to_original_spans(ctx, spans)
            if not _in_intervals(inside, sp.start + 1)
        ]
        if kept:
            cues[fam] = kept
            counts[fam] = len({t.lower() for _, _, t in kept})
    _structure(ctx, entities, cues, counts)

    scores = {"offer": 0.0, "warning": 0.0, "report": 0.0, "about": 0.0}
    for fam, n_distinct in counts.items():
        side, weight = FAMILIES.get(fam) or STRUCTURE[fam]
        scores[side] += weight * (1.0 + 0.5 * min(n_distinct - 1, 2))
    scores = {k: round(v, 3) for k, v in scores.items()}
    stance = _decide(scores, "call_to_action" in counts)
    return StanceResult(stance, _evidence(stance, cues), scores)


def _decide(scores: dict[str, float], cta: bool) -> Stance:
    offer = scores["offer"]
    about = scores["warning"] + scores["report"] + scores["about"]
    if cta and about < offer + CTA_MARGIN:
        return "offer"
    if about >= ABOUT_AT and about > offer:
        if scores["warning"] > 0 and scores["warning"] >= scores["report"]:
            return "warning"
        return "report"
    if offer >= DECIDE_AT:
        return "offer"
    return "other"


_SIDES: dict[Stance, tuple[str, ...]] = {
    "offer": ("offer",),
    "warning": ("warning", "about"),
    "report": ("report", "about"),
    "other": (),
}


def _evidence(stance: Stance, cues: dict[str, list[tuple[int, int, str]]]) -> list[StanceCue]:
    """The cues of the deciding side: strongest families first, then by position; one span
    once; at most MAX_EVIDENCE, returned in text order."""
    sides = _SIDES[stance]
    ranked: list[tuple[float, int, int, str, str]] = []
    for fam, spans in cues.items():
        side, weight = FAMILIES.get(fam) or STRUCTURE[fam]
        if side in sides and weight > 0:
            ranked.extend((-weight, s, -e, fam, t) for s, e, t in spans)
    ranked.sort()
    kept: list[StanceCue] = []
    seen: set[tuple[int, int]] = set()
    for _, s, neg_e, fam, t in ranked:
        if (s, -neg_e) in seen:
            continue
        seen.add((s, -neg_e))
        kept.append(StanceCue(fam, s, -neg_e, t))
        if len(kept) >= MAX_EVIDENCE:
            break
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


def _maximal(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop a cue nested in a longer cue of another family: "don't miss" (an invitation) is not
    "don't" (advice), "jangan tergiur" is one cue. ``found`` is ordered by end, longest first."""
    if len(found) < 2:
        return found
    spans = sorted({(s, e) for s, e, _ in found}, key=lambda x: (x[0], -x[1]))
    inner: set[tuple[int, int]] = set()
    reach_end, reach_start = -1, -1
    for s, e in spans:  # by start, longest first: nested iff inside the furthest-reaching span
        if e <= reach_end and (s, e) != (reach_start, reach_end):
            inner.add((s, e))
        elif e > reach_end:
            reach_start, reach_end = s, e
    return [f for f in found if (f[0], f[1]) not in inner]


def _after_advice(advice_ends: list[int], start: int) -> bool:
    """Does an advice cue end within ADVICE_WINDOW characters before ``start``? (sorted ends)"""
    i = bisect_right(advice_ends, start)
    return i > 0 and advice_ends[i - 1] >= start - ADVICE_WINDOW


def _structure(
    ctx: Context,
    entities: list[Entity],
    cues: dict[str, list[tuple[int, int, str]]],
    counts: dict[str, int],
) -> None:
    """Add the language-independent cues (original offsets) to ``cues`` and ``counts``."""
    orig = ctx.norm.original

    def add(name: str, spans: list[tuple[int, int]]) -> None:
        if spans:
            cues.setdefault(name, []).extend((s, e, orig[s:e]) for s, e in spans)
            counts[name] = counts.get(name, 0) + len(spans)

    text, low = ctx.text, ctx.lower
    runs = [("dateline", _DATELINE, text), ("news_date", _NEWS_DATE, low),
            ("victim_count", _VICTIM_COUNT, low)]
    if any(k in text for k in _HAN_NAMING):  # cheap guards: these patterns cannot skip ahead
        runs.append(("named_person", _NAMED_PERSON_HAN, text))
    if ctx.language == "vi":
        runs.append(("named_person", _NAMED_PERSON_VI, text))
    for name, pat, src in runs:
        found = [(m.start(), m.end()) for m in rx.finditer_linear(pat, src)][:3]
        add(name, [(s.start, s.end) for s in to_original_spans(ctx, found)])

    contacts = [e for e in entities if e.kind in REACH_KINDS]
    if not contacts:
        return
    quoted = _quoted_intervals(orig)
    official = _Ends(cues.get("official", []))
    self_cues = _Ends(cues.get("self", []))
    ctas = _Ends([c for c in cues.get("contact", []) if not _in_intervals(quoted, c[0])])
    own: list[tuple[int, int]] = []
    cta: list[tuple[int, int]] = []
    for e in contacts:
        if _in_intervals(quoted, e.start) or _is_official(e, official, self_cues):
            continue
        own.append((e.start, e.end))
        c = ctas.last_within(e.start + 1, CTA_WINDOW + 1)
        if c is not None:
            cta.append((c[0], e.end))
    add("own_contact", own[:3])
    add("call_to_action", cta[:3])


class _Ends:
    """Cue spans sorted by end, to ask "which cue ends just before this position?" in log time."""

    __slots__ = ("_ends", "_spans")

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self._spans = sorted(spans, key=lambda c: c[1])
        self._ends = [c[1] for c in self._spans]

    def last_within(self, pos: int, window: int) -> tuple[int, int, str] | None:
        """The cue ending last at or before ``pos``, if it ends within ``window`` of it."""
        i = bisect_right(self._ends, pos)
        if i and pos - self._ends[i - 1] <= window:
            return self._spans[i - 1]
        return None


def _is_official(e: Entity, official: _Ends, self_cues: _Ends) -> bool:
    """A government domain, or an official/hotline cue just before the contact, unless the text
    names the channel as its own ("our official WhatsApp", "我司 ... 官方")."""
    domain = e.attrs.get("domain") or (e.value.rpartition("@")[2] if e.kind == "email" else "")
    if domain and rx.search(_OFFICIAL_DOMAIN, str(domain).lower()):
        return True
    return (
        official.last_within(e.start, OFFICIAL_WINDOW) is not None
        and self_cues.last_within(e.start, OFFICIAL_WINDOW) is None
    )


def _quoted_intervals(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks, except a quotation that opens the text (a quoted passage
    published as a whole is the text itself)."""
    out: list[tuple[int, int]] = []
    open_at = -1
    straight = False
    first = len(text) - len(text.lstrip())  # index of the first non-space character
    for m in rx.finditer_linear(_QUOTE, text):
        i, c = m.start(), m.group()
        if c in _OPEN_QUOTES or (c == '"' and not straight and open_at < 0):
            open_at, straight = i, c == '"'
        elif open_at >= 0 and (c in _CLOSE_QUOTES or (c == '"' and straight)):
            if open_at > first:  # something before the quotation
                out.append((open_at, i))
            open_at, straight = -1, False
    return out


def _in_intervals(intervals: list[tuple[int, int]], pos: int) -> bool:
    """Is ``pos`` strictly inside one of the sorted, disjoint ``intervals``?"""
    i = bisect_left(intervals, (pos, -1)) - 1  # the last interval starting before pos
    return i >= 0 and intervals[i][0] < pos < intervals[i][1]
