"""Fact conditions (``kb.models.FactCondition``), shared by fact rules and tree auto-answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from kb.models import FactCondition

T = TypeVar("T")


def holds(cond: FactCondition, value: str) -> bool:
    """Whether one fact value satisfies the condition (numbers compare as floats)."""
    if cond.equals is not None and value != cond.equals:
        return False
    if cond.one_of is not None and value not in cond.one_of:
        return False
    if cond.at_least is not None or cond.below is not None:
        number = _number(value)
        if number is None:
            return False
        if cond.at_least is not None and number < cond.at_least:
            return False
        if cond.below is not None and number >= cond.below:
            return False
    return True


def first_satisfying(cond: FactCondition, candidates: Iterable[tuple[str, T]]) -> T | None:
    """The first ``item`` of ``(value, item)`` pairs whose value satisfies ``cond``.

    A number held below a bound is held by every value: "fewer than 100 tasks" is not true of
    a log whose stages had 8 and 5,000, so only the largest value is tested (and is the item).
    """
    pairs = list(candidates)
    if cond.below is not None:
        known = [
            (number, value, item) for value, item in pairs if (number := _number(value)) is not None
        ]
        if known:
            _, value, item = max(known, key=lambda n: n[0])
            return item if holds(cond, value) else None
    for value, item in pairs:
        if holds(cond, value):
            return item
    return None


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None
