"""PLACEHOLDER recogniser module: places. Replaced by the real implementation."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class PlaceRecognizer(Recognizer):
    name = "places"
    kinds = ("place",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
