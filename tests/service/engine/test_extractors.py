"""Per-line fact extractors (service/engine/extractors.py): line_facts and numeric_maxima."""

from __future__ import annotations

import pytest

from service.engine.extractors import (
    EXTRACTORS_BY_NAME,
    cached_blocks_lost,
    driver_memory_store,
    job_site_facts,
    large_task_stages,
    line_facts,
    numeric_maxima,
    oom_under_a_failed_job,
    program_passes,
    tasks_in_the_driver_jvm,
    work_before_oom,
)
from service.engine.types import Fact, FactSource


def collects_from_one_site(lines: list[str]) -> list[Fact]:
    return [f for f in job_site_facts(lines) if f.name == "collects_from_one_site"]


def jobs_from_one_site(lines: list[str]) -> list[Fact]:
    return [f for f in job_site_facts(lines) if f.name == "jobs_from_one_site"]


def tasks_before_oom(lines: list[str]) -> list[Fact]:
    return [f for f in work_before_oom(lines) if f.name == "tasks_before_oom"]


def stages_before_oom(lines: list[str]) -> list[Fact]:
    return [f for f in work_before_oom(lines) if f.name == "stages_before_oom"]


GIB = 1 << 30
MIB = 1 << 20

# One line each extractor's pattern matches, built by hand.
SAMPLE_LINES = {
    "max-result-size-abort": "Total size of serialized results of 1842 tasks (1024.3 MiB) is "
    "bigger than spark.driver.maxResultSize (1024.0 MiB)",
    "rpc-message-too-large": "Serialized task 12:0 was 268435602 bytes, which exceeds max "
    "allowed: spark.rpc.message.maxSize (134217728 bytes).",
    "task-of-very-large-size": "WARN TaskSetManager: Stage 3 contains a task of very large "
    "size (1200 KiB). The maximum recommended task size is 1000 KiB.",
    "submitting-missing-tasks": "INFO DAGScheduler: Submitting 400000 missing tasks from "
    "ShuffleMapStage 3",
    "adding-task-set": "INFO TaskSchedulerImpl: Adding task set 3.0 with 400000 tasks",
    "job-output-partitions": "INFO DAGScheduler: Got job 0 (collect at x.py:12) with 200 "
    "output partitions",
    "committed-micro-batch": "INFO MicroBatchExecution: Committed offsets for batch 41.",
    "micro-batch-write-epoch": "ERROR WriteToDataSourceV2Exec: Data source write support "
    "MicroBatchWrite[epoch: 226, writer: NoopStreamingWrite$@3809528b] is aborting.",
    "tasks-in-words": "the stage has 400k tasks",
    "partitions-in-words": "each with 20k shuffle partitions",
    "get-num-partitions": "df.rdd.getNumPartitions() returns 12000",
    "driver-block-manager-memory": "INFO BlockManagerMasterEndpoint: Registering block manager "
    "192.0.2.2:36465 with 413.9 MiB RAM, BlockManagerId(driver, 192.0.2.2, 36465, None)",
    "table-format": "a Structured Streaming query reads a large Delta table",
    "plan-partitioning": "+- Exchange RoundRobinPartitioning(3000000), REPARTITION_BY_NUM",
    "repartition-call": "df.repartition(1_000_000).write.parquet(out)",
    "parallelize-slices": "rdd = sc.parallelize(range(10), 2000000)",
    "conf-shuffle-partitions": "--conf spark.sql.shuffle.partitions=200000",
    "conf-default-parallelism": "spark.default.parallelism: 300000",
    "conf-aqe-initial-partitions": "--conf "
    "spark.sql.adaptive.coalescePartitions.initialPartitionNum=8000000",
    "conf-leaf-node-parallelism": "--conf spark.sql.leafNodeDefaultParallelism=4000000",
    "conf-max-buckets": "spark.sql.sources.bucketing.maxBuckets\t300000",
    "bucket-count": "CREATE TABLE events USING parquet CLUSTERED BY (id) INTO 300000 BUCKETS",
    "existing-session-configs-ignored": "WARN SparkSession: Using an existing Spark session; "
    "only runtime SQL configurations will take effect.",
    "files-in-words": "reading 2 million tiny parquet files",
    "blocks-in-words": "there are 50000 cached blocks",
    "yarn-physical-memory-used": "11.2 GB of 11 GB physical memory used",
    "container-memory-limit": "container memory limit 6Gi",
    "flag-driver-memory": "spark-submit --driver-memory 8g app.py",
    "driver-has-memory": "the driver has 4g",
    "size-of-driver": "we gave it 16 GB of driver memory",
    "conf-max-result-size": "spark.driver.maxResultSize=4g",
    "conf-broadcast-threshold": "spark.sql.autoBroadcastJoinThreshold=-1",
    "conf-aqe-partition-size": "spark.sql.adaptive.advisoryPartitionSizeInBytes\t64",
    "conf-rpc-max-size": "spark.rpc.message.maxSize=512",
    "broadcast-of-size": "broadcasting a 2 GB table",
    "size-broadcast": "a 2 GB broadcast",
    "host-ram": "my laptop has 16 GB of RAM",
    "exit-code": "Container exited with exit code 137",
    "spark-version": "Running Spark version 3.5.1",
    "deploy-mode-flag": "spark-submit --deploy-mode cluster app.py",
    "client-or-cluster-mode": "we run in client mode",
    "master-local": "spark-submit --master local[4] app.py",
    "yarn-log-lines": "INFO YarnAllocator: Will request 2 executor containers",
    "yarn-word": "we run on yarn",
    "kubernetes": "kubectl logs my-driver",
    "databricks": "on Databricks runtime",
    "emr": "on EMR 6.10",
    "dataproc": "on dataproc",
    "python-traceback": "Traceback (most recent call last):",
    "python-words": "a pyspark job",
    "scala": "scala> val df = spark.range(10)",
    "spark-sql": "spark-sql -e 'select 1'",
    "structured-streaming": "a structured streaming query",
    "memory-grew-gradually": "memory grows slowly",
    "memory-ran-out-at-once": "it fails immediately",
    "action-collect": "df.collect()",
    "action-collect-as-map": "rdd.collectAsMap()",
    "action-to-pandas": "df.toPandas()",
    "action-take": "df.take(10)",
    "action-broadcast": "broadcast(small_df)",
    "action-cache": "df.cache()",
    "action-accumulator": "sc.accumulator(0)",
    "action-to-local-iterator": "df.toLocalIterator()",
    "py4j-call": "py4j.protocol.Py4JJavaError: An error occurred while calling o56.agg.",
    "local-master-in-words": "the master is local[*] on a 16 GB laptop",
    "embedded-spark": "the job runs with Spark embedded in the pod",
    "num-partitions-option": 'spark.read.jdbc(url, "ORDERS", column="ID", numPartitions=20000000)',
    "jdbc-relation-partitions": "INFO JDBCRelation: Number of partitions: 4, WHERE clauses of these",
    "failed-relation-future-job": (
        "INFO DAGScheduler: Job 6 failed: $anonfun$withThreadLocalCaptured$1 at FutureTask.java:264,"
        " took 2.063624 s"
    ),
    "action-count-by": "counts = words.countByValue()",
    "action-count": '    _log("count %d" % sc.parallelize(range(n), n).count())',
    "conf-driver-memory": "spark.driver.memory=8g",
    "conf-driver-memoryOverhead": "spark.driver.memoryOverhead=2g",
    "conf-executor-memory": "spark.executor.memory=4g",
}


