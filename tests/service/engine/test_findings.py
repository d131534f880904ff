"""Configuration findings (service/engine/findings.py) over hand-built analyses."""

from __future__ import annotations

from service.engine.analyzer import Analysis, LineGroup
from service.engine.findings import (
    BROADCAST_HEAP_SHARE,
    driver_memory_never_applied,
    find_problems,
    result_filled_heap,
    results_piled_up,
)
from service.engine.types import Fact, Finding

MIB = 1 << 20
GIB = 1 << 30


def fact(name: str, value: float | str, line: int = 1) -> Fact:
    shown = str(int(value)) if isinstance(value, float | int) else value
    return Fact(name=name, value=shown, line=line, text=f"{name}={shown}")


def analysis(facts: list[Fact], lines: list[str] | None = None) -> Analysis:
    groups = [LineGroup(number, text) for number, text in enumerate(lines or [], start=1)]
    return Analysis(
        facts=facts,
        traces=[],
        groups=groups,
        informative=[],
        prose=[],
        words="",
        total_lines=len(groups),
        kind="log",
    )


def ids(found: list[Finding]) -> list[str]:
    return [f.id for f in found]


def test_no_facts_no_findings() -> None:
    assert find_problems(analysis([])) == []


def test_max_result_size_unlimited_is_a_warning() -> None:
    facts = [fact("max_result_size_bytes", 0, line=3), fact("driver_memory_bytes", 4 * GIB)]
    (finding,) = find_problems(analysis(facts))
    assert (finding.id, finding.severity, finding.line) == (
        "max-result-size-unlimited",
        "warning",
        3,
    )
    assert "no limit" in finding.message


def test_max_result_size_unlimited_needs_the_heap() -> None:
    assert find_problems(analysis([fact("max_result_size_bytes", 0)])) == []


def test_max_result_size_above_heap_is_an_error() -> None:
    facts = [fact("max_result_size_bytes", 8 * GIB, line=5), fact("driver_memory_bytes", 4 * GIB)]
    (finding,) = find_problems(analysis(facts))
    assert (finding.id, finding.severity, finding.line) == (
        "max-result-size-above-heap",
        "error",
        5,
    )
    assert "(8.0 GiB)" in finding.message
    assert "(4.0 GiB)" in finding.message


def test_max_result_size_equal_to_heap_is_an_error() -> None:
    facts = [fact("max_result_size_bytes", 4 * GIB), fact("driver_memory_bytes", 4 * GIB)]
    assert ids(find_problems(analysis(facts))) == ["max-result-size-above-heap"]


def test_max_result_size_below_heap_is_fine() -> None:
    facts = [fact("max_result_size_bytes", GIB), fact("driver_memory_bytes", 4 * GIB)]
    assert find_problems(analysis(facts)) == []


def test_non_numeric_fact_is_ignored() -> None:
    facts = [fact("max_result_size_bytes", "lots"), fact("driver_memory_bytes", 4 * GIB)]
    assert find_problems(analysis(facts)) == []


def test_first_fact_of_a_name_is_the_one_compared() -> None:
    facts = [
        fact("max_result_size_bytes", GIB),
        fact("max_result_size_bytes", 8 * GIB),
        fact("driver_memory_bytes", 4 * GIB),
    ]
    assert find_problems(analysis(facts)) == []


def test_driver_memory_set_with_conf_set_is_an_error() -> None:
    lines = ["df = spark.read.parquet(path)", 'spark.conf.set("spark.driver.memory", "8g")']
    (finding,) = find_problems(analysis([], lines))
    assert (finding.id, finding.severity, finding.line) == (
        "driver-memory-set-at-runtime",
        "error",
        2,
    )
    assert "--driver-memory" in finding.message


def test_driver_memory_set_in_builder_config_is_an_error() -> None:
    lines = ['spark = SparkSession.builder.config("spark.driver.memory", "8g").getOrCreate()']
    assert ids(find_problems(analysis([], lines))) == ["driver-memory-set-at-runtime"]


def test_cannot_modify_driver_memory_message_is_an_error() -> None:
    lines = ["AnalysisException: Cannot modify the value of a Spark config: spark.driver.memory"]
    assert ids(find_problems(analysis([], lines))) == ["driver-memory-set-at-runtime"]


def test_driver_memory_set_at_runtime_is_reported_once() -> None:
    lines = [
        'spark.conf.set("spark.driver.memory", "8g")',
        '.config("spark.driver.memory", "16g")',
    ]
    found = find_problems(analysis([], lines))
    assert [(f.id, f.line) for f in found] == [("driver-memory-set-at-runtime", 1)]


