"""Shared fixtures. The real MiniLM model and the real index are session-scoped: loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Embedder, SentenceTransformerEmbedder, SymptomIndex, build_index
from kb import KnowledgeBase, load_kb
from service.engine import Engine

REPO = Path(__file__).resolve().parent.parent
DEV_CASES = REPO.parent / "shared" / "eval" / "dev" / "cases.jsonl"
SPARK_DATA = REPO / "tests" / "data" / "spark"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def symptom_index(kb: KnowledgeBase, minilm: Embedder) -> SymptomIndex:
    return build_index(kb, minilm)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase, symptom_index: SymptomIndex) -> Engine:
    return Engine(kb=kb, index=symptom_index)
