"""Fact conditions (service/engine/conditions.py), shared by fact rules and tree auto-answers."""

from __future__ import annotations

from kb.models import FactCondition
from service.engine.conditions import first_satisfying


def test_a_bound_from_below_is_met_by_any_value() -> None:
    cond = FactCondition(fact="num_tasks", at_least=100_000)
    assert first_satisfying(cond, [("8", "a"), ("400000", "b")]) == "b"


def test_a_bound_from_above_must_hold_for_every_value() -> None:
    """'Fewer than 100 tasks' is not true of a log whose stages had 8 and 5,000."""
    cond = FactCondition(fact="num_tasks", below=100)
    assert first_satisfying(cond, [("8", "a"), ("5000", "b")]) is None
    assert first_satisfying(cond, [("8", "a"), ("40", "b")]) == "b"


def test_values_that_are_not_numbers_are_not_compared() -> None:
    assert first_satisfying(FactCondition(fact="num_tasks", below=100), [("many", "a")]) is None
    assert first_satisfying(FactCondition(fact="deploy_mode", equals="local"), [("local", 1)]) == 1
