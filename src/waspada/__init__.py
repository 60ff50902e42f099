"""Waspada: screen texts for scam-compound recruitment lures and online scams.

    >>> from waspada import Analyzer, AnalyzerConfig, assess
    >>> assess("...").to_dict()                         # the packaged configuration
    >>> ours = Analyzer(AnalyzerConfig(model=Path("ours.npz")))
    >>> ours.assess("...").risk
"""

from waspada.analyzer import MAX_TEXT_CHARS, Analyzer, assess, default_analyzer
from waspada.config import AnalyzerConfig
from waspada.errors import AssessError, WaspadaError
from waspada.types import Assessment, Context, Entity, IndicatorHit, Span

__all__ = [
    "MAX_TEXT_CHARS",
    "Analyzer",
    "AnalyzerConfig",
    "AssessError",
    "Assessment",
    "Context",
    "Entity",
    "IndicatorHit",
    "Span",
    "WaspadaError",
    "assess",
    "default_analyzer",
]
__version__ = "0.1.0"