def pairs(text: str, source: FactSource = "log") -> set[tuple[str, str]]:
    return {(f.name, f.value) for f in line_facts(1, text, source)}


def facts_named(text: str, name: str, source: FactSource = "log") -> list[Fact]:
    return [f for f in line_facts(1, text, source) if f.name == name]


def test_sample_lines_cover_every_extractor() -> None:
    assert set(SAMPLE_LINES) == set(EXTRACTORS_BY_NAME)


@pytest.mark.parametrize("name", sorted(EXTRACTORS_BY_NAME))
def test_extractor_guard_is_lower_case_and_in_a_line_its_pattern_matches(name: str) -> None:
    extractor = EXTRACTORS_BY_NAME[name]
    line = SAMPLE_LINES[name]
    assert extractor.pattern.search(line) is not None, f"{name} does not match {line!r}"
    assert extractor.guard == extractor.guard.lower()
    assert extractor.guard in line.lower()


@pytest.mark.parametrize("name", sorted(EXTRACTORS_BY_NAME))
def test_extractor_yields_facts_from_its_sample_line(name: str) -> None:
    extractor = EXTRACTORS_BY_NAME[name]
    match = extractor.pattern.search(SAMPLE_LINES[name])
    assert match is not None
    assert extractor.extract(match) != []


def test_max_result_size_abort_reads_both_sizes() -> None:
    assert pairs(SAMPLE_LINES["max-result-size-abort"]) >= {
        ("spark_error", "max_result_size"),
        ("result_size_bytes", str(int(1024.3 * MIB))),
        ("max_result_size_bytes", str(GIB)),
    }


def test_max_result_size_abort_without_driver_prefix() -> None:
    text = "serialized results of 3 tasks (2.5 GiB) is bigger than maxResultSize (2.0 GiB)"
    assert pairs(text) >= {
        ("result_size_bytes", str(int(2.5 * GIB))),
        ("max_result_size_bytes", str(2 * GIB)),
    }


def test_rpc_message_too_large_reads_task_and_limit_bytes() -> None:
    assert pairs(SAMPLE_LINES["rpc-message-too-large"]) >= {
        ("serialized_task_bytes", "268435602"),
        ("rpc_max_bytes", "134217728"),
    }


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("spark.driver.memory=8g", "driver_memory_bytes", str(8 * GIB)),
        ('"spark.driver.memory": "8g"', "driver_memory_bytes", str(8 * GIB)),
        ("spark.driver.memory 8g", "driver_memory_bytes", str(8 * GIB)),
        (".config('spark.driver.memory', '6g')", "driver_memory_bytes", str(6 * GIB)),
        ("spark-submit --driver-memory 8g app.py", "driver_memory_bytes", str(8 * GIB)),
        ("--driver-memory=512m", "driver_memory_bytes", str(512 * MIB)),
        ("spark.driver.memoryOverhead=2g", "driver_memory_overhead_bytes", str(2 * GIB)),
        ("spark.executor.memory=4g", "executor_memory_bytes", str(4 * GIB)),
        ("spark.driver.maxResultSize=4g", "max_result_size_bytes", str(4 * GIB)),
        ("spark.sql.autoBroadcastJoinThreshold=-1", "auto_broadcast_threshold_bytes", "-1"),
        ("spark.sql.autoBroadcastJoinThreshold=10MB", "auto_broadcast_threshold_bytes", "10485760"),
        ("spark.rpc.message.maxSize=512", "rpc_max_bytes", str(512 * MIB)),
    ],
)
def test_config_key_yields_size_fact(text: str, name: str, value: str) -> None:
    assert (name, value) in pairs(text)


