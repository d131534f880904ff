"""Shared fixtures. The real MiniLM model (exported to ONNX, as the service runs it) and the
real index are session-scoped: made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import (
    Embedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    SymptomIndex,
    build_index,
    export_model,
)
from kb import KnowledgeBase, load_kb
from service.engine import Engine

REPO = Path(__file__).resolve().parent.parent
DEV_CASES = REPO / "tests" / "data" / "dev" / "cases.jsonl"
SPARK_DATA = REPO / "tests" / "data" / "spark"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="session")
def torch_minilm() -> SentenceTransformerEmbedder:
    """The reference: all-MiniLM-L6-v2 in torch via sentence-transformers."""
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def minilm_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """all-MiniLM-L6-v2 exported to ONNX for this test session, as `doctor index build` does."""
    return export_model(tmp_path_factory.mktemp("onnx-model"))


@pytest.fixture(scope="session")
def minilm(minilm_file: Path) -> Embedder:
    """What the service queries with: the exported model in onnxruntime."""
    return OnnxEmbedder(minilm_file)


@pytest.fixture(scope="session")
def symptom_index(kb: KnowledgeBase, minilm: Embedder) -> SymptomIndex:
    return build_index(kb, minilm)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase, symptom_index: SymptomIndex) -> Engine:
    return Engine(kb=kb, index=symptom_index)
