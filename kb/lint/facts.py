"""Fact names and values used by trees and signatures come from ``kb/data/facts.yaml``."""

from __future__ import annotations

from collections.abc import Iterator

from kb.lint.base import Validator
from kb.lint.issues import LintIssue
from kb.loader import KnowledgeBase
from kb.models import FactCondition, FactSpec

Field = tuple[str | int, ...]


def _conditions(kb: KnowledgeBase) -> Iterator[tuple[str, str, Field, FactCondition]]:
    """(kind, entity id, field, condition) of every fact condition in trees and rules."""
    for rule in kb.rules.values():
        for w, condition in enumerate(rule.when):
            yield "rules", rule.id, ("when", w), condition
        for w, condition in enumerate(rule.unless):
            yield "rules", rule.id, ("unless", w), condition
    for tree in kb.trees.values():
        for n, node in enumerate(tree.nodes):
            for o, option in enumerate(node.options):
                for w, condition in enumerate(option.when):
                    yield "trees", tree.id, ("nodes", n, "options", o, "when", w), condition


def _fact_names(kb: KnowledgeBase) -> Iterator[tuple[str, str, Field, str]]:
    """(kind, entity id, field, fact name) of every place a fact is named."""
    for tree in kb.trees.values():
        for n, node in enumerate(tree.nodes):
            for i, name in enumerate(node.facts):
                yield "trees", tree.id, ("nodes", n, "facts", i), name
    for kind, entity_id, field, condition in _conditions(kb):
        yield kind, entity_id, (*field, "fact"), condition.fact
    for signature in kb.signatures.values():
        for name in signature.sets_facts:
            yield "signatures", signature.id, ("sets_facts", name), name


class FactNameValidator(Validator):
    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for kind, entity_id, field, name in _fact_names(kb):
            if name not in kb.facts:
                problem = f"fact {name!r} is not in the vocabulary (kb/data/facts.yaml)"
                yield self.issue(kb, kind, entity_id, field, problem)


def _value_problem(name: str, spec: FactSpec, value: str) -> str | None:
    if spec.type == "enum" and value not in spec.values:
        return f"{value!r} is not a value of fact {name!r}; allowed: {', '.join(spec.values)}"
    if spec.type == "number":
        try:
            float(value)
        except ValueError:
            return f"fact {name!r} is a number, got {value!r}"
    return None


class FactValueValidator(Validator):
    """Values compared with or set on enum facts are allowed values; numbers parse."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for kind, tree_id, field, cond in _conditions(kb):
            spec = kb.facts.get(cond.fact)
            if spec is None or spec.type != "enum":
                continue
            tested: list[tuple[str | int, str]] = []
            tested += [("equals", cond.equals)] if cond.equals is not None else []
            tested += [(i, v) for i, v in enumerate(cond.one_of or [])]
            for part, value in tested:
                problem = _value_problem(cond.fact, spec, value)
                if problem:
                    place = (*field, part) if part == "equals" else (*field, "one_of", part)
                    yield self.issue(kb, kind, tree_id, place, problem)
        for signature in kb.signatures.values():
            for name, value in signature.sets_facts.items():
                spec = kb.facts.get(name)
                problem = _value_problem(name, spec, value) if spec else None
                if problem:
                    field = ("sets_facts", name)
                    yield self.issue(kb, "signatures", signature.id, field, problem)


class FactOperatorValidator(Validator):
    """at_least/below test number facts; equals/one_of test enum or text facts."""

    def check(self, kb: KnowledgeBase) -> Iterator[LintIssue]:
        for kind, tree_id, field, cond in _conditions(kb):
            spec = kb.facts.get(cond.fact)
            if spec is None:
                continue
            numeric = [op for op in ("at_least", "below") if getattr(cond, op) is not None]
            textual = [op for op in ("equals", "one_of") if getattr(cond, op) is not None]
            wrong = textual if spec.type == "number" else numeric
            for op in wrong:
                problem = f"{op!r} cannot test {spec.type} fact {cond.fact!r}"
                yield self.issue(kb, kind, tree_id, (*field, op), problem)
            if not numeric and not textual:
                problem = f"condition on {cond.fact!r} tests nothing (equals/one_of/at_least/below)"
                yield self.issue(kb, kind, tree_id, field, problem)