def test_driver_memory_key_does_not_read_overhead_as_heap() -> None:
    assert facts_named("spark.driver.memoryOverhead=2g", "driver_memory_bytes") == []


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("INFO DAGScheduler: Submitting 400000 missing tasks from Stage 3", "num_tasks", "400000"),
        ("INFO TaskSchedulerImpl: Adding task set 3.0 with 1842 tasks", "num_tasks", "1842"),
        ("the stage has 400k tasks", "num_tasks", "400000"),
        ("about 2 million small tasks", "num_tasks", "2000000"),
        ("each with 20k partitions", "num_partitions", "20000"),
        ("reading 2 million tiny parquet files", "num_files", "2000000"),
        ("there are 50,000 cached blocks", "num_cached_blocks", "50000"),
        ("INFO MicroBatchExecution: Committed offsets for batch 41.", "streaming_batches", "42"),
        (
            "ERROR WriteToDataSourceV2Exec: Data source write support MicroBatchWrite[epoch: 226, "
            "writer: NoopStreamingWrite$@3809528b] is aborting.",
            "streaming_batches",
            "227",
        ),
    ],
)
def test_count_yields_fact(text: str, name: str, value: str) -> None:
    assert (name, value) in pairs(text, "words" if "INFO" not in text else "log")


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("11.2 GB of 11 GB physical memory used", "container_limit_bytes", str(11 * GIB)),
        ("container memory limit 6Gi", "container_limit_bytes", str(6 * GIB)),
        ("a task of very large size (1200 KiB)", "serialized_task_bytes", str(1200 << 10)),
        ("Container exited with exit code 137", "exit_code", "137"),
        ("Running Spark version 3.5.1", "spark_version", "3.5.1"),
        ("spark-submit --deploy-mode cluster app.py", "deploy_mode", "cluster"),
        ("we run in client mode", "deploy_mode", "client"),
        ("spark-submit --master local[4] app.py", "platform", "local"),
        ("on Databricks runtime", "platform", "databricks"),
        ("kubectl logs my-driver", "platform", "kubernetes"),
    ],
)
def test_other_extractors_yield_fact(text: str, name: str, value: str) -> None:
    assert (name, value) in pairs(text)


def test_action_word_in_prose_is_weak() -> None:
    (fact,) = facts_named("we were collecting all the results", "action", "words")
    assert (fact.value, fact.weak, fact.source) == ("collect", True, "words")


def test_action_written_as_code_in_prose_is_strong() -> None:
    (fact,) = facts_named("then df.collect() runs out of memory", "action", "words")
    assert (fact.value, fact.weak) == ("collect", False)


def test_action_spelled_as_spark_prints_it_in_prose_is_strong() -> None:
    facts = facts_named("the job is toPandas on a big frame", "action", "words")
    assert [(f.value, f.weak) for f in facts] == [("to_pandas", False)]


def test_streaming_word_in_prose_is_weak_and_memory_growth_is_not() -> None:
    facts = line_facts(1, "memory grows slowly in our microbatch job", "words")
    weak = {(f.name, f.value): f.weak for f in facts}
    assert weak[("streaming", "yes")] is True
    assert weak[("action", "streaming_query")] is True
    assert weak[("memory_growth", "gradual")] is False


def test_action_word_in_log_line_is_never_weak() -> None:
    (fact,) = facts_named("WARN something collecting results", "action", "log")
    assert (fact.value, fact.weak) == ("collect", False)


def test_info_scheduler_line_yields_no_action_fact() -> None:
    text = (
        "24/11/26 10:00:01 INFO DAGScheduler: Got job 0 (collect at x.py:12) "
        "with 4 output partitions"
    )
    assert facts_named(text, "action") == []
    assert ("num_tasks", "4") in pairs(text)


def test_info_line_without_timestamp_yields_no_action_fact() -> None:
    assert facts_named("INFO DAGScheduler: Got job 0 (collect at x.py:12)", "action") == []


def test_call_site_outside_scheduler_line_yields_action_fact() -> None:
    (fact,) = facts_named("Got job 0 (collect at x.py:12)", "action")
    assert fact.value == "collect"


def test_pyspark_library_frame_yields_no_action_fact() -> None:
    text = '  File "/opt/spark/python/pyspark/rdd.py", line 1833, in collect'
    assert facts_named(text, "action") == []


@pytest.mark.parametrize(
    "frame",
    [
        "\tat java.base/java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue.take("
        "ScheduledThreadPoolExecutor.java:1182)",
        "\tat java.util.concurrent.LinkedBlockingQueue.take(LinkedBlockingQueue.java:442)",
        "\tat scala.collection.TraversableOnce.collect(TraversableOnce.scala:100)",
    ],
)
def test_a_jdk_or_scala_library_frame_yields_no_action_fact(frame: str) -> None:
    assert facts_named(frame, "action") == []


def test_a_spark_frame_still_yields_its_action() -> None:
    frame = "\tat org.apache.spark.sql.Dataset.collectFromPlan(Dataset.scala:4390)"
    assert [f.value for f in facts_named(frame, "action")] == ["collect"]


def test_user_code_frame_yields_action_fact() -> None:
    text = '  File "/home/me/jobs/export.py", line 12, in collect'
    assert [f.value for f in facts_named(text, "action")] == ["collect"]


def test_not_an_action_rule_does_not_apply_to_words() -> None:
    text = "INFO I think collect() is what fails"
    assert [f.value for f in facts_named(text, "action", "words")] == ["collect"]


def test_host_ram_is_read_from_words_only() -> None:
    text = "Registering block manager 10.0.0.1:4040 with 117.0 MiB RAM"
    assert facts_named(text, "host_memory_bytes", "log") == []
    (fact,) = facts_named("my laptop has 16 GB of RAM", "host_memory_bytes", "words")
    assert fact.value == str(16 * GIB)


