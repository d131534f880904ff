from __future__ import annotations

import time

import pytest

from kb import KnowledgeBase
from service.engine import analyze
from service.engine.analyzer import MAX_LINE, as_printed, outer_frame_lines

TRACE = """24/11/26 10:00:01 INFO SparkContext: Running Spark version 3.5.1
24/11/26 10:00:02 INFO DAGScheduler: Submitting 400000 missing tasks from ShuffleMapStage 3
Exception in thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded
\tat org.apache.spark.scheduler.TaskSetManager.<init>(TaskSetManager.scala:124)
\tat org.apache.spark.scheduler.TaskSchedulerImpl.createTaskSetManager(TaskSchedulerImpl.scala:263)
"""


def _fact(text: str, name: str) -> tuple[str, int | None]:
    fact = analyze(text).first(name)
    assert fact is not None, f"no {name} fact"
    return fact.value, fact.line


def test_analyze_reads_thread_and_frames_with_line_numbers() -> None:
    analysis = analyze(TRACE)
    trace = analysis.traces[0]
    assert (trace.thread, trace.line) == ("dag-scheduler-event-loop", 3)
    assert trace.exception == "java.lang.OutOfMemoryError"
    assert trace.message == "GC overhead limit exceeded"
    assert trace.frames[0] == "org.apache.spark.scheduler.TaskSetManager.<init>"
    assert _fact(TRACE, "failing_thread") == ("dag-scheduler-event-loop", 3)
    assert _fact(TRACE, "num_tasks") == ("400000", 2)
    assert _fact(TRACE, "spark_version") == ("3.5.1", 1)


def test_analyze_reads_max_result_size_numbers() -> None:
    text = (
        "org.apache.spark.SparkException: Job aborted due to stage failure: Total size of "
        "serialized results of 1842 tasks (1024.3 MiB) is bigger than spark.driver.maxResultSize "
        "(1024.0 MiB)"
    )
    assert _fact(text, "result_size_bytes")[0] == str(int(1024.3 * 2**20))
    assert _fact(text, "max_result_size_bytes")[0] == str(2**30)
    assert _fact(text, "spark_error")[0] == "max_result_size"


def test_analyze_reads_rpc_sizes() -> None:
    text = (
        "Serialized task 12:0 was 268435602 bytes, which exceeds max allowed: "
        "spark.rpc.message.maxSize (134217728 bytes)."
    )
    assert _fact(text, "serialized_task_bytes")[0] == "268435602"
    assert _fact(text, "rpc_max_bytes")[0] == "134217728"


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("spark-submit --deploy-mode client --driver-memory 2g app.py", "deploy_mode", "client"),
        (
            "spark-submit --deploy-mode client --driver-memory 2g app.py",
            "driver_memory_bytes",
            str(2 << 30),
        ),
        ("we run in client mode from an edge node", "deploy_mode", "client"),
        ("container memory limit 6Gi", "container_limit_bytes", str(6 << 30)),
        ("11.2 GB of 11 GB physical memory used", "container_limit_bytes", str(11 << 30)),
        ("reading 2 million tiny parquet files", "num_files", "2000000"),
        ("each with 20k partitions", "num_partitions", "20000"),
        ("driver pod terminated: reason OOMKilled, exit code 137", "exit_code", "137"),
        ("spark.sql.autoBroadcastJoinThreshold=-1", "auto_broadcast_threshold_bytes", "-1"),
        (
            "spark.conf.set('spark.sql.autoBroadcastJoinThreshold', '100MB')",
            "auto_broadcast_threshold_bytes",
            str(100 << 20),
        ),
        ("the query runs for days and memory keeps growing", "memory_growth", "gradual"),
        ("df.toPandas() dies", "action", "to_pandas"),
        ("structured streaming query with a watermark", "streaming", "yes"),
        ("the master is local[*]", "deploy_mode", "local"),
        ("Spark runs locally inside the test JVM", "deploy_mode", "local"),
        ("the nightly job (Spark embedded in the pod) dies", "deploy_mode", "local"),
    ],
)
def test_analyze_extracts_fact(text: str, name: str, value: str) -> None:
    assert value in analyze(text).values(name)


