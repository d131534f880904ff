"""The KB's fact rules read through ``Observer.rule_evidence``: facts in, evidence per cause out."""

from __future__ import annotations

import pytest

from kb import KnowledgeBase
from service.engine.matcher import SignatureMatcher
from service.engine.observe import Observer
from service.engine.types import Evidence, Fact

MIB = 1 << 20


@pytest.fixture(scope="module")
def observer(kb: KnowledgeBase) -> Observer:
    return Observer(kb, SignatureMatcher(kb), lambda _analysis: ({}, {}, -1.0))


def _fired(observer: Observer, **facts: str | list[str]) -> dict[str, list[Evidence]]:
    given = [
        Fact(name=name, value=value, line=1, text=f"{name}={value}")
        for name, values in facts.items()
        for value in ([values] if isinstance(values, str) else values)
    ]
    return observer.rule_evidence(given)


def _weight(evidence: dict[str, list[Evidence]], rule: str, cause: str) -> float | None:
    return next((e.weight for e in evidence.get(cause, []) if e.signature == rule), None)


def test_an_event_log_with_no_job_points_before_the_first_job(observer: Observer) -> None:
    fired = _fired(observer, num_jobs="0", driver_died="no")
    assert _weight(fired, "no-job-ever-started", "too_many_tasks") == 0.3
    assert _weight(fired, "no-job-ever-started", "large_closure") == 0.3
    assert _weight(fired, "no-job-ever-started", "broadcast_too_large") == 0.2
    for needs_jobs in ("driver_side_state", "streaming_state", "cached_block_metadata"):
        weight = _weight(fired, "no-job-ever-started", needs_jobs)
        assert weight is not None and weight < 0
    assert _weight(_fired(observer, num_jobs="3"), "no-job-ever-started", "large_closure") is None


