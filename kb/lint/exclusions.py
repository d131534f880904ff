"""Reviewed lint exceptions, kept as data in ``kb/lint-exclusions.yaml``.

The file maps an entity id (or ``<kind>/<id>`` when ids collide across kinds) to the check ids
to skip for it::

    sig_heap_space_generic: [signature-regex-safety]
    trees/collect_to_driver: tree-unreachable-node

An exclusion that no longer silences anything is reported (``lint-exclusion-unused``), so
exceptions do not outlive the problem they were written for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml

from kb.errors import KBLoadError, Location
from kb.lint.base import Validator
from kb.lint.issues import LintIssue, display_path
from kb.loader import KnowledgeBase

EXCLUSIONS_FILE = "lint-exclusions.yaml"

Exclusions = dict[str, tuple[str, ...]]


def default_exclusions_path(kb_root: Path) -> Path:
    """``kb/lint-exclusions.yaml`` sits next to the data folder it applies to."""
    return kb_root.parent / EXCLUSIONS_FILE


def load_exclusions(path: Path) -> Exclusions:
    """Read an exclusions file; a missing file means no exclusions.

    Raises:
        KBLoadError: the file is not a mapping of ids to a check id or a list of check ids.
    """
    if not path.exists():
        return {}
    where = Location(display_path(path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise KBLoadError(where, f"invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise KBLoadError(where, "expected a mapping of entity id -> [check-id, ...]")
    exclusions: Exclusions = {}
    for key, value in raw.items():
        checks = [value] if isinstance(value, str) else value
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            raise KBLoadError(Location(where.path, field=str(key)), "expected check ids")
        exclusions[str(key)] = tuple(checks)
    return exclusions


def _matches(issue: LintIssue, key: str, check_id: str) -> bool:
    qualified = f"{issue.kind}/{issue.entity_id}"
    return issue.check_id == check_id and key in (issue.entity_id, qualified)


def apply_exclusions(
    kb: KnowledgeBase, issues: Sequence[LintIssue], exclusions: Exclusions, path: Path
) -> list[LintIssue]:
    """``issues`` minus the excluded ones, plus one issue per exclusion that matched nothing."""
    kept = [
        issue
        for issue in issues
        if not any(_matches(issue, k, c) for k, checks in exclusions.items() for c in checks)
    ]
    unused = LintExclusionUnusedValidator(exclusions, path, issues)
    return kept + list(unused.check(kb))


class LintExclusionUnusedValidator(Validator):
    """An exclusion whose entity no longer raises that check."""

    def __init__(self, exclusions: Exclusions, path: Path, issues: Sequence[LintIssue]) -> None:
        self.exclusions = exclusions
        self.path = path
        self.issues = issues

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:  # noqa: ARG002 - needs no KB data
        for key, checks in self.exclusions.items():
            for i, check_id in enumerate(checks):
                if not any(_matches(issue, key, check_id) for issue in self.issues):
                    problem = f"exclusion {key}: {check_id} matches no issue; remove it"
                    field = (key, i) if len(checks) > 1 else (key,)
                    yield self.issue_at(self.path, "lint-exclusions", key, field, problem)
