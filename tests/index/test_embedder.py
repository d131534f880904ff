from __future__ import annotations

import numpy as np

from index import Embedder, HashEmbedder


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
