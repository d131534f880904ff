"""Sizes and counts (service/engine/units.py) and fix values computed from facts (values.py)."""

from __future__ import annotations

import pytest

from service.engine import values
from service.engine.units import (
    MIN_OVERHEAD,
    OVERHEAD_FACTOR,
    format_size,
    parse_count,
    parse_size,
    spark_size,
)
from service.engine.values import Computed, Facts, compute

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30
TIB = 1 << 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1024.3 MiB", int(1024.3 * MIB)),
        ("4g", 4 * GIB),
        ("4G", 4 * GIB),
        ("6Gi", 6 * GIB),
        ("512 MB", 512 * MIB),
        ("512mb", 512 * MIB),
        ("1.5 GB", int(1.5 * GIB)),
        ("1200 KiB", 1200 * KIB),
        ("2t", 2 * TIB),
        ("268435602 bytes", 268435602),
        ("1 byte", 1),
        ("100b", 100),
        ("  2g  ", 2 * GIB),
    ],
)
def test_parse_size_reads_binary_sizes(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "4", "abc", "4 x", "g4", "4 gigs", "-1", "4g extra"])
def test_parse_size_rejects_what_is_not_a_size(text: str) -> None:
    assert parse_size(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("400000", 400000),
        ("400,000", 400000),
        ("1,842", 1842),
        ("20k", 20000),
        ("20 K", 20000),
        ("2 million", 2_000_000),
        ("2.5 million", 2_500_000),
        ("3 millions", 3_000_000),
        ("10 thousand", 10_000),
        ("1 billion", 1_000_000_000),
        ("2bn", 2_000_000_000),
        ("1.5m", 1_500_000),
        (" 7 ", 7),
    ],
)
def test_parse_count_reads_counts(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["", "many", "12 apples", "k", "-5"])
def test_parse_count_rejects_what_is_not_a_count(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize(
    ("num_bytes", "expected"),
    [
        (0, "0 B"),
        (512, "512 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (1503238553, "1.4 GiB"),
        (GIB, "1.0 GiB"),
        (5 * TIB, "5.0 TiB"),
        (2048 * TIB, "2048.0 TiB"),
        (-2048, "-2.0 KiB"),
    ],
)
def test_format_size_uses_binary_units(num_bytes: float, expected: str) -> None:
    assert format_size(num_bytes) == expected


@pytest.mark.parametrize(
    ("num_bytes", "unit", "expected"),
    [
        (1503238553, "m", "1434m"),
        (1503238553, "g", "2g"),
        (GIB, "m", "1024m"),
        (GIB, "g", "1g"),
        (GIB + 1, "g", "2g"),
        (MIB + 1, "m", "2m"),
        (1, "m", "1m"),
        (0, "m", "0m"),
    ],
)
def test_spark_size_rounds_up(num_bytes: float, unit: str, expected: str) -> None:
    assert spark_size(num_bytes, round_up_to=unit) == expected


def test_spark_size_rounds_to_mebibytes_by_default() -> None:
    assert spark_size(1.5 * GIB) == "1536m"


def test_overhead_constants_are_sparks_defaults() -> None:
    assert MIN_OVERHEAD == 384 * MIB
    assert OVERHEAD_FACTOR == 0.10


def test_max_result_size_leaves_headroom_in_mebibytes() -> None:
    result = values.max_result_size({"result_size_bytes": [1024.3 * MIB]})
    assert result is not None
    # max(1.25 x 1024.3 MiB, 1024.3 MiB + 256 MiB) = 1280.375 MiB, rounded up.
    assert result.value == "1281m"
    assert "1.0 GiB" in result.why
    assert "25 % headroom" in result.why


def test_max_result_size_adds_at_least_256_mib() -> None:
    result = values.max_result_size({"result_size_bytes": [100 * MIB]})
    assert result is not None
    assert result.value == "356m"


def test_max_result_size_rounds_to_gibibytes_above_4_gib() -> None:
    result = values.max_result_size({"result_size_bytes": [8 * GIB]})
    assert result is not None
    assert result.value == "10g"


def test_max_result_size_reads_the_largest_result() -> None:
    result = values.max_result_size({"result_size_bytes": [100 * MIB, 8 * GIB, GIB]})
    assert result is not None
    assert result.value == "10g"


@pytest.mark.parametrize("facts", [{}, {"result_size_bytes": []}, {"driver_memory_bytes": [GIB]}])
def test_max_result_size_needs_a_result_size(facts: Facts) -> None:
    assert values.max_result_size(facts) is None


def test_driver_memory_from_result_size() -> None:
    result = values.driver_memory({"result_size_bytes": [GIB]})
    assert result is not None
    # 2 x (1.25 GiB headroom) + 1 GiB = 3.5 GiB, rounded up to whole GiB.
    assert result.value == "4g"
    assert "twice" in result.why


def test_driver_memory_from_result_size_is_at_least_one_and_a_half_heaps() -> None:
    result = values.driver_memory({"result_size_bytes": [GIB], "driver_memory_bytes": [8 * GIB]})
    assert result is not None
    assert result.value == "12g"
    assert "at least 1.5x the current 8.0 GiB" in result.why


def test_driver_memory_from_broadcast() -> None:
    result = values.driver_memory({"broadcast_size_bytes": [GIB]})
    assert result is not None
    assert result.value == "4g"
    assert "three times" in result.why


def test_driver_memory_prefers_result_size_over_broadcast() -> None:
    facts: Facts = {"result_size_bytes": [GIB], "broadcast_size_bytes": [10 * GIB]}
    result = values.driver_memory(facts)
    assert result is not None
    assert result.value == "4g"


def test_driver_memory_from_heap_alone_doubles_it() -> None:
    result = values.driver_memory({"driver_memory_bytes": [2.5 * GIB]})
    assert result is not None
    assert result.value == "5g"
    assert result.why == "double the 2.5 GiB the driver had when it failed"


def test_driver_memory_needs_a_number() -> None:
    assert values.driver_memory({"container_limit_bytes": [GIB]}) is None


def test_driver_memory_overhead_default_minimum() -> None:
    result = values.driver_memory_overhead({"driver_memory_bytes": [2 * GIB]})
    assert result is not None
    assert result.value == "384m"
    assert "= 384.0 MiB" in result.why


def test_driver_memory_overhead_ten_percent_of_heap() -> None:
    result = values.driver_memory_overhead({"driver_memory_bytes": [8 * GIB]})
    assert result is not None
    assert result.value == "820m"


def test_driver_memory_overhead_doubles_when_container_was_outgrown() -> None:
    facts: Facts = {"driver_memory_bytes": [8 * GIB], "container_limit_bytes": [8.5 * GIB]}
    result = values.driver_memory_overhead(facts)
    assert result is not None
    assert result.value == "1639m"
    assert "double it" in result.why


def test_driver_memory_overhead_doubled_is_at_least_1_gib() -> None:
    facts: Facts = {"driver_memory_bytes": [2 * GIB], "container_limit_bytes": [2 * GIB]}
    result = values.driver_memory_overhead(facts)
    assert result is not None
    assert result.value == "1024m"


def test_driver_memory_overhead_unchanged_under_a_roomy_container() -> None:
    facts: Facts = {"driver_memory_bytes": [8 * GIB], "container_limit_bytes": [10 * GIB]}
    result = values.driver_memory_overhead(facts)
    assert result is not None
    assert result.value == "820m"
    assert "double" not in result.why


def test_driver_memory_overhead_needs_the_heap() -> None:
    assert values.driver_memory_overhead({"container_limit_bytes": [GIB]}) is None


def test_rpc_message_max_size_in_mebibytes() -> None:
    result = values.rpc_message_max_size({"serialized_task_bytes": [268435602]})
    assert result is not None
    assert result.value == "321"
    assert "256.0 MiB" in result.why


def test_rpc_message_max_size_is_capped_at_2047() -> None:
    result = values.rpc_message_max_size({"serialized_task_bytes": [4 * GIB]})
    assert result is not None
    assert result.value == "2047"


def test_rpc_message_max_size_needs_a_task_size() -> None:
    assert values.rpc_message_max_size({}) is None


def test_compute_dispatches_by_config_key() -> None:
    facts: Facts = {"result_size_bytes": [GIB], "serialized_task_bytes": [268435602]}
    assert compute("spark.driver.maxResultSize", facts) == values.max_result_size(facts)
    assert compute("spark.driver.memory", facts) == values.driver_memory(facts)
    assert compute("spark.rpc.message.maxSize", facts) == values.rpc_message_max_size(facts)
    assert set(values.RULES) == {
        "spark.driver.maxResultSize",
        "spark.driver.memory",
        "spark.driver.memoryOverhead",
        "spark.rpc.message.maxSize",
    }


def test_compute_returns_a_value_with_its_reason() -> None:
    result = compute("spark.driver.memory", {"driver_memory_bytes": [GIB]})
    assert result == Computed("2g", "double the 1.0 GiB the driver had when it failed")


def test_compute_returns_none_for_a_key_without_rule() -> None:
    assert compute("spark.executor.memory", {"driver_memory_bytes": [GIB]}) is None


def test_numeric_facts_list_what_the_rules_read() -> None:
    assert set(values.NUMERIC_FACTS) == {
        "result_size_bytes",
        "driver_memory_bytes",
        "broadcast_size_bytes",
        "container_limit_bytes",
        "serialized_task_bytes",
    }


def test_parse_count_reads_a_dot_as_thousands_only_without_a_scale_word() -> None:
    from service.engine.units import parse_count

    assert parse_count("1.842") == 1842
    assert parse_count("12.500.000") == 12_500_000
    assert parse_count("2.5 million") == 2_500_000
    assert parse_count("1.5") == 1