def test_driver_memory_set_at_launch_is_fine() -> None:
    lines = [
        "spark-submit --driver-memory 8g app.py",
        "spark.driver.memory 8g",
        "spark-submit --conf spark.driver.memory=8g app.py",
        'spark.conf.set("spark.sql.shuffle.partitions", "400")',
    ]
    assert find_problems(analysis([], lines)) == []


def test_container_below_heap_plus_default_overhead_is_an_error() -> None:
    facts = [fact("container_limit_bytes", 4 * GIB, line=7), fact("driver_memory_bytes", 4 * GIB)]
    (finding,) = find_problems(analysis(facts))
    assert (finding.id, finding.severity, finding.line) == (
        "container-smaller-than-heap-plus-overhead",
        "error",
        7,
    )
    assert "overhead (409.6 MiB)" in finding.message


def test_container_uses_minimum_overhead_for_small_heaps() -> None:
    facts = [fact("container_limit_bytes", 2 * GIB), fact("driver_memory_bytes", 1.8 * GIB)]
    (finding,) = find_problems(analysis(facts))
    assert "overhead (384.0 MiB)" in finding.message


def test_container_with_room_for_heap_and_overhead_is_fine() -> None:
    facts = [fact("container_limit_bytes", 4 * GIB), fact("driver_memory_bytes", 3 * GIB)]
    assert find_problems(analysis(facts)) == []


def test_container_exactly_heap_plus_overhead_is_fine() -> None:
    facts = [
        fact("container_limit_bytes", 4 * GIB),
        fact("driver_memory_bytes", 3 * GIB),
        fact("driver_memory_overhead_bytes", GIB),
    ]
    assert find_problems(analysis(facts)) == []


def test_container_uses_the_overhead_fact_when_given() -> None:
    facts = [
        fact("container_limit_bytes", 4 * GIB),
        fact("driver_memory_bytes", 3 * GIB),
        fact("driver_memory_overhead_bytes", 1.5 * GIB),
    ]
    (finding,) = find_problems(analysis(facts))
    assert finding.id == "container-smaller-than-heap-plus-overhead"
    assert "overhead (1.5 GiB) = 4.5 GiB" in finding.message


def test_container_needs_the_heap() -> None:
    assert find_problems(analysis([fact("container_limit_bytes", GIB)])) == []


def test_broadcast_threshold_above_quarter_of_heap_is_a_warning() -> None:
    facts = [
        fact("auto_broadcast_threshold_bytes", 2 * GIB, line=4),
        fact("driver_memory_bytes", 4 * GIB),
    ]
    (finding,) = find_problems(analysis(facts))
    assert (finding.id, finding.severity, finding.line) == (
        "broadcast-threshold-above-heap-share",
        "warning",
        4,
    )
    assert BROADCAST_HEAP_SHARE == 0.25


def test_broadcast_threshold_at_quarter_of_heap_is_fine() -> None:
    facts = [fact("auto_broadcast_threshold_bytes", GIB), fact("driver_memory_bytes", 4 * GIB)]
    assert find_problems(analysis(facts)) == []


def test_broadcast_disabled_is_fine() -> None:
    facts = [fact("auto_broadcast_threshold_bytes", "-1"), fact("driver_memory_bytes", 4 * GIB)]
    assert find_problems(analysis(facts)) == []


def test_default_broadcast_threshold_is_fine() -> None:
    facts = [fact("auto_broadcast_threshold_bytes", 10 * MIB), fact("driver_memory_bytes", GIB)]
    assert find_problems(analysis(facts)) == []


def test_find_problems_reports_every_rule_in_rule_order() -> None:
    facts = [
        fact("auto_broadcast_threshold_bytes", 2 * GIB),
        fact("container_limit_bytes", 4 * GIB),
        fact("max_result_size_bytes", 8 * GIB),
        fact("driver_memory_bytes", 4 * GIB),
    ]
    lines = ['spark.conf.set("spark.driver.memory", "8g")']
    assert ids(find_problems(analysis(facts, lines))) == [
        "max-result-size-above-heap",
        "driver-memory-set-at-runtime",
        "container-smaller-than-heap-plus-overhead",
        "broadcast-threshold-above-heap-share",
    ]


