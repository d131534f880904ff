"""Decision-tree shape: nodes reachable, no loops, questions answerable, leaves useful."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from kb.lint.base import NodeValidator, TreeValidator
from kb.lint.issues import LintIssue
from kb.loader import KnowledgeBase
from kb.models import RESERVED_ANSWERS, Node, Tree


def reachable_nodes(tree: Tree) -> set[str]:
    """Ids of the nodes reachable from ``tree.start`` by following options."""
    by_id = {node.id: node for node in tree.nodes}
    seen: set[str] = set()
    stack = [tree.start] if tree.start in by_id else []
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        stack += [o.next for o in by_id[node_id].options if o.next in by_id]
    return seen


class TreeUnreachableNodeValidator(TreeValidator):
    def validate_tree(self, kb: KnowledgeBase, tree: Tree) -> Iterator[LintIssue]:
        if tree.start not in {node.id for node in tree.nodes}:
            return  # node-reference reports the missing start; everything would be unreachable
        reached = reachable_nodes(tree)
        for n, node in enumerate(tree.nodes):
            if node.id not in reached:
                problem = f"node {node.id!r} cannot be reached from start {tree.start!r}"
                yield self.tree_issue(kb, tree, ("nodes", n, "id"), problem)


class TreeCycleValidator(TreeValidator):
    """Following options must always end at a leaf; an option leading back is a loop."""

    def validate_tree(self, kb: KnowledgeBase, tree: Tree) -> Iterator[LintIssue]:
        index = {node.id: n for n, node in enumerate(tree.nodes)}
        state: dict[str, int] = {}  # 1 = on the current path, 2 = fully explored
        path: list[str] = []

        def visit(node_id: str) -> Iterator[LintIssue]:
            state[node_id] = 1
            path.append(node_id)
            node = tree.nodes[index[node_id]]
            for o, option in enumerate(node.options):
                if option.next not in index:
                    continue
                if state.get(option.next) == 1:
                    loop = [*path[path.index(option.next) :], option.next]
                    field = ("nodes", index[node_id], "options", o, "next")
                    problem = f"option {option.id!r} closes the loop {' -> '.join(loop)}"
                    yield self.tree_issue(kb, tree, field, problem)
                elif option.next not in state:
                    yield from visit(option.next)
            path.pop()
            state[node_id] = 2

        for node in tree.nodes:
            if node.id not in state:
                yield from visit(node.id)


class QuestionOptionsValidator(NodeValidator):
    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        if node.type == "question" and not node.options:
            problem = f"question {node.id!r} has no options"
            yield self.tree_issue(kb, tree, ("nodes", index, "id"), problem)


class QuestionDefaultValidator(NodeValidator):
    """Every question needs a default: the branch taken when the user does not know."""

    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        if node.type == "question" and node.options and node.default is None:
            problem = f"question {node.id!r} has no default option for 'I don't know'"
            yield self.tree_issue(kb, tree, ("nodes", index, "id"), problem)


class LeafCauseValidator(NodeValidator):
    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        if node.type == "leaf" and node.cause is None:
            problem = f"leaf {node.id!r} names no cause"
            yield self.tree_issue(kb, tree, ("nodes", index, "id"), problem)


class LeafFixValidator(NodeValidator):
    """A leaf must end at a fix that exists: its own ``fixes`` or, when empty, its cause's."""

    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        if node.type != "leaf" or node.cause is None:
            return
        cause = kb.causes.get(node.cause)
        offered = node.fixes or (cause.fixes if cause else [])
        if not any(fix_id in kb.fixes for fix_id in offered):
            problem = f"leaf {node.id!r} reaches no existing fix (own or of cause {node.cause!r})"
            yield self.tree_issue(kb, tree, ("nodes", index, "id"), problem)


class NodeDuplicateIdValidator(TreeValidator):
    def validate_tree(self, kb: KnowledgeBase, tree: Tree) -> Iterator[LintIssue]:
        counts = Counter(node.id for node in tree.nodes)
        seen: set[str] = set()
        for n, node in enumerate(tree.nodes):
            if counts[node.id] > 1 and node.id in seen:
                problem = f"node id {node.id!r} is used {counts[node.id]} times in the tree"
                yield self.tree_issue(kb, tree, ("nodes", n, "id"), problem)
            seen.add(node.id)


class OptionDuplicateIdValidator(NodeValidator):
    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        seen: set[str] = set()
        for o, option in enumerate(node.options):
            if option.id in seen:
                problem = f"option id {option.id!r} repeats in node {node.id!r}"
                yield self.tree_issue(kb, tree, ("nodes", index, "options", o, "id"), problem)
            seen.add(option.id)


class NodeTypeFieldsValidator(NodeValidator):
    """Questions ask (options, default, facts); leaves conclude (cause, fixes). Never both."""

    _LEAF_ONLY = ("cause", "fixes")
    _QUESTION_ONLY = ("options", "default", "facts")

    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        wrong = self._LEAF_ONLY if node.type == "question" else self._QUESTION_ONLY
        for name in wrong:
            if getattr(node, name):
                problem = f"{node.type} {node.id!r} must not set {name!r}"
                yield self.tree_issue(kb, tree, ("nodes", index, name), problem)


class OptionReservedIdValidator(NodeValidator):
    """Option ids must not be the answers every step accepts (``unknown``, ``none_of_these``,
    ``no_match``): the walk would read them as a way out."""

    def validate_node(
        self, kb: KnowledgeBase, tree: Tree, index: int, node: Node
    ) -> Iterator[LintIssue]:
        for o, option in enumerate(node.options):
            if option.id in RESERVED_ANSWERS:
                problem = f"option id {option.id!r} is reserved for the walk's ways out"
                yield self.tree_issue(kb, tree, ("nodes", index, "options", o, "id"), problem)
