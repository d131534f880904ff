"""What a JVM garbage-collection log inside pasted text says about the heap.

A driver log of a JVM started with ``-Xlog:gc`` (JDK 9+) or ``-verbose:gc`` / ``PrintGCDetails``
(JDK 8) prints one line per collection with the heap before, after and its capacity::

    [569.639s][info][gc] GC(2415) Pause Full (Ergonomics) 506M->497M(509M) 772.651ms
    78.883: [Full GC (Ergonomics) [PSYoungGen: 21994K->0K(300544K)] [ParOldGen: ...]
        318057K->206914K(662528K), [Metaspace: 98793K->98775K(1136640K)], 0.86 secs]

Full collections that leave the heap nearly as full as they found it, one after another, are the
slow form of running out of memory: the JVM spends its time collecting and frees nothing (the
state in which it eventually throws "GC overhead limit exceeded" or hangs). Which JVM it was
comes from the rest of the log: a driver's log names the SparkContext or the DAGScheduler, an
executor's names its CoarseGrainedExecutorBackend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.engine.extractors import MAX_LINE
from service.engine.types import Fact
from service.engine.units import format_size, parse_size

# A full collection that leaves the heap at least this full freed almost nothing.
FULL_AFTER_SHARE = 0.9
# This many of them in one log is thrashing, not one unlucky collection.
THRASH_COUNT = 3
# A heap that started this empty and ended thrashing filled up over time.
GRADUAL_START_SHARE = 0.5
GRADUAL_SECONDS = 60.0

_FULL = re.compile(r"Pause Full\b|\bFull GC\b")
_METASPACE = re.compile(r"\[Metaspace:[^\]]{0,200}\]")
_HEAP = re.compile(r"\d{1,9}[KMG]->(\d{1,9}[KMG])\((\d{1,9}[KMG])\)")
_UPTIME = re.compile(r"^\s*\[?(\d{1,9}(?:\.\d{1,6})?)s?\]?[:\[]")
_DRIVER = (
    "SparkContext",
    "DAGScheduler",
    "Spark context available",
    "Spark session available",
    "SparkSession",
    "ApplicationMaster",
    "py4j",
)
_EXECUTOR = ("CoarseGrainedExecutorBackend", "Executor: Running task", "Executor: Finished task")


@dataclass(frozen=True)
class Collection:
    line: int
    text: str
    after: int
    capacity: int
    uptime: float | None


def full_collections(lines: list[str]) -> list[Collection]:
    """The full collections in the log, with heap after and capacity in bytes."""
    found: list[Collection] = []
    for number, raw in enumerate(lines, start=1):
        if "Full" not in raw:
            continue
        text = raw[:MAX_LINE]
        if _FULL.search(text) is None:
            continue
        heaps = [
            (parse_size(m.group(1)) or 0, parse_size(m.group(2)) or 0)
            for m in _HEAP.finditer(_METASPACE.sub("", text))
        ]
        if not heaps:
            continue
        # JDK 8 prints the young and old generations before the whole heap: the whole heap is
        # the one with the largest capacity.
        after, capacity = max(heaps, key=lambda h: h[1])
        if capacity <= 0:
            continue
        uptime = _UPTIME.match(text)
        found.append(
            Collection(
                number,
                text.strip()[:300],
                after,
                capacity,
                float(uptime.group(1)) if uptime else None,
            )
        )
    return found


def whose_log(lines: list[str]) -> str:
    """``driver``, ``executor`` or ``unknown``: whose JVM wrote this log."""
    executor = False
    for raw in lines:
        if any(marker in raw for marker in _DRIVER):
            return "driver"
        if not executor and any(marker in raw for marker in _EXECUTOR):
            executor = True
    return "executor" if executor else "unknown"


def gc_facts(lines: list[str]) -> Iterable[Fact]:
    """``gc_thrash`` (whose heap) when full collections kept leaving the heap full, and
    ``memory_growth = gradual`` when the heap got there over time."""
    full = full_collections(lines)
    stuck = [c for c in full if c.after >= FULL_AFTER_SHARE * c.capacity]
    if len(stuck) < THRASH_COUNT:
        return []
    first = stuck[0]
    detail = (
        f"{len(stuck)} full garbage collections left the heap over "
        f"{FULL_AFTER_SHARE:.0%} full ({format_size(first.after)} of "
        f"{format_size(first.capacity)} still in use): {first.text}"
    )
    facts = [Fact(name="gc_thrash", value=whose_log(lines), line=first.line, text=detail[:300])]
    start = full[0]
    if (
        start.after < GRADUAL_START_SHARE * start.capacity
        and start.uptime is not None
        and first.uptime is not None
        and first.uptime - start.uptime >= GRADUAL_SECONDS
    ):
        facts.append(
            Fact(
                name="memory_growth",
                value="gradual",
                line=first.line,
                text=f"the heap after full GCs went from {format_size(start.after)} "
                f"(at {start.uptime:g} s) to {format_size(first.after)} (at {first.uptime:g} s)",
            )
        )
    return facts
