"""PLACEHOLDER recogniser module: bank accounts. Replaced by the real implementation."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class BankAccountRecognizer(Recognizer):
    name = "bank"
    kinds = ("bank_account",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
