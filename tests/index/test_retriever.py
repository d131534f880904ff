from __future__ import annotations

import numpy as np

from index import BruteForceRetriever, FaissRetriever, HashEmbedder
from index.retriever import Retriever
from tests.index.contract import TEXTS, RetrieverContract


class TestFaissRetriever(RetrieverContract):
    def make(self, vectors: np.ndarray) -> Retriever:
        return FaissRetriever.from_vectors(vectors)


class TestBruteForceRetriever(RetrieverContract):
    def make(self, vectors: np.ndarray) -> Retriever:
        return BruteForceRetriever(vectors)


def test_faiss_agrees_with_brute_force() -> None:
    embedder = HashEmbedder()
    vectors = embedder.encode_documents(TEXTS)
    query = embedder.encode_queries(["the driver ran out of memory on a broadcast"])[0]
    exact = BruteForceRetriever(vectors).search(query, k=4)
    fast = FaissRetriever.from_vectors(vectors).search(query, k=4)
    assert [h.position for h in fast] == [h.position for h in exact]
    assert np.allclose([h.score for h in fast], [h.score for h in exact], atol=1e-5)