def test_a_pyspark_app_that_ended_after_a_large_result_failed_in_python(observer: Observer) -> None:
    ended = {
        "driver_died": "no",
        "failed_jobs": "0",
        "failed_stages": "0",
        "failed_queries": "0",
        "language": "pyspark",
    }
    rule = "pyspark-ended-after-a-large-result"
    large = _fired(observer, result_size_bytes=str(190 * MIB), **ended)
    assert _weight(large, rule, "python_driver_oom") == 0.25
    # A failed query or stage is a failure the event log did record: not the Python side's.
    failed = _fired(observer, result_size_bytes=str(190 * MIB), **{**ended, "failed_queries": "1"})
    assert _weight(failed, rule, "python_driver_oom") is None
    small = _fired(observer, result_size_bytes=str(MIB // 50), **ended)
    assert _weight(small, rule, "python_driver_oom") is None
    scala = _fired(observer, result_size_bytes=str(190 * MIB), **{**ended, "language": "scala"})
    assert _weight(scala, rule, "python_driver_oom") is None


def test_local_mode_makes_only_a_memory_failure_of_a_task_a_driver_one(observer: Observer) -> None:
    rule = "local-mode-task-oom"
    oom = _fired(observer, deploy_mode="local", oom_side="executor", oom_kind="java_heap_space")
    assert _weight(oom, rule, "client_mode_small_driver") == 0.3
    udf_error = _fired(observer, deploy_mode="local", oom_side="executor")
    assert _weight(udf_error, rule, "client_mode_small_driver") is None
    cluster = _fired(
        observer, deploy_mode="client", oom_side="executor", oom_kind="java_heap_space"
    )
    assert _weight(cluster, rule, "client_mode_small_driver") is None


def test_collects_repeated_from_one_line_point_to_state_kept_on_the_driver(
    observer: Observer,
) -> None:
    rule = "collects-repeated-in-a-loop"
    loop = _fired(observer, collects_from_one_site="5", concurrent_collects="1")
    assert _weight(loop, rule, "driver_side_state") == 0.5
    once = _fired(observer, collects_from_one_site="1", concurrent_collects="1")
    assert _weight(once, rule, "driver_side_state") is None


def test_collects_running_at_once_are_the_collects_not_a_loop(observer: Observer) -> None:
    threads = _fired(observer, collects_from_one_site="4", concurrent_collects="4")
    assert _weight(threads, "collects-repeated-in-a-loop", "driver_side_state") is None
    assert _weight(threads, "collects-running-at-once", "collect_to_driver") == 0.45


def test_a_driver_oom_in_a_lazy_dataframe_call_points_to_the_plan(observer: Observer) -> None:
    rule = "driver-oom-in-a-lazy-dataframe-call"
    lazy = _fired(observer, py4j_call="withColumn", oom_side="driver")
    assert _weight(lazy, rule, "driver_side_state") == 0.4
    action = _fired(observer, py4j_call="collectToPython", oom_side="driver")
    assert _weight(action, rule, "driver_side_state") is None


def test_in_local_mode_a_task_that_runs_out_during_a_collect_points_to_the_collect(
    observer: Observer,
) -> None:
    rule = "local-mode-task-oom-during-a-collect"
    local = {"deploy_mode": "local", "oom_side": "executor", "oom_kind": "java_heap_space"}
    assert _weight(_fired(observer, action="collect", **local), rule, "collect_to_driver") == 0.25
    assert _weight(_fired(observer, action="count", **local), rule, "collect_to_driver") is None
    cluster = {**local, "deploy_mode": "client"}
    assert _weight(_fired(observer, action="collect", **cluster), rule, "collect_to_driver") is None


def test_local_mode_oom_after_many_tasks_points_to_what_grew(observer: Observer) -> None:
    rule = "local-mode-oom-after-many-tasks"
    late = _fired(observer, deploy_mode="local", tasks_before_oom="5704")
    assert _weight(late, rule, "driver_side_state") == 0.3
    assert (_weight(late, rule, "client_mode_small_driver") or 0) < 0
    assert (_weight(late, rule, "collect_to_driver") or 0) < 0
    early = _fired(observer, deploy_mode="local", tasks_before_oom="12")
    assert _weight(early, rule, "driver_side_state") is None
    cluster = _fired(observer, deploy_mode="cluster", tasks_before_oom="5704")
    assert _weight(cluster, rule, "driver_side_state") is None


@pytest.mark.parametrize(
    ("rule", "late", "early"),
    [
        ("driver-oom-after-many-stages", "927", "12"),
        ("driver-oom-after-dozens-of-stages", "45", "12"),
    ],
)
def test_a_driver_oom_after_many_stages_leans_to_what_was_kept(
    observer: Observer, rule: str, late: str, early: str
) -> None:
    """Stage ids count every stage submitted: hundreds (or, more weakly, dozens) before a driver
    OOM point to what was kept across jobs, not the failing job's collect or closure."""
    fired = _fired(observer, oom_side="driver", stages_before_oom=late)
    assert (_weight(fired, rule, "driver_side_state") or 0) > 0
    assert (_weight(fired, rule, "large_closure") or 0) < 0
    assert (_weight(fired, rule, "collect_to_driver") or 0) < 0
    first = _fired(observer, oom_side="driver", stages_before_oom=early)
    assert _weight(first, rule, "driver_side_state") is None
    executor = _fired(observer, oom_side="executor", stages_before_oom=late)
    assert _weight(executor, rule, "driver_side_state") is None


def test_jobs_repeated_from_one_line_point_to_what_was_kept(observer: Observer) -> None:
    rule = "jobs-repeated-from-one-line"
    looped = _fired(observer, jobs_from_one_site="12")
    assert _weight(looped, rule, "driver_side_state") == 0.3
    assert (_weight(looped, rule, "large_closure") or 0) < 0
    assert _weight(_fired(observer, jobs_from_one_site="2"), rule, "driver_side_state") is None


def test_large_tasks_in_several_stages_point_to_what_the_driver_kept(observer: Observer) -> None:
    rule = "large-tasks-in-several-stages"
    several = _fired(observer, large_task_stages="5", oom_side="driver")
    assert _weight(several, rule, "driver_side_state") == 0.35
    assert (_weight(several, rule, "large_closure") or 0) < 0
    single = _fired(observer, large_task_stages="1", oom_side="driver")
    assert _weight(single, rule, "driver_side_state") is None
    executor = _fired(observer, large_task_stages="5", oom_side="executor")
    assert _weight(executor, rule, "driver_side_state") is None


def test_cached_blocks_lost_with_an_executor_point_to_block_bookkeeping(
    observer: Observer,
) -> None:
    several = "cached-blocks-of-several-rdds-lost"
    wide = "cached-partitions-in-thousands-lost"
    kept = _fired(observer, lost_cached_rdds="5", lost_cached_partitions="2618", oom_side="driver")
    assert _weight(kept, several, "cached_block_metadata") == 0.45
    assert _weight(kept, wide, "cached_block_metadata") == 0.35
    few = _fired(observer, lost_cached_rdds="2", lost_cached_partitions="160", oom_side="driver")
    assert _weight(few, several, "cached_block_metadata") is None
    assert _weight(few, wide, "cached_block_metadata") is None
    # An executor's own OOM loses its cached blocks too: the driver's heap must have run out.
    executor = _fired(
        observer, lost_cached_rdds="5", lost_cached_partitions="2618", oom_side="executor"
    )
    assert _weight(executor, several, "cached_block_metadata") is None
    assert _weight(executor, wide, "cached_block_metadata") is None


def test_a_program_that_ran_pass_after_pass_points_to_what_it_kept(observer: Observer) -> None:
    rule = "program-ran-pass-after-pass"
    looped = _fired(observer, program_passes="11")
    assert _weight(looped, rule, "driver_side_state") == 0.35
    assert (_weight(looped, rule, "python_driver_oom") or 0) < 0
    assert (_weight(looped, rule, "collect_to_driver") or 0) < 0
    assert _weight(_fired(observer, program_passes="3"), rule, "driver_side_state") is None


def test_results_piled_up_job_after_job_point_to_what_the_driver_kept(
    observer: Observer,
) -> None:
    rule = "results-kept-job-after-job"
    piled = _fired(observer, results_piled_up="yes")
    assert _weight(piled, rule, "driver_side_state") == 0.35
    assert (_weight(piled, rule, "collect_to_driver") or 0) < 0
    assert _weight(_fired(observer, num_jobs="42"), rule, "driver_side_state") is None


def test_one_result_of_a_quarter_of_the_heap_points_to_the_collect(observer: Observer) -> None:
    rule = "one-result-a-quarter-of-the-heap"
    filled = _fired(observer, result_filled_heap="yes")
    assert _weight(filled, rule, "collect_to_driver") == 0.3
    small = _fired(observer, result_size_bytes=str(8 << 20))
    assert _weight(small, rule, "collect_to_driver") is None


def test_an_aqe_partition_size_of_bytes_points_to_too_many_tasks(observer: Observer) -> None:
    rule = "aqe-partition-size-of-bytes"
    tiny = _fired(observer, aqe_partition_size_bytes="64")
    assert _weight(tiny, rule, "too_many_tasks") == 0.5
    default = _fired(observer, aqe_partition_size_bytes=str(64 << 20))
    assert _weight(default, rule, "too_many_tasks") is None


def test_a_broadcast_stored_while_serialising_tasks_is_not_the_programs(observer: Observer) -> None:
    rule = "broadcast-of-the-task-binary"
    binary = _fired(observer, task_serialization="failed", broadcast_written="yes")
    assert _weight(binary, rule, "broadcast_too_large") == -0.5
    assert _weight(_fired(observer, broadcast_written="yes"), rule, "broadcast_too_large") is None


def test_small_task_results_in_local_mode_count_against_a_collect(observer: Observer) -> None:
    rule = "small-task-results-in-local-mode"
    small = {"deploy_mode": "local", "max_task_result_bytes": "2445"}
    fired = _fired(observer, **small, num_tasks=["8", "15"])
    assert (_weight(fired, rule, "collect_to_driver") or 0) < 0
    assert (_weight(fired, rule, "broadcast_too_large") or 0) < 0
    # Every stage must have had few tasks: 3,000 small results are not a small result.
    many = _fired(observer, **small, num_tasks=["8", "3026"])
    assert _weight(many, rule, "collect_to_driver") is None
    big = _fired(observer, deploy_mode="local", max_task_result_bytes=str(15 * MIB), num_tasks="8")
    assert _weight(big, rule, "collect_to_driver") is None
    cluster = _fired(observer, deploy_mode="client", max_task_result_bytes="2445", num_tasks="8")
    assert _weight(cluster, rule, "collect_to_driver") is None


def test_small_results_to_a_driver_that_lived_count_against_a_collect(observer: Observer) -> None:
    rule = "small-results-and-the-driver-lived"
    lived = _fired(observer, driver_died="no", result_size_bytes=str(MIB))
    assert (_weight(lived, rule, "collect_to_driver") or 0) < 0
    # A driver that died may have died receiving the results its event log never recorded.
    died = _fired(observer, driver_died="yes", result_size_bytes=str(MIB))
    assert _weight(died, rule, "collect_to_driver") is None
    large = _fired(observer, driver_died="no", result_size_bytes=str(64 * MIB))
    assert _weight(large, rule, "collect_to_driver") is None


def test_task_serialization_out_of_heap_after_many_stages_is_what_was_kept(
    observer: Observer,
) -> None:
    rule = "task-serialization-failed-after-many-stages"
    late = _fired(observer, task_serialization="failed", stages_before_oom="77")
    assert (_weight(late, rule, "driver_side_state") or 0) > 0
    assert (_weight(late, rule, "large_closure") or 0) < 0
    early = _fired(observer, task_serialization="failed", stages_before_oom="3")
    assert _weight(early, rule, "large_closure") is None


def test_a_count_cannot_fill_the_driver_with_its_results(observer: Observer) -> None:
    fired = _fired(observer, action="count")
    assert _weight(fired, "count-action-failed", "too_many_tasks") == 0.2
    assert (_weight(fired, "count-action-failed", "collect_to_driver") or 0) < 0
    assert (
        _weight(_fired(observer, action="collect"), "count-action-failed", "too_many_tasks") is None
    )


def test_caching_turns_many_partitions_and_growth_into_block_metadata(observer: Observer) -> None:
    many = _fired(observer, action=["collect", "cache"], num_partitions="100000")
    assert _weight(many, "cache-with-many-partitions", "cached_block_metadata") == 0.5
    assert (_weight(many, "cache-with-many-partitions", "too_many_tasks") or 0) < 0
    tasks = _fired(observer, action="cache", num_tasks="200000")
    assert _weight(tasks, "cache-with-many-tasks", "cached_block_metadata") == 0.5
    uncached = _fired(observer, num_partitions="100000")
    assert _weight(uncached, "cache-with-many-partitions", "cached_block_metadata") is None
    grew = _fired(observer, action="cache", memory_growth="gradual")
    assert _weight(grew, "cache-grew-over-time", "cached_block_metadata") == 0.3


def test_a_shared_driver_is_told_apart_by_how_its_memory_behaved(observer: Observer) -> None:
    grew = _fired(observer, shared_driver="yes", memory_growth="gradual")
    assert _weight(grew, "shared-driver-grew-over-time", "driver_side_state") == 0.35
    assert _weight(grew, "shared-driver-failed-on-one-query", "collect_to_driver") is None
    once = _fired(observer, shared_driver="yes", memory_growth="sudden")
    assert _weight(once, "shared-driver-failed-on-one-query", "collect_to_driver") == 0.35
    assert _weight(once, "shared-driver-grew-over-time", "driver_side_state") is None


def test_a_stream_that_ran_batches_first_is_not_one_collect_too_large(observer: Observer) -> None:
    fired = _fired(observer, streaming="yes", streaming_batches="4", action="collect")
    rule = "streaming-failed-after-several-batches"
    assert _weight(fired, rule, "streaming_state") == 0.25
    assert _weight(fired, rule, "collect_to_driver") == -0.2


def test_a_driver_thread_out_after_micro_batches_is_streaming_growth(observer: Observer) -> None:
    rule = "streaming-driver-ran-out-after-batches"
    grew = _fired(observer, streaming="yes", streaming_batches="5", oom_side="driver")
    assert _weight(grew, rule, "streaming_state") == 0.3
    first = _fired(observer, streaming="yes", streaming_batches="1", oom_side="driver")
    assert _weight(first, rule, "streaming_state") is None


def test_a_clean_pyspark_event_log_leaves_only_the_python_side(observer: Observer) -> None:
    clean = {"driver_died": "no", "failed_jobs": "0"}
    fired = _fired(observer, language="pyspark", **clean)
    assert _weight(fired, "pyspark-ended-cleanly", "python_driver_oom") == 0.05
    scala = _fired(observer, language="scala", **clean)
    assert _weight(scala, "pyspark-ended-cleanly", "python_driver_oom") is None
    failed = _fired(observer, language="pyspark", driver_died="no", failed_jobs="1")
    assert _weight(failed, "pyspark-ended-cleanly", "python_driver_oom") is None


def test_a_clean_pyspark_end_right_after_a_topandas_points_to_python(observer: Observer) -> None:
    clean = {"language": "pyspark", "driver_died": "no", "failed_jobs": "0"}
    fired = _fired(observer, last_result_action="to_pandas", **clean)
    assert _weight(fired, "pyspark-ended-after-topandas", "python_driver_oom") == 0.4
    collect = _fired(observer, last_result_action="collect", **clean)
    assert _weight(collect, "pyspark-ended-after-topandas", "python_driver_oom") is None


def test_a_count_over_max_result_size_was_not_its_rows(observer: Observer) -> None:
    fired = _fired(observer, action="count", spark_error="max_result_size")
    assert _weight(fired, "count-over-max-result-size", "broadcast_too_large") == 0.3
    assert _weight(fired, "count-over-max-result-size", "too_many_tasks") == 0.25
    collect = _fired(observer, action="collect", spark_error="max_result_size")
    assert _weight(collect, "count-over-max-result-size", "broadcast_too_large") is None


def test_a_driver_memory_setting_never_applied_is_a_small_driver(observer: Observer) -> None:
    fired = _fired(observer, driver_memory_ignored="yes")
    assert _weight(fired, "driver-memory-never-applied", "client_mode_small_driver") == 0.6
    # Out of memory in a broadcast: the small heap is why. A query that did not resolve is
    # another failure, whatever the heap.
    broadcast = _fired(
        observer, driver_memory_ignored="yes", spark_error="broadcast_not_enough_memory"
    )
    assert _weight(broadcast, "driver-memory-never-applied", "client_mode_small_driver") == 0.6
    for other in ("analysis_error", "task_not_serializable", "data_error"):
        failed = _fired(observer, driver_memory_ignored="yes", spark_error=other)
        assert not any(
            e.signature == "driver-memory-never-applied" for v in failed.values() for e in v
        )


def test_a_stream_on_a_table_format_is_its_metadata_not_stream_state(observer: Observer) -> None:
    fired = _fired(observer, streaming="yes", table_format="delta")
    assert _weight(fired, "streaming-from-a-table-format", "streaming_state") == -0.35
    assert _weight(fired, "streaming-from-a-table-format", "too_many_tasks") == 0.2
    batch = _fired(observer, table_format="iceberg")
    assert _weight(batch, "streaming-from-a-table-format", "streaming_state") is None


def test_a_collect_stopped_by_max_result_size_never_reached_python(observer: Observer) -> None:
    fired = _fired(observer, spark_error="max_result_size", action="to_pandas")
    assert _weight(fired, "max-result-size-stopped-a-collect", "python_driver_oom") == -0.3
    count = _fired(observer, spark_error="max_result_size", action="count")
    assert _weight(count, "max-result-size-stopped-a-collect", "python_driver_oom") is None


def test_a_max_result_size_abort_in_a_broadcast_build_points_to_the_broadcast(
    observer: Observer,
) -> None:
    fired = _fired(observer, spark_error="max_result_size", action=["broadcast", "collect"])
    rule = "max-result-size-in-a-broadcast-build"
    assert _weight(fired, rule, "broadcast_too_large") == 0.8
    assert _weight(fired, rule, "max_result_size") == -0.6
    assert (
        _weight(
            _fired(observer, spark_error="max_result_size", action="collect"),
            rule,
            "broadcast_too_large",
        )
        is None
    )


def test_task_serialization_failing_with_millions_of_partitions_points_to_the_count(
    observer: Observer,
) -> None:
    rule = "task-serialization-with-millions-of-partitions"
    fired = _fired(observer, task_serialization="failed", num_partitions="8000000")
    assert _weight(fired, rule, "too_many_tasks") == 0.5
    assert _weight(fired, rule, "large_closure") == -0.3
    few = _fired(observer, task_serialization="failed", num_partitions="2000")
    assert _weight(few, rule, "too_many_tasks") is None


def test_a_driver_that_died_during_a_to_local_iterator_points_to_the_results(
    observer: Observer,
) -> None:
    """toLocalIterator fetches a partition at a time into the driver JVM: a JVM that died
    without its end event while it ran died of what it fetched."""
    rule = "driver-died-during-a-collect"
    died = _fired(observer, driver_died="yes", action="to_local_iterator")
    assert _weight(died, rule, "collect_to_driver") == 0.55
    lived = _fired(observer, driver_died="no", action="to_local_iterator")
    assert _weight(lived, rule, "collect_to_driver") is None


def test_an_ml_estimator_that_ran_out_building_its_model_points_to_the_drivers_size(
    observer: Observer,
) -> None:
    rule = "ml-estimator-model-outgrew-the-driver"
    fired = _fired(observer, oom_in="ml_estimator")
    assert _weight(fired, rule, "client_mode_small_driver") == 0.45
    assert _weight(fired, rule, "collect_to_driver") == -0.2
    assert _weight(_fired(observer, oom_task="result"), rule, "client_mode_small_driver") is None


def test_a_local_mode_task_oom_after_a_dozen_stages_is_state_kept_across_jobs(
    observer: Observer,
) -> None:
    rule = "local-mode-task-oom-after-a-dozen-stages"
    local = {"deploy_mode": "local", "oom_side": "executor", "oom_kind": "java_heap_space"}
    late = _fired(observer, stages_before_oom="12", **local)
    assert _weight(late, rule, "driver_side_state") == 0.3
    assert _weight(late, rule, "client_mode_small_driver") == -0.2
    # In the first stages a job's own tasks did not fit; a stream's batches add stages.
    assert (
        _weight(_fired(observer, stages_before_oom="4", **local), rule, "driver_side_state") is None
    )
    stream = _fired(observer, stages_before_oom="40", streaming="yes", **local)
    assert _weight(stream, rule, "driver_side_state") is None
    cluster = _fired(observer, stages_before_oom="12", **{**local, "deploy_mode": "client"})
    assert _weight(cluster, rule, "driver_side_state") is None


def test_a_driver_failing_after_a_dozen_jobs_is_state_kept_across_them(observer: Observer) -> None:
    oom = _fired(observer, oom_side="driver", num_jobs="14")
    assert _weight(oom, "driver-oom-after-a-dozen-jobs", "driver_side_state") == 0.3
    assert _weight(oom, "driver-oom-after-a-dozen-jobs", "collect_to_driver") == -0.15
    died = _fired(observer, driver_died="yes", num_jobs="241")
    assert _weight(died, "driver-died-after-a-dozen-jobs", "driver_side_state") == 0.35
    assert _weight(died, "driver-died-after-a-dozen-jobs", "collect_to_driver") == -0.2
    for few in (
        _fired(observer, oom_side="driver", num_jobs="3"),
        _fired(observer, driver_died="yes", num_jobs="11"),
        _fired(observer, oom_side="driver", driver_died="yes", num_jobs="40", streaming="yes"),
    ):
        assert not any(e.signature.endswith("-a-dozen-jobs") for v in few.values() for e in v)
