"""Embedding index over the knowledge base's symptom phrasings (MiniLM in onnxruntime + faiss)."""

from index.build import build_and_save, open_embedder
from index.embedder import (
    Embedder,
    HashEmbedder,
    SentenceTransformerEmbedder,
)
from index.errors import IndexNotBuiltError, IndexStoreError, StaleIndexError
from index.onnx_embedder import (
    MODEL_FILE,
    ExportMismatchError,
    ModelNotExportedError,
    OnnxEmbedder,
    export_model,
    usable_cores,
)
from index.retriever import BruteForceRetriever, FaissRetriever, Hit, limit_search_threads
from index.store import DEFAULT_INDEX_DIR, SymptomIndex, build_index, load_index, save_index

__all__ = [
    "DEFAULT_INDEX_DIR",
    "MODEL_FILE",
    "ExportMismatchError",
    "ModelNotExportedError",
    "OnnxEmbedder",
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
    "build_and_save",
    "open_embedder",
    "export_model",
    "limit_search_threads",
    "usable_cores",
]
