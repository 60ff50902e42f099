"""The semantic stage as the analyzer runs it: encoder, embedding cache and semantic model.

``escalate(mode, ...)`` is the rule that decides which texts the stage reads. ``"all"``: every
text; ``"off"``: none; ``"auto"`` (the default of a scan): a text the fast stage did not clear,
that is one where

- the fast model's P(risky) is at least ``UNCERTAIN_AT`` (uncertain or flagged), or
- a red flag or a counter-signal fired, or
- the text gives a way to act on it: a contact (phone, e-mail, chat handle, account), a link or
  a sum of money.

In every mode, a text with too little content for its meaning to be judged is never read:
fewer than ``MIN_LETTERS`` letters outside its contacts, links and sums (a CJK ideograph counts
two). "call 081-234-5678" or "Ok lar..." says nothing an encoder can weigh, and a model trained
on SMS spam reads a bare "call <number>" as spam; a phone number is not a red flag by itself.

A text with none of these (a chat line, a greeting, a note without a number) is left to the
fast stage; in a language the fast model was never trained on, a lure still names a contact, a
link or a salary, so it is still read. docs/semantic.md gives the share escalated per data set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from waspada.config import SemanticMode
from waspada.errors import ModelError
from waspada.semantic.classifier import SemanticModel
from waspada.semantic.encoder import EmbeddingCache, Encoder
from waspada.types import CONTACT_KINDS, Entity, IndicatorHit

#: the fast model's P(risky) from which a text counts as uncertain
UNCERTAIN_AT = 0.15
#: entity kinds that make a text actionable (escalated under "auto")
ACTION_KINDS = frozenset(CONTACT_KINDS) | {"money"}


#: letters outside identifiers from which a text's meaning is judged (``readable``)
MIN_LETTERS = 12


def _letters(text: str) -> int:
    return sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in text if ch.isalpha())


def readable(text: str, entities: Sequence[Entity]) -> bool:
    """Whether ``text`` has content enough for the semantic stage (``MIN_LETTERS`` letters
    outside its contacts, links and sums of money)."""
    n = _letters(text)
    if n < MIN_LETTERS:
        return False
    return n - sum(_letters(e.text) for e in entities if e.kind in ACTION_KINDS) >= MIN_LETTERS


class SemanticStage:
    """An encoder, its cache and the semantic model trained on its vectors."""

    def __init__(self, encoder: Encoder, model: SemanticModel, cache_size: int = 4096) -> None:
        if model.encoder != encoder.name:
            raise ModelError(
                f"the semantic model was trained on encoder {model.encoder!r}; the configured "
                f"encoder is {encoder.name!r}"
            )
        self.encoder = encoder
        self.model = model
        self.cache = EmbeddingCache(encoder, maxsize=cache_size)

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """The semantic model's P(risky) of each text (embedded once per distinct text)."""
        if not texts:
            return np.zeros(0)
        return self.model.probabilities(self.cache.embed(texts))


def auto_rule(p_fast: Any, flagged: Any, actionable: Any, at: float = UNCERTAIN_AT) -> Any:
    """The "auto" rule of the module docstring on its three inputs: the fast P(risky), whether a
    red flag or counter-signal fired, whether the text is actionable. For one text (a float and
    two bools: a bool) or for many (numpy arrays: a bool array, as the evaluation applies it;
    ``at`` lets it try other thresholds)."""
    return (p_fast >= at) | flagged | actionable


def escalate(
    mode: SemanticMode, p_fast: float | None, hits: Sequence[IndicatorHit],
    entities: Sequence[Entity],
) -> bool:
    """Whether the semantic stage reads this text (the rule in the module docstring)."""
    if mode == "all":
        return True
    if mode == "off":
        return False
    return bool(auto_rule(-math.inf if p_fast is None else p_fast, bool(hits),
                          any(e.kind in ACTION_KINDS for e in entities)))
