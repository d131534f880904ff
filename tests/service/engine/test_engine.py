from __future__ import annotations

import pytest

from service.engine import Engine
from service.engine.types import Diagnosis


def test_diagnose_vague_words_is_unknown(engine: Engine) -> None:
    for text in ["help", "my spark job failed", "hello there"]:
        assert engine.diagnose(text).verdict == "unknown", text


def test_diagnose_executor_oom_says_what_instead(engine: Engine) -> None:
    text = (
        "ERROR Executor: Exception in task 7.0 in stage 3.0 (TID 212)\n"
        "java.lang.OutOfMemoryError: Java heap space\n"
        "\tat org.apache.spark.util.collection.ExternalAppendOnlyMap.insertAll(ExternalAppendOnlyMap.scala:160)\n"
    )
    diagnosis = engine.diagnose(text)
    assert diagnosis.verdict == "not_driver_oom"
    assert diagnosis.instead is not None
    assert "executor" in diagnosis.instead.where.lower()


def test_diagnose_evidence_cites_matching_line(engine: Engine) -> None:
    text = (
        "24/11/26 09:00:00 INFO SparkContext: Running Spark version 3.3.2\n"
        "java.lang.OutOfMemoryError: Java heap space\n"
        "\tat org.apache.spark.broadcast.TorrentBroadcast.writeBlocks(TorrentBroadcast.scala:161)\n"
    )
    top = engine.diagnose(text).causes[0]
    assert top.id == "broadcast_too_large"
    lines = {e.line for e in top.evidence if e.kind == "signature"}
    assert 3 in lines


def test_diagnose_confidences_are_probabilities_and_sorted(engine: Engine) -> None:
    causes = engine.diagnose("driver dies after toPandas on a big table").causes
    assert len(causes) == len(engine.kb.causes)
    confidences = [c.confidence for c in causes]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_diagnose_quiet_log_is_not_a_driver_oom(engine: Engine) -> None:
    lines = [
        f"24/11/26 10:00:{i % 60:02d} INFO TaskSetManager: Finished task {i}.0 in stage 1.0 (TID {i})"
        for i in range(40)
    ]
    diagnosis = engine.diagnose("\n".join(lines))
    assert diagnosis.verdict == "not_driver_oom"
    assert diagnosis.instead is not None and "no out-of-memory" in diagnosis.instead.what


def test_a_short_warn_level_log_of_a_run_that_went_well_is_not_a_driver_oom(
    engine: Engine,
) -> None:
    """At WARN level (a notebook's or a shell's default) a run that went well prints a few
    start-up warnings and the program's own output."""
    log = [
        "26/12/02 20:33:07 WARN Utils: Your hostname, vm resolves to a loopback address: "
        "127.0.0.1; using 192.0.2.2 instead (on interface eth0)",
        "26/12/02 20:33:07 WARN Utils: Set SPARK_LOCAL_IP if you need to bind to another address",
        "26/12/02 20:33:08 WARN NativeCodeLoader: Unable to load native-hadoop library for your "
        "platform... using builtin-java classes where applicable",
        "26/12/02 20:33:10 WARN Utils: Service 'SparkUI' could not bind on port 4040. "
        "Attempting port 4041.",
        "rows 1000000",
    ]
    assert engine.diagnose("\n".join(log)).verdict == "not_driver_oom"
    # Fewer lines than that are too little to say the run went well.
    assert engine.diagnose("\n".join(log[:3])).verdict != "not_driver_oom"


def test_diagnose_reports_config_findings(engine: Engine) -> None:
    text = (
        "spark-submit --driver-memory 4g --conf spark.driver.maxResultSize=8g "
        "--conf spark.sql.autoBroadcastJoinThreshold=2g app.py\n"
        "java.lang.OutOfMemoryError: Java heap space"
    )
    ids = {f.id for f in engine.diagnose(text).findings}
    assert {"max-result-size-above-heap", "broadcast-threshold-above-heap-share"} <= ids


def test_diagnose_finds_driver_memory_set_at_runtime(engine: Engine) -> None:
    text = (
        'spark.conf.set("spark.driver.memory", "16g")\ndf.collect() still dies with Java heap space'
    )
    ids = {f.id for f in engine.diagnose(text).findings}
    assert "driver-memory-set-at-runtime" in ids


