"""Assemble the engine from settings: knowledge base, embedder, index."""

from __future__ import annotations

from index import IndexNotBuiltError, build_and_save, load_index, open_embedder
from kb import load_kb
from service.config import Settings
from service.engine import Engine


def build_engine(settings: Settings) -> Engine:
    """Load the KB and its prebuilt index (rebuilding a stale one only if settings allow)."""
    kb = load_kb()
    directory = settings.index_dir
    try:
        embedder = open_embedder(settings.embedder, directory)
    except IndexNotBuiltError:
        if not settings.rebuild_stale_index:
            raise
        return Engine(kb=kb, index=build_and_save(kb, directory, settings.embedder).index)
    index = load_index(kb, embedder, directory, rebuild_stale=settings.rebuild_stale_index)
    return Engine(kb=kb, index=index)
