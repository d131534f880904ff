"""Cross-file and in-tree references that must resolve."""

from __future__ import annotations

from collections.abc import Iterator

from kb.lint.base import NodeValidator, TreeValidator, Validator
from kb.lint.issues import LintIssue
from kb.loader import KnowledgeBase
from kb.models import Node, Tree


class FixReferenceValidator(Validator):
    """``cause.fixes`` and leaf ``node.fixes`` name existing fixes."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for cause in kb.causes.values():
            for i, fix_id in enumerate(cause.fixes):
                if fix_id not in kb.fixes:
                    yield self.issue(kb, "causes", cause.id, ("fixes", i), _missing("fix", fix_id))
        for tree in kb.trees.values():
            for n, node in enumerate(tree.nodes):
                for i, fix_id in enumerate(node.fixes):
                    if fix_id not in kb.fixes:
                        field = ("nodes", n, "fixes", i)
                        yield self.issue(kb, "trees", tree.id, field, _missing("fix", fix_id))


class NoteReferenceValidator(Validator):
    """``cause.notes`` name existing notes."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for cause in kb.causes.values():
            for i, note_id in enumerate(cause.notes):
                if note_id not in kb.notes:
                    yield self.issue(
                        kb, "causes", cause.id, ("notes", i), _missing("note", note_id)
                    )


class CauseReferenceValidator(Validator):
    """Fixes, symptom sets, trees, leaves and signatures point at causes that have a file."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        refs: list[tuple[str, str, tuple[str | int, ...], str | None]] = []
        for fix in kb.fixes.values():
            refs += [("fixes", fix.id, ("causes", i), c) for i, c in enumerate(fix.causes)]
        for symptoms in kb.symptoms.values():
            refs.append(("symptoms", symptoms.id, ("cause",), symptoms.cause))
        for tree in kb.trees.values():
            refs.append(("trees", tree.id, ("cause",), tree.cause))
            refs += [("trees", tree.id, ("nodes", n, "cause"), node.cause)
                     for n, node in enumerate(tree.nodes)]  # fmt: skip
        for sig in kb.signatures.values():
            refs += [("signatures", sig.id, ("points_to", i, "cause"), w.cause)
                     for i, w in enumerate(sig.points_to)]  # fmt: skip
        for kind, entity_id, field, cause_id in refs:
            if cause_id is not None and cause_id not in kb.causes:
                yield self.issue(kb, kind, entity_id, field, _missing("cause", cause_id))


class NodeReferenceValidator(TreeValidator):
    """``tree.start`` and every ``option.next`` name a node of the same tree."""

    def validate_tree(self, kb: KnowledgeBase, tree: Tree) -> Iterator[LintIssue]:
        node_ids = {node.id for node in tree.nodes}
        if tree.start not in node_ids:
            yield self.tree_issue(kb, tree, ("start",), _missing("node", tree.start, tree.id))
        for n, node in enumerate(tree.nodes):
            for o, option in enumerate(node.options):
                if option.next not in node_ids:
                    field = ("nodes", n, "options", o, "next")
                    yield self.tree_issue(kb, tree, field, _missing("node", option.next, tree.id))


class DefaultReferenceValidator(NodeValidator):
    """``node.default`` is the id of one of that node's options."""

    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        option_ids = [option.id for option in node.options]
        if node.default is not None and node.default not in option_ids:
            problem = f"default {node.default!r} is none of the options {option_ids} of {node.id!r}"
            yield self.tree_issue(kb, tree, ("nodes", index, "default"), problem)


def _missing(kind: str, ref: str, tree_id: str | None = None) -> str:
    where = f" in tree {tree_id!r}" if tree_id else ""
    return f"{kind} {ref!r} does not exist{where}"