def test_diagnose_finds_container_smaller_than_heap_plus_overhead(engine: Engine) -> None:
    text = "driver pod OOMKilled, exit code 137. spark.driver.memory=6g, container memory limit 6Gi"
    ids = {f.id for f in engine.diagnose(text).findings}
    assert "container-smaller-than-heap-plus-overhead" in ids


def test_diagnose_embeds_bounded_query_for_huge_log(engine: Engine) -> None:
    log = "\n".join(f"24/11/26 10:00:00 INFO Foo: line {i} with some words" for i in range(50_000))
    analysis_query = engine.query_text(
        __import__("service.engine", fromlist=["analyze"]).analyze(log)
    )
    assert len(analysis_query) <= 500


def test_most_likely_is_said_only_above_an_even_chance() -> None:
    from service.engine.engine import _summary
    from service.engine.types import RankedCause

    def top(confidence: float) -> list[RankedCause]:
        return [
            RankedCause(id="streaming_state", title="Streaming", confidence=confidence, evidence=[])
        ]

    assert "most likely" not in _summary("driver_oom", top(0.34), None)
    assert "not conclusively" in _summary("driver_oom", top(0.34), None)
    assert _summary("driver_oom", top(0.71), None).startswith("Driver OOM, most likely: Streaming")


def test_a_task_oom_on_executor_driver_is_read_as_local_mode_without_a_master_line(
    engine: Engine,
) -> None:
    # A spark-shell log at WARN level: no "local[*]" line, only the task's own lines say the
    # executor is the driver. Then the task lines are the driver JVM's, not an executor's.
    task_lines = (
        "26/12/02 19:42:13 ERROR Executor: Exception in task 1703.0 in stage 2.0 (TID 5703)\n"
        "java.lang.OutOfMemoryError: Java heap space\n"
        "\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:951)\n"
    )
    lost = (
        "26/12/02 19:42:20 WARN TaskSetManager: Lost task 1703.0 in stage 2.0 (TID 5703) "
        "(192.0.2.2 executor driver): java.lang.OutOfMemoryError: Java heap space\n"
    )
    on_executor = engine.diagnose(task_lines)
    in_driver = engine.diagnose(task_lines + lost)

    def for_not_driver(diagnosis: Diagnosis) -> set[str | None]:
        ranked = {c.id: c for c in diagnosis.causes}
        return {e.signature for e in ranked["not_driver_oom"].evidence if e.weight > 0}

    assert "executor-exception-in-task" in for_not_driver(on_executor)
    assert "executor-exception-in-task" not in for_not_driver(in_driver)
    assert in_driver.causes[0].id != "not_driver_oom"


def test_a_log_that_failed_on_an_error_about_something_else_is_not_a_driver_oom(
    engine: Engine,
) -> None:
    """A failure with nothing about memory in it (here a setting refused at start-up) is not a
    driver OOM: the answer names that failure and where to look."""
    lines = [
        f"24/11/26 10:00:{i:02d} INFO SparkContext: Submitted application: nightly-{i}"
        for i in range(30)
    ]
    lines += [
        "Traceback (most recent call last):",
        '  File "job.py", line 12, in <module>',
        "py4j.protocol.Py4JJavaError: An error occurred while calling "
        "None.org.apache.spark.api.java.JavaSparkContext.",
        ": org.apache.spark.SparkException: Asked to launch cluster with 1024 MiB/worker but "
        "requested 2048 MiB/executor",
        "\tat org.apache.spark.SparkContext.<init>(SparkContext.scala:616)",
    ]
    diagnosis = engine.diagnose("\n".join(lines))
    assert diagnosis.verdict == "not_driver_oom"
    assert diagnosis.instead is not None
    assert "speaks of memory" in diagnosis.instead.what
    assert "Asked to launch cluster" in diagnosis.instead.what


def test_a_failed_log_with_an_out_of_memory_error_is_not_called_unrelated(engine: Engine) -> None:
    lines = [f"24/11/26 10:00:{i:02d} INFO DAGScheduler: Job {i} finished" for i in range(30)]
    lines += [
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        "\tat org.apache.spark.sql.Dataset.collectFromPlan(Dataset.scala:3696)",
    ]
    diagnosis = engine.diagnose("\n".join(lines))
    assert diagnosis.verdict != "not_driver_oom"
    assert not any(
        e.signature == "failure-not-about-memory" for c in diagnosis.causes for e in c.evidence
    )