def test_a_driver_memory_setting_the_jvm_never_got_is_a_fact_and_a_finding() -> None:
    asked = Fact(
        name="driver_memory_bytes", value=str(4 << 30), line=3, text="spark.driver.memory=4g"
    )
    got = Fact(name="driver_storage_memory_bytes", value="434031820", line=9, text="driver 414 MiB")
    fact = driver_memory_never_applied([asked, got])
    assert fact is not None and (fact.name, fact.value, fact.line) == (
        "driver_memory_ignored",
        "yes",
        9,
    )
    assert "4.0 GiB" in fact.text and "a heap of about 989.9 MiB" in fact.text
    # A 1g setting that the JVM got: about 414 MiB of storage memory is what 1g gives.
    one_gig = Fact(name="driver_memory_bytes", value=str(1 << 30), line=3, text="1g")
    assert driver_memory_never_applied([one_gig, got]) is None
    assert driver_memory_never_applied([got]) is None


def test_a_driver_memory_given_to_a_running_sessions_builder_never_applied() -> None:
    asked = Fact(
        name="driver_memory_bytes", value=str(8 << 30), line=10, text="spark.driver.memory=8g"
    )
    warned = Fact(
        name="session_configs_ignored",
        value="yes",
        line=9,
        text="WARN SparkSession: Using an existing Spark session; only runtime SQL ...",
    )
    fact = driver_memory_never_applied([warned, asked])
    assert fact is not None and (fact.name, fact.line) == ("driver_memory_ignored", 9)
    assert "8.0 GiB" in fact.text and "session already existed" in fact.text
    # The heap, when printed, decides: 8g of heap reported means the setting did apply.
    got = Fact(name="driver_storage_memory_bytes", value=str(4 << 30), line=4, text="4.0 GiB")
    assert driver_memory_never_applied([warned, asked, got]) is None
    assert driver_memory_never_applied([warned]) is None


def test_results_received_job_after_job_beyond_the_heap_piled_up() -> None:
    def fact(name: str, value: float, line: int = 1) -> Fact:
        return Fact(name=name, value=str(int(value)), line=line, text=name)

    loop = [
        fact("results_received_bytes", 1327 * MIB, line=40),
        fact("num_jobs", 42),
        fact("result_size_bytes", 32 * MIB),
        fact("driver_memory_bytes", 512 * MIB),
    ]
    piled = results_piled_up(loop)
    assert piled is not None and (piled.name, piled.value, piled.line) == (
        "results_piled_up",
        "yes",
        40,
    )
    assert "1.3 GiB of task results over 42 jobs" in piled.text
    assert "heap of 512.0 MiB" in piled.text and "32.0 MiB" in piled.text
    # One job's result near the heap is a collect too big, not results kept.
    assert results_piled_up([*loop[:2], fact("result_size_bytes", 100 * MIB), loop[3]]) is None
    # Less than the heap in all, or too few jobs: nothing had to be kept.
    assert results_piled_up([fact("results_received_bytes", 400 * MIB), *loop[1:]]) is None
    assert results_piled_up([loop[0], fact("num_jobs", 4), *loop[2:]]) is None
    # No spark.driver.memory: the heap the block manager's storage memory tells (1g here).
    storage = fact("driver_storage_memory_bytes", 434031820)
    assert results_piled_up([*loop[:3], storage]) is not None
    assert results_piled_up(loop[:3]) is None


def test_one_result_of_a_quarter_of_the_heap_fills_it() -> None:
    def fact(name: str, value: float, line: int = 1) -> Fact:
        return Fact(name=name, value=str(int(value)), line=line, text=name)

    heap = fact("driver_memory_bytes", 512 * MIB)
    filled = result_filled_heap([fact("result_size_bytes", 194 * MIB, line=12), heap])
    assert filled is not None and (filled.name, filled.value, filled.line) == (
        "result_filled_heap",
        "yes",
        12,
    )
    assert "194.0 MiB" in filled.text and "38%" in filled.text and "512.0 MiB" in filled.text
    # Under a quarter of the heap: the result alone does not fill it.
    assert result_filled_heap([fact("result_size_bytes", 100 * MIB), heap]) is None
    # No spark.driver.memory: the heap the block manager's storage memory tells (1g here).
    storage = fact("driver_storage_memory_bytes", 434031820)
    assert result_filled_heap([fact("result_size_bytes", 300 * MIB), storage]) is not None
    assert result_filled_heap([fact("result_size_bytes", 200 * MIB), storage]) is None
    # No heap to compare with, or no result: nothing to say.
    assert result_filled_heap([fact("result_size_bytes", 300 * MIB)]) is None
    assert result_filled_heap([heap]) is None
