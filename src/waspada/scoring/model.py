"""The learned model at run time: hashed features, one dot product, Platt calibration.

Interface: ``load_model(path) -> LinearModel`` once (the analyzer holds it), then
``predict(model, ctx, hits, entities) -> ModelOutput | None`` per text.

The model file is a numpy ``.npz`` (read with ``allow_pickle=False``, so loading cannot run
code): ``weights`` (float32, one per feature dimension), ``intercept``, ``platt`` (a, b) and
``meta`` (UTF-8 JSON bytes: format, version, feature configuration, threshold, training summary).
It is trained by ``waspada train`` (``waspada.training.train``); scikit-learn is needed only there.

The model is binary: P(risky). Which risky category it is (scam or recruitment_lure) is decided by
the indicators: P(risky) is split in proportion to the weights of the recruitment and scam
indicators that fired (all of it goes to ``scam`` when none fired). See docs/model.md.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from waspada.errors import ModelError
from waspada.scoring import kernels
from waspada.scoring.features import _FOLD, FeatureConfig, Vector, vectorize
from waspada.text import patterns
from waspada.types import CONTACT_KINDS, Context, Entity, IndicatorHit

log = logging.getLogger(__name__)

MODEL_FORMAT = "waspada-linear-1"
DEFAULT_MODEL_PATH = Path(__file__).with_name("model") / "model.npz"
TOP_FEATURES = 5
#: shorter n-grams (after stripping padding spaces) are not shown in explanations
MIN_SHOWN_NGRAM = 3


@dataclass(slots=True)
class ModelOutput:
    probabilities: dict[str, float]  # category -> calibrated probability, summing to 1
    top_features: list[dict[str, object]] = field(default_factory=list)  # {"feature", "weight"}
    version: str = ""
    p_risky: float = 0.0  # calibrated P(scam or recruitment_lure)
    counter: bool = False  # a counter-signal (advisory, warning about scams) fired
    #: P(risky) from what the text says: the same score without the contributions of its
    #: numbers and contact identifiers (see ``identifier_contribution``); None = same as p_risky
    p_content: float | None = None


@dataclass(slots=True)
class LinearModel:
    weights: npt.NDArray[np.float32]
    intercept: float
    platt_a: float
    platt_b: float
    config: FeatureConfig
    version: str
    meta: dict[str, Any]

    def decision(self, vec: Vector, lower: str) -> float:
        """The raw decision score of ``vec`` (``lower``: the text it was computed from)."""
        return float(self.weights_for(vec, lower)[0] @ vec.val) + self.intercept

    def probability(self, score: float) -> float:
        z = self.platt_a * score + self.platt_b
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def weights_for(
        self, vec: Vector, lower: str, digit_runs: bool = True
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_] | None]:
        """The weights of ``vec``'s entries as applied, and the identifier mask.

        A ``content_only`` model applies no weight to numbers and identifiers (zeroed here).
        ``digit_runs=False``: the caller knows ``lower`` holds no run of five digits.
        """
        w = self.weights[vec.idx]
        mask = identifier_mask(vec, lower, self.config, digit_runs)
        if mask is not None and self.config.content_only:
            w[mask] = 0.0
        return w, mask

    def explain(self, vec: Vector, lower: str, k: int = TOP_FEATURES) -> list[dict[str, object]]:
        """The features that pushed the score most, with their summed contribution."""
        if not len(vec.idx):
            return []
        return self._explain(vec, self.weights_for(vec, lower)[0] * vec.val, lower, k)

    def _explain(
        self, vec: Vector, contrib: npt.NDArray[np.float32], lower: str, k: int
    ) -> list[dict[str, object]]:
        """``explain`` given ``contrib`` = the weights of ``vec.idx`` times ``vec.val``."""
        cand = kernels.top_contributions(contrib, 3 * k)
        n_ngrams = vec.n_ngrams
        buckets = vec.idx[cand]
        # occurrences of each candidate's bucket among the n-grams (0 for named features)
        counts = kernels.count_equal(vec.idx[:n_ngrams], buckets).tolist()
        padded = " " + lower + " "
        bounds = _order_bounds(vec.n_cps, self.config)
        out: list[tuple[str, float, str | None]] = []
        seen: set[int] = set()
        cols = (cand.tolist(), buckets.tolist(), contrib[cand].tolist(), counts)
        for j, b, c, count in zip(*cols, strict=True):
            if b in seen:
                continue
            seen.add(b)
            words: str | None = None
            if j < n_ngrams:
                start, n = _locate(j, bounds)
                name = padded[start : start + n].translate(_FOLD).strip()
                if len(name) < MIN_SHOWN_NGRAM:
                    continue  # "a" or "0" explains nothing to a reader
                total = c * count
                words = words_at(lower, start - 1, start - 1 + n)
            else:
                name = vec.names[j - n_ngrams]
                total = c
            # an n-gram inside a stronger one of the same sign adds nothing to the explanation
            if any(name in o and (t > 0) == (total > 0) for o, t, _ in out):
                continue
            out.append((name, total, words))
            if len(out) == k:
                break
        out.sort(key=lambda t: -abs(t[1]))
        return [
            {"feature": n, "weight": round(t, 4)} if w is None
            else {"feature": n, "weight": round(t, 4), "text": w}
            for n, t, w in out
        ]


#: a quoted word longer than this (a Thai or Chinese clause has no spaces) is cut to the n-gram
MAX_QUOTED_CHARS = 24


def words_at(lower: str, start: int, end: int) -> str:
    """The text's own word(s) around ``lower[start:end]`` (an n-gram), for an explanation.

    The span is widened to whole words (letters, digits and combining marks); when that is
    longer than MAX_QUOTED_CHARS (scripts written without spaces) the n-gram itself is kept.
    "" when the span holds a digit: a number is not a word a reader can weigh (the explanation
    names numbers by kind instead).
    """
    start, end = max(start, 0), min(end, len(lower))
    if _inside_identifier(lower, start, end):
        return ""  # "com", "http" of a link or an address: the explanation names the link instead
    s, e = start, end
    while s > 0 and _is_word_char(lower[s - 1]):
        s -= 1
    while e < len(lower) and _is_word_char(lower[e]):
        e += 1
    if e - s > MAX_QUOTED_CHARS:
        s, e = start, end
    out = " ".join(lower[s:e].split())
    if any(ch.isdigit() for ch in out):
        return ""
    return out


#: a whitespace-delimited token that is a link, an e-mail address, a handle or a domain
_IDENTIFIER_TOKEN = re.compile(r"[@/]|www\.|\w\.\w{2,}")


def _inside_identifier(lower: str, start: int, end: int) -> bool:
    """True when ``lower[start:end]`` touches a token that is a link, address, handle or domain."""
    s = max(lower.rfind(c, 0, start) for c in " \t\n\r") + 1
    ends = [i for i in (lower.find(c, end) for c in " \t\n\r") if i != -1]
    tokens = lower[s : min(ends, default=len(lower))].split()
    return any(_IDENTIFIER_TOKEN.search(t) for t in tokens)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


#: named features that only say the text carries a number or a contact identifier: a phone
#: number, an e-mail address or an order number is not a red flag by itself (issue 11)
IDENTIFIER_FEATURES = frozenset(
    f"ent:{kind}{suffix}"
    for kind in CONTACT_KINDS
    if kind not in ("url", "crypto_wallet")  # a link or a wallet says more than "a contact"
    for suffix in ("", ":2+")
) | {"shape:longdigits"}
IDENTIFIER_PREFIXES = ("ent:phone:", "shape:digits")


def is_identifier_feature(name: str) -> bool:
    """True for a named feature that stands for numbers or contact identifiers only."""
    return name in IDENTIFIER_FEATURES or name.startswith(IDENTIFIER_PREFIXES)


#: a run of at least five digits, single spaces, dots, dashes or slashes between them: a phone
#: number, an order or account number, a code. Shorter numbers ("20 juta", "RM800", "3 hari")
#: are what the text says and stay in the content score.
_DIGIT_RUN = r"\d(?:[ .\-/]?\d){4,}"
_IDENTIFIER_DIGITS = patterns.compile_pattern(_DIGIT_RUN, name="digit run")


def identifier_mask(
    vec: Vector, lower: str, cfg: FeatureConfig, digit_runs: bool = True
) -> npt.NDArray[np.bool_] | None:
    """Which entries of ``vec`` stand for numbers and contact identifiers (None: none do).

    Every n-gram occurrence that overlaps a run of five or more digits (``_IDENTIFIER_DIGITS``)
    and every identifier feature (``is_identifier_feature``). ``decision`` minus these entries'
    contributions is the score of what the text says in words; a ``content_only`` model is
    trained and applied without them. ``digit_runs=False``: the caller knows that ``lower``
    holds no run of five digits (the search is skipped).
    """
    n_ngrams = vec.n_ngrams
    mask: npt.NDArray[np.bool_] | None = None
    for i, name in enumerate(vec.names):
        if is_identifier_feature(name):
            if mask is None:
                mask = np.zeros(len(vec.idx), dtype=bool)
            mask[n_ngrams + i] = True
    if not n_ngrams:
        return mask
    runs = [m.span() for m in patterns.finditer(_IDENTIFIER_DIGITS, lower)] if digit_runs else []
    if runs and len(lower) + 2 == vec.n_cps:
        marked = np.zeros(vec.n_cps, dtype=np.int64)
        for start, end in runs:
            marked[start + 1 : end + 1] = 1  # the code points are padded with one space
        inside = np.zeros(vec.n_cps + 1, dtype=np.int64)
        np.cumsum(marked, out=inside[1:])
        if mask is None:
            mask = np.zeros(len(vec.idx), dtype=bool)
        for first, n in _order_bounds(vec.n_cps, cfg):
            count = vec.n_cps - n + 1
            mask[first : first + count] = (inside[n : n + count] - inside[:count]) > 0
    return mask


def _order_bounds(n_cps: int, cfg: FeatureConfig) -> list[tuple[int, int]]:
    """(first occurrence index, n) of each n-gram order present, ascending (see ``locate``)."""
    out: list[tuple[int, int]] = []
    k = 0
    for n in range(cfg.ngram_min, cfg.ngram_max + 1):
        count = n_cps - n + 1
        if count <= 0:
            break
        out.append((k, n))
        k += count
    return out


def _locate(k: int, bounds: list[tuple[int, int]]) -> tuple[int, int]:
    """``features.locate`` with the order bounds computed once per text."""
    first, n = bounds[0]
    for f, m in bounds:
        if f > k:
            break
        first, n = f, m
    return k - first, n


def load_model(path: str | Path) -> LinearModel:
    """Load and check a model file; raise ModelError naming the file and what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise ModelError(f"model file not found: {p} (build one with `waspada train`)")
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"model file {p} is corrupt or not a Waspada model: {exc}") from exc
    missing = {"weights", "intercept", "platt", "meta"} - arrays.keys()
    if missing:
        raise ModelError(f"model file {p} lacks the arrays {sorted(missing)}")
    try:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"model file {p}: field 'meta' is not UTF-8 JSON") from exc
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        fmt = meta.get("format") if isinstance(meta, dict) else None
        raise ModelError(f"model file {p}: format {fmt!r}, expected {MODEL_FORMAT!r}")
    try:
        config = FeatureConfig.from_dict(meta["features"])
    except (KeyError, TypeError) as exc:
        raise ModelError(f"model file {p}: field 'meta.features' is invalid") from exc
    weights = np.ascontiguousarray(arrays["weights"], dtype=np.float32)
    if weights.ndim != 1 or weights.shape[0] != config.dim:
        raise ModelError(
            f"model file {p}: field 'weights' has shape {weights.shape}, expected ({config.dim},)"
        )
    platt = arrays["platt"].astype(np.float64).ravel()
    if platt.shape != (2,) or not np.all(np.isfinite(platt)) or not np.all(np.isfinite(weights)):
        raise ModelError(f"model file {p}: non-finite or misshapen weights or calibration")
    return LinearModel(
        weights=weights,
        intercept=float(np.asarray(arrays["intercept"]).ravel()[0]),
        platt_a=float(platt[0]),
        platt_b=float(platt[1]),
        config=config,
        version=str(meta.get("version", "")),
        meta=meta,
    )