def _failed_on(failure: list[str], noise: str) -> str:
    """A whole log of healthy jobs that failed on ``failure``, then ``noise`` at shutdown."""
    lines = [f"24/11/26 10:00:{i:02d} INFO DAGScheduler: Job {i} finished" for i in range(30)]
    return "\n".join([*lines, *failure, noise])


_CHECKPOINT_UNSET = [
    "py4j.protocol.Py4JJavaError: An error occurred while calling o87.checkpoint.",
    ": org.apache.spark.SparkException: Checkpoint directory has not been set in the SparkContext",
    "\tat org.apache.spark.rdd.RDD.checkpoint(RDD.scala:1634)",
]
_NO_JDBC_DRIVER = [
    "py4j.protocol.Py4JJavaError: An error occurred while calling o56.jdbc.",
    ": java.sql.SQLException: No suitable driver",
    "\tat java.sql/java.sql.DriverManager.getDriver(DriverManager.java:298)",
]
# "Application has been killed. Reason: ..." is the standalone master's kill after the driver's
# own failure: only its reason could speak of memory.
_MASTER_REMOVED = (
    "24/11/26 10:01:00 ERROR StandaloneSchedulerBackend: Application has been killed. "
    "Reason: Master removed our application: FAILED"
)


@pytest.mark.parametrize(
    ("failure", "noise", "named"),
    [
        (_CHECKPOINT_UNSET, _MASTER_REMOVED, "Checkpoint directory"),
        # Exit code 143 (SIGTERM) is how a standalone worker reports the executors it stops
        # when the application ends, not a kill for memory.
        (
            _NO_JDBC_DRIVER,
            "24/11/26 10:01:00 INFO StandaloneSchedulerBackend: Executor app-1/0 removed: "
            "Command exited with code 143",
            "No suitable driver",
        ),
    ],
)
def test_shutdown_noise_does_not_hide_an_unrelated_failure(
    engine: Engine, failure: list[str], noise: str, named: str
) -> None:
    diagnosis = engine.diagnose(_failed_on(failure, noise))
    assert diagnosis.verdict == "not_driver_oom"
    assert diagnosis.instead is not None and named in diagnosis.instead.what


def test_a_master_removal_whose_reason_speaks_of_memory_is_not_unrelated(engine: Engine) -> None:
    noise = _MASTER_REMOVED.replace("FAILED", "executors ran out of memory")
    diagnosis = engine.diagnose(_failed_on(_CHECKPOINT_UNSET, noise))
    assert not any(
        e.signature == "failure-not-about-memory" for c in diagnosis.causes for e in c.evidence
    )


def test_a_map_task_oom_under_a_collect_in_local_mode_is_not_the_collect(engine: Engine) -> None:
    """In local mode a shuffle map task that runs out of the driver's heap does its stage's own
    work: the collect that started the job has fetched nothing yet."""
    head = [
        "24/11/26 10:00:00 INFO Executor: Starting executor ID driver on host localhost",
        "24/11/26 10:00:01 ERROR Executor: Exception in task 0.0 in stage 0.0 (TID 0)",
        "java.lang.OutOfMemoryError: Java heap space",
        "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
        "\tat org.apache.hadoop.io.Text.setCapacity(Text.java:267)",
    ]
    tail = [
        "\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:620)",
        "24/11/26 10:00:01 WARN TaskSetManager: Lost task 0.0 in stage 0.0 (TID 0) (192.0.2.2 "
        "executor driver): java.lang.OutOfMemoryError: Java heap space",
        "py4j.protocol.Py4JJavaError: An error occurred while calling o51.collectToPython.",
    ]
    for task, collect_rule in (
        ("ShuffleMapTask", "local-mode-map-task-oom-during-a-collect"),
        ("ResultTask", None),
    ):
        frame = f"\tat org.apache.spark.scheduler.{task}.runTask({task}.scala:104)"
        diagnosis = engine.diagnose("\n".join([*head, frame, *tail]))
        assert {(f.name, f.value) for f in diagnosis.facts} >= {
            ("oom_task", "shuffle_map" if task == "ShuffleMapTask" else "result")
        }
        fired = {e.signature for c in diagnosis.causes for e in c.evidence}
        assert "local-mode-task-oom-during-a-collect" in fired
        assert (
            (collect_rule in fired)
            if collect_rule
            else ("local-mode-map-task-oom-during-a-collect" not in fired)
        )


