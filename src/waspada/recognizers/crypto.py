"""PLACEHOLDER recogniser module: crypto wallets. Replaced by the real implementation."""

from __future__ import annotations

from waspada.recognizers.base import Context, Recognizer
from waspada.types import Entity


class CryptoWalletRecognizer(Recognizer):
    name = "crypto"
    kinds = ("crypto_wallet",)

    def recognize(self, ctx: Context) -> list[Entity]:
        return []
