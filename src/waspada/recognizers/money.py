"""PLACEHOLDER recogniser module: money amounts. Replaced by the real implementation."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class MoneyRecognizer(Recognizer):
    name = "money"
    kinds = ("money",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
