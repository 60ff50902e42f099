"""PLACEHOLDER recogniser module: phone numbers. Replaced by the real implementation."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class PhoneRecognizer(Recognizer):
    name = "phone"
    kinds = ("phone",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
