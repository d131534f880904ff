"""Run every check over a knowledge base and apply the reviewed exclusions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kb.lint.base import Validator
from kb.lint.coverage import (
    CauseMissingValidator,
    CauseSymptomsValidator,
    CauseTreeReachValidator,
    CauseTreeValidator,
    FixBacklinkValidator,
    FixOrphanValidator,
    NoteUnusedValidator,
    TriageCoverageValidator,
    TriageTreeCountValidator,
)
from kb.lint.exclusions import apply_exclusions, default_exclusions_path, load_exclusions
from kb.lint.facts import FactNameValidator, FactOperatorValidator, FactValueValidator
from kb.lint.issues import LintIssue
from kb.lint.load import EntityDuplicateIdValidator, EntityFilenameValidator, EntityLoadValidator
from kb.lint.references import (
    CauseReferenceValidator,
    DefaultReferenceValidator,
    FixReferenceValidator,
    NodeReferenceValidator,
    NoteReferenceValidator,
)
from kb.lint.signatures import (
    SignatureExamplesValidator,
    SignatureMatchValidator,
    SignatureNoMatchValidator,
    SignatureRegexSafetyValidator,
    SignatureRegexValidator,
)
from kb.lint.symptoms import SymptomDuplicateValidator
from kb.lint.trees import (
    LeafCauseValidator,
    LeafFixValidator,
    NodeDuplicateIdValidator,
    NodeTypeFieldsValidator,
    OptionDuplicateIdValidator,
    OptionReservedIdValidator,
    QuestionDefaultValidator,
    QuestionOptionsValidator,
    TreeCycleValidator,
    TreeUnreachableNodeValidator,
)
from kb.loader import KnowledgeBase

VALIDATORS: tuple[type[Validator], ...] = (
    EntityLoadValidator,
    EntityDuplicateIdValidator,
    EntityFilenameValidator,
    FixReferenceValidator,
    NoteReferenceValidator,
    CauseReferenceValidator,
    NodeReferenceValidator,
    DefaultReferenceValidator,
    TreeUnreachableNodeValidator,
    TreeCycleValidator,
    QuestionOptionsValidator,
    QuestionDefaultValidator,
    LeafCauseValidator,
    LeafFixValidator,
    NodeDuplicateIdValidator,
    OptionDuplicateIdValidator,
    OptionReservedIdValidator,
    NodeTypeFieldsValidator,
    CauseMissingValidator,
    TriageTreeCountValidator,
    TriageCoverageValidator,
    CauseTreeValidator,
    CauseTreeReachValidator,
    CauseSymptomsValidator,
    FixOrphanValidator,
    FixBacklinkValidator,
    NoteUnusedValidator,
    FactNameValidator,
    FactValueValidator,
    FactOperatorValidator,
    SignatureRegexValidator,
    SignatureMatchValidator,
    SignatureNoMatchValidator,
    SignatureExamplesValidator,
    SignatureRegexSafetyValidator,
    SymptomDuplicateValidator,
)


def run_lint(
    kb: KnowledgeBase,
    *,
    exclusions_path: Path | None = None,
    validators: Sequence[type[Validator]] = VALIDATORS,
) -> list[LintIssue]:
    """Every issue of ``kb`` that is not excluded, sorted by file and line.

    Load ``kb`` with ``load_kb(collect_errors=True)`` so files the loader refused are reported
    too.

    Args:
        kb: the knowledge base to check.
        exclusions_path: reviewed exclusions; default ``lint-exclusions.yaml`` next to ``kb.root``.
        validators: the checks to run (all of them by default).

    Returns:
        The issues, errors and warnings alike.

    Raises:
        KBLoadError: the exclusions file is malformed.
    """
    path = exclusions_path or default_exclusions_path(kb.root)
    issues = [issue for validator in validators for issue in validator().check(kb)]
    kept = apply_exclusions(kb, issues, load_exclusions(path), path)
    return sorted(kept, key=lambda i: (i.path, i.line or 0, i.check_id, i.message))