_PY_BROADCAST = [
    "Traceback (most recent call last):",
    '  File "/home/etl/job.py", line 58, in build_lookup',
    "    bc = sc.broadcast(table)",
    '  File "/opt/spark/python/lib/pyspark.zip/pyspark/context.py", line 1765, in broadcast',
    '  File "/opt/spark/python/lib/pyspark.zip/pyspark/broadcast.py", line 138, in __init__',
    '  File "/opt/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py", line 326, in '
    "get_return_value",
    "py4j.protocol.Py4JJavaError: An error occurred while calling o20.broadcast.",
    ": java.lang.OutOfMemoryError: Java heap space",
]
_CLOSURE_FRAME = (
    '  File "/opt/spark/python/lib/pyspark.zip/pyspark/rdd.py", line 5113, in '
    "_prepare_for_python_RDD"
)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (_PY_BROADCAST, "broadcast_too_large"),
        # PySpark broadcasts a closure over 1 MiB through the same calls; its frames say so.
        ([*_PY_BROADCAST[:3], _CLOSURE_FRAME, *_PY_BROADCAST[3:]], "large_closure"),
    ],
)
def test_a_python_broadcast_call_that_ran_out_is_the_broadcast_unless_a_closure_made_it(
    engine: Engine, lines: list[str], expected: str
) -> None:
    diagnosis = engine.diagnose("\n".join(lines))
    assert diagnosis.causes[0].id == expected
    evidence = {e.signature for c in diagnosis.causes for e in c.evidence}
    assert "frame-python-broadcast-call" in evidence


_PY_LAZY_CALL = [
    "Traceback (most recent call last):",
    '  File "/jobs/wide_report.py", line 41, in <module>',
    '    wide = df.groupBy("customer").pivot("sku", skus).agg(F.sum("qty"))',
    '  File "/opt/spark/python/lib/pyspark.zip/pyspark/sql/group.py", line 186, in agg',
    "py4j.protocol.Py4JJavaError: An error occurred while calling o56.agg.",
    ": java.lang.OutOfMemoryError: Java heap space",
]
_SERVE_THREAD = [
    'Exception in thread "serve-DataFrame" java.lang.OutOfMemoryError: Java heap space',
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
    "\tat net.razorvine.pickle.Pickler.dumps(Pickler.java:142)",
    "\tat org.apache.spark.api.python.PythonRDD$.$anonfun$serveIterator$1(PythonRDD.scala:512)",
]


@pytest.mark.parametrize(
    ("lines", "expected", "evidence"),
    [
        # A transformation runs no job: the driver ran out analysing the plan.
        (_PY_LAZY_CALL, "driver_side_state", "driver-oom-in-a-lazy-dataframe-call"),
        # The thread that pickles collected rows for Python: the result itself.
        (_SERVE_THREAD, "collect_to_driver", "thread-python-serve-collected-rows"),
    ],
)
def test_where_the_driver_ran_out_in_a_pyspark_call_says_what_filled_it(
    engine: Engine, lines: list[str], expected: str, evidence: str
) -> None:
    diagnosis = engine.diagnose("\n".join(lines))
    assert diagnosis.causes[0].id == expected
    assert evidence in {e.signature for c in diagnosis.causes for e in c.evidence}


_MEMORY_SINK_BATCHES = [
    *(
        f"26/12/04 05:55:0{n} INFO WriteToDataSourceV2Exec: Start processing data source write "
        f"support: MicroBatchWrite[epoch: {n}, writer: org.apache.spark.sql.execution.streaming."
        f"sources.MemoryStreamingWrite@7603863]. The input RDD has 4 partitions."
        for n in range(1, 6)
    ),
    'Exception in thread "task-result-getter-1" java.lang.OutOfMemoryError: Java heap space',
]


def test_a_log_whose_batches_go_to_the_memory_sink_is_streaming_state(engine: Engine) -> None:
    # Spark names the memory sink at every micro-batch: its rows are kept in the driver heap, so
    # the results arriving at the driver when it ran out are the sink's, not a collect's.
    diagnosis = engine.diagnose("\n".join(_MEMORY_SINK_BATCHES))
    assert diagnosis.causes[0].id == "streaming_state"
    evidence = {e.signature for e in diagnosis.causes[0].evidence}
    assert "msg-streaming-memory-sink-write" in evidence


