"""Checks of the case library (``kb/cases``): every file loads with its locked split, ids and
sources are unique, and no situation gives its own answer away."""

from __future__ import annotations

import re
from pathlib import Path

from kb.errors import KBLoadError
from kb.library import CASES_ROOT, Case, iter_case_files, load_case, source_key
from kb.lint.issues import LintIssue, display_path
from kb.models import CAUSE_IDS

_CAUSE_ID = re.compile(r"\b(" + "|".join(map(re.escape, CAUSE_IDS)) + r")\b")


def _issue(
    path: Path, check: str, case_id: str, message: str, severity: str = "error"
) -> LintIssue:
    return LintIssue(
        path=display_path(path),
        line=None,
        severity="error" if severity == "error" else "warning",
        check_id=check,
        kind="case",
        entity_id=case_id,
        field=None,
        message=message,
    )


def lint_cases(root: Path = CASES_ROOT) -> tuple[list[Case], list[LintIssue]]:
    """The cases that load and every issue of the library, sorted by file."""
    cases: list[Case] = []
    issues: list[LintIssue] = []
    sources: dict[str, Path] = {}
    for path in iter_case_files(root):
        try:
            case = load_case(path)
        except KBLoadError as exc:
            issues.append(_issue(path, "case-load", path.stem, exc.message))
            continue
        cases.append(case)
        key = source_key(case.source.url)
        if key in sources:
            issues.append(
                _issue(
                    path,
                    "case-duplicate-source",
                    case.id,
                    f"source {key} is already the source of {sources[key].name}",
                    "warning",
                )
            )
        sources.setdefault(key, path)
        leaked = _CAUSE_ID.search(case.situation)
        if leaked:
            issues.append(
                _issue(
                    path,
                    "case-situation-leak",
                    case.id,
                    f"situation names the cause id {leaked.group(1)!r}: restate what the "
                    "reporter saw, not the answer",
                )
            )
        if not case.machine_output.strip() and len(case.situation) < 60:
            issues.append(
                _issue(path, "case-too-thin", case.id, "no machine output and a short situation")
            )
    return cases, sorted(issues, key=lambda i: (i.path, i.check_id))
