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
        try:
            number = float(value)
        except ValueError:
            return False
        if cond.at_least is not None and number < cond.at_least:
            return False
        if cond.below is not None and number >= cond.below:
            return False
    return True


def first_satisfying(cond: FactCondition, candidates: Iterable[tuple[str, T]]) -> T | None:
    """The first ``item`` of ``(value, item)`` pairs whose value satisfies ``cond``."""
    for value, item in candidates:
        if holds(cond, value):
            return item
    return None
