"""Exact nearest-neighbour search over the embedded knowledge-base texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import faiss
import numpy as np

from index.embedder import Vectors


@dataclass(frozen=True)
class Hit:
    """One indexed text near the query; ``score`` is cosine similarity in [-1, 1]."""

    position: int
    score: float


class Retriever(Protocol):
    size: int

    def search(self, query: Vectors, k: int) -> list[Hit]:
        """Return the ``k`` nearest entries to one query vector, best first.

        Args:
            query: a unit vector of shape ``(dimension,)`` or ``(1, dimension)``.
            k: how many hits at most; more than the index holds is clamped.

        Returns:
            Hits ordered by descending score, never more than ``size``.
        """
        ...


def limit_search_threads(threads: int) -> None:
    """OpenMP threads faiss may use per search. One query against a few hundred vectors
    gains nothing from more than one, and a server's processes already share the cores."""
    faiss.omp_set_num_threads(threads)


class FaissRetriever:
    """``IndexFlatIP`` over unit vectors: inner product equals cosine, search is exact."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def from_vectors(cls, vectors: Vectors) -> FaissRetriever:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: Vectors, k: int) -> list[Hit]:
        k = min(k, self.size)
        if k <= 0:
            return []
        scores, labels = self.index.search(_row(query), k)
        # faiss pads with label -1 when it has fewer than k results.
        return [Hit(int(i), float(s)) for s, i in zip(scores[0], labels[0], strict=True) if i >= 0]


class BruteForceRetriever:
    """The same contract with plain numpy: the reference the faiss retriever is tested against."""

    def __init__(self, vectors: Vectors) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    @property
    def size(self) -> int:
        return int(self.vectors.shape[0])

    def search(self, query: Vectors, k: int) -> list[Hit]:
        k = min(k, self.size)
        if k <= 0:
            return []
        scores = self.vectors @ _row(query)[0]
        order = np.argsort(-scores, kind="stable")[:k]
        return [Hit(int(i), float(scores[i])) for i in order]


def _row(query: Vectors) -> Vectors:
    return np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