def test_executor_memory_in_words_is_not_the_driver_hosts() -> None:
    assert facts_named("Executors have 2 GB of memory", "host_memory_bytes", "words") == []
    text = "Executors have 2 GB of memory.\nThe edge node has 8 GB of RAM"
    assert [f.value for f in facts_named(text, "host_memory_bytes", "words")] == [str(8 * GIB)]


def test_memory_growth_is_read_from_words_only() -> None:
    text = "\tat scala.collection.mutable.ArrayBuffer.grow(ArrayBuffer.scala:50)"
    assert facts_named(text, "memory_growth", "log") == []
    assert [f.value for f in facts_named("it grows over days", "memory_growth", "words")] == [
        "gradual"
    ]


def test_line_facts_cite_line_number_and_trimmed_text() -> None:
    (fact,) = facts_named("   spark.driver.memory=8g   ", "driver_memory_bytes")
    assert fact.line == 1
    assert fact.text == "spark.driver.memory=8g"
    assert fact.source == "log"


def test_line_facts_text_is_cut_to_300_chars() -> None:
    text = "spark.driver.memory=8g " + "x" * 500
    (fact,) = facts_named(text, "driver_memory_bytes")
    assert len(fact.text) == 300


@pytest.mark.parametrize(
    ("lines", "largest"),
    [
        pytest.param(
            [
                "INFO DAGScheduler: Submitting 10 missing tasks from ResultStage 0",
                "INFO DAGScheduler: Submitting 250000 missing tasks from ResultStage 1",
                "INFO DAGScheduler: Submitting 7 missing tasks from ResultStage 2",
            ],
            ("num_tasks", "250000", 2),
            id="task count",
        ),
        pytest.param(
            [
                "INFO TaskSchedulerImpl: Adding task set 0.0 with 300 tasks",
                "INFO DAGScheduler: Got job 1 (count at x.py:3) with 9000 output partitions",
                "INFO DAGScheduler: Submitting 40 missing tasks from ResultStage 4",
            ],
            ("num_tasks", "9000", 2),
            id="task count across line shapes",
        ),
        pytest.param(
            [f"INFO MicroBatchExecution: Committed offsets for batch {n}." for n in (3, 99, 12)],
            ("streaming_batches", "100", 2),
            id="batch count",
        ),
        pytest.param(
            [
                "INFO Executor: Finished task 0.0 in stage 3.0 (TID 14). 2445 bytes result sent"
                " to driver",
                "INFO Executor: Finished task 25.0 in stage 0.0 (TID 25). 15177170 bytes result"
                " sent via BlockManager)",
                "INFO Executor: Finished task 1.0 in stage 4.0 (TID 403). 2038 bytes result sent"
                " to driver",
                "INFO TaskSetManager: Finished task 2.0 in stage 4.0 (TID 404) in 12 ms on host (1/8)",
            ],
            ("max_task_result_bytes", "15177170", 2),
            id="task result sent to the driver",
        ),
    ],
)
def test_numeric_maxima_keeps_the_largest(lines: list[str], largest: tuple[str, str, int]) -> None:
    """Counts and sizes Spark prints on many lines of one shape: the largest, not the first."""
    facts = list(numeric_maxima(lines))
    assert [(f.name, f.value, f.line) for f in facts] == [largest]


def test_a_task_result_is_read_only_for_the_largest() -> None:
    """line_facts never reads one: a rule asking whether every result was small must not see
    the first of many."""
    line = (
        "INFO Executor: Finished task 0.0 in stage 3.0 (TID 14). 2445 bytes result sent to driver"
    )
    assert [f for f in line_facts(1, line, "log") if f.name == "max_task_result_bytes"] == []


def test_numeric_maxima_ignores_other_lines() -> None:
    assert list(numeric_maxima(["spark.driver.memory=8g", "the stage has 400k tasks"])) == []


def test_max_result_size_zero_is_no_limit_and_raises_its_finding() -> None:
    from service.engine import analyze
    from service.engine.findings import find_problems

    analysis = analyze("spark-submit --driver-memory 4g --conf spark.driver.maxResultSize=0 app.py")
    assert analysis.values("max_result_size_bytes") == ["0"]
    assert any("maxResultSize is 0" in f.message for f in find_problems(analysis))


def test_a_local_cluster_master_is_not_local_mode() -> None:
    assert ("deploy_mode", "local") in pairs("spark-submit --master local[4] app.py")
    assert ("deploy_mode", "local") in pairs('spark-submit --master "local" --class Main g.jar')
    assert ("deploy_mode", "local") in pairs("SparkSession.builder.master('local[2]')")
    assert ("deploy_mode", "local") in pairs("the tests run Spark in local mode")
    assert ("deploy_mode", "local") not in pairs(
        "spark-submit --master local-cluster[2,1,1024] a.py"
    )


def test_collect_jobs_from_one_line_of_the_program_are_counted() -> None:
    log = [
        "26/12/03 10:00:01 INFO SparkContext: Starting job: collect at /jobs/loop.py:39",
        "26/12/03 10:00:01 INFO DAGScheduler: Got job 0 (collect at /jobs/loop.py:39) with 4 ...",
        "26/12/03 10:00:05 INFO SparkContext: Starting job: count at /jobs/loop.py:12",
        "26/12/03 10:00:09 INFO SparkContext: Starting job: collect at /jobs/loop.py:39",
        "26/12/03 10:00:12 INFO SparkContext: Starting job: toPandas at /jobs/report.py:7",
        "26/12/03 10:00:15 INFO SparkContext: Starting job: take at /jobs/loop.py:50",
        "26/12/03 10:00:16 INFO SparkContext: Starting job: take at /jobs/loop.py:50",
    ]
    (fact,) = collects_from_one_site(log)
    assert (fact.name, fact.value, fact.line) == ("collects_from_one_site", "2", 4)
    assert fact.text == log[3]
    assert list(collects_from_one_site(log[4:])) == [
        Fact(name="collects_from_one_site", value="1", line=1, text=log[4])
    ]
    assert list(collects_from_one_site(["INFO SparkContext: Starting job: take at a.py:1"])) == []