def test_analyze_collapses_repeated_lines() -> None:
    lines = [
        f"24/11/26 10:00:{i % 60:02d} INFO TaskSetManager: Finished task {i}.0 in stage 0.0 (TID {i})"
        for i in range(5000)
    ]
    analysis = analyze("\n".join(lines))
    assert analysis.total_lines == 5000
    assert len(analysis.groups) == 1
    assert analysis.groups[0].count == 5000


def test_analyze_keeps_largest_task_count() -> None:
    text = "\n".join(
        f"INFO DAGScheduler: Submitting {n} missing tasks from ResultStage {i}"
        for i, n in enumerate([10, 250000, 7])
    )
    assert analyze(text).first("num_tasks").value == "250000"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "payload",
    [
        "a" * 200_000,
        'Exception in thread "' + "x" * 100_000,
        "java." * 50_000 + "Exception",
        ("\tat " + "a." * 30_000 + "(") * 3,
        "Total size of serialized results of " + "9" * 50_000 + " tasks (",
        "spark.driver.memory=" + "1" * 100_000,
        "broadcast " + "1 " * 50_000,
        "1" * 100_000 + " tasks",
        "(" * 50_000 + ")" * 50_000,
    ],
)
def test_analyze_is_fast_on_adversarial_lines(payload: str) -> None:
    started = time.perf_counter()
    analyze(payload)
    # Generous bound: catastrophic backtracking would take minutes, not a second.
    assert time.perf_counter() - started < 2.0


def test_analyze_truncates_long_lines() -> None:
    analysis = analyze("x" * (MAX_LINE * 3))
    assert len(analysis.groups[0].text) == MAX_LINE


def test_analyze_handles_empty_and_binary_text() -> None:
    assert analyze("").facts == []
    assert analyze("\x00\x01\x02 \ufffd").total_lines == 1


def test_every_fact_the_code_emits_is_in_the_fact_vocabulary(kb: KnowledgeBase) -> None:
    """Run the analyzer over the whole case library and the run matrix's driver logs and event
    logs: every fact name it establishes must be declared in kb/data/facts.yaml."""
    from kb.library import load_cases
    from service.engine.eventlog import read_event_log
    from service.errors import InputTooLargeError
    from service.evaluation import RUNS_ROOT, read_runs

    emitted: set[str] = set()
    for case in load_cases():
        emitted |= {f.name for f in analyze(case.text).facts}
    for run in read_runs(RUNS_ROOT):
        emitted |= {f.name for f in analyze(run.driver_log()).facts}
        if run.event_log is not None:
            try:
                emitted |= {f.name for f in read_event_log(run.event_log).facts}
            except InputTooLargeError:
                continue  # past the reader's expanded-size limit: it yields no facts at all
    assert len(emitted) > 25
    assert emitted <= set(kb.facts), sorted(emitted - set(kb.facts))


def test_extractors_are_named_and_their_guards_never_hide_a_match() -> None:
    """Every extractor has its own name and a lower-case guard; over every line of the case
    library, wherever a pattern matches, its guard is in the line (else the guard would hide
    facts the pattern can read)."""
    from kb.library import load_cases
    from service.engine.extractors import _EXTRACTORS

    names = [e.name for e in _EXTRACTORS]
    assert len(names) == len(set(names))
    assert all(e.guard == e.guard.lower() for e in _EXTRACTORS)
    hidden = set()
    for case in load_cases():
        for line in case.text.splitlines():
            lowered = line.lower()
            for e in _EXTRACTORS:
                if e.guard and e.guard not in lowered and e.pattern.search(line):
                    hidden.add(e.name)
    assert not hidden, sorted(hidden)


def test_a_log_with_a_few_lines_of_program_output_is_a_log() -> None:
    # Distinct shapes (lines that differ only in digits are one group).
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()
    log = [
        f"26/12/03 10:00:01 INFO Stage{a.title()}{b.title()}: step done"
        for a in words
        for b in words[:4]
    ]
    printed = ["The count of rows in the table is now larger than before", "+- *(1) Range (0, 10)"]
    assert analyze("\n".join(log[:20] + printed + log[20:])).kind == "log"
    report = [
        "Our job dies every night when it collects the daily table to the driver node.",
        "We raised the driver memory twice and it still fails at the same stage.",
    ]
    assert analyze("\n".join(report + log[:5])).kind == "mixed"


