"""Knowledge-base lint: cross-file checks the pydantic models cannot express on their own."""

from kb.lint.base import Validator, check_id_for
from kb.lint.exclusions import load_exclusions
from kb.lint.issues import LintIssue, Severity, line_of
from kb.lint.runner import VALIDATORS, run_lint

__all__ = [
    "VALIDATORS",
    "LintIssue",
    "Severity",
    "Validator",
    "check_id_for",
    "line_of",
    "load_exclusions",
    "run_lint",
]
