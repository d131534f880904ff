"""The static checks run with the tests, so CI (which runs exactly the README's test command)
fails on a lint, format, type or YAML problem as it does on a failing test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "."],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "."],
    "mypy --strict": [sys.executable, "-m", "mypy", "--strict", "kb", "index", "service"],
    "yamllint": [sys.executable, "-m", "yamllint", "--strict", "kb", ".github"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_static_check_passes(name: str) -> None:
    command = [part for part in CHECKS[name] if part != ".github" or (ROOT / part).exists()]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{name} failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
