"""Configuration arithmetic over facts: settings that cannot work together."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from service.engine.analyzer import Analysis
from service.engine.types import Fact, Finding
from service.engine.units import MIN_OVERHEAD, OVERHEAD_FACTOR, format_size

# A broadcast relation exists on the driver several times over while it is built: the
# collected rows, the hashed relation, and its serialized chunks. A threshold above a quarter
# of the heap leaves no room for that.
BROADCAST_HEAP_SHARE = 0.25

# The driver's block manager reports (heap - 300 MiB reserved) x spark.memory.fraction (0.6) as
# its storage memory, of a heap the JVM reports a little below -Xmx. Less than half of what the
# setting would give means the JVM never got that setting.
RESERVED_HEAP = 300 << 20
MEMORY_FRACTION = 0.6
USABLE_HEAP_SHARE = 0.9
NEVER_APPLIED_BELOW = 0.5

# Results that piled up: five jobs or more brought back more than the heap, each under an
# eighth of it (one result alone could not have filled it).
PILED_UP_JOBS = 5
PILED_UP_PIECE = 8

# One job's serialized result of a quarter of the heap or more: while it is gathered its rows are
# on the driver several times over (the task results as received, the rows decoded from them,
# the array or list handed to the program), so that result alone fills the heap.
RESULT_HEAP_SHARE = 0.25

Rule = Callable[[Analysis], Iterable[Finding]]


def _num(analysis: Analysis, name: str) -> Fact | None:
    fact = analysis.first(name)
    return fact if fact is not None and fact.number is not None else None


def driver_memory_never_applied(facts: list[Fact]) -> Fact | None:
    """``driver_memory_ignored`` when spark.driver.memory asks for far more heap than the storage
    memory the driver's block manager reported allows, or, with no such figure, when Spark
    warned that the session builder (or SparkContext.getOrCreate) found one already running
    (only runtime SQL settings take effect then): the value was set after the JVM started
    (SparkSession.builder, SparkContext.getOrCreate or spark.conf in client or local mode) and
    never applied."""
    asked = _number(facts, "driver_memory_bytes")
    if asked is None or asked.number is None:
        return None
    got = _number(facts, "driver_storage_memory_bytes")
    if got is None or got.number is None:
        # No heap figure to compare with: Spark's own warning that the session builder (or
        # SparkContext.getOrCreate) found one running says the settings came too late.
        ignored = next((f for f in facts if f.name == "session_configs_ignored"), None)
        if ignored is None:
            return None
        return Fact(
            name="driver_memory_ignored",
            value="yes",
            line=ignored.line,
            text=f"spark.driver.memory asks for {format_size(asked.number)}, but the session "
            "already existed when it was set: only runtime SQL settings took effect",
        )
    expected = (asked.number * USABLE_HEAP_SHARE - RESERVED_HEAP) * MEMORY_FRACTION
    if expected <= 0 or got.number >= NEVER_APPLIED_BELOW * expected:
        return None
    heap = _heap_of_storage(got.number)
    return Fact(
        name="driver_memory_ignored",
        value="yes",
        line=got.line,
        text=f"spark.driver.memory asks for {format_size(asked.number)}, but the driver's block "
        f"manager has {format_size(got.number)} of storage memory: a heap of about "
        f"{format_size(heap)}",
    )


def results_piled_up(facts: list[Fact]) -> Fact | None:
    """``results_piled_up`` when the driver received, over five jobs or more, more task
    results than its whole heap, and no job's result came near it: each result fit, so what
    filled the heap is what the program kept from job after job."""
    received = _number(facts, "results_received_bytes")
    jobs = _number(facts, "num_jobs")
    heap = _driver_heap(facts)
    if received is None or jobs is None or heap is None or received.number is None:
        return None
    largest = _number(facts, "result_size_bytes")
    piece = largest.number if largest is not None and largest.number is not None else 0.0
    if (jobs.number or 0) < PILED_UP_JOBS or received.number <= heap:
        return None
    if piece * PILED_UP_PIECE >= heap:
        return None
    return Fact(
        name="results_piled_up",
        value="yes",
        line=received.line,
        text=f"the driver received {format_size(received.number)} of task results over "
        f"{int(jobs.number or 0):,} jobs, more than its heap of {format_size(heap)}; the "
        f"largest job's was {format_size(piece)}",
    )


def result_filled_heap(facts: list[Fact]) -> Fact | None:
    """``result_filled_heap`` when one job's serialized result was at least RESULT_HEAP_SHARE of
    the driver's heap: gathered on the driver, it fills the heap on its own."""
    largest = _number(facts, "result_size_bytes")
    heap = _driver_heap(facts)
    if largest is None or largest.number is None or heap is None:
        return None
    if largest.number < RESULT_HEAP_SHARE * heap:
        return None
    return Fact(
        name="result_filled_heap",
        value="yes",
        line=largest.line,
        text=f"one job sent the driver {format_size(largest.number)} of serialized results, "
        f"{largest.number / heap:.0%} of its heap of {format_size(heap)}: decoded into rows, "
        "that result fills the heap on its own",
    )


