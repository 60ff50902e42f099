"""PLACEHOLDER recogniser module: messaging and social handles."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class HandleRecognizer(Recognizer):
    name = "handles"
    kinds = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