def test_the_code_a_python_traceback_quotes_is_not_the_users_words() -> None:
    # Round 22's week-year date pattern: the failure is a SparkUpgradeException raised under a
    # collect(); the traceback's quoted source line reads like a sentence but is output.
    trace = [
        "We sum the invoices per month and print them.",
        "Traceback (most recent call last):",
        '  File "/jobs/invoices.py", line 48, in monthly_totals',
        "    for r in monthly.collect():",
        "             ^^^^^^^^^^^^^^^^^",
        '  File "/opt/spark/python/pyspark/sql/dataframe.py", line 1262, in collect',
        '  File "/opt/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py", line 326, in x',
        "pyspark.errors.exceptions.captured.SparkUpgradeException: Fail to recognize pattern",
    ]
    analysis = analyze("\n".join(trace))
    assert [text for _, text in analysis.prose] == [trace[0]]
    # The same words written by the user, outside any traceback, are theirs.
    mine = analyze("\n".join(["I loop with for r in monthly.collect(): and it dies", *trace[1:]]))
    assert any("monthly.collect()" in text for _, text in mine.prose)


def test_frames_under_a_broadcast_build_are_where_the_query_came_from() -> None:
    """The callers below BroadcastExchangeExec's build in one stack (a Dataset.collect, a
    stream's batch) are marked; the build's own frames above it and the exchange frame are not,
    and a line that is not a frame ends the stack."""
    text = "\n".join(
        [
            "org.apache.spark.SparkException: Job aborted due to stage failure: TaskResultLost",
            "Driver stacktrace:",
            "\tat org.apache.spark.rdd.RDD.collect(RDD.scala:1122)",
            "\tat org.apache.spark.sql.execution.SparkPlan.executeCollectIterator(SparkPlan.scala:487)",
            "\tat org.apache.spark.sql.execution.exchange.BroadcastExchangeExec.$anonfun$relationFuture$1"
            "(BroadcastExchangeExec.scala:186)",
            "\t... [43 lines trimmed] ...",
            "\tat org.apache.spark.sql.classic.Dataset.collect(Dataset.scala:1563)",
            "24/11/26 10:00:09 INFO SparkContext: Invoking stop()",
            "\tat org.apache.spark.sql.Dataset.collectToPython(Dataset.scala:3538)",
        ]
    )
    analysis = analyze(text)
    assert outer_frame_lines(analysis.groups) == {6, 7}


def test_a_tasks_end_reason_on_its_own_line_is_sparks_output_not_words() -> None:
    # Round 26: the reason under "Job aborted" / "Stage failed" reads like a sentence.
    log = [
        "26/12/04 21:00:37 INFO DAGScheduler: ResultStage 3 failed in 21.278 s due to Stage "
        "failed because barrier task ResultTask(3, 0) finished unsuccessfully.",
        "ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: "
        "Command exited with code 50",
        "FetchFailed(BlockManagerId(2, host-7, 7337, None), shuffleId=0, mapIndex=3, reduceId=1)",
        "The executors keep getting lost when the stage runs.",
    ]
    analysis = analyze("\n".join(log))
    assert [text for _, text in analysis.prose] == [log[3]]


def test_a_log_copied_from_a_web_page_reads_as_printed() -> None:
    """No-break spaces, a zero-width space, a byte-order mark, character references."""
    copied = TRACE.replace("\t", "\u00a0" * 4).replace(" ", "\u00a0").replace("at", "a\u200bt", 1)
    copied = copied.replace("<init>", "&lt;init&gt;").replace('"dag', "&quot;dag")
    plain, read = analyze(TRACE), analyze("\ufeff" + copied)
    assert [(f.name, f.value, f.line) for f in read.facts] == [
        (f.name, f.value, f.line) for f in plain.facts
    ]
    assert [t.frames for t in read.traces] == [t.frames for t in plain.traces]


