"""Config values computed from the numbers in the evidence, each with the reason why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from service.engine.units import MIN_OVERHEAD, OVERHEAD_FACTOR, format_size, spark_size

Facts = Mapping[str, list[float]]
MIB = 1 << 20
GIB = 1 << 30
RPC_MAX_MIB = 2047
# The facts the computations below read: a walk's state keeps them for its fix page.
NUMERIC_FACTS = (
    "result_size_bytes",
    "driver_memory_bytes",
    "broadcast_size_bytes",
    "container_limit_bytes",
    "serialized_task_bytes",
)


@dataclass(frozen=True)
class Computed:
    value: str
    why: str


def _max(facts: Facts, name: str) -> float | None:
    values = facts.get(name)
    return max(values) if values else None


def _headroom(size: float) -> float:
    """25 % above what was seen, at least 256 MiB more."""
    return max(size * 1.25, size + 256 * MIB)


def max_result_size(facts: Facts) -> Computed | None:
    result = _max(facts, "result_size_bytes")
    if result is None:
        return None
    limit = _headroom(result)
    return Computed(
        spark_size(limit, round_up_to="g" if limit > 4 * GIB else "m"),
        f"your job sent back {format_size(result)} of results; the new limit leaves 25 % headroom",
    )


def driver_memory(facts: Facts) -> Computed | None:
    result = _max(facts, "result_size_bytes")
    heap = _max(facts, "driver_memory_bytes")
    broadcast = _max(facts, "broadcast_size_bytes")
    if result is not None:
        needed = 2 * _headroom(result) + GIB
        why = (
            f"results of up to {format_size(_headroom(result))} are fetched and deserialized "
            "in the "
            "heap at once: about twice that plus 1 GiB for everything else"
        )
    elif broadcast is not None:
        needed = 3 * broadcast + GIB
        why = (
            f"a {format_size(broadcast)} broadcast exists on the driver several times while it is "
            "built (rows, hashed relation, serialized blocks): about three times that plus 1 GiB"
        )
    elif heap is not None:
        needed = 2 * heap
        why = f"double the {format_size(heap)} the driver had when it failed"
    else:
        return None
    if heap is not None and needed <= heap:
        needed = heap * 1.5
        why += f"; at least 1.5x the current {format_size(heap)}"
    return Computed(spark_size(needed, round_up_to="g"), why)


def driver_memory_overhead(facts: Facts) -> Computed | None:
    heap = _max(facts, "driver_memory_bytes")
    limit = _max(facts, "container_limit_bytes")
    if heap is None:
        return None
    overhead = max(MIN_OVERHEAD, OVERHEAD_FACTOR * heap)
    why = (
        f"the default would be max(384 MiB, 10 % of a {format_size(heap)} heap) = "
        f"{format_size(overhead)}"
    )
    if limit is not None and limit <= heap + overhead:
        overhead = max(overhead * 2, 1 * GIB)
        why += "; the process outgrew heap plus that overhead, so double it (at least 1 GiB)"
    return Computed(spark_size(overhead), why)


def rpc_message_max_size(facts: Facts) -> Computed | None:
    task = _max(facts, "serialized_task_bytes")
    if task is None:
        return None
    mib = min(RPC_MAX_MIB, int(task * 1.25 // MIB) + 1)
    return Computed(
        str(mib),
        f"your largest task serialized to {format_size(task)}; the value is in MiB (2047 at most)",
    )


RULES: dict[str, Callable[[Facts], Computed | None]] = {
    "spark.driver.maxResultSize": max_result_size,
    "spark.driver.memory": driver_memory,
    "spark.driver.memoryOverhead": driver_memory_overhead,
    "spark.rpc.message.maxSize": rpc_message_max_size,
}


def compute(key: str, facts: Facts) -> Computed | None:
    rule = RULES.get(key)
    return rule(facts) if rule is not None else None
