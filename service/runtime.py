"""Assemble the engine from settings: knowledge base, embedder, index, cases, fitted ranking."""

from __future__ import annotations

from index import IndexNotBuiltError, StaleIndexError, build_and_save, load_index, open_embedder
from index.build import open_cases
from kb import load_kb
from service.config import Settings
from service.engine import Engine
from service.training import load_fitted


def build_engine(settings: Settings, *, fitted: bool = True) -> Engine:
    """Load the KB and what ``doctor index build`` made of it: the symptom index, the solved
    cases and the fitted ranking (rebuilding a missing or stale one only if settings allow).

    The model-free ``hash`` embedder (plumbing tests), and ``fitted=False`` (the fit itself),
    rank with the KB's hand weights.
    """
    kb = load_kb()
    directory = settings.index_dir
    rebuild = settings.rebuild_stale_index
    try:
        embedder = open_embedder(settings.embedder, directory)
        index = load_index(kb, embedder, directory, rebuild_stale=rebuild)
        cases = open_cases(directory, embedder)
    except (IndexNotBuiltError, StaleIndexError):
        if not rebuild:
            raise
        built = build_and_save(kb, directory, settings.embedder)
        index, cases = built.index, built.cases
    engine = Engine(kb=kb, index=index, cases=cases)
    engine.observer.seconds = settings.analysis_seconds
    if settings.embedder == "minilm" and fitted:
        engine.fitted = load_fitted(engine, directory, refit_stale=rebuild)
    return engine