def test_a_log_quoted_for_an_email_reply_reads_as_the_log_itself() -> None:
    quoted = "\n".join(
        ("> " if n % 2 else ">> ") + line for n, line in enumerate(TRACE.splitlines())
    )
    plain, read = analyze(TRACE), analyze(quoted)
    assert read.kind == plain.kind == "log"
    assert [(f.name, f.value, f.line) for f in read.facts] == [
        (f.name, f.value, f.line) for f in plain.facts
    ]
    assert [t.frames for t in read.traces] == [t.frames for t in plain.traces]
    assert as_printed(">>> df.toPandas()\n x -> y") == "df.toPandas()\n x -> y"


def test_a_traceback_in_terminal_colours_reads_as_printed() -> None:
    coloured = (
        "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m\n"
        "\x1b[0;31mPy4JJavaError\x1b[0m                             Traceback (most recent call last)\n"
        "\x1b[0;31mPy4JJavaError\x1b[0m: An error occurred while calling o84.collectToPython.\n"
        ": java.lang.OutOfMemoryError: Java heap space"
    )
    assert as_printed(coloured) == coloured.replace("\x1b[0;31m", "").replace("\x1b[0m", "")
    assert analyze(coloured).values("py4j_call") == ["collectToPython"]
    assert as_printed(coloured.replace("\x1b", "")) == as_printed(coloured)
    assert as_printed("dims [3m] and list[0]") == "dims [3m] and list[0]"


@pytest.mark.parametrize(
    "stamp",
    [
        "2024-11-26T10:00:02.123456789Z ",  # kubectl logs --timestamps, docker logs -t
        "2024-11-26T10:00:02.1234567+01:00\t",
        "2024-11-26T10:00:02.123456789Z stderr F ",  # a node's CRI container log
        "[2024-11-26, 10:00:02 UTC] {spark_submit.py:521} INFO - ",  # Airflow's task log
        "[2024-11-26 10:00:02,123] {subprocess.py:93} INFO - ",
    ],
)
def test_a_log_collectors_stamp_before_every_line_is_not_read_as_the_line(stamp: str) -> None:
    stamped = "\n".join(stamp + line for line in TRACE.splitlines())
    plain, read = analyze(TRACE), analyze(stamped)
    assert [(f.name, f.value, f.line) for f in read.facts] == [
        (f.name, f.value, f.line) for f in plain.facts
    ]
    assert [t.frames for t in read.traces] == [t.frames for t in plain.traces]


def test_a_layout_that_times_only_its_message_lines_keeps_them() -> None:
    lines = TRACE.splitlines()
    own = "\n".join(["2024-11-26T10:00:01.000Z INFO SparkContext: Running Spark 3.5.1", *lines[2:]])
    assert as_printed(own) == own


def test_a_sentence_that_starts_with_an_acronym_is_words_and_a_level_is_not() -> None:
    said = "YARN kills the driver container about an hour into the job"
    log = ["WARN  TaskSetManager: Lost task 1.0 in stage 3.0", "SEVERE: heap is nearly full"]
    log += ["FROM events e JOIN users u ON e.id = u.id"]
    analysis = analyze("\n".join([said, *log, TRACE]))
    assert [text for _, text in analysis.prose] == [said]


def test_a_sentence_that_names_a_class_is_words_and_output_after_a_colon_is_not() -> None:
    """A report in words often names the exception it ends with; that sentence is still the
    user's (the phrasings of how people talk read it), while Spark's and Py4J's messages put
    the class after a colon."""
    said = (
        "In spark-shell with 1g of driver memory a small table is joined to broadcast() of a "
        "large one and collected, and the query fails with java.lang.OutOfMemoryError."
    )
    output = [
        "ERROR: Job aborted due to stage failure: java.lang.OutOfMemoryError: Java heap space",
        "An error occurred while calling z:org.apache.spark.sql.api.python.PythonSQLUtils.toPython.",
        "Job aborted due to stage failure: Exception while getting task result: "
        "org.apache.spark.storage.BlockFetchException: Failed to fetch block from 1 locations.",
        "The batch job failed: org.apache.spark.SparkIllegalArgumentException: [INVALID_DRIVER_MEMORY]",
    ]
    analysis = analyze("\n".join([said, *output]))
    assert [text for _, text in analysis.prose] == [said]
    alone = analyze(said)
    assert alone.kind == "words"
    assert {(f.name, f.value, f.source) for f in alone.facts if f.name == "action"} == {
        ("action", "collect", "words"),
        ("action", "broadcast", "words"),
    }


