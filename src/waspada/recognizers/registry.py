"""The registry of recognisers. Adding one means adding its module and one line here.

``tests/golden/recognizers.txt`` lists the registered names; a test compares them so a refactor
cannot drop a recogniser silently.
"""

from __future__ import annotations

from functools import cache

from waspada.recognizers.bank import BankAccountRecognizer
from waspada.recognizers.base import Recognizer
from waspada.recognizers.crypto import CryptoWalletRecognizer
from waspada.recognizers.handles import HandleRecognizer
from waspada.recognizers.money import MoneyRecognizer
from waspada.recognizers.phone import PhoneRecognizer
from waspada.recognizers.places import PlaceRecognizer
from waspada.recognizers.web import WebRecognizer


@cache
def default_recognizers() -> tuple[Recognizer, ...]:
    """All built-in recognisers, instantiated once per process (their data loads here).

    Order matters only for overlap resolution in assess(): earlier wins a tie.
    """
    return (
        WebRecognizer(),
        CryptoWalletRecognizer(),
        HandleRecognizer(),
        PhoneRecognizer(),
        BankAccountRecognizer(),
        MoneyRecognizer(),
        PlaceRecognizer(),
    )
