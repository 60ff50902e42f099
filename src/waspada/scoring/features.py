"""Features of the learned model, computed with numpy only (no scikit-learn at run time).

Three blocks, one sparse vector of ``2**bits + NAMED_SLOTS`` dimensions:

- **character n-grams** (``ngram_min``..``ngram_max``) of the normalised, lower-cased text, with
  every ASCII digit mapped to ``0`` (phone numbers, amounts and codes generalise) and every
  whitespace run to one space. No word boundaries are needed, so Thai, Lao, Khmer and Burmese
  work as well as Latin scripts. Each n-gram is hashed with a rolling polynomial hash over code
  points (vectorised in numpy, a few microseconds per SMS) into ``2**bits`` buckets; the value of
  each occurrence is ``1/sqrt(total n-grams)``, so the vector has about unit length.
- **shape** features, language-independent: length, share of digits and capitals, a URL, a long
  digit run, a currency sign, an exclamation mark.
- **assess** features (switchable): the indicator hits (id and category) and entity counts per
  kind from the recipe, also language-independent.

Named features (shape and assess) are hashed into ``NAMED_SLOTS`` extra dimensions after the
n-gram buckets, so they never collide with n-grams and can be reported by name.
"""

from __future__ import annotations

import math
import operator
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import regex

from waspada.scoring import kernels
from waspada.text.patterns import compile_pattern, re_boundary, search
from waspada.types import Entity, IndicatorHit

NAMED_SLOTS = 4096
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SALTS = [np.uint64((0xD6E8FEB86659FD93 * n) & 0xFFFFFFFFFFFFFFFF) for n in range(33)]
_SALTS_ARRAY = np.array(_SALTS, dtype=np.uint64)

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]
CodePoints = npt.NDArray[np.uint32]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    ngram_min: int = 1
    ngram_max: int = 5
    bits: int = 20
    shape: bool = True
    assess: bool = False
    named_scale: float = 0.5
    #: trained and applied without numbers and contact identifiers (``model.identifier_mask``)
    content_only: bool = False

    @property
    def n_buckets(self) -> int:
        return 1 << self.bits

    @property
    def dim(self) -> int:
        return self.n_buckets + NAMED_SLOTS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureConfig:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


_TLDS = "com|net|org|ly|me|co|gl|info|xyz|link|life|vn|id|th|ph|io|cc|top|site|club|shop|vip|bit"
_URL = re.compile(rf"https?://|www\.|\b[a-z0-9-]{{2,}}\.(?:{_TLDS})\b")
_LONG_DIGITS = re.compile(r"\d[\d\s.-]{6,}\d")
_CURRENCY = re.compile(r"[$£€₱฿₫¥]|\brp\.?\s?\d|\d\s?(?:usd|usdt|bath|baht|บาท|đ|vnd|k)\b")
# The same searches split so that each part starts with a literal or a character set, which the
# re engine skips to with a fast scan instead of trying its whole pattern at every position.
_DOT_TLD = re.compile(rf"\.(?:{_TLDS})\b")
_SIGN = re.compile(r"[$£€₱฿₫¥]")
_RP_AMOUNT = re.compile(r"rp\.?\s?\d")
_AMOUNT_SUFFIX = re.compile(r"[\d]\s?(?:usd|usdt|bath|baht|บาท|đ|vnd|k)\b")


@cache
def _url_from_dot() -> regex.Pattern[str]:
    """_URL for the time-limited path: from the dot, the word before it read back (linear, where
    _URL tries every start in a long "a-a-a-..." run), with the ``re`` module's \\b (built on
    first use: 0.1-0.3 s, not at import)."""
    b = re_boundary()
    return compile_pattern(
        rf"https?://|www\.|\.(?<={b}[a-z0-9-]{{2,}}\.)(?:{_TLDS}){b}", name="features.url"
    )


def has_url(lower: str) -> bool:
    """``_URL.search(lower)``: every match has "http", "www." or a dot before a listed TLD."""
    return (
        "http" in lower or "www." in lower or _DOT_TLD.search(lower) is not None
    ) and search(_url_from_dot(), lower) is not None


def has_currency(lower: str) -> bool:
    """``_CURRENCY.search(lower)``, one alternative at a time."""
    if _SIGN.search(lower) is not None or _AMOUNT_SUFFIX.search(lower) is not None:
        return True
    for m in _RP_AMOUNT.finditer(lower):  # "\b" before "rp": no word character before it
        s = m.start()
        if s == 0 or not (lower[s - 1].isalnum() or lower[s - 1] == "_"):
            return True
    return False


_ne = operator.ne

_FOLD = str.maketrans(
    {**{str(d): "0" for d in range(1, 10)}, "\t": " ", "\n": " ", "\r": " ", "\xa0": " "}
)


def prepare(lower: str) -> CodePoints:
    """Code points of ``lower`` padded with a space each side; digits -> 0, whitespace -> space."""
    return kernels.fold(np.frombuffer((" " + lower + " ").encode("utf-32-le"), dtype=np.uint32))


def ngram_buckets(cps: CodePoints, cfg: FeatureConfig) -> IntArray:
    """Bucket of every n-gram occurrence, n-gram lengths ascending, positions ascending."""
    return _ngram_hashes(cps, cfg, 0).view(np.int64)


def _ngram_hashes(cps: CodePoints, cfg: FeatureConfig, extra: int) -> UIntArray:
    """Buckets (as uint64) of every n-gram occurrence, followed by ``extra`` unset slots."""
    out: UIntArray = kernels.ngram_hashes(
        cps, cfg.ngram_min, cfg.ngram_max, cfg.bits, extra, _SALTS_ARRAY, _MIX, _PRIME
    )
    return out


