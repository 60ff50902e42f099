"""Waspada: screen texts for scam-compound recruitment lures and online scams.

    >>> from waspada import assess
    >>> assess("...").to_dict()
"""

from waspada.assess import MAX_TEXT_CHARS, assess
from waspada.errors import AssessError, WaspadaError
from waspada.types import Assessment, Entity, IndicatorHit, Span

__all__ = [
    "MAX_TEXT_CHARS",
    "AssessError",
    "Assessment",
    "Entity",
    "IndicatorHit",
    "Span",
    "WaspadaError",
    "assess",
]
__version__ = "0.1.0"
