"""What a lint check reports, and how to find the line it is about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from kb.loader import _line_of

Severity = Literal["error", "warning"]

FieldPath = Sequence[str | int]


@dataclass(frozen=True, order=True)
class LintIssue:
    """One problem found in the knowledge base.

    ``path`` is the file as it should be shown to the user; ``field`` is the dotted field path
    inside that file (``nodes.2.options.0.next``).
    """

    path: str
    line: int | None
    severity: Severity
    check_id: str
    kind: str
    entity_id: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity} {self.check_id}: {self.message}"


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it, else absolute."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def line_of(path: Path, field_path: FieldPath) -> int | None:
    """1-based line of the YAML node at ``field_path`` in ``path`` (deepest part that exists).

    Args:
        path: a knowledge-base YAML file.
        field_path: keys and list indexes leading to the node, e.g. ``("nodes", 2, "next")``.

    Returns:
        The line number, or ``None`` when the file cannot be read or parsed.
    """
    # Only called for files that have an issue, so parsing again per lookup is cheap enough.
    try:
        return _line_of(path.read_text(encoding="utf-8"), field_path)
    except (OSError, yaml.YAMLError):
        return None