def concurrent_collects(lines: list[str]) -> list[str]:
    return [f.value for f in job_site_facts(lines) if f.name == "concurrent_collects"]


def test_collect_jobs_running_at_once_are_counted_when_their_ends_show_it() -> None:
    def got(job: int) -> str:
        return f"26/12/04 10:00:0{job} INFO DAGScheduler: Got job {job} (collect at t.py:8) with 4"

    def ended(job: int) -> str:
        return (
            f"26/12/04 10:00:09 INFO DAGScheduler: Job {job} finished: collect at t.py:8, took 1 s"
        )

    start = ["26/12/04 10:00:00 INFO SparkContext: Starting job: collect at t.py:8"]
    assert concurrent_collects([*start, got(0), ended(0), got(1), ended(1)]) == ["1"]
    assert concurrent_collects([*start, got(0), got(1), got(2), ended(0), ended(2)]) == ["3"]
    # A trimmed log that lost job 0's end: nothing shows that it was still running.
    assert concurrent_collects([*start, got(0), got(1), ended(1)]) == ["1"]
    map_stage = "INFO DAGScheduler: Got map stage job 1 (collect at t.py:8) with 8 output"
    assert concurrent_collects([*start, got(0), map_stage, ended(1), ended(0)]) == ["1"]


def test_py4j_names_the_jvm_method_a_pyspark_call_was_running() -> None:
    text = "py4j.protocol.Py4JJavaError: An error occurred while calling o56.agg."
    assert [f.value for f in facts_named(text, "py4j_call")] == ["agg"]
    text = (
        "An error occurred while calling z:org.apache.spark.api.python.PythonRDD.collectAndServe."
    )
    assert [f.value for f in facts_named(text, "py4j_call")] == ["collectAndServe"]


def test_jobs_of_any_action_from_one_line_of_the_program_are_counted() -> None:
    log = [
        "26/12/03 10:00:01 INFO SparkContext: Starting job: count at /jobs/loop.py:42",
        "26/12/03 10:00:02 INFO SparkContext: Starting job: collect at /jobs/loop.py:39",
        "26/12/03 10:00:03 INFO SparkContext: Starting job: count at /jobs/loop.py:42",
        "26/12/03 10:00:04 INFO SparkContext: Starting job: count at /jobs/loop.py:42",
    ]
    (fact,) = jobs_from_one_site(log)
    assert (fact.name, fact.value, fact.line, fact.text) == ("jobs_from_one_site", "3", 4, log[3])
    assert list(jobs_from_one_site(["INFO DAGScheduler: Job 3 finished"])) == []


def test_stages_warned_for_a_task_of_very_large_size_are_counted_once_each() -> None:
    warn = "WARN TaskSetManager: Stage {} contains a task of very large size (3305 KiB). The maximum recommended task size is 1000 KiB."
    log = [
        "26/12/05 11:05:36 " + warn.format(0),
        "hour 0: 250000 readings, 1 hours loaded",
        "26/12/05 11:05:37 " + warn.format(1),
        "26/12/05 11:05:38 " + warn.format(1),
        "26/12/05 11:05:39 " + warn.format(2),
    ]
    (fact,) = large_task_stages(log)
    assert (fact.name, fact.value, fact.line, fact.text) == ("large_task_stages", "3", 5, log[4])
    assert (
        large_task_stages(["WARN DAGScheduler: Broadcasting large task binary with size 4.5 MiB"])
        == []
    )


def test_cached_blocks_lost_with_an_executor_tell_how_much_was_cached() -> None:
    warn = "26/12/06 02:22:29 WARN BlockManagerMasterEndpoint: No more replicas available for {}!"
    log = [
        "26/12/06 02:22:29 ERROR TaskSchedulerImpl: Lost executor 1 on 192.0.2.2: Command exited",
        warn.format("rdd_298_20"),
        warn.format("rdd_452_611"),
        warn.format("rdd_228_2457"),
        "26/12/06 02:22:29 WARN BlockManagerMasterEndpoint: No more replicas available for "
        "rdd_298_7 !",  # 3.x puts a space before the mark
        warn.format("broadcast_3_piece0"),  # no cached RDD block
    ]
    rdds, partitions = cached_blocks_lost(log)
    assert (rdds.name, rdds.value, rdds.line) == ("lost_cached_rdds", "3", 5)
    assert (partitions.name, partitions.value, partitions.text) == (
        "lost_cached_partitions",
        "2458",
        log[4].strip(),
    )
    assert cached_blocks_lost(log[:1]) == []


def test_bucket_counts_and_an_ignored_session_config_are_read() -> None:
    assert ("num_partitions", "300000") in pairs(
        'df.write.bucketBy(300000, "customer_id").saveAsTable("events")'
    )
    assert ("num_partitions", "64") in pairs("CLUSTERED BY (id) SORTED BY (ts) into 64 buckets")
    assert ("session_configs_ignored", "yes") in pairs(
        "18/01/22 07:09:35 WARN SparkSession$Builder: Using an existing SparkSession; some "
        "configuration may not take effect."
    )
    # SparkContext.getOrCreate(conf) over a running context, as a spark-shell script does.
    assert ("session_configs_ignored", "yes") in pairs(
        "26/12/06 04:44:57 WARN SparkContext: Using an existing SparkContext; some configuration "
        "may not take effect."
    )