def locate(k: int, n_cps: int, cfg: FeatureConfig) -> tuple[int, int]:
    """(start, n) in the padded code points of the ``k``-th n-gram occurrence."""
    for n in range(cfg.ngram_min, cfg.ngram_max + 1):
        count = n_cps - n + 1
        if count <= 0:
            break
        if k < count:
            return k, n
        k -= count
    raise IndexError(k)


@lru_cache(maxsize=8192)
def named_index(name: str, n_buckets: int) -> int:
    return n_buckets + zlib.crc32(name.encode("utf-8")) % NAMED_SLOTS


def shape_names(text: str, lower: str, cps: CodePoints | None = None) -> list[str]:
    """Language-independent surface features of the text (``cps``: ``prepare(lower)``)."""
    n = len(text)
    names = [f"shape:len{min(int(math.log2(n + 1)), 12)}"]
    digits = -1  # ASCII digits of ``lower`` (every one is a 0 in ``cps``), when counted
    if n:
        if cps is None:
            cps = prepare(lower)
        digits = int(np.count_nonzero(cps == 48))
        names.append(f"shape:digits{min(int(10 * digits / n), 5)}")
        if len(lower) == n:
            upper = (
                sum(map(_ne, text, lower))
                if n < 256
                else (
                    int(
                        np.count_nonzero(
                            np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
                            != np.frombuffer(lower.encode("utf-32-le"), dtype=np.uint32)
                        )
                    )
                )
            )
            names.append(f"shape:upper{min(int(10 * upper / n), 5)}")
    if has_url(lower):
        names.append("shape:url")
    if (digits >= 8 and _LONG_DIGITS.search(lower)) if digits >= 0 else digits_run(lower):
        names.append("shape:longdigits")
    # every currency match has a digit or a sign; an ASCII text without digits has no
    # other digit, and its only sign is "$"
    if not (digits == 0 and "$" not in lower and lower.isascii()) and has_currency(lower):
        names.append("shape:currency")
    if "!" in text:
        names.append("shape:exclaim")
    return names


def digits_run(lower: str) -> bool:
    """A run of 8+ digits, possibly split by spaces, dots or dashes (phone, account, code)."""
    return sum(lower.count(d) for d in "0123456789") >= 8 and bool(_LONG_DIGITS.search(lower))


def assess_names(hits: Sequence[IndicatorHit], entities: Sequence[Entity]) -> list[str]:
    """Indicator ids and categories, entity kinds (1 or 2+) and a few entity facts.

    Recruitment indicators are left out: the training data hold no real recruitment lures, so
    their weights would be learnt from benign texts only (job ads, chats) and come out negative.
    The indicators themselves score recruitment lures; see combine.py.
    """
    names: list[str] = []
    for h in hits:
        if h.category == "recruitment_lure":
            continue
        names.append(f"ind:{h.id}")
        names.append(f"indcat:{h.category}")
    counts: dict[str, int] = {}
    for e in entities:
        counts[e.kind] = counts.get(e.kind, 0) + 1
        if e.kind == "url" and e.attrs.get("shortener"):
            names.append("ent:url:shortener")
        elif e.kind == "place" and e.attrs.get("hotspot"):
            names.append("ent:place:hotspot")
        elif e.kind == "phone" and e.attrs.get("channel"):
            names.append(f"ent:phone:{e.attrs['channel']}")
    for kind, c in counts.items():
        names.append(f"ent:{kind}")
        if c > 1:
            names.append(f"ent:{kind}:2+")
    return names


@dataclass(slots=True)
class Vector:
    """One text's sparse feature vector plus what is needed to name its features."""

    idx: IntArray
    val: FloatArray
    n_ngrams: int  # the first n_ngrams entries of idx/val are n-gram occurrences
    n_cps: int  # padded code points (for locate)
    names: list[str]  # named features, in the order of idx[n_ngrams:]


def vectorize(
    text: str,
    lower: str,
    cfg: FeatureConfig,
    hits: Sequence[IndicatorHit] = (),
    entities: Sequence[Entity] = (),
) -> Vector:
    """The feature vector of one text (``lower``: its normalised lower-case form)."""
    cps = prepare(lower)
    names = named_features(text, lower, cfg, cps, hits, entities)
    return vector_of(_ngram_hashes(cps, cfg, len(names)), names, len(cps), cfg)


def named_features(
    text: str,
    lower: str,
    cfg: FeatureConfig,
    cps: CodePoints,
    hits: Sequence[IndicatorHit] = (),
    entities: Sequence[Entity] = (),
) -> list[str]:
    """The named features of one text (``cps``: ``prepare(lower)``), in vector order."""
    names: list[str] = []
    if cfg.shape:
        names.extend(shape_names(text, lower, cps))
    if cfg.assess:
        names.extend(assess_names(hits, entities))
    return names


def vector_of(buf: UIntArray, names: list[str], n_cps: int, cfg: FeatureConfig) -> Vector:
    """The vector from ``buf``: the n-gram buckets of ``n_cps`` padded code points followed by
    one unset slot per name (``_ngram_hashes(cps, cfg, len(names))``), filled here."""
    k = len(names)
    m = len(buf) - k
    val = np.empty(m + k, dtype=np.float32)
    val[:m] = 1.0 / math.sqrt(m) if m else 0.0
    if k:
        nb = cfg.n_buckets
        buf[m:] = [named_index(s, nb) for s in names]
        val[m:] = cfg.named_scale
    return Vector(buf.view(np.int64), val, m, n_cps, names)


def ngram_text(vec: Vector, lower: str, k: int, cfg: FeatureConfig) -> str:
    """The n-gram string of occurrence ``k`` (digits shown as 0, padding spaces kept)."""
    start, n = locate(k, vec.n_cps, cfg)
    padded = " " + lower + " "
    return padded[start : start + n].translate(_FOLD)
