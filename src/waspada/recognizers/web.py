"""PLACEHOLDER recogniser module: e-mail addresses and URLs. Replaced by the real implementation."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class WebRecognizer(Recognizer):
    name = "web"
    kinds = ("email", "url",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
