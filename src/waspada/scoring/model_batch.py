"""The learned model over a batch of texts: ``model.predict`` of each, the code points folded
and the n-grams hashed for the whole batch in one compiled call each.

``predict_many(model, texts, each)`` gives, for every text that survives, exactly what
``model.predict`` gives it alone (the same vector bit for bit, then the same per-text scoring
and explanation: ``model.predict_vector``). The steps that run per text go through ``each``,
the caller's runner (``Analyzer.first_stage_many``): it sets the text's position for a CPU
budget and its list of patterns cut short, and takes a text whose step raises out of the batch.
The batched steps (folding, hashing) are linear in the batch's length, at compiled speed.

One exact shortcut: a text in ASCII with fewer than five digits (counted on the folded code
points) holds no number or code, so its content check counts letters without the code pattern,
and its identifier mask skips the search for digit runs (``digit_runs=False``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from waspada.scoring import kernels
from waspada.scoring import model as model_mod
from waspada.scoring.features import _MIX, _PRIME, _SALTS_ARRAY, named_features, vector_of
from waspada.types import Context, Entity, IndicatorHit

log = logging.getLogger(__name__)

#: runs a per-text step over the given positions of the batch (skipping texts that failed)
Each = Callable[[Iterable[int], Callable[[int], None]], None]


@dataclass(slots=True)
class Item:
    """One text of the batch as the model reads it."""

    ctx: Context
    hits: list[IndicatorHit]
    entities: list[Entity]


def predict_many(
    model: model_mod.LinearModel, items: dict[int, Item], each: Each
) -> dict[int, model_mod.ModelOutput | None]:
    """``model.predict`` of each item (by its position), for the positions that ``each`` did
    not take out of the batch on the way. Should a batched step fail (a text the batch cannot
    encode), each text is scored alone, so that only a text that fails alone is lost."""
    try:
        return _predict_many(model, items, each)
    except Exception:
        log.warning("the batched model step failed; scoring each text alone", exc_info=True)
    out: dict[int, model_mod.ModelOutput | None] = {}

    def alone(i: int) -> None:
        it = items[i]
        out[i] = model_mod.predict(model, it.ctx, it.hits, it.entities)

    each(items, alone)
    return out


def _predict_many(
    model: model_mod.LinearModel, items: dict[int, Item], each: Each
) -> dict[int, model_mod.ModelOutput | None]:
    out: dict[int, model_mod.ModelOutput | None] = {}
    todo = list(items)
    if not todo:
        return out
    cfg = model.config
    # every text's code points, padded with a space each side, folded in one call; the ASCII
    # digits of each (every one is a 0 after folding) counted in another
    joined = "".join([" " + items[i].ctx.lower + " " for i in todo])
    cps = kernels.fold(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))
    lengths = np.array([len(items[i].ctx.lower) + 2 for i in todo], dtype=np.int64)
    starts = np.zeros(len(todo) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    bounds = starts.tolist()
    digits = np.add.reduceat((cps == kernels.ZERO).view(np.int8), starts[:-1],
                             dtype=np.int64).tolist()  # every segment holds its 2 spaces
    #: texts that cannot hold a run of five digits: ASCII (no other digits) with fewer than 5
    few = [digits[j] < 5 and items[p].ctx.text.isascii() for j, p in enumerate(todo)]
    names: dict[int, list[str]] = {}

    def name(j: int) -> None:
        it = items[todo[j]]
        text = it.ctx.text
        if not (_ascii_letters(text) if few[j] else model_mod.has_content(text)):
            out[todo[j]] = None
            return
        view = cps[bounds[j] : bounds[j + 1]]
        names[j] = named_features(text, it.ctx.lower, cfg, view, it.hits, it.entities)

    each(todo, _at(todo, name))
    kept = sorted(names)
    if not kept:
        return out
    if len(kept) < len(todo):  # texts without content or that failed: hash only the others
        seg = [cps[bounds[j] : bounds[j + 1]] for j in kept]
        cps = np.concatenate(seg)
        starts = np.zeros(len(kept) + 1, dtype=np.int64)
        np.cumsum([len(s) for s in seg], out=starts[1:])
    extras = np.array([len(names[j]) for j in kept], dtype=np.int64)
    buf, where = kernels.ngram_hashes_many(
        cps, starts, extras, cfg.ngram_min, cfg.ngram_max, cfg.bits, _SALTS_ARRAY, _MIX, _PRIME
    )
    at = where.tolist()
    n_cps = np.diff(starts).tolist()
    slot = {j: s for s, j in enumerate(kept)}

    def score(j: int) -> None:
        s = slot[j]
        it = items[todo[j]]
        vec = vector_of(buf[at[s] : at[s + 1]], names[j], n_cps[s], cfg)
        out[todo[j]] = model_mod.predict_vector(model, vec, it.ctx.lower, it.hits, not few[j])

    each([todo[j] for j in kept], _at(todo, score))
    return out


#: every ASCII byte that is not a letter
_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())


def _ascii_letters(text: str) -> bool:
    """``model.has_content(text)`` for an ASCII text without a run of five digits: no number or
    code to leave out (every one holds such a run), so: 3 letters among the first 1,000
    characters."""
    head = text[:1000].encode("ascii").translate(None, _NOT_LETTERS)
    return len(head) >= model_mod.MIN_WORD_CHARS


def _at(todo: list[int], fn: Callable[[int], None]) -> Callable[[int], None]:
    """``fn`` on a slot ``j`` of ``todo``, for a runner that knows texts by their position in the
    batch: the runner is given positions (``todo[j]``), ``fn`` gets ``j`` back."""
    back = {p: j for j, p in enumerate(todo)}
    return lambda p: fn(back[p])
