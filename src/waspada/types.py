"""The data that flows through the analyzer: the prepared text (``Context``), spans, entities,
indicator hits, the assessment, and the closed vocabularies they use (entity kinds, indicator
categories, risk categories, stances).

All offsets of spans, entities and hits index the ORIGINAL text: ``text[start:end] == span.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from waspada.text import language as language_mod
from waspada.text.normalize import NormalizedText, normalize

Level = Literal["low", "medium", "high"]
Category = Literal["recruitment_lure", "scam", "benign"]
CATEGORIES: tuple[str, ...] = ("recruitment_lure", "scam", "benign")
#: the kinds of entity the recognisers return
EntityKind = Literal[
    "phone", "telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok",
    "email", "url", "crypto_wallet", "bank_account", "money", "place",
]  # fmt: skip
ENTITY_KINDS: tuple[EntityKind, ...] = get_args(EntityKind)
#: the kinds that identify who to contact or pay (money and places describe, not identify)
CONTACT_KINDS: tuple[EntityKind, ...] = tuple(
    k for k in ENTITY_KINDS if k not in ("money", "place")
)
#: what an indicator signals: a recruitment lure, a scam, or a counter-signal (lowers the risk)
IndicatorCategory = Literal["recruitment_lure", "scam", "counter"]
INDICATOR_CATEGORIES: tuple[IndicatorCategory, ...] = get_args(IndicatorCategory)
#: offer: the text solicits the reader (a job offer, an invitation, a request to pay or to
#: contact); warning / report: the text is ABOUT scams (an advisory, a news report); other
Stance = Literal["offer", "warning", "report", "other"]
STANCES: tuple[str, ...] = ("offer", "warning", "report", "other")


@dataclass(slots=True)
class Context:
    """One text prepared for the recognisers, indicators and scoring: built by ``Context.of``
    (and not changed after; not frozen only because a frozen dataclass costs a few microseconds
    per text to build).

    ``norm``: the normalised text with its map to the original; ``language`` (ISO 639-1 or
    "und") and ``script`` as detected (or as the caller pinned them); ``country``: ISO 3166
    alpha-2 hint for local phone formats; ``cache``: scratch space shared by the steps that read
    this one text.
    """

    norm: NormalizedText
    language: str
    script: str
    country: str | None
    #: ``norm.text`` and its lower-case copy of exactly the same length (``norm.lower``), kept
    #: as plain attributes: every step reads them
    text: str
    lower: str
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, *, country: str | None = None, language: str | None = None) -> Context:
        """Normalise ``text`` and detect its language; ``language`` pins the language instead
        (the script is still detected)."""
        norm = normalize(text)
        detected, script = language_mod.detect(norm.text)
        return cls(
            norm=norm,
            language=language or detected,
            script=script,
            country=country.upper() if country else None,
            text=norm.text,
            lower=norm.lower,
        )

    def with_country(self, country: str) -> Context:
        """This context with another country hint (the same cache)."""
        return replace(self, country=country)

    @property
    def original(self) -> str:
        return self.norm.original

    def entity(
        self,
        kind: EntityKind,
        value: str,
        start: int,
        end: int,
        *,
        recognizer: str,
        score: float = 1.0,
        **attrs: Any,
    ) -> Entity:
        """Build an entity from a span of the NORMALISED text, mapped to the original."""
        ostart, oend = self.norm.to_original(start, end)
        return Entity(
            kind=kind,
            value=value,
            start=ostart,
            end=oend,
            text=self.norm.original[ostart:oend],
            recognizer=recognizer,
            score=score,
            attrs=attrs,
        )


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Entity:
    """An identifier or fact found in the text.

    ``kind``: one of ``ENTITY_KINDS``.
    ``value``: the normalised value (E.164 phone, lower-case handle, ...).
    ``attrs``: kind-specific fields (channel, domain, shortener, chain, amount, currency, period,
    usd_month, country, hotspot, ...), flattened into ``to_dict()``.
    ``recognizer``/``score``: provenance, kept for the evidence trail.
    """

    kind: EntityKind
    value: str
    start: int
    end: int
    text: str
    recognizer: str = ""
    score: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        d.update(self.attrs)
        d["recognizer"] = self.recognizer
        d["score"] = round(self.score, 4)
        return d


@dataclass(slots=True)
class IndicatorHit:
    """A red flag (or counter-signal) that fired, with the evidence that made it fire."""

    id: str
    category: IndicatorCategory
    weight: float
    description: str
    evidence: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "weight": self.weight,
            "description": self.description,
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class StanceCue:
    """A cue that decided the stance: its family (beware, advice, report, call_to_action, ...)
    and its span in the ORIGINAL text."""

    cue: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"cue": self.cue, "start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Assessment:
    risk: int
    level: Level
    category: Category
    language: str
    script: str
    indicators: list[IndicatorHit]
    entities: list[Entity]
    explanation: str
    probabilities: dict[str, float] = field(default_factory=dict)
    features: list[dict[str, Any]] = field(default_factory=list)
    model_version: str = "indicators-1"
    #: names of the patterns whose time limit cut a step short (later matches were not seen;
    #: empty on a normal text): "phone.candidate", "money", "indicator patterns", ...
    incomplete: tuple[str, ...] = ()
    stance: Stance = "other"
    stance_evidence: list[StanceCue] = field(default_factory=list)
    #: the semantic stage's P(risky) when it read the text, else None (docs/semantic.md)
    semantic: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "risk": self.risk,
            "level": self.level,
            "category": self.category,
            "language": self.language,
            "script": self.script,
            "indicators": [h.to_dict() for h in self.indicators],
            "entities": [e.to_dict() for e in self.entities],
            "explanation": self.explanation,
            "probabilities": dict(self.probabilities),
            "features": list(self.features),
            "model_version": self.model_version,
            "incomplete": list(self.incomplete),
            "stance": self.stance,
            "stance_evidence": [c.to_dict() for c in self.stance_evidence],
            "semantic": self.semantic,
        }
