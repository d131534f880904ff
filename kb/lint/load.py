"""Files the loader refused (``load_kb(collect_errors=True)``), reported as lint issues."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from pathlib import Path

from kb.errors import KBLoadError
from kb.lint.base import Validator
from kb.lint.issues import LintIssue, display_path
from kb.loader import KnowledgeBase


def _is_duplicate(error: KBLoadError) -> bool:
    return error.message.startswith("duplicate ")


def _is_filename_mismatch(error: KBLoadError) -> bool:
    return "does not match the file name" in error.message


class _LoadErrorValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for error in kb.load_errors:
            if self.applies_to(error):
                yield self._issue(kb, error)

    @abstractmethod
    def applies_to(self, error: KBLoadError) -> bool:
        """Whether this check reports ``error``."""

    def _issue(self, kb: KnowledgeBase, error: KBLoadError) -> LintIssue:
        path = Path(error.location.path)
        if not path.is_absolute():
            # The loader shows paths relative to the parent of the data root.
            path = kb.root.parent / path
        field = error.location.field
        return LintIssue(
            path=display_path(path),
            line=error.location.line,
            severity=self.severity,
            check_id=self.check_id,
            kind=path.parent.name,
            entity_id=path.stem,
            field=field,
            message=f"{field}: {error.message}" if field else error.message,
        )


class EntityLoadValidator(_LoadErrorValidator):
    """Invalid YAML, or a file that does not fit its model (unknown field, wrong type, ...)."""

    def applies_to(self, error: KBLoadError) -> bool:
        return not (_is_duplicate(error) or _is_filename_mismatch(error))


class EntityDuplicateIdValidator(_LoadErrorValidator):
    """Two files of one kind declare the same id (e.g. ``x.yaml`` and ``x.yml``)."""

    def applies_to(self, error: KBLoadError) -> bool:
        return _is_duplicate(error)


class EntityFilenameValidator(_LoadErrorValidator):
    """The ``id`` field differs from the file name."""

    def applies_to(self, error: KBLoadError) -> bool:
        return _is_filename_mismatch(error)
