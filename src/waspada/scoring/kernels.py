"""The model's inner loops, compiled with numba: n-gram hashing and the top contributions.

A text's features cost a few dozen numpy calls when written with array operations (one per
n-gram order and step); here each is one loop over the code points, compiled once and cached on
disk (``__pycache__`` beside this file, or numba's user-wide cache when that is not writable;
where nothing is writable, as on some read-only cluster images, each process compiles them in
memory instead). The plain forms they replace are kept in ``tests/test_fast_paths.py`` as
references, and the tests check the two agree bit for bit.

Arithmetic is on ``uint64`` and wraps modulo 2**64, as numpy's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from numba import njit

SPACE = 32
ZERO = 48

F = TypeVar("F", bound=Callable[..., Any])


def compiled(fn: F) -> F:
    """``numba.njit`` with an on-disk cache when numba finds a writable place for one."""
    try:
        return cast(F, njit(cache=True, nogil=True)(fn))
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return cast(F, njit(nogil=True)(fn))


@compiled
def fold(raw: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:  # pragma: no cover - compiled
    """Digits 1-9 -> 0; tab, newline, carriage return and no-break space -> space."""
    out = np.empty(len(raw), dtype=np.uint32)
    for i in range(len(raw)):
        c = raw[i]
        if 49 <= c <= 57:
            c = ZERO
        elif c == 9 or c == 10 or c == 13 or c == 160:
            c = SPACE
        out[i] = c
    return out


@compiled
def ngram_hashes(
    cps: npt.NDArray[np.uint32],
    nmin: int,
    nmax: int,
    bits: int,
    extra: int,
    salts: npt.NDArray[np.uint64],
    mix: np.uint64,
    prime: np.uint64,
) -> npt.NDArray[np.uint64]:  # pragma: no cover - compiled
    """Bucket of every n-gram occurrence (orders ascending, then positions), then ``extra`` slots.

    The hash of the n-gram starting at ``i`` is the rolling polynomial
    ``h_1 = cp[i] * mix``, ``h_n = h_(n-1) * prime + cp[i+n-1] * mix``, salted per order and
    mixed: bucket = ``((h_n ^ salt[n]) * mix) >> (64 - bits)``.
    """
    n_cps = len(cps)
    offsets = np.zeros(nmax + 2, dtype=np.int64)  # first output slot of each order
    total = 0
    for n in range(1, nmax + 1):
        offsets[n] = total
        if n >= nmin and n_cps - n + 1 > 0:
            total += n_cps - n + 1
    out = np.empty(total + extra, dtype=np.uint64)
    shift = np.uint64(64 - bits)
    for i in range(n_cps):
        h = np.uint64(0)
        for n in range(1, nmax + 1):
            if i + n > n_cps:
                break
            h = h * prime + np.uint64(cps[i + n - 1]) * mix
            if n >= nmin:
                out[offsets[n] + i] = ((h ^ salts[n]) * mix) >> shift
    return out


@compiled
def top_contributions(
    contrib: npt.NDArray[np.float32], m: int
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    """Positions of the ``m`` largest ``|contrib|``, largest first; ties: lower position first."""
    k = min(m, len(contrib))
    best = np.empty(k, dtype=np.int64)
    mags = np.empty(k, dtype=np.float32)
    filled = 0
    for j in range(len(contrib)):
        a = abs(contrib[j])
        if filled == k:
            if a <= mags[k - 1]:
                continue
            pos = k - 1
        else:
            pos = filled
            filled += 1
        while pos > 0 and mags[pos - 1] < a:  # shift smaller ones down; equal ones stay first
            mags[pos] = mags[pos - 1]
            best[pos] = best[pos - 1]
            pos -= 1
        mags[pos] = a
        best[pos] = j
    return best


@compiled
def count_equal(
    values: npt.NDArray[np.int64], targets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    """How often each of ``targets`` occurs in ``values`` (one pass over ``values``)."""
    counts = np.zeros(len(targets), dtype=np.int64)
    seen = np.zeros(4096, dtype=np.bool_)  # low 12 bits of each target: most values miss here
    for t in range(len(targets)):
        seen[targets[t] & 4095] = True
    for v in values:
        if seen[v & 4095]:
            for t in range(len(targets)):
                if v == targets[t]:
                    counts[t] += 1
    return counts


@compiled
def ngram_hashes_many(
    cps: npt.NDArray[np.uint32],
    starts: npt.NDArray[np.int64],
    extras: npt.NDArray[np.int64],
    nmin: int,
    nmax: int,
    bits: int,
    salts: npt.NDArray[np.uint64],
    mix: np.uint64,
    prime: np.uint64,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:  # pragma: no cover - compiled
    """``ngram_hashes`` of many texts at once: text ``t``'s code points are
    ``cps[starts[t]:starts[t + 1]]`` (``starts`` has one more entry than there are texts) and it
    gets ``extras[t]`` unset slots. Returns the buckets of all texts one after the other and
    where each text's begin (one more entry than texts); each text's part equals what
    ``ngram_hashes`` returns for it alone."""
    n_texts = len(starts) - 1
    bounds = np.zeros(n_texts + 1, dtype=np.int64)
    for t in range(n_texts):
        n_cps = starts[t + 1] - starts[t]
        total = 0
        for n in range(nmin, nmax + 1):
            if n_cps - n + 1 > 0:
                total += n_cps - n + 1
        bounds[t + 1] = bounds[t] + total + extras[t]
    out = np.empty(bounds[n_texts], dtype=np.uint64)
    shift = np.uint64(64 - bits)
    offsets = np.zeros(nmax + 2, dtype=np.int64)
    for t in range(n_texts):
        lo = starts[t]
        n_cps = starts[t + 1] - lo
        total = bounds[t]
        for n in range(1, nmax + 1):
            offsets[n] = total
            if n >= nmin and n_cps - n + 1 > 0:
                total += n_cps - n + 1
        for i in range(n_cps):
            h = np.uint64(0)
            for n in range(1, nmax + 1):
                if i + n > n_cps:
                    break
                h = h * prime + np.uint64(cps[lo + i + n - 1]) * mix
                if n >= nmin:
                    out[offsets[n] + i] = ((h ^ salts[n]) * mix) >> shift
    return out, bounds
