"""The one pipeline: normalise -> language -> recognise -> indicators -> stance -> score -> explain.

``Analyzer`` is built once from an ``AnalyzerConfig`` (recognisers, indicator and stance-cue
files, the model file or none, the default country and explanation language) and holds
everything it loaded; ``analyzer.assess(text)`` is the whole recipe. Every surface (CLI, batch
scan, training, API) calls an analyzer; none re-implements a step. ``waspada.assess()`` is a thin
call on the default analyzer (the packaged configuration), built on first use.

The stance has one consequence on the risk (docs/stance.md): a ``warning`` or ``report`` is
never high. Its risk is capped at ``MEDIUM_AT - 1`` (low), or at ``HIGH_AT - 1`` (medium) when
the text also carries strong offer cues; the red flags it mentions stay listed.
"""

from __future__ import annotations

import logging
from functools import cache

from waspada.config import EXPLANATION_LANGUAGES, PACKAGED, AnalyzerConfig
from waspada.errors import InvalidTextError, TextTooLongError
from waspada.indicators import matcher
from waspada.indicators import stance as stance_mod
from waspada.indicators.loader import load_taxonomy
from waspada.indicators.stance_cues import load_stance_cues
from waspada.recognizers.registry import build_recognizers
from waspada.scoring import combine as combine_mod
from waspada.scoring import explain as explain_mod
from waspada.scoring import model as model_mod
from waspada.scoring import risk as risk_mod
from waspada.text import patterns
from waspada.types import Assessment, Context, Entity, IndicatorHit

log = logging.getLogger(__name__)

#: texts longer than this are refused with TextTooLongError (10 million characters)
MAX_TEXT_CHARS = 10_000_000
#: appended to the explanation when a pattern's time limit cut a step short
_INCOMPLETE = {
    "en": "Part of the text was not fully checked (time limit reached: {names}); identifiers or "
    "red flags after that point may be missing.",
    "id": "Sebagian teks tidak diperiksa sepenuhnya (batas waktu tercapai: {names}); identitas "
    "atau tanda bahaya setelah titik itu mungkin terlewat.",
}


class Analyzer:
    """The pipeline with everything it needs loaded once; safe to share between threads (it
    holds no per-text state)."""

    def __init__(self, config: AnalyzerConfig | None = None) -> None:
        self.config = config or AnalyzerConfig()
        self.recognizers = build_recognizers(self.config.recognizers)
        self.indicators = matcher.compile_taxonomy(load_taxonomy(self.config.indicators))
        self.stance_cues = load_stance_cues(self.config.stance_cues)
        self.model = _load_model(self.config)

    def __repr__(self) -> str:
        version = self.model.version if self.model is not None else "none"
        return f"Analyzer(model={version}, indicators={len(self.indicators.taxonomy.indicators)})"

    def assess(
        self, text: str, *, lang: str | None = None, country: str | None = None
    ) -> Assessment:
        """Assess one text (job ad, post, SMS, chat) and explain the result.

        ``lang``: language of descriptions and explanation ("en" or "id"; default: the
        configured one, else the text's own language when it is one of those, else English).
        ``country``: ISO 3166 alpha-2 hint for local phone formats (default: the configured
        one). Raises ``waspada.AssessError`` (and only that) when the input cannot be taken. A
        step that a pattern's time limit cut short is named in ``incomplete`` and the
        explanation.
        """
        cut_short: list[str] = []  # names of the patterns a time limit cuts short
        token = patterns.CUT_SHORT.set(cut_short)
        try:
            ctx, entities, hits = self.analyse(text, lang=lang, country=country)
            out_lang = self._output_language(lang, ctx.language)
            stance = stance_mod.detect(self.stance_cues, ctx, entities)
            model = self.model
            output = None if model is None else model_mod.predict(model, ctx, hits, entities)
            result = combine_mod.combine(risk_mod.score(hits, entities, ctx), output)
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
            language=ctx.language,
            script=ctx.script,
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
        self, text: str, *, lang: str | None = None, country: str | None = None
    ) -> tuple[Context, list[Entity], list[IndicatorHit]]:
        """The recipe up to the indicators (no score): normalise, detect, recognise, indicators.

        ``assess`` uses it; training calls it to compute the same features as run time.
        """
        _check_input(text, lang, country)
        ctx = Context.of(text, country=country or self.config.country)
        entities = self.recognize(ctx)
        hits = matcher.match(
            self.indicators, ctx, entities, self._output_language(lang, ctx.language)
        )
        return ctx, entities, hits

    def recognize(self, ctx: Context) -> list[Entity]:
        """Run every recogniser; drop overlaps (longer span, then higher score, wins)."""
        found: list[Entity] = []
        for rec in self.recognizers:
            found.extend(rec.recognize(ctx))
        return _resolve_overlaps(found)

    def _output_language(self, lang: str | None, detected: str) -> str:
        lang = lang or self.config.language
        if lang:
            low = lang.lower()
            return low if low in EXPLANATION_LANGUAGES else "en"
        if detected in EXPLANATION_LANGUAGES:
            return detected
        if detected == "ms":
            return "id"
        return "en"


@cache
def default_analyzer() -> Analyzer:
    """The analyzer of the packaged configuration, built on first use and shared."""
    return Analyzer()


def assess(text: str, *, lang: str | None = None, country: str | None = None) -> Assessment:
    """``default_analyzer().assess(text, lang=lang, country=country)``: see ``Analyzer.assess``."""
    return default_analyzer().assess(text, lang=lang, country=country)


def _load_model(config: AnalyzerConfig) -> model_mod.LinearModel | None:
    if config.model is None:
        return None
    if config.model != PACKAGED:
        return model_mod.load_model(config.model)
    path = model_mod.DEFAULT_MODEL_PATH
    if not path.is_file():
        log.warning("no model file at %s: risk from indicators only", path)
        return None
    return model_mod.load_model(path)


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
