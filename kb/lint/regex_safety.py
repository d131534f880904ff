"""A heuristic for catastrophic backtracking, read from the parsed regex rather than its text.

Two shapes are flagged:

* a repeat with no upper bound nested inside another one (``(a+)+``, ``(.*)*``, ``(x|\\w+)+``),
  unless every round of the outer repeat must match a literal character that none of the inner
  repeats can match (``(\\w+\\.)+`` is delimited by the dot and safe);
* more than one unbounded ``.*``/``.+``: each can split a long non-matching line anywhere, so
  ``re.search`` tries a polynomial number of splits per start position.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# re._parser is private but stable in 3.11; sre_parse (its public alias) warns on import.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_CATEGORY_TESTS: dict[Any, Callable[[str], bool]] = {
    _c.CATEGORY_DIGIT: str.isdigit,
    _c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
    _c.CATEGORY_SPACE: str.isspace,
    _c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    _c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    _c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}


def regex_risks(pattern: str, flags: int = 0) -> list[str]:
    """Reasons ``pattern`` risks catastrophic backtracking; empty when it looks safe.

    Args:
        pattern: a regular expression that compiles.
        flags: the ``re`` flags it is compiled with.

    Returns:
        One human-readable reason per risky construct.
    """
    tree = _parser.parse(pattern, flags)
    nested = dict.fromkeys(_nested(list(tree), inside=False))
    risks = [f"unbounded repeat {r}" for r in nested]
    dots = _count_unbounded_dots(list(tree))
    if dots > 1:
        risks.append(f"{dots} unbounded '.*'/'.+' in one pattern")
    return risks


def _unbounded(op: Any, av: Any) -> bool:
    return op in _REPEATS and av[1] == _c.MAXREPEAT


def _children(op: Any, av: Any) -> list[list[Any]]:
    """Sub-patterns of one parsed item."""
    if op in _REPEATS or op is _c.POSSESSIVE_REPEAT:
        return [list(av[2])]
    if op is _c.SUBPATTERN:
        return [list(av[3])]
    if op is _c.BRANCH:
        return [list(branch) for branch in av[1]]
    if op is _c.ATOMIC_GROUP:
        return [list(av)]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [list(av[1])]
    return []


def _nested(items: list[Any], inside: bool) -> list[str]:
    found: list[str] = []
    for op, av in items:
        if _unbounded(op, av):
            body = list(av[2])
            if inside:
                found.append(_describe(body))
            elif not _delimited(body):
                found += _nested(body, inside=True)
            continue
        for child in _children(op, av):
            found += _nested(child, inside)
    return found


_NAMES = {"ANY": "'.'", "IN": "a character class", "LITERAL": "a literal", "NOT_LITERAL": "[^x]"}


def _describe(body: list[Any]) -> str:
    what = _NAMES.get(str(body[0][0]), "a group") if len(body) == 1 else "a group"
    return f"of {what} inside another unbounded repeat"


def _delimited(body: list[Any]) -> bool:
    """Whether a required literal of ``body`` can never be eaten by a repeat inside it."""
    while len(body) == 1 and body[0][0] is _c.SUBPATTERN:
        body = list(body[0][1][3])
    inner = _inner_repeat_items(body)
    required = [av for op, av in body if op is _c.LITERAL]
    return any(not any(_item_matches(item, chr(code)) for item in inner) for code in required)


def _inner_repeat_items(items: list[Any]) -> list[tuple[Any, Any]]:
    """The single items repeated by the unbounded repeats under ``items`` (any depth)."""
    found: list[tuple[Any, Any]] = []
    for op, av in items:
        if _unbounded(op, av):
            body = list(av[2])
            found += body if len(body) == 1 else [(_c.ANY, None)]
        for child in _children(op, av):
            found += _inner_repeat_items(child)
    return found


def _item_matches(item: tuple[Any, Any], ch: str) -> bool:
    """Conservative: True unless the item surely cannot match ``ch``."""
    op, av = item
    if op is _c.LITERAL:
        return bool(av == ord(ch))
    if op is _c.NOT_LITERAL:
        return bool(av != ord(ch))
    if op is _c.IN:
        return _set_matches(av, ch)
    return True


def _set_matches(members: list[Any], ch: str) -> bool:
    negate = bool(members) and members[0][0] is _c.NEGATE
    hit = False
    for op, av in members[1:] if negate else members:
        if op is _c.LITERAL:
            hit = hit or av == ord(ch)
        elif op is _c.RANGE:
            hit = hit or av[0] <= ord(ch) <= av[1]
        elif op is _c.CATEGORY and av in _CATEGORY_TESTS:
            hit = hit or bool(_CATEGORY_TESTS[av](ch))
        else:
            return True
    return hit != negate


def _count_unbounded_dots(items: list[Any]) -> int:
    count = 0
    for op, av in items:
        if _unbounded(op, av) and [o for o, _ in av[2]] == [_c.ANY]:
            count += 1
            continue
        for child in _children(op, av):
            count += _count_unbounded_dots(child)
    return count