def test_the_drivers_memory_store_tells_its_storage_memory() -> None:
    driver = [
        "26/12/06 02:31:10 INFO SparkContext: Running Spark version 3.5.9",
        "26/12/06 02:31:10 INFO SparkEnv: Registering BlockManagerMaster",
        "26/12/06 02:31:10 INFO DiskBlockManager: Created local directory at /tmp/blockmgr-6b0",
        "26/12/06 02:31:10 INFO MemoryStore: MemoryStore started with capacity 366.3 MiB",
    ]
    (fact,) = driver_memory_store(driver)
    assert (fact.name, fact.line, fact.text) == ("driver_storage_memory_bytes", 4, driver[3])
    assert fact.value == str(int(366.3 * 1024**2))
    # An executor looks the master up and logs no registration: its store is not the driver's.
    executor = [
        "26/12/06 02:31:12 INFO CoarseGrainedExecutorBackend: Started daemon with process name",
        "26/12/06 02:31:12 INFO MemoryStore: MemoryStore started with capacity 93.3 MiB",
    ]
    assert driver_memory_store(executor) == []


def test_the_passes_a_program_printed_before_the_oom_are_counted() -> None:
    log = [
        "26/12/05 15:29:23 INFO SparkContext: Running Spark version 3.5.9",
        "python VmSize 303 MiB, RLIMIT_AS set to 703 MiB",
        *(f"price day {day}: 120000 skus, {day * 120000} price changes" for day in range(3)),
        "26/12/05 15:29:30 INFO DAGScheduler: Job 3 finished: collect at app.py:41, took 1.2 s",
        "[Stage 4:=======>                                                  (1 + 1) / 8]",
        '  File "/jobs/prices.py", line 52, in history_by_sku',
        "price day 3: 120000 skus, 360000 price changes",
        "MemoryError",
        "price day 4: 120000 skus, 480000 price changes",
    ]
    (fact,) = program_passes(log)
    assert (fact.name, fact.value, fact.line, fact.text) == ("program_passes", "4", 9, log[8])
    # The same line printed again without new numbers, Spark's own lines, frames and
    # exceptions are not passes of the program.
    assert program_passes(["Current mem limits: -1 of max -1"] * 6) == []
    spark_only = [
        "26/12/05 15:29:30 WARN TaskSetManager: Lost task 1.0 in stage 2.0 (TID 7)",
        "java.lang.IllegalStateException: stage 3 failed",
        "\tat org.apache.spark.rdd.RDD.collect(RDD.scala:1049)",
        "ERROR Executor: Exception in task 2.0 in stage 4.0 (TID 9)",
    ]
    assert program_passes(spark_only * 3) == []


def test_passes_may_start_with_the_date_they_are_about() -> None:
    """A backfill loop reports each day it did ("2026-01-05: 7-day sales ..."); log lines
    start with a date and a time of day, and a printed table's rows hold no words."""
    days = [f"2026-01-{day:02d}: 7-day sales {day * 74997017.76:.2f}" for day in range(1, 8)]
    (fact,) = program_passes(["26/12/05 17:12:23 INFO SparkContext: started", *days])
    assert (fact.value, fact.line, fact.text) == ("7", 8, days[-1])
    logged = [
        f"2026-12-05 17:12:{second:02d},120 INFO Executor: task {second}" for second in range(9)
    ]
    iso = [f"2026-12-05T17:12:{second:02d}.120Z WARN Driver: batch {second}" for second in range(9)]
    table = [f"2026-01-{day:02d}    {day * 12.5}    {day * 3}" for day in range(1, 9)]
    assert program_passes(logged + iso + table) == []


@pytest.mark.parametrize(
    ("line", "count"),
    [
        ("Exchange hashpartitioning(k#12L, 200000), ENSURE_REQUIREMENTS, [id=#33]", "200000"),
        (
            "+- Exchange rangepartitioning(ts#3 ASC NULLS FIRST, 50000), ENSURE_REQUIREMENTS",
            "50000",
        ),
        (
            "+- Exchange RoundRobinPartitioning(3000000), REPARTITION_BY_NUM, [plan_id=12]",
            "3000000",
        ),
        ("df.repartition(100000).write.parquet(out)", "100000"),
        ("rdd.repartition(numPartitions=5000)", "5000"),
        ("df.repartition(1_000_000)", "1000000"),
        ("sc.parallelize(xs, numSlices=5000)", "5000"),
        ("spark.conf.set('spark.sql.shuffle.partitions', '200000')", "200000"),
        ("spark.default.parallelism: 300000", "300000"),
        ("spark.sql.adaptive.coalescePartitions.initialPartitionNum=8000000", "8000000"),
    ],
)
def test_partition_counts_are_read_from_plans_code_and_settings(line: str, count: str) -> None:
    assert ("num_partitions", count) in pairs(line)


def test_a_repartition_by_column_or_a_variable_gives_no_count() -> None:
    assert not facts_named("df.repartition(col('day'))", "num_partitions")
    assert not facts_named("sc.parallelize(range(n), n).count()", "num_partitions")


def test_a_count_in_the_program_is_an_action_but_not_in_pyspark_or_scheduler_lines() -> None:
    assert ("action", "count") in pairs("    total = df.filter(df.x > 0).count()")
    frame = '  File "/opt/spark/python/lib/pyspark.zip/pyspark/rdd.py", line 1, in count()'
    assert ("action", "count") not in pairs(frame)
    info = "26/12/03 10:00:01 INFO DAGScheduler: Job 3 finished: count() at x.py:3"
    assert ("action", "count") not in pairs(info)


