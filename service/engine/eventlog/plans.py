"""Broadcast exchanges in the SQL plans an event log records, and what their size was.

A size comes from one of three places, best first: the ``data size`` metric of the
BroadcastExchange node (what was actually built, sent once the broadcast finished), the
runtime statistics adaptive execution prints on a ``BroadcastQueryStage``, or the optimizer's
estimate for the build side of the join, printed when ``spark.sql.ui.explainMode=cost``.
A broadcast that kills the driver is never finished, so only the estimate can name it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from service.engine.units import parse_size
from service.engine.vocabulary import SHUFFLE_PARTITIONING

_STAT = r"Statistics\(sizeInBytes=(\d+(?:\.\d+)?\s?[KMGT]?i?B)\b"
_QUERY_STAGE = re.compile(r"BroadcastQueryStage \((\d+)\), " + _STAT)
_STAT_RE = re.compile(_STAT)
# A tree line: the prefix of ':', spaces and the '+- ' / ':- ' marker, a codegen id, a name.
_NODE = re.compile(r"^((?:[ :]*?[:+]- )?)(?:\*\(\d+\) )?(\w+)")
_MARKER = re.compile(r"^([ :]*?)[:+]- ")
_BUILD = re.compile(r"Broadcast(?:HashJoin|NestedLoopJoin)\b.*\bBuild(Left|Right)\b")
MAX_PLAN_NODES = 20_000
# What every SHUFFLE_PARTITIONING match holds, and the names it can follow (lower case).
_PARTITIONING = "partitioning("
_PARTITIONING_NAMES = ("roundrobin", "hash", "range")


@dataclass(frozen=True)
class BroadcastSize:
    bytes: int
    how: str  # "built", "runtime statistics", "estimated"


def broadcast_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """BroadcastExchange nodes of a ``sparkPlanInfo`` tree (walked without recursion)."""
    stack, seen = [plan], 0
    while stack and seen < MAX_PLAN_NODES:
        node = stack.pop()
        seen += 1
        if node.get("nodeName") == "BroadcastExchange":
            yield node
        stack.extend(c for c in node.get("children", []) if isinstance(c, dict))


def data_size_accumulators(plan: dict[str, Any]) -> list[int]:
    """Accumulator ids of the ``data size`` metric of each broadcast exchange."""
    return [
        int(metric["accumulatorId"])
        for node in broadcast_nodes(plan)
        for metric in node.get("metrics", [])
        if metric.get("name") == "data size" and "accumulatorId" in metric
    ]


def described_sizes(description: str) -> list[BroadcastSize]:
    """Broadcast sizes a plan description states (runtime statistics or cost estimates)."""
    sizes = [
        BroadcastSize(size, "runtime statistics")
        for match in _QUERY_STAGE.finditer(description)
        if (size := parse_size(match.group(2))) is not None
    ]
    if "Statistics(sizeInBytes=" in description and "== Optimized Logical Plan ==" in description:
        sizes += [BroadcastSize(size, "estimated") for size in _estimated_build_sides(description)]
    return sizes


def shuffle_partitions(description: str) -> tuple[int, str] | None:
    """The most partitions any shuffle of a plan description writes, and the node saying so."""
    best: tuple[int, str] | None = None
    for match in _partitionings(description):
        count = int(match.group(1))
        if best is None or count > best[0]:
            best = (count, match.group(0)[:120])
    return best


def _partitionings(description: str) -> Iterator[re.Match[str]]:
    """``SHUFFLE_PARTITIONING.finditer(description)``, tried only where "partitioning(" is:
    a plan of megabytes (one repeated a thousand times in a log) costs a substring search,
    not a regex scan from every position (20x faster)."""
    lower = description.lower()
    end, at = 0, lower.find(_PARTITIONING)
    while at >= 0:
        for name in _PARTITIONING_NAMES:
            start = at - len(name)
            if start >= end and lower.startswith(name, start):
                match = SHUFFLE_PARTITIONING.match(description, start)
                if match is not None:
                    end = match.end()
                    yield match
                break
        at = lower.find(_PARTITIONING, at + len(_PARTITIONING))


def _estimated_build_sides(description: str) -> list[int]:
    """Cost-mode estimates of each broadcast join's build side.

    The optimized logical plan carries the statistics and the physical plan says which side
    is built; joins appear in the same pre-order in both, so the i-th logical join is the
    i-th physical one. When the counts differ the pairing is unsafe and nothing is returned.
    """
    logical, _, physical = description.partition("== Physical Plan ==")
    physical = physical.split("== Initial Plan ==", 1)[0]  # adaptive plans print both
    lines = logical.splitlines()
    joins = [
        _children_sizes(lines, index, len(node.group(1)))
        for index, line in enumerate(lines)
        if (node := _NODE.match(line)) is not None and node.group(2) == "Join"
    ]
    sides = [
        _BUILD.search(line)
        for line in physical.splitlines()
        if (node := _NODE.match(line)) is not None and node.group(2).endswith("Join")
    ]
    if len(sides) != len(joins):
        return []
    sizes: list[int] = []
    for (left, right), side in zip(joins, sides, strict=True):
        size = None if side is None else left if side.group(1) == "Left" else right
        if size is not None:
            sizes.append(size)
    return sizes


def _children_sizes(lines: list[str], index: int, indent: int) -> tuple[int | None, int | None]:
    """Statistics of the two children of the logical join at ``lines[index]``.

    A child's line has its ``:- `` / ``+- `` marker exactly where the join's name starts;
    deeper descendants have it further right, and a line with it further left ends the join.
    """
    children: list[int | None] = []
    for line in lines[index + 1 :]:
        marker = _MARKER.match(line)
        if marker is None or len(marker.group(1)) < indent or len(children) == 2:
            break
        if len(marker.group(1)) == indent:
            stat = _STAT_RE.search(line)
            children.append(parse_size(stat.group(1)) if stat else None)
    children += [None] * (2 - len(children))
    return children[0], children[1]