def _number(facts: list[Fact], name: str) -> Fact | None:
    """The first fact ``name`` with a number other than zero."""
    return next((f for f in facts if f.name == name and f.number), None)


def _heap_of_storage(storage: float) -> float:
    """The heap a driver has, from the storage memory its block manager reports."""
    return storage / MEMORY_FRACTION + RESERVED_HEAP


def _driver_heap(facts: list[Fact]) -> float | None:
    """The driver's heap: spark.driver.memory, or else what its block manager's storage
    memory tells."""
    asked = _number(facts, "driver_memory_bytes")
    if asked is not None and asked.number:
        return asked.number
    got = _number(facts, "driver_storage_memory_bytes")
    if got is not None and got.number:
        return _heap_of_storage(got.number)
    return None


def driver_memory_vs_block_manager(analysis: Analysis) -> Iterable[Finding]:
    fact = analysis.first("driver_memory_ignored")
    if fact is not None:
        yield Finding(
            id="driver-memory-never-applied",
            severity="error",
            message=f"{fact.text}. The setting never reached the driver JVM: it was set after the "
            "JVM started (in SparkSession.builder or spark.conf, in client or local mode). Pass "
            "--driver-memory to spark-submit, put it in spark-defaults.conf, or set "
            "PYSPARK_SUBMIT_ARGS before the session starts.",
            line=fact.line,
        )


def max_result_size_vs_heap(analysis: Analysis) -> Iterable[Finding]:
    limit, heap = _num(analysis, "max_result_size_bytes"), _num(analysis, "driver_memory_bytes")
    if limit is None or heap is None or limit.number is None or heap.number is None:
        return
    if limit.number == 0:
        yield Finding(
            id="max-result-size-unlimited",
            severity="warning",
            message="spark.driver.maxResultSize is 0 (no limit): an oversized collect now fails "
            "with a driver OutOfMemoryError instead of a clean job abort.",
            line=limit.line,
        )
    elif limit.number >= heap.number:
        yield Finding(
            id="max-result-size-above-heap",
            severity="error",
            message=f"spark.driver.maxResultSize ({format_size(limit.number)}) is at or above the "
            f"driver heap ({format_size(heap.number)}): results up to the limit cannot fit in the "
            "heap, so the guard can never fire before the driver runs out of memory.",
            line=limit.line,
        )


def driver_memory_set_too_late(analysis: Analysis) -> Iterable[Finding]:
    for group in analysis.groups:
        text = group.text
        runtime_set = "spark.driver.memory" in text and (
            "conf.set" in text or ".config(" in text or "Cannot modify the value" in text
        )
        if runtime_set:
            yield Finding(
                id="driver-memory-set-at-runtime",
                severity="error",
                message="spark.driver.memory is set from inside a running application: the driver "
                "JVM had already started, so the value is ignored. Pass --driver-memory to "
                "spark-submit, put it in spark-defaults.conf, or set PYSPARK_SUBMIT_ARGS before "
                "the session starts.",
                line=group.line,
            )
            return


def container_vs_heap(analysis: Analysis) -> Iterable[Finding]:
    limit, heap = _num(analysis, "container_limit_bytes"), _num(analysis, "driver_memory_bytes")
    if limit is None or heap is None or limit.number is None or heap.number is None:
        return
    overhead_fact = _num(analysis, "driver_memory_overhead_bytes")
    overhead = (
        overhead_fact.number
        if overhead_fact is not None and overhead_fact.number is not None
        else max(MIN_OVERHEAD, OVERHEAD_FACTOR * heap.number)
    )
    needed = heap.number + overhead
    if limit.number < needed:
        yield Finding(
            id="container-smaller-than-heap-plus-overhead",
            severity="error",
            message=f"The container limit ({format_size(limit.number)}) is below driver heap "
            f"({format_size(heap.number)}) plus overhead ({format_size(overhead)}) = "
            f"{format_size(needed)}: the heap alone can fill the container. Keep heap + "
            "overhead (max(384 MiB, 10 % of heap) by default) under the limit.",
            line=limit.line,
        )


def broadcast_threshold_vs_heap(analysis: Analysis) -> Iterable[Finding]:
    threshold = _num(analysis, "auto_broadcast_threshold_bytes")
    heap = _num(analysis, "driver_memory_bytes")
    if threshold is None or heap is None or threshold.number is None or heap.number is None:
        return
    if threshold.number > BROADCAST_HEAP_SHARE * heap.number:
        yield Finding(
            id="broadcast-threshold-above-heap-share",
            severity="warning",
            message=f"spark.sql.autoBroadcastJoinThreshold ({format_size(threshold.number)}) is "
            f"more than a quarter of the driver heap ({format_size(heap.number)}); a broadcast "
            "table is held on the driver several times over while it is built, and size "
            "estimates are often low. Lower the threshold or raise driver memory.",
            line=threshold.line,
        )


RULES: tuple[Rule, ...] = (
    driver_memory_vs_block_manager,
    max_result_size_vs_heap,
    driver_memory_set_too_late,
    container_vs_heap,
    broadcast_threshold_vs_heap,
)


def find_problems(analysis: Analysis) -> list[Finding]:
    return [finding for rule in RULES for finding in rule(analysis)]