def test_a_failed_job_that_was_a_broadcast_build_is_read_from_a_driver_log() -> None:
    """Two shapes of a broadcast exchange's build job failing in a driver log (round 10's and
    17's broadcast runs): Spark 3.x's DAGScheduler names the job by its relation future's thread,
    and the aborted job's own stack holds the build; a job started from the program's thread, or
    a 4.x call site adaptive execution shares, is not one."""
    lines = [
        "26/12/03 23:43:56 INFO DAGScheduler: ResultStage 7 ($anonfun$withThreadLocalCaptured$1 at "
        "FutureTask.java:264) failed in 2.055 s due to Job aborted due to stage failure",
        "26/12/03 23:43:56 INFO DAGScheduler: Job 6 failed: $anonfun$withThreadLocalCaptured$1 at "
        "FutureTask.java:264, took 2.063624 s",
    ]
    assert _fact(lines[1], "failed_job") == ("broadcast_build", 1)
    assert analyze(lines[0]).values("failed_job") == ["broadcast_build"]
    trace = "\n".join(
        [
            "py4j.protocol.Py4JJavaError: An error occurred while calling o112.parquet.",
            ": org.apache.spark.SparkException: Job aborted due to stage failure: Exception while "
            "getting task result: java.lang.IllegalStateException: unread block data",
            "\tat org.apache.spark.sql.execution.SparkPlan.executeCollectIterator(SparkPlan.scala:487)",
            "\tat org.apache.spark.sql.execution.exchange.BroadcastExchangeExec.$anonfun$relationFuture$1"
            "(BroadcastExchangeExec.scala:186)",
        ]
    )
    assert _fact(trace, "failed_job") == ("broadcast_build", 2)
    not_builds = [
        "INFO DAGScheduler: Got job 6 ($anonfun$withThreadLocalCaptured$1 at FutureTask.java:264)"
        " with 8 output partitions",
        "INFO DAGScheduler: Job 6 failed: $anonfun$withThreadLocalCaptured$1 at "
        "CompletableFuture.java:1768, took 6170.183999 ms",
        "INFO DAGScheduler: Job 3 failed: collect at app.py:12, took 2.0 s",
        trace.replace("SparkPlan.executeCollectIterator", "SparkPlan.executeCollect").replace(
            "exchange.BroadcastExchangeExec.$anonfun$relationFuture$1", "Dataset.collect"
        ),
    ]
    for text in not_builds:
        assert analyze(text).values("failed_job") == [], text


def test_local_cluster_is_not_local_mode() -> None:
    """local-cluster[...] starts executor JVMs of their own."""
    for text in (
        "spark-submit --master local-cluster[2,1,1024] app.py",
        "the master is local-cluster",
        "26/12/04 22:58:07 INFO LocalSparkCluster: Starting a local Spark cluster with 2 workers.",
    ):
        assert analyze(text).values("deploy_mode") == [], text