def save_model(
    path: str | Path,
    weights: npt.NDArray[np.floating[Any]],
    intercept: float,
    platt: tuple[float, float],
    meta: dict[str, Any],
) -> Path:
    """Write a model file (compressed npz, no pickled objects)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    meta = {"format": MODEL_FORMAT, **meta}
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    with p.open("wb") as fh:
        np.savez_compressed(
            fh,
            weights=np.asarray(weights, dtype=np.float32),
            intercept=np.array([intercept], dtype=np.float64),
            platt=np.array(platt, dtype=np.float64),
            meta=blob,
        )
    return p


def category_split(p_risky: float, hits: list[IndicatorHit]) -> dict[str, float]:
    """Split P(risky) between recruitment_lure and scam by the indicators that fired."""
    rec = sum(h.weight for h in hits if h.category == "recruitment_lure")
    scam = sum(h.weight for h in hits if h.category == "scam")
    share = rec / (rec + scam) if rec + scam > 0 else 0.0
    return {
        "recruitment_lure": p_risky * share,
        "scam": p_risky * (1.0 - share),
        "benign": 1.0 - p_risky,
    }


#: the model gives no opinion on texts with fewer letters than this outside their numbers and
#: codes: on empty or invisible text, or a list of order numbers, it would only echo its intercept
#: and shape features (an empty text scored 96, twenty order numbers 47)
MIN_WORD_CHARS = 3
#: a number or code: a run of five or more digits with the letters glued to it ("ORD1000001")
_CODE = patterns.compile_pattern(rf"[A-Za-z#]*{_DIGIT_RUN}[A-Za-z]*", name="code")


def has_content(text: str) -> bool:
    """True when ``text`` has MIN_WORD_CHARS letters outside its numbers and codes.

    Looks at the first 1,000 characters.
    """
    head = text[:1000]
    spans = [m.span() for m in patterns.finditer(_CODE, head)]
    if spans:
        starts = [0, *(e for _, e in spans)]
        ends = [*(s for s, _ in spans), len(head)]
        head = " ".join(head[a:b] for a, b in zip(starts, ends, strict=True))
    count = 0
    for ch in head:
        if ch.isalpha():
            count += 1
            if count >= MIN_WORD_CHARS:
                return True
    return False


def predict(
    model: LinearModel, ctx: Context, hits: list[IndicatorHit], entities: list[Entity]
) -> ModelOutput | None:
    """The model's output on the prepared text, None when the text has no content to judge."""
    if not has_content(ctx.text):
        return None
    return predict_with(model, ctx.text, ctx.lower, hits, entities)


def predict_with(
    model: LinearModel,
    text: str,
    lower: str,
    hits: list[IndicatorHit],
    entities: list[Entity],
) -> ModelOutput:
    return predict_vector(model, vectorize(text, lower, model.config, hits, entities), lower, hits)


def predict_vector(
    model: LinearModel, vec: Vector, lower: str, hits: list[IndicatorHit], digit_runs: bool = True
) -> ModelOutput:
    """``predict_with`` given the text's feature vector ``vec`` (``lower``: the text's
    normalised lower-case form; ``digit_runs=False``: it holds no run of five digits)."""
    w, mask = model.weights_for(vec, lower, digit_runs)  # gathered once for score and explanation
    decision = float(w @ vec.val) + model.intercept
    p = model.probability(decision)
    np.multiply(w, vec.val, out=w)
    in_words = decision - (float(w[mask].sum()) if mask is not None else 0.0)
    p_content = min(p, model.probability(in_words))
    return ModelOutput(
        probabilities=category_split(p, hits),
        top_features=model._explain(vec, w, lower, TOP_FEATURES) if len(w) else [],
        version=model.version,
        p_risky=p,
        counter=any(h.category == "counter" for h in hits),
        p_content=p_content,
    )
