"""Completeness: every canonical cause is covered end to end, and nothing is left unused."""

from __future__ import annotations

from collections.abc import Iterator

from kb.lint.base import Validator
from kb.lint.issues import LintIssue
from kb.lint.trees import reachable_nodes
from kb.loader import KnowledgeBase
from kb.models import CAUSE_IDS, Tree


def _triage_trees(kb: KnowledgeBase) -> list[Tree]:
    return [tree for tree in kb.trees.values() if tree.kind == "triage"]


def leaf_causes(tree: Tree) -> set[str]:
    """Causes concluded by the leaves reachable from the tree's start."""
    reached = reachable_nodes(tree)
    return {n.cause for n in tree.nodes if n.id in reached and n.cause is not None}


class CauseMissingValidator(Validator):
    """Every canonical cause id (``kb.models.CAUSE_IDS``) has a cause file."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for cause_id in CAUSE_IDS:
            if cause_id not in kb.causes:
                yield self.issue(kb, "causes", cause_id, (), f"cause {cause_id!r} has no file")


class TriageTreeCountValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        triage = _triage_trees(kb)
        if not triage:
            path = kb.root / "trees"
            yield self.issue_at(path, "trees", "-", (), "there is no tree of kind 'triage'")
        for tree in triage[1:]:
            others = ", ".join(repr(t.id) for t in triage if t is not tree)
            problem = f"more than one triage tree (also {others})"
            yield self.issue(kb, "trees", tree.id, ("kind",), problem)


class TriageCoverageValidator(Validator):
    """Walking the triage tree must be able to end at every canonical cause."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for tree in _triage_trees(kb):
            reached = leaf_causes(tree)
            for cause_id in CAUSE_IDS:
                if cause_id not in reached:
                    problem = f"no reachable leaf concludes cause {cause_id!r}"
                    yield self.issue(kb, "trees", tree.id, ("nodes",), problem)


class CauseTreeValidator(Validator):
    """Every cause has exactly one tree of kind 'cause', and every such tree names its cause."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        cause_trees = [t for t in kb.trees.values() if t.kind == "cause"]
        for tree in cause_trees:
            if tree.cause is None:
                yield self.issue(kb, "trees", tree.id, ("kind",), "a 'cause' tree must set cause")
        for cause_id in kb.causes:
            ids = [t.id for t in cause_trees if t.cause == cause_id]
            if len(ids) != 1:
                problem = f"cause {cause_id!r} has {len(ids)} trees of kind 'cause' {ids}, needs 1"
                yield self.issue(kb, "causes", cause_id, (), problem)


class CauseSymptomsValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        covered = {symptoms.cause for symptoms in kb.symptoms.values()}
        for cause_id in kb.causes:
            if cause_id not in covered:
                problem = f"cause {cause_id!r} has no symptom set (kb/data/symptoms)"
                yield self.issue(kb, "causes", cause_id, (), problem)


def used_fixes(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Fix id -> causes that use it, through ``cause.fixes`` or a leaf's ``fixes``."""
    used: dict[str, set[str]] = {}
    for cause in kb.causes.values():
        for fix_id in cause.fixes:
            used.setdefault(fix_id, set()).add(cause.id)
    for tree in kb.trees.values():
        for node in tree.nodes:
            for fix_id in node.fixes:
                used.setdefault(fix_id, set()).update([node.cause] if node.cause else [])
    return used


class FixOrphanValidator(Validator):
    """Every fix is offered somewhere: by a cause or by a tree leaf."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        used = used_fixes(kb)
        for fix_id in kb.fixes:
            if fix_id not in used:
                problem = f"fix {fix_id!r} is listed by no cause and no tree leaf"
                yield self.issue(kb, "fixes", fix_id, (), problem)


class FixBacklinkValidator(Validator):
    """``fix.causes`` agrees with the causes (and leaves) that actually offer the fix."""

    severity = "warning"

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        used = used_fixes(kb)
        for fix in kb.fixes.values():
            offered_by = used.get(fix.id, set())
            for i, cause_id in enumerate(fix.causes):
                if fix.id in used and cause_id not in offered_by:
                    problem = f"cause {cause_id!r} does not list fix {fix.id!r} (nor does a leaf)"
                    yield self.issue(kb, "fixes", fix.id, ("causes", i), problem)
            for offering in sorted(offered_by - set(fix.causes)):
                problem = f"cause {offering!r} offers this fix but is missing from causes"
                yield self.issue(kb, "fixes", fix.id, ("causes",), problem)


class NoteUnusedValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        used = {note_id for cause in kb.causes.values() for note_id in cause.notes}
        for note_id in kb.notes:
            if note_id not in used:
                problem = f"note {note_id!r} is listed by no cause"
                yield self.issue(kb, "notes", note_id, (), problem)


# From any cause tree, every other cause's fix page must be this few answers away.
MAX_ANSWERS_TO_ANOTHER_CAUSE = 3


def answers_between_causes(kb: KnowledgeBase, tree: Tree, cause: str) -> int | None:
    """The fewest answers from cause tree ``tree`` to ``cause``'s fix page: inside the tree, or
    by "none of these" at its first question into ``cause``'s own tree (the walk moves to the
    next hypothesis; every ranked cause is one), or that way into triage."""
    routes = [tree.answers_to(cause)]
    own = kb.tree_for_cause(cause)
    if own is not None:
        inside = own.answers_to(cause)
        routes.append(None if inside is None else 1 + inside)
    for triage in _triage_trees(kb):
        through = triage.answers_to(cause)
        routes.append(None if through is None else 1 + through)
    found = [r for r in routes if r is not None]
    return min(found) if found else None


class CauseTreeReachValidator(Validator):
    """The differential walk can get anywhere: from every cause tree, every other cause's fix
    page is at most MAX_ANSWERS_TO_ANOTHER_CAUSE answers away (ways out included)."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for tree in kb.trees.values():
            if tree.kind != "cause":
                continue
            for cause_id in CAUSE_IDS:
                if cause_id not in kb.causes:
                    continue
                answers = answers_between_causes(kb, tree, cause_id)
                if answers is None:
                    problem = f"no walk from this tree reaches cause {cause_id!r}"
                elif answers > MAX_ANSWERS_TO_ANOTHER_CAUSE:
                    problem = (
                        f"cause {cause_id!r} is {answers} answers away from this tree "
                        f"(at most {MAX_ANSWERS_TO_ANOTHER_CAUSE})"
                    )
                else:
                    continue
                yield self.issue(kb, "trees", tree.id, ("nodes",), problem)