def test_an_oom_in_an_ml_estimators_own_code_outside_any_task_is_read() -> None:
    """Round 29: GaussianMixture.fit allocating its covariance matrices on the driver."""
    head = [
        "py4j.protocol.Py4JJavaError: An error occurred while calling o61.fit.",
        ": java.lang.OutOfMemoryError: Java heap space",
        "\tat scala.reflect.ManifestFactory$DoubleManifest.newArray(Manifest.scala:194)",
        "\tat scala.Array$.ofDim(Array.scala:305)",
        "\tat org.apache.spark.ml.clustering.GaussianMixture.$anonfun$initRandom$1"
        "(GaussianMixture.scala:543)",
        "\tat org.apache.spark.ml.clustering.GaussianMixture.fit(GaussianMixture.scala:378)",
    ]
    assert _fact("\n".join(head), "oom_in") == ("ml_estimator", 2)
    # The same code in a task is the task's memory; Spark's own scheduler code on top is not MLlib's.
    in_task = [*head, "\tat org.apache.spark.scheduler.ResultTask.runTask(ResultTask.scala:93)"]
    scheduler = [
        *head[:4],
        "\tat org.apache.spark.scheduler.DAGScheduler.submitMissingTasks(x)",
        *head[4:],
    ]
    # An event log keeps the top of a task's stack: an RDD computing its partition is a task.
    rdd = [
        *head[:4],
        "\tat org.apache.spark.ml.stat.SummarizerBuffer.add(Summarizer.scala:535)",
        "\tat org.apache.spark.rdd.RDD.computeOrReadCheckpoint(RDD.scala:374)",
        "\tat org.apache.spark.rdd.RDD.iterator(RDD.scala:338)",
    ]
    for lines in (in_task, scheduler, rdd):
        assert analyze("\n".join(lines)).values("oom_in") == []


def test_an_oom_a_pyspark_fit_call_threw_without_frames_is_the_estimators() -> None:
    """Round 65: a one-hot pipeline's fit ran out of a 1g driver, and the JVM printed the
    error with no frames; the call that threw it was the fit itself."""
    head = "py4j.protocol.Py4JJavaError: An error occurred while calling o64.fit."
    oom = ": java.lang.OutOfMemoryError: Java heap space"
    after = "26/12/06 08:47:11 INFO ExecutorRunner: Killing process!"
    assert _fact("\n".join([head, oom, "", after]), "oom_in") == ("ml_estimator", 2)
    train = "py4j.protocol.Py4JJavaError: An error occurred while calling o77.trainKMeansModel."
    assert _fact("\n".join([train, oom]), "oom_in") == ("ml_estimator", 2)
    # Another call's error, or the fit's with a collect's frames under it, is not.
    count = head.replace("o64.fit", "o226.count")
    collect = [head, oom, "\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(x)"]
    for lines in ([count, oom], collect, [head, "some other line", oom]):
        assert analyze("\n".join(lines)).values("oom_in") == [], lines


def test_a_warn_level_log_counts_the_micro_batches_the_trigger_warned_of() -> None:
    """At WARN level (a notebook's default) no batch commit is logged; the trigger executor's
    warnings of slow batches say a stream ran, and how many batches at least."""
    slow = (
        "26/12/04 05:59:{:02d} WARN ProcessingTimeExecutor: Current batch is falling behind. The "
        "trigger interval is 2000 milliseconds, but spent 3542 milliseconds"
    )
    log = "\n".join(
        [
            "26/12/04 05:59:22 WARN ResolveWriteToStream: spark.sql.adaptive.enabled is not "
            "supported in streaming DataFrames/Datasets and will be disabled.",
            *(slow.format(second) for second in (29, 33, 35)),
            "26/12/04 05:59:36 INFO MicroBatchExecution: Committed offsets for batch 1. Metadata",
        ]
    )
    analysis = analyze(log)
    assert analysis.values("streaming") == ["yes"]
    assert analysis.values("streaming_batches") == ["3", "2"]
    assert _fact(log, "streaming_batches") == ("3", 4)


def test_pandas_going_into_spark_is_not_a_to_pandas() -> None:
    """Round 30: createDataFrame from a pandas frame warned from pyspark/sql/pandas/conversion.py."""
    into_spark = [
        "/opt/venvs/spark4/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/pyspark/sql/"
        "pandas/conversion.py:704: UserWarning: createDataFrame attempted Arrow optimization",
        "spark.createDataFrame from a pandas frame of 6 million rows",
        'df.groupBy("store").applyInPandas(pivot, schema)',
        "import pyspark.pandas as ps",
    ]
    for text in into_spark:
        assert "to_pandas" not in analyze(text).values("action"), text
    for text in ("df.toPandas() dies", "converting the result to pandas kills the driver"):
        assert "to_pandas" in analyze(text).values("action"), text


