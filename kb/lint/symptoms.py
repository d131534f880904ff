"""Symptom phrasings: each should point at one cause, or retrieval cannot tell causes apart."""

from __future__ import annotations

from collections.abc import Iterator

from kb.lint.base import Validator
from kb.lint.issues import LintIssue
from kb.loader import KnowledgeBase


def _normalized(phrasing: str) -> str:
    return " ".join(phrasing.lower().split())


class SymptomDuplicateValidator(Validator):
    """The same phrasing (ignoring case and spacing) in the symptom sets of two causes."""

    severity = "warning"

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        first: dict[str, tuple[str, str]] = {}  # phrasing -> (symptom set id, cause)
        for symptoms in sorted(kb.symptoms.values(), key=lambda s: s.id):
            for i, phrasing in enumerate(symptoms.phrasings):
                key = _normalized(phrasing)
                owner = first.setdefault(key, (symptoms.id, symptoms.cause))
                if owner[0] != symptoms.id and owner[1] != symptoms.cause:
                    problem = (
                        f"{phrasing!r} also appears in {owner[0]!r} (cause {owner[1]!r}); "
                        "keep it under one cause"
                    )
                    yield self.issue(kb, "symptoms", symptoms.id, ("phrasings", i), problem)
