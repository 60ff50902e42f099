"""The data that flows through assess(): spans, entities, indicator hits, the assessment.

All offsets index the ORIGINAL text given to assess(): ``text[start:end] == span.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["low", "medium", "high"]
Category = Literal["recruitment_lure", "scam", "benign"]
CATEGORIES: tuple[str, ...] = ("recruitment_lure", "scam", "benign")
#: offer: the text solicits the reader (a job offer, an invitation, a request to pay or to
#: contact); warning / report: the text is ABOUT scams (an advisory, a news report); other
Stance = Literal["offer", "warning", "report", "other"]
STANCES: tuple[str, ...] = ("offer", "warning", "report", "other")


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

    ``kind``: phone, telegram, whatsapp, line, wechat, zalo, facebook, instagram, tiktok, email,
    url, crypto_wallet, bank_account, money, place.
    ``value``: the normalised value (E.164 phone, lower-case handle, ...).
    ``attrs``: kind-specific fields (channel, domain, shortener, chain, amount, currency, period,
    usd_month, country, hotspot, ...), flattened into ``to_dict()``.
    ``recognizer``/``score``: provenance, kept for the evidence trail.
    """

    kind: str
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
    category: str  # recruitment_lure | scam | counter
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
        }
