"""Assemble the engine from settings: knowledge base, embedder, index."""

from __future__ import annotations

from index import Embedder, HashEmbedder, SentenceTransformerEmbedder, load_index
from kb import load_kb
from service.config import Settings
from service.engine import Engine


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "hash":
        return HashEmbedder()
    return SentenceTransformerEmbedder()


def build_engine(settings: Settings) -> Engine:
    """Load the KB and its prebuilt index (rebuilding a stale one only if settings allow)."""
    kb = load_kb()
    embedder = make_embedder(settings)
    index = load_index(kb, embedder, settings.index_dir, rebuild_stale=settings.rebuild_stale_index)
    return Engine(kb=kb, index=index)