def test_tasks_before_oom_is_the_highest_task_id_up_to_the_first_oom() -> None:
    log = [
        "INFO TaskSetManager: Finished task 1.0 in stage 2.0 (TID 5701) in 3 ms on host (executor driver)",
        "INFO TaskSetManager: Starting task 1703.0 in stage 2.0 (TID 5703) (host, executor driver, ...)",
        "ERROR Executor: Exception in task 1703.0 in stage 2.0 (TID 5703)",
        "java.lang.OutOfMemoryError: Java heap space",
        "WARN TaskSetManager: Lost task 1704.0 in stage 2.0 (TID 9999) (host executor driver): ...",
    ]
    (fact,) = tasks_before_oom(log)
    assert (fact.name, fact.value, fact.line) == ("tasks_before_oom", "5704", 3)
    # The 2.x form "(TID 3, localhost, executor driver)" counts the same way.
    legacy = [
        "WARN TaskSetManager: Lost task 2.0 in stage 1.0 (TID 3, localhost, executor driver):"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded"
    ]
    assert [f.value for f in tasks_before_oom(legacy)] == ["4"]


def test_stages_before_oom_is_the_highest_stage_id_up_to_the_first_oom() -> None:
    log = [
        "INFO DAGScheduler: Submitting ResultStage 925 (PythonRDD[1852] at count at x.py:9)",
        "ERROR TorrentBroadcast: Store broadcast broadcast_926 fail, remove all pieces",
        "INFO TaskSchedulerImpl: Killing all running tasks in stage 926: Stage cancelled: Job"
        " aborted due to stage failure: Task serialization failed: java.lang.OutOfMemoryError:"
        " Java heap space",
        "INFO DAGScheduler: ResultStage 2000 (count at x.py:9) failed in 0.355 s",
    ]
    (fact,) = stages_before_oom(log)
    assert (fact.name, fact.value, fact.line) == ("stages_before_oom", "927", 3)
    assert list(stages_before_oom(["INFO DAGScheduler: Submitting ResultStage 3"])) == []


def test_tasks_before_oom_needs_both_an_oom_and_a_task_before_it() -> None:
    assert list(tasks_before_oom(["INFO Executor: Finished task 0.0 in stage 0.0 (TID 7)"])) == []
    assert list(tasks_before_oom(["java.lang.OutOfMemoryError: Java heap space"])) == []
    late = ["java.lang.OutOfMemoryError: Java heap space", "INFO Executor: ... (TID 40)"]
    assert list(tasks_before_oom(late)) == []


def test_a_mangled_scala_name_in_a_frame_is_not_the_language() -> None:
    frame = (
        "at scala.concurrent.impl.Promise$.scala$concurrent$impl$Promise$$resolve(Promise.scala:99)"
    )
    assert ("language", "scala") not in pairs(frame)
    assert ("language", "scala") in pairs("spark-submit --class Main jobs/Main.scala", "words")


def test_an_adaptive_map_stage_job_counts_its_output_partitions() -> None:
    line = (
        "26/12/03 07:26:03 INFO DAGScheduler: Got map stage job 1 (count at "
        "NativeMethodAccessorImpl.java:0) with 3000000 output partitions"
    )
    assert [(f.name, f.value) for f in numeric_maxima([line])] == [("num_tasks", "3000000")]


@pytest.mark.parametrize(
    ("text", "table_format"),
    [
        ("upserts into a Merge-on-Read Hudi table", "hudi"),
        ("the Iceberg orphan-file cleanup", "iceberg"),
        ("spark.readStream.format('delta').load(path)", "delta"),
        ("reads from large Delta tables", "delta"),
    ],
)
def test_a_table_format_is_named(text: str, table_format: str) -> None:
    assert ("table_format", table_format) in pairs(text, "words")


def test_delta_as_an_ordinary_word_is_no_table_format() -> None:
    assert not facts_named("the delta between two runs is small", "table_format", "words")


@pytest.mark.parametrize(
    "text",
    [
        "we never call df.collect() anywhere",
        "nothing large is collected, the job does not call toPandas()",
        "we don't use a broadcast join at all",
        "memory does not grow slowly, it jumps at once",
    ],
)
def test_what_a_person_says_did_not_happen_yields_no_fact(text: str) -> None:
    names = {name for name, _ in pairs(text, "words")}
    assert not names & {"action", "memory_growth"}


def test_a_negation_in_another_clause_leaves_the_action() -> None:
    facts = facts_named("we do not cache anything, but df.collect() runs out", "action", "words")
    assert [f.value for f in facts] == ["collect"]


def test_log_lines_and_sizes_are_read_as_printed_whatever_comes_before() -> None:
    assert facts_named("ERROR not done: df.collect() failed", "action", "log")
    message = "Cannot broadcast the table that is larger than 8GB: 9 GB"
    assert ("broadcast_size_bytes", str(8 * 1024**3)) in pairs(message, "words")


def test_a_large_task_binary_is_no_broadcast_size() -> None:
    line = "20/07/23 11:21:27 WARN DAGScheduler: Broadcasting large task binary with size 19.3 MiB"
    assert facts_named(line, "broadcast_size_bytes", "log") == []


def test_a_broadcast_size_is_read_within_its_sentence() -> None:
    text = "we broadcast the model. It runs with 16g of driver memory"
    assert facts_named(text, "broadcast_size_bytes", "words") == []
    (fact,) = facts_named("a broadcast of df.value, 1.5 GB", "broadcast_size_bytes", "words")
    assert fact.value == str(int(1.5 * 1024**3))
    # ... and a size before the word too: not one that ends the sentence or line before it.
    text = "It runs with 16g of memory overhead. Shipping the model fails: broadcasting raises"
    assert facts_named(text, "broadcast_size_bytes", "words") == []
    text = "Storage limit = 4.6 GiB.\nWARN BlockManager: Persisting block broadcast_1 to disk"
    assert facts_named(text, "broadcast_size_bytes", "log") == []
    (fact,) = facts_named("the 2 GB lookup map we broadcast", "broadcast_size_bytes", "words")
    assert fact.value == str(2 * 1024**3)


