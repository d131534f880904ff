from pathlib import Path

import pytest
from kb_fixtures import FixtureKB


@pytest.fixture
def fixture_kb(tmp_path: Path) -> FixtureKB:
    """A knowledge base that lints clean, written under ``tmp_path`` on ``load()``."""
    return FixtureKB(tmp_path)
