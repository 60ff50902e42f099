"""The one pipeline: normalise -> language -> recognise -> indicators -> stance -> score -> explain.

Every surface (CLI, batch scan, API, Spark) calls ``assess``; none re-implements a step.

The stance has one consequence on the risk (docs/stance.md): a ``warning`` or ``report`` is
never high. Its risk is capped at ``MEDIUM_AT - 1`` (low), or at ``HIGH_AT - 1`` (medium) when
the text also carries strong offer cues; the red flags it mentions stay listed.
"""

from __future__ import annotations

import logging

from waspada.errors import InvalidTextError, TextTooLongError
from waspada.indicators import engine
from waspada.indicators import stance as stance_mod
from waspada.recognizers.base import Context
from waspada.recognizers.registry import default_recognizers
from waspada.scoring import combine as combine_mod
from waspada.scoring import explain as explain_mod
from waspada.scoring import model as model_mod
from waspada.scoring import risk as risk_mod
from waspada.text import language, patterns
from waspada.text.normalize import normalize
from waspada.types import Assessment, Entity, IndicatorHit

log = logging.getLogger(__name__)

#: texts longer than this are refused with TextTooLongError (10 million characters)
MAX_TEXT_CHARS = 10_000_000
#: languages that descriptions and explanations are written in
EXPLANATION_LANGUAGES = ("en", "id")
#: appended to the explanation when a pattern's time limit cut a step short
_INCOMPLETE = {
    "en": "Part of the text was not fully checked (time limit reached: {names}); identifiers or "
    "red flags after that point may be missing.",
    "id": "Sebagian teks tidak diperiksa sepenuhnya (batas waktu tercapai: {names}); identitas "
    "atau tanda bahaya setelah titik itu mungkin terlewat.",
}


def assess(text: str, *, lang: str | None = None, country: str | None = None) -> Assessment:
    """Assess one text (job ad, post, SMS, chat) and explain the result.

    ``lang``: language of descriptions and explanation ("en" or "id"; default: the text's own
    language when it is one of those, else English). ``country``: ISO 3166 alpha-2 hint for local
    phone formats. Raises ``waspada.AssessError`` (and only that) when the input cannot be taken.
    A step that a pattern's time limit cut short is named in ``incomplete`` and the explanation.
    """
    cut_short: list[str] = []  # names of the patterns a time limit cuts short
    token = patterns.CUT_SHORT.set(cut_short)
    try:
        ctx, entities, hits = analyse(text, lang=lang, country=country)
        detected, script = ctx.language, ctx.script
        out_lang = _output_language(lang, detected)
        stance = stance_mod.detect(ctx, entities)
        result = combine_mod.combine(
            risk_mod.score(hits, entities, ctx), model_mod.predict(ctx, hits, entities)
        )
    finally:
        patterns.CUT_SHORT.reset(token)
    result = combine_mod.cap_for_stance(result, stance.stance, stance.strong_offer)
    explanation = explain_mod.explain(
        result, hits, entities, out_lang, stance=stance.stance, stance_cues=stance.evidence
    )
    if cut_short:
        note = _INCOMPLETE.get(out_lang, _INCOMPLETE["en"])
        explanation += " " + note.format(names=", ".join(cut_short))
    return Assessment(
        risk=result.risk,
        level=result.level,
        category=result.category,
        language=detected,
        script=script,
        indicators=hits,
        entities=entities,
        explanation=explanation,
        probabilities=result.probabilities,
        features=result.features,
        model_version=result.model_version,
        incomplete=tuple(cut_short),
        stance=stance.stance,
        stance_evidence=stance.evidence,
    )


def analyse(
    text: str, *, lang: str | None = None, country: str | None = None
) -> tuple[Context, list[Entity], list[IndicatorHit]]:
    """The recipe up to the indicators (no score): normalise, detect, recognise, indicators.

    ``assess`` uses it; the model's training calls it to compute the same features as run time.
    """
    _check_input(text, lang, country)
    norm = normalize(text)
    detected, script = language.detect(norm.text)
    ctx = Context(
        norm=norm,
        language=detected,
        script=script,
        country=country.upper() if country else None,
        lower=norm.lower,
    )
    entities = recognize(ctx)
    hits = engine.evaluate(ctx, entities, _output_language(lang, detected))
    return ctx, entities, hits


def recognize(ctx: Context) -> list[Entity]:
    """Run every registered recogniser; drop overlaps (longer span, then higher score, wins)."""
    found: list[Entity] = []
    for rec in default_recognizers():
        found.extend(rec.recognize(ctx))
    return _resolve_overlaps(found)


def _resolve_overlaps(entities: list[Entity]) -> list[Entity]:
    # Same-kind overlaps are duplicates; different kinds may legitimately overlap (a phone inside
    # a wa.me URL, a place inside a sentence about money), so only same-kind overlaps are merged.
    # Kept spans of one kind never overlap, so an occupancy array per kind keeps this linear.
    if len(entities) < 2:
        return entities
    ranked = sorted(entities, key=lambda e: (-(e.end - e.start), -e.score, e.start))
    size = max(e.end for e in entities) + 1
    taken: dict[str, bytearray] = {}
    kept: list[Entity] = []
    for e in ranked:
        occ = taken.get(e.kind)
        if occ is None:
            occ = taken[e.kind] = bytearray(size)
        if e.end > e.start and occ.find(1, e.start, e.end) != -1:
            continue
        occ[e.start : e.end] = b"\x01" * (e.end - e.start)
        kept.append(e)
    kept.sort(key=lambda e: (e.start, e.end, e.kind))
    return kept


def _output_language(lang: str | None, detected: str) -> str:
    if lang:
        low = lang.lower()
        return low if low in EXPLANATION_LANGUAGES else "en"
    if detected in EXPLANATION_LANGUAGES:
        return detected
    if detected == "ms":
        return "id"
    return "en"


def _check_input(text: object, lang: object = None, country: object = None) -> None:
    if not isinstance(text, str):
        raise InvalidTextError(f"assess() takes a str, not {type(text).__name__}")
    for name, arg in (("lang", lang), ("country", country)):
        if arg is not None and not isinstance(arg, str):
            kind = type(arg).__name__
            raise InvalidTextError(f"assess(): {name} must be a str or None, not {kind}")
    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLongError(
            f"text has {len(text):,} characters; assess() takes at most {MAX_TEXT_CHARS:,}"
        )