def test_a_task_oom_under_a_take_in_local_mode_is_not_the_collect(engine: Engine) -> None:
    """take(n) runs as a limit and a collect (collect frames, collectToPython) but brings back n
    rows: a task that ran out under it in local mode ran out on its own work."""
    log = [
        "24/11/26 10:00:00 INFO Executor: Starting executor ID driver on host localhost",
        "24/11/26 10:00:01 ERROR Executor: Exception in task 0.0 in stage 0.0 (TID 0)",
        "java.lang.OutOfMemoryError: Java heap space",
        "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3633)",
        "\tat com.univocity.parsers.csv.CsvParser.parseQuotedValue(CsvParser.java:406)",
        "\tat org.apache.spark.scheduler.ResultTask.runTask(ResultTask.scala:93)",
        "\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:620)",
        "24/11/26 10:00:01 WARN TaskSetManager: Lost task 0.0 in stage 0.0 (TID 0) (192.0.2.2 "
        "executor driver): java.lang.OutOfMemoryError: Java heap space",
        "Traceback (most recent call last):",
        '  File "/jobs/top_pages.py", line 31, in <module>',
        "    for r in top.{call}:",
        '  File "/opt/spark/python/lib/pyspark.zip/pyspark/sql/dataframe.py", line 522, in {frame}',
        "py4j.protocol.Py4JJavaError: An error occurred while calling o51.collectToPython.",
    ]
    fired = {}
    for call, frame in (("take(10)", "take"), ("collect()", "collect")):
        text = "\n".join(log).replace("{call}", call).replace("{frame}", frame)
        diagnosis = engine.diagnose(text)
        fired[call] = {e.signature for c in diagnosis.causes for e in c.evidence}
        assert "local-mode-task-oom-during-a-collect" in fired[call]
        assert (diagnosis.causes[0].id == "collect_to_driver") == (frame == "collect")
    assert "local-mode-task-oom-during-a-take" in fired["take(10)"]
    assert "local-mode-task-oom-during-a-take" not in fired["collect()"]


def test_a_driver_oom_while_parsing_a_statement_is_the_plan_not_a_collect(engine: Engine) -> None:
    """A statement is parsed and analysed in the driver JVM only: running out there means the
    statement or its plan is enormous (data written into the SQL), before any task or result."""
    log = [
        "py4j.protocol.Py4JJavaError: An error occurred while calling o31.sql.",
        ": java.lang.OutOfMemoryError: Java heap space",
        "\tat java.base/java.util.ArrayList.grow(ArrayList.java:239)",
        "\tat org.antlr.v4.runtime.ParserRuleContext.addAnyChild(ParserRuleContext.java:134)",
        "\tat org.antlr.v4.runtime.Parser.enterRule(Parser.java:629)",
        "\tat org.apache.spark.sql.catalyst.parser.SqlBaseParser.expression(SqlBaseParser.java:17295)",
        "\tat org.apache.spark.sql.catalyst.parser.SqlBaseParser.inlineTable(SqlBaseParser.java:15670)",
        "\tat org.apache.spark.sql.catalyst.parser.AbstractSqlParser.$anonfun$parsePlan$1"
        "(AbstractSqlParser.scala:69)",
        "\tat org.apache.spark.sql.catalyst.parser.AbstractParser.parse(parsers.scala:80)",
    ]
    diagnosis = engine.diagnose("\n".join(log))
    assert diagnosis.causes[0].id == "driver_side_state"
    evidence = {e.signature for e in diagnosis.causes[0].evidence}
    assert "frame-sql-parser-or-analyzer" in evidence


def test_a_page_the_driver_could_not_get_is_a_memory_message_not_a_quiet_log(
    engine: Engine,
) -> None:
    """The driver's own TaskMemoryManager serves one job: building a broadcast relation. Its
    "Failed to allocate a page" is the last line of a driver that hung building one, not a log
    with nothing about memory in it."""
    log = [
        f"26/12/04 20:52:{i % 60:02d} INFO BlockManagerInfo: Removed broadcast_{i}_piece0"
        for i in range(40)
    ]
    log.append(
        "26/12/04 20:52:07 WARN TaskMemoryManager: Failed to allocate a page (268435456 bytes), try again."
    )
    diagnosis = engine.diagnose("\n".join(log))
    evidence = {e.signature for c in diagnosis.causes for e in c.evidence}
    assert "msg-task-memory-page-not-granted" in evidence
    assert not any(
        "no out-of-memory error" in e.detail for c in diagnosis.causes for e in c.evidence
    )
    assert any(
        f.name == "spark_error" and f.value == "memory_page_not_granted" for f in diagnosis.facts
    )
