"""Behaviour every retriever must show; mixed into one test class per implementation."""

from __future__ import annotations

import numpy as np

from index import HashEmbedder
from index.retriever import Retriever

TEXTS = [
    "driver out of memory after collect",
    "broadcast join too large for the driver",
    "executor container killed by yarn",
    "too many tasks in one stage",
]


class RetrieverContract:
    def make(self, vectors: np.ndarray) -> Retriever:
        raise NotImplementedError

    def _retriever(self) -> tuple[Retriever, HashEmbedder]:
        embedder = HashEmbedder()
        return self.make(embedder.encode_documents(TEXTS)), embedder

    def test_search_returns_exact_text_first(self) -> None:
        retriever, embedder = self._retriever()
        for position, text in enumerate(TEXTS):
            hits = retriever.search(embedder.encode_queries([text])[0], k=2)
            assert hits[0].position == position
            assert abs(hits[0].score - 1.0) < 1e-5

    def test_search_clamps_k_to_size(self) -> None:
        retriever, embedder = self._retriever()
        hits = retriever.search(embedder.encode_queries(["driver"])[0], k=50)
        assert len(hits) == len(TEXTS)
        assert all(h.position >= 0 for h in hits)

    def test_search_orders_by_descending_score(self) -> None:
        retriever, embedder = self._retriever()
        hits = retriever.search(embedder.encode_queries(["driver collect memory"])[0], k=4)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)

    def test_search_with_zero_k_is_empty(self) -> None:
        retriever, embedder = self._retriever()
        assert retriever.search(embedder.encode_queries(["x"])[0], k=0) == []
