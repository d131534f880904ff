"""Log signatures: the regex compiles, is proven by its examples and cannot blow up."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.lint.base import SignatureValidator
from kb.lint.issues import LintIssue
from kb.lint.regex_safety import regex_risks
from kb.loader import KnowledgeBase
from kb.models import Signature


def signature_flags(signature: Signature) -> int:
    return re.IGNORECASE if signature.ignore_case else 0


def compile_signature(signature: Signature) -> re.Pattern[str]:
    """The signature's regex with its flags; lines are tested with ``search`` (anywhere).

    Raises:
        re.error: the pattern does not compile.
    """
    return re.compile(signature.pattern, signature_flags(signature))


def _compiled(signature: Signature) -> re.Pattern[str] | None:
    try:
        return compile_signature(signature)
    except re.error:
        return None  # signature-regex reports it


class SignatureRegexValidator(SignatureValidator):
    def validate_signature(self, kb: KnowledgeBase, signature: Signature) -> Iterator[LintIssue]:
        try:
            compile_signature(signature)
        except re.error as exc:
            problem = f"regex does not compile: {exc}"
            yield self.signature_issue(kb, signature, ("pattern",), problem)


class SignatureMatchValidator(SignatureValidator):
    """The regex finds every ``examples.match`` line."""

    def validate_signature(self, kb: KnowledgeBase, signature: Signature) -> Iterator[LintIssue]:
        regex = _compiled(signature)
        if regex is None:
            return
        for i, line in enumerate(signature.examples.match):
            if not regex.search(line):
                problem = f"regex does not match its example {line!r}"
                yield self.signature_issue(kb, signature, ("examples", "match", i), problem)


class SignatureNoMatchValidator(SignatureValidator):
    """The regex finds none of the ``examples.no_match`` lines."""

    def validate_signature(self, kb: KnowledgeBase, signature: Signature) -> Iterator[LintIssue]:
        regex = _compiled(signature)
        if regex is None:
            return
        for i, line in enumerate(signature.examples.no_match):
            if regex.search(line):
                problem = f"regex matches its negative example {line!r}"
                yield self.signature_issue(kb, signature, ("examples", "no_match", i), problem)


class SignatureExamplesValidator(SignatureValidator):
    """Examples are real lines: not blank, and never both a match and a no_match.

    Missing ``examples`` (or an empty list) is already refused by the model and reported by
    entity-load with the field ``examples``.
    """

    def validate_signature(self, kb: KnowledgeBase, signature: Signature) -> Iterator[LintIssue]:
        examples = signature.examples
        for part, lines in (("match", examples.match), ("no_match", examples.no_match)):
            for i, line in enumerate(lines):
                if not line.strip():
                    problem = f"examples.{part} has a blank line"
                    yield self.signature_issue(kb, signature, ("examples", part, i), problem)
        for i, line in enumerate(examples.no_match):
            if line in examples.match:
                problem = f"{line!r} is listed both as match and as no_match"
                yield self.signature_issue(kb, signature, ("examples", "no_match", i), problem)


class SignatureRegexSafetyValidator(SignatureValidator):
    """Heuristic catastrophic-backtracking check (see :mod:`kb.lint.regex_safety`)."""

    severity = "warning"

    def validate_signature(self, kb: KnowledgeBase, signature: Signature) -> Iterator[LintIssue]:
        if _compiled(signature) is None:
            return
        for risk in regex_risks(signature.pattern, signature_flags(signature)):
            problem = f"regex risks catastrophic backtracking: {risk}"
            yield self.signature_issue(kb, signature, ("pattern",), problem)
