from __future__ import annotations

import numpy as np

from index import Embedder, HashEmbedder
from index.embedder import QueryCache


def test_minilm_vectors_are_unit_float32(minilm: Embedder) -> None:
    vectors = minilm.encode_documents(["driver ran out of heap", "executor lost"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_minilm_places_paraphrases_closer_than_unrelated_text(minilm: Embedder) -> None:
    query = minilm.encode_queries(["my driver crashes when I call collect on a big dataframe"])[0]
    docs = minilm.encode_documents(
        ["collecting a huge result set to the driver exhausts its heap", "the weather is sunny"]
    )
    related, unrelated = docs @ query
    assert related > unrelated + 0.2


def test_minilm_query_cache_returns_identical_vectors(minilm: Embedder) -> None:
    first = minilm.encode_queries(["toPandas kills the kernel"])
    second = minilm.encode_queries(["toPandas kills the kernel"])
    assert np.array_equal(first, second)


def test_hash_embedder_is_deterministic() -> None:
    a = HashEmbedder().encode_documents(["spark driver oom"])
    b = HashEmbedder().encode_documents(["spark driver oom"])
    assert np.array_equal(a, b)
    assert HashEmbedder().encode_documents([]).shape == (0, 256)


def test_query_cache_computes_each_text_once_and_forgets_the_least_recent() -> None:
    computed: list[str] = []

    def compute(texts: list[str]) -> np.ndarray:
        computed.extend(texts)
        return HashEmbedder(dimension=8).encode_documents(texts)

    cache = QueryCache(size=2)
    first = cache.vectors(["a b", "c d", "a b"], compute, 8)
    assert computed == ["a b", "c d"] and first.shape == (3, 8)
    assert np.array_equal(first[0], first[2])
    cache.vectors(["a b"], compute, 8)  # "a b" is now the most recent
    cache.vectors(["e f"], compute, 8)  # evicts "c d"
    cache.vectors(["a b", "c d"], compute, 8)
    assert computed == ["a b", "c d", "e f", "c d"]
    assert cache.vectors([], compute, 8).shape == (0, 8)
