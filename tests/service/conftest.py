from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index import build_and_save
from kb import KnowledgeBase
from service.api.app import create_app
from service.config import Settings
from service.engine import Engine

SECRET = "test-walk-state-secret"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        state_secret=SECRET,  # type: ignore[arg-type]
        max_paste_bytes=1_000_000,
        rate_limit_per_minute=0,  # limits have their own tests (test_security.py)
    )


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


@pytest.fixture(scope="session")
def hash_index(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built with the model-free hash embedder, for tests that start real servers."""
    directory = tmp_path_factory.mktemp("hash-index")
    build_and_save(kb, directory, "hash")
    return directory
