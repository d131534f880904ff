"""Validator base classes: one class per check, the check id derived from the class name.

Validator                  check(kb) over the whole knowledge base
 ├── TreeValidator         validate_tree(kb, tree) for every decision tree
 │    └── NodeValidator    validate_node(kb, tree, index, node) for every node
 └── SignatureValidator    validate_signature(kb, signature) for every log signature
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from kb.lint.issues import FieldPath, LintIssue, Severity, display_path, line_of
from kb.loader import KnowledgeBase
from kb.models import Node, Signature, Tree


def check_id_for(class_name: str) -> str:
    """``TreeCycleValidator`` -> ``tree-cycle``."""
    stem = class_name.removesuffix("Validator")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", stem).lower()


class Validator(ABC):
    """One lint check. Subclasses set ``severity`` and implement :meth:`check`."""

    severity: ClassVar[Severity] = "error"
    check_id: ClassVar[str] = "validator"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.check_id = check_id_for(cls.__name__)

    @abstractmethod
    def check(self, kb: KnowledgeBase) -> Iterable[LintIssue]:
        """Every issue this check finds in ``kb``."""

    def issue(
        self, kb: KnowledgeBase, kind: str, entity_id: str, field: FieldPath, problem: str
    ) -> LintIssue:
        """An issue about ``field`` of the entity ``kind/entity_id``, located in its file."""
        path = kb.paths.get((kind, entity_id), kb.root / kind / f"{entity_id}.yaml")
        return self.issue_at(path, kind, entity_id, field, problem)

    def issue_at(
        self, path: Path, kind: str, entity_id: str, field: FieldPath, problem: str
    ) -> LintIssue:
        dotted = ".".join(str(part) for part in field) or None
        return LintIssue(
            path=display_path(path),
            line=line_of(path, field) if path.exists() else None,
            severity=self.severity,
            check_id=self.check_id,
            kind=kind,
            entity_id=entity_id,
            field=dotted,
            message=f"{dotted}: {problem}" if dotted else problem,
        )


class TreeValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for tree in kb.trees.values():
            yield from self.validate_tree(kb, tree)

    @abstractmethod
    def validate_tree(self, kb: KnowledgeBase, tree: Tree) -> Iterable[LintIssue]:
        """Issues of one decision tree."""

    def tree_issue(
        self, kb: KnowledgeBase, tree: Tree, field: FieldPath, problem: str
    ) -> LintIssue:
        return self.issue(kb, "trees", tree.id, field, problem)


class NodeValidator(TreeValidator):
    def validate_tree(self, kb: KnowledgeBase, tree: Tree) -> Iterator[LintIssue]:
        for index, node in enumerate(tree.nodes):
            yield from self.validate_node(kb, tree, index, node)

    @abstractmethod
    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterable[LintIssue]:
        """Issues of one node (``tree.nodes[index]``)."""


class SignatureValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for signature in kb.signatures.values():
            yield from self.validate_signature(kb, signature)

    @abstractmethod
    def validate_signature(self, kb: KnowledgeBase, signature: Signature) -> Iterable[LintIssue]:
        """Issues of one log signature."""

    def signature_issue(
        self, kb: KnowledgeBase, signature: Signature, field: FieldPath, problem: str
    ) -> LintIssue:
        return self.issue(kb, "signatures", signature.id, field, problem)