_DRIVER_LINE = (
    "26/12/02 23:17:13 INFO BlockManagerInfo: Removed broadcast_0_piece0 on 10.0.0.2:39931"
)
_TASK_LINE = "26/12/02 23:17:16 ERROR Executor: Exception in task 1.0 in stage 2.0 (TID 9)"


def test_driver_and_task_lines_in_one_log_mean_local_mode() -> None:
    (fact,) = tasks_in_the_driver_jvm([_DRIVER_LINE, _TASK_LINE, "java.lang.OutOfMemoryError"])
    assert (fact.name, fact.value, fact.line) == ("deploy_mode", "local", 2)


@pytest.mark.parametrize(
    "other",
    [
        "INFO StandaloneSchedulerBackend: Granted executor ID app-1/0 on hostPort 10.0.0.3:7078",
        "WARN TaskSetManager: Lost task 1.0 in stage 2.0 (TID 9) (10.0.0.3 executor 1): boom",
        "INFO YarnAllocator: Will request 2 executor container(s)",
    ],
)
def test_executors_of_their_own_are_not_local_mode(other: str) -> None:
    assert list(tasks_in_the_driver_jvm([_DRIVER_LINE, other, _TASK_LINE])) == []


def test_task_lines_alone_do_not_say_which_jvm() -> None:
    assert list(tasks_in_the_driver_jvm([_TASK_LINE, "java.lang.OutOfMemoryError"])) == []
    assert list(tasks_in_the_driver_jvm([_DRIVER_LINE])) == []


# A task's OutOfMemoryError as Spark reports it on the driver: the job's failure, its Driver
# stacktrace, and the task's error chained as the cause.
_TASK_OOM_UNDER_JOB = """\
py4j.protocol.Py4JJavaError: An error occurred while calling z:org.apache.spark.api.python.PythonRDD.runJob.
: org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 2.0 failed 4 times
Driver stacktrace:
\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:1889)
\tat org.apache.spark.scheduler.DAGScheduler.runJob(DAGScheduler.scala:630)
\tat org.apache.spark.api.python.PythonRDD$.runJob(PythonRDD.scala:446)
Caused by: java.lang.OutOfMemoryError: GC overhead limit exceeded
\tat org.eclipse.jgit.internal.storage.file.PackFile.read(PackFile.java:696)
"""

# The driver's own OutOfMemoryError: thrown in the thread that collects, under no job failure.
_DRIVER_OOM = """\
py4j.protocol.Py4JJavaError: An error occurred while calling o123.collectToPython.
: java.lang.OutOfMemoryError: Java heap space
\tat java.util.Arrays.copyOf(Arrays.java:3236)
\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:390)
\tat org.apache.spark.sql.Dataset.collectToPython(Dataset.scala:3257)
Caused by: java.lang.OutOfMemoryError: Java heap space
\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:390)
"""


def test_an_oom_chained_under_a_failed_job_was_a_task_s() -> None:
    [fact] = oom_under_a_failed_job(_TASK_OOM_UNDER_JOB.splitlines())
    assert (fact.name, fact.value, fact.line) == ("oom_side", "executor", 7)
    # Only the frames (no header) pasted: the runJob frames still say a job failed.
    frames_only = _TASK_OOM_UNDER_JOB.splitlines()[4:]
    assert [f.value for f in oom_under_a_failed_job(frames_only)] == ["executor"]


def test_the_driver_s_own_oom_is_not_under_a_failed_job() -> None:
    assert list(oom_under_a_failed_job(_DRIVER_OOM.splitlines())) == []
    # A job failure earlier in the log, then unrelated lines, then the driver's own OOM.
    log = _TASK_OOM_UNDER_JOB.splitlines()[:5] + ["INFO SparkContext: Starting job"]
    assert list(oom_under_a_failed_job(log + _DRIVER_OOM.splitlines())) == []
    log = _TASK_OOM_UNDER_JOB.splitlines()[:5] + ["26/12/03 ERROR Utils: Exception: boom"]
    assert list(oom_under_a_failed_job(log + _DRIVER_OOM.splitlines())) == []


@pytest.mark.parametrize(
    ("line", "collects"),
    [
        ("\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:390)", True),
        (
            "\tat org.apache.spark.sql.execution.CollectLimitExec.executeCollect(limit.scala:45)",
            True,
        ),
        # A command's result rows (a write's, a DDL's) are not data collected to the driver.
        (
            "\tat org.apache.spark.sql.execution.datasources.v2.V2CommandExec.executeCollect"
            "(V2CommandExec.scala:49)",
            False,
        ),
        (
            "\tat org.apache.spark.sql.execution.command.ExecutedCommandExec.executeCollect"
            "(commands.scala:85)",
            False,
        ),
        ("\tat org.apache.spark.sql.execution.CommandResultExec.executeCollect(X.scala:1)", False),
        # A broadcast exchange collecting its build side.
        (
            "\tat org.apache.spark.sql.execution.SparkPlan.executeCollectIterator"
            "(SparkPlan.scala:487)",
            False,
        ),
    ],
)
def test_only_a_query_plan_executeCollect_is_a_collect(line: str, collects: bool) -> None:
    assert (("action", "collect") in pairs(line)) is collects
