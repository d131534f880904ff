"""Embedding index over the knowledge base's symptom phrasings (sentence-transformers + faiss)."""

from index.embedder import (
    Embedder,
    HashEmbedder,
    SentenceTransformerEmbedder,
    set_compute_threads,
)
from index.errors import IndexNotBuiltError, IndexStoreError, StaleIndexError
from index.retriever import BruteForceRetriever, FaissRetriever, Hit
from index.store import DEFAULT_INDEX_DIR, SymptomIndex, build_index, load_index, save_index

__all__ = [
    "DEFAULT_INDEX_DIR",
    "BruteForceRetriever",
    "Embedder",
    "FaissRetriever",
    "HashEmbedder",
    "Hit",
    "IndexNotBuiltError",
    "IndexStoreError",
    "SentenceTransformerEmbedder",
    "StaleIndexError",
    "SymptomIndex",
    "build_index",
    "load_index",
    "save_index",
    "set_compute_threads",
]
