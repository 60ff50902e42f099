"""A second, real encoder for the plug-in tests: hashed character trigrams, L2-normalised.

Loaded by configuration (``encoder = "semantic.plugin_encoder:make"``) exactly as an
organisation's own encoder would be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash

DIM = 64


class TrigramEncoder:
    name = "test-trigram-64"
    dim = DIM

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            s = f"  {t.lower()}  "
            for j in range(len(s) - 2):
                gram = s[j : j + 3].encode("utf-8", "surrogatepass")
                out[i, xxhash.xxh32_intdigest(gram) % DIM] += 1.0
            n = float(np.linalg.norm(out[i]))
            if n:
                out[i] /= n
        return out


def make() -> TrigramEncoder:
    return TrigramEncoder()


def not_an_encoder() -> object:
    return object()