def test_pandas_at_either_end_of_a_sentence_is_still_a_to_pandas() -> None:
    for text in ("pandas conversion kills the driver", "it dies when I convert it to pandas."):
        assert "to_pandas" in analyze(text).values("action"), text


def _each_reads(fact: str, value: str, texts: list[str], *, read: bool) -> None:
    """Each line alone does (read=True) or does not give ``fact`` the ``value``."""
    for text in texts:
        assert (value in analyze(text).values(fact)) is read, text


def test_a_broadcast_being_cleaned_up_is_no_broadcast_action() -> None:
    """Round 31: a shutdown's ContextCleaner frames under a maxResultSize abort of a toPandas."""
    cleanup = [
        "\tat org.apache.spark.storage.BlockManagerMaster.removeBroadcast(BlockManagerMaster.scala:222)",
        "\tat org.apache.spark.broadcast.TorrentBroadcast$.unpersist(TorrentBroadcast.scala:395)",
        "\tat org.apache.spark.broadcast.TorrentBroadcastFactory.unbroadcast(TorrentBroadcastFactory.scala:49)",
        "\tat org.apache.spark.ContextCleaner.doCleanupBroadcast(ContextCleaner.scala:256)",
    ]
    _each_reads("action", "broadcast", cleanup, read=False)
    built = [
        "\tat org.apache.spark.broadcast.TorrentBroadcast.writeBlocks(TorrentBroadcast.scala:175)",
        "\tat org.apache.spark.sql.execution.exchange.BroadcastExchangeExec.$anonfun$relationFuture$1(BroadcastExchangeExec.scala:139)",
        "lookup = sc.broadcast(big_dict)",
        "df.join(broadcast(dim), 'id')",
    ]
    _each_reads("action", "broadcast", built, read=True)


def test_collect_list_frames_and_other_caches_are_no_user_action() -> None:
    """Frames of the collect_list aggregate, generated code's cache and the stale-file advice
    name 'collect' and 'cache' without the program collecting or caching anything."""
    not_collect = [
        "\tat org.apache.spark.sql.catalyst.expressions.aggregate.Collect.update(collect.scala:58)",
        "\tat org.apache.spark.sql.catalyst.expressions.aggregate.CollectList.update(collect.scala:143)",
    ]
    _each_reads("action", "collect", not_collect, read=False)
    not_cache = [
        "\tat org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$.$anonfun$cache$1(CodeGenerator.scala:1589)",
        "You can explicitly invalidate the cache in Spark by running 'REFRESH TABLE tableName' "
        "command in SQL or by recreating the Dataset/DataFrame involved. SQLSTATE: KD001",
    ]
    _each_reads("action", "cache", not_cache, read=False)
    _each_reads(
        "action",
        "collect",
        ["\tat org.apache.spark.sql.Dataset.collectFromPlan(Dataset.scala:4333)"],
        read=True,
    )
    _each_reads("action", "cache", ["    df.cache()"], read=True)


def test_pyspark_in_a_directory_path_is_not_the_language() -> None:
    """pip's pyspark package is Spark's home for spark-shell as well; folders are named freely."""
    paths = [
        "26/12/05 01:38:30 INFO Worker: Spark home: /opt/venvs/spark35/lib/python3.11/site-packages/pyspark",
        "26/12/05 01:38:30 INFO SingleEventLogFileWriter: Logging events to file:/tmp/runs/"
        "sales--pyspark--spark35--cluster/events/app-1.zstd.inprogress",
    ]
    _each_reads("language", "pyspark", paths, read=False)
    python = [
        '  File "/opt/venvs/x/site-packages/pyspark/sql/dataframe.py", line 1262, in collect',
        "26/12/05 01:38:31 INFO SparkContext: Starting job: collect at /work/app/job.py:39",
        "py4j.protocol.Py4JJavaError: An error occurred while calling o45.count.",
        "we run pyspark 3.5 on EMR",
    ]
    _each_reads("language", "pyspark", python, read=True)
