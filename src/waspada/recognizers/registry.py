"""The registry of recognisers. Adding one means adding its module and one line here.

``tests/golden/recognizers.txt`` lists the registered names; a test compares them so a refactor
cannot drop a recogniser silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from waspada.errors import ConfigError
from waspada.recognizers.bank import BankAccountRecognizer
from waspada.recognizers.base import Recognizer
from waspada.recognizers.crypto import CryptoWalletRecognizer
from waspada.recognizers.handles import HandleRecognizer
from waspada.recognizers.money import MoneyRecognizer
from waspada.recognizers.phone import PhoneRecognizer
from waspada.recognizers.places import PlaceRecognizer
from waspada.recognizers.web import WebRecognizer

#: every built-in recogniser, in the order the analyzer runs them (earlier wins an overlap tie)
RECOGNIZERS: tuple[type[Recognizer], ...] = (
    WebRecognizer,
    CryptoWalletRecognizer,
    HandleRecognizer,
    PhoneRecognizer,
    BankAccountRecognizer,
    MoneyRecognizer,
    PlaceRecognizer,
)
NAMES: tuple[str, ...] = tuple(r.name for r in RECOGNIZERS)


def build_recognizers(names: Sequence[str] | None = None) -> tuple[Recognizer, ...]:
    """New instances of the recognisers ``names`` (all when None), in registry order; their
    data files load and are checked here. An unknown name raises ConfigError."""
    wanted = NAMES if names is None else tuple(names)
    unknown = sorted(set(wanted) - set(NAMES))
    if unknown:
        raise ConfigError(
            f"unknown recogniser {unknown[0]!r} (known: {', '.join(NAMES)})"
        )
    return tuple(cls() for cls in RECOGNIZERS if cls.name in wanted)
