"""EventLogScan (service/engine/eventlog/scan.py) fed hand-built Spark listener events."""

from __future__ import annotations

from typing import Any

from service.engine.eventlog.reader import Event
from service.engine.eventlog.scan import EventLogScan
from service.engine.types import Fact

MIB = 1 << 20
GIB = 1 << 30

Raw = tuple[str, dict[str, Any]]

END: Raw = ("SparkListenerApplicationEnd", {"Timestamp": 2})
MEMORY_ONLY = {"Use Disk": False, "Use Memory": True, "Deserialized": True, "Replication": 1}
NOT_CACHED = {"Use Disk": False, "Use Memory": False, "Deserialized": False, "Replication": 1}


def scan_of(*events: Raw) -> EventLogScan:
    """Feed ``(event name, body)`` pairs as lines 1, 2, ... and finish the scan."""
    scan = EventLogScan()
    for number, (name, body) in enumerate(events, start=1):
        scan.feed(Event(number, name, {"Event": name, **body}))
    scan.finish()
    return scan


def facts_of(scan: EventLogScan) -> dict[str, list[Fact]]:
    found: dict[str, list[Fact]] = {}
    for fact in scan.facts():
        found.setdefault(fact.name, []).append(fact)
    return found


def values(scan: EventLogScan, name: str) -> list[str]:
    return [f.value for f in facts_of(scan).get(name, [])]


def job_start(job: int, site: str = "", stages: list[dict[str, Any]] | None = None) -> Raw:
    props = {"callSite.short": site} if site else {}
    return (
        "SparkListenerJobStart",
        {"Job ID": job, "Stage Infos": stages or [], "Properties": props},
    )


def job_end(job: int, failed: str | None = None) -> Raw:
    if failed is None:
        result: dict[str, Any] = {"Result": "JobSucceeded"}
    else:
        result = {"Result": "JobFailed", "Exception": {"Message": failed}}
    return ("SparkListenerJobEnd", {"Job ID": job, "Job Result": result})


def stage(stage_id: int, tasks: int, rdds: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "Stage ID": stage_id,
        "Stage Attempt ID": 0,
        "Stage Name": f"stage {stage_id} at x.py:3",
        "Number of Tasks": tasks,
        "RDD Info": rdds or [],
    }


def rdd(rdd_id: int, level: dict[str, Any], partitions: int, memory: int = 0) -> dict[str, Any]:
    return {
        "RDD ID": rdd_id,
        "Name": f"rdd{rdd_id}",
        "Storage Level": level,
        "Number of Partitions": partitions,
        "Memory Size": memory,
    }


def task_end(stage_id: int, task: int, size: int, reason: dict[str, Any] | None = None) -> Raw:
    return (
        "SparkListenerTaskEnd",
        {
            "Stage ID": stage_id,
            "Stage Attempt ID": 0,
            "Task End Reason": reason or {"Reason": "Success"},
            "Task Info": {"Task ID": task},
            "Task Metrics": {"Result Size": size},
        },
    )


def test_empty_log_counts_nothing_and_driver_died() -> None:
    scan = scan_of()
    assert values(scan, "num_jobs") == ["0"]
    assert values(scan, "driver_died") == ["yes"]
    assert scan.failures == []


def test_application_end_means_driver_did_not_die() -> None:
    scan = scan_of(("SparkListenerApplicationStart", {"App Name": "app", "App ID": "a-1"}), END)
    (fact,) = facts_of(scan)["driver_died"]
    assert (fact.value, fact.line, fact.source) == ("no", 2, "event_log")
    assert values(scan, "exit_code") == []
    assert scan.app == "app (a-1)"


def test_application_end_with_exit_code_gives_exit_code_fact() -> None:
    scan = scan_of(("SparkListenerApplicationEnd", {"Timestamp": 2, "ExitCode": 1}))
    assert values(scan, "driver_died") == ["no"]
    assert values(scan, "exit_code") == ["1"]


def test_log_without_application_end_says_driver_died_and_what_ran() -> None:
    scan = scan_of(job_start(0, "collect at x.py:3"))
    (died,) = facts_of(scan)["driver_died"]
    assert (died.value, died.line) == ("yes", 1)
    assert "still running: job 0 (collect at x.py:3)" in died.text
    (action,) = facts_of(scan)["action"]
    assert (action.value, action.line) == ("collect", 1)
    assert action.text == "job 0 (collect at x.py:3), running when the log stopped"


def test_failed_job_is_counted_with_its_reason_and_action() -> None:
    message = "Job aborted due to stage failure: Total size of serialized results is bigger"
    scan = scan_of(job_start(0, "collect at x.py:3"), job_end(0, failed=message), END)
    assert values(scan, "num_jobs") == ["1"]
    assert values(scan, "failed_jobs") == ["1"]
    assert values(scan, "failure_reason") == [message]
    assert [(f.line, f.where) for f in scan.failures] == [(2, "job 0 (collect at x.py:3)")]
    (action,) = facts_of(scan)["action"]
    assert (action.value, action.line, action.text) == (
        "collect",
        1,
        "job 0 (collect at x.py:3), failed",
    )


def test_successful_job_is_no_failure_and_no_action() -> None:
    scan = scan_of(job_start(0, "collect at x.py:3"), job_end(0), END)
    assert values(scan, "failed_jobs") == ["0"]
    assert scan.failures == []
    assert values(scan, "action") == []


def test_clean_end_names_the_last_job_when_it_brought_a_whole_result() -> None:
    scan = scan_of(
        job_start(0, "count at x.py:2"),
        job_end(0),
        job_start(1, "toPandas at x.py:3"),
        job_end(1),
        END,
    )
    assert values(scan, "last_result_action") == ["to_pandas"]
    assert values(scan, "action") == []
    later = scan_of(
        job_start(0, "toPandas at x.py:3"),
        job_end(0),
        job_start(1, "count at x.py:4"),
        job_end(1),
        END,
    )
    assert values(later, "last_result_action") == []


def test_no_last_result_when_the_log_stops_or_a_job_failed() -> None:
    stopped = scan_of(job_start(0, "toPandas at x.py:3"), job_end(0))
    failed = scan_of(job_start(0, "collect at x.py:3"), job_end(0, "boom"), END)
    assert values(stopped, "last_result_action") == []
    assert values(failed, "last_result_action") == []
    assert values(failed, "action") == ["collect"]


def test_call_site_word_maps_to_action() -> None:
    scan = scan_of(job_start(0, "toPandas at x.py:9"), job_end(0, failed="boom"), END)
    assert values(scan, "action") == ["to_pandas"]
    # countByValue brings a map of every distinct value to the driver, like collectAsMap.
    scan = scan_of(job_start(0, "countByValue at x.py:40"), job_end(0, failed="boom"), END)
    assert values(scan, "action") == ["collect_as_map"]
    # takeSample collects its sample of n rows; a local iterator starts its later jobs from hasNext.
    scan = scan_of(job_start(0, "takeSample at Audit.scala:30"), job_end(0, failed="boom"), END)
    assert values(scan, "action") == ["take"]
    scan = scan_of(job_start(0, "hasNext at Export.scala:41"), job_end(0, failed="boom"), END)
    assert values(scan, "action") == ["to_local_iterator"]
    # first() fetches one row: no collect-like action, whatever the job ran before it.
    scan = scan_of(job_start(0, "first at x.py:47"), job_end(0, failed="boom"), END)
    assert values(scan, "action") == []


def test_collect_actions_from_one_call_site_are_counted_once_per_action() -> None:
    def sql_job(job: int, execution: int, site: str) -> Raw:
        name, body = job_start(job, site)
        body["Properties"]["spark.sql.execution.id"] = str(execution)
        return name, body

    loop = [sql_job(n, n, "toPandas at loop.py:7") for n in range(4)]
    scan = scan_of(*loop, job_start(9, "count at loop.py:3"), END)
    (fact,) = facts_of(scan)["collects_from_one_site"]
    assert fact.value == "4"
    assert fact.text == "4 actions started jobs at toPandas at loop.py:7"
    assert fact.line == 4
    # One DataFrame collect runs a job per shuffle stage, all of one SQL execution.
    one_collect = [sql_job(n, 0, "collect at app.py:12") for n in range(3)]
    assert values(scan_of(*one_collect, END), "collects_from_one_site") == ["1"]
    rdd_jobs = [job_start(n, "collect at app.py:12") for n in range(2)]
    assert values(scan_of(*rdd_jobs, END), "collects_from_one_site") == ["2"]
    takes = [job_start(n, "take at app.py:12") for n in range(3)]
    assert values(scan_of(*takes, END), "collects_from_one_site") == []


def test_call_site_without_known_action_gives_no_action_fact() -> None:
    scan = scan_of(job_start(0, "mapPartitions at x.py:9"), job_end(0, failed="boom"), END)
    assert values(scan, "action") == []


def test_largest_stage_task_count_is_num_tasks() -> None:
    scan = scan_of(
        ("SparkListenerStageSubmitted", {"Stage Info": stage(0, 200)}),
        ("SparkListenerStageSubmitted", {"Stage Info": stage(1, 4000)}),
        ("SparkListenerStageSubmitted", {"Stage Info": stage(2, 50)}),
        END,
    )
    (fact,) = facts_of(scan)["num_tasks"]
    assert (fact.value, fact.line) == ("4000", 2)
    assert fact.text == "SparkListenerStageSubmitted stage 1: 4,000 tasks (stage 1 at x.py:3)"
    assert values(scan, "num_stages") == ["3"]


def test_job_start_stage_infos_count_toward_num_tasks() -> None:
    scan = scan_of(job_start(0, stages=[stage(0, 10), stage(1, 90000)]), END)
    (fact,) = facts_of(scan)["num_tasks"]
    assert (fact.value, fact.line) == ("90000", 1)
    assert fact.text.startswith("SparkListenerJobStart job 0 stage 1")
    assert values(scan, "num_stages") == ["0"]


def test_no_stages_no_num_tasks_fact() -> None:
    assert values(scan_of(END), "num_tasks") == []


def test_task_results_give_largest_task_and_stage_totals() -> None:
    scan = scan_of(
        task_end(0, 1, 3 * MIB),
        task_end(0, 2, 5 * MIB),
        task_end(1, 3, 4 * MIB),
        ("SparkListenerStageCompleted", {"Stage Info": stage(0, 2)}),
        END,
    )
    assert values(scan, "num_tasks_run") == ["3"]
    (largest,) = facts_of(scan)["max_task_result_bytes"]
    assert (largest.value, largest.line) == (str(5 * MIB), 2)
    (total,) = facts_of(scan)["result_size_bytes"]
    assert (total.value, total.line) == (str(8 * MIB), 4)
    assert total.text == "stage 0: 2 task results, 8.0 MiB in total"
    (received,) = facts_of(scan)["results_received_bytes"]
    assert (received.value, received.line) == (str(12 * MIB), 3)
    assert received.text == "3 task results received, 12.0 MiB in all"


def test_failed_task_is_counted_with_its_exception() -> None:
    reason = {
        "Reason": "ExceptionFailure",
        "Class Name": "java.lang.OutOfMemoryError",
        "Description": "Java heap space",
        "Stack Trace": [],
    }
    scan = scan_of(task_end(0, 7, 0, reason), END)
    assert values(scan, "failed_tasks") == ["1"]
    assert values(scan, "failure_reason") == ["java.lang.OutOfMemoryError: Java heap space"]
    assert scan.failures[0].where == "task 7 of stage 0"


def test_a_reason_the_log_gives_by_name_reads_as_spark_prints_it() -> None:
    """TaskResultLost is a bare name in the event log; the driver log and the UI print it with
    its words, which the signatures read."""
    scan = scan_of(task_end(0, 7, 0, {"Reason": "TaskResultLost"}), END)
    assert values(scan, "failure_reason") == ["TaskResultLost (result lost from block manager)"]
    scan = scan_of(task_end(0, 8, 0, {"Reason": "SomeFutureReason"}), END)
    assert values(scan, "failure_reason") == ["SomeFutureReason"]


def test_a_failure_with_fields_reads_as_spark_prints_it() -> None:
    lost = {
        "Reason": "ExecutorLostFailure",
        "Executor ID": "3",
        "Exit Caused By App": True,
        "Loss Reason": "Command exited with code 52",
    }
    killed = {"Reason": "TaskKilled", "Kill Reason": "Stage cancelled"}
    fetch = {
        "Reason": "FetchFailed",
        "Block Manager Address": {"Executor ID": "1", "Host": "10.0.0.7", "Port": 7337},
        "Shuffle ID": 2,
        "Map Index": 5,
        "Map ID": 41,
        "Reduce ID": 9,
        "Message": "java.io.IOException: Connection reset by peer",
    }
    scan = scan_of(
        task_end(0, 1, 0, lost), task_end(0, 2, 0, killed), task_end(0, 3, 0, fetch), END
    )
    assert values(scan, "failure_reason") == [
        "ExecutorLostFailure (executor 3 exited caused by one of the running tasks) "
        "Reason: Command exited with code 52",
        "TaskKilled (Stage cancelled)",
        "FetchFailed(BlockManagerId(1, 10.0.0.7, 7337, None), shuffleId=2, mapIndex=5, mapId=41, "
        "reduceId=9, message=",
    ]
    assert scan.failures[2].text.endswith(
        "message=\njava.io.IOException: Connection reset by peer\n)"
    )


def test_stages_before_oom_is_the_highest_stage_id_up_to_the_first_oom() -> None:
    """As in a driver log: stage ids count every stage submitted, skipped ones included."""
    oom = {
        **stage(76, 4),
        "Failure Reason": "Task serialization failed: java.lang.OutOfMemoryError",
    }
    scan = scan_of(
        ("SparkListenerStageSubmitted", {"Stage Info": stage(3, 4)}),
        ("SparkListenerStageSubmitted", {"Stage Info": stage(76, 4)}),
        ("SparkListenerStageCompleted", {"Stage Info": oom}),
        ("SparkListenerStageSubmitted", {"Stage Info": stage(90, 4)}),
        END,
    )
    (fact,) = facts_of(scan)["stages_before_oom"]
    assert (fact.value, fact.line) == ("77", 3)


def test_no_oom_no_stages_before_oom() -> None:
    failed = {**stage(5, 4), "Failure Reason": "Job aborted due to stage failure"}
    scan = scan_of(("SparkListenerStageCompleted", {"Stage Info": failed}), END)
    assert values(scan, "stages_before_oom") == []


def test_failed_stage_is_counted() -> None:
    info = {**stage(3, 10), "Failure Reason": "Job aborted due to stage failure"}
    scan = scan_of(("SparkListenerStageCompleted", {"Stage Info": info}), END)
    assert values(scan, "failed_stages") == ["1"]
    assert scan.failures[0].where == "stage 3 (attempt 0)"


def test_cached_rdds_give_count_blocks_and_storage_level() -> None:
    rdds = [rdd(1, MEMORY_ONLY, 100), rdd(2, NOT_CACHED, 999)]
    scan = scan_of(
        ("SparkListenerStageSubmitted", {"Stage Info": stage(0, 100, rdds)}),
        (
            "SparkListenerStageCompleted",
            {"Stage Info": stage(0, 100, [rdd(1, MEMORY_ONLY, 100, MIB)])},
        ),
        END,
    )
    found = facts_of(scan)
    assert [(f.value, f.line) for f in found["cached_rdds"]] == [("1", 1)]
    assert values(scan, "num_cached_blocks") == ["100"]
    assert values(scan, "storage_level") == ["MEMORY_ONLY"]
    assert found["cached_rdds"][0].text == (
        "1 cached RDDs (rdd1, ...), 100 partitions, 1.0 MiB in memory, mostly MEMORY_ONLY"
    )


def test_cached_rdds_add_up_partitions_and_name_the_usual_level() -> None:
    serialized_twice = {
        "Use Disk": True,
        "Use Memory": True,
        "Deserialized": False,
        "Replication": 2,
    }
    rdds = [rdd(1, serialized_twice, 10), rdd(2, serialized_twice, 20), rdd(3, MEMORY_ONLY, 5)]
    scan = scan_of(("SparkListenerStageSubmitted", {"Stage Info": stage(0, 1, rdds)}), END)
    assert values(scan, "cached_rdds") == ["3"]
    assert values(scan, "num_cached_blocks") == ["35"]
    assert values(scan, "storage_level") == ["MEMORY_AND_DISK_SER_2"]


def test_unpersisted_rdd_is_no_longer_cached() -> None:
    scan = scan_of(
        ("SparkListenerStageSubmitted", {"Stage Info": stage(0, 1, [rdd(1, MEMORY_ONLY, 100)])}),
        ("SparkListenerUnpersistRDD", {"RDD ID": 1}),
        END,
    )
    assert values(scan, "cached_rdds") == []
    assert values(scan, "num_cached_blocks") == []


def test_executor_removed_with_exit_143_and_nothing_running_is_no_failure() -> None:
    removed = {"Executor ID": "1", "Removed Reason": "Command exited with code 143"}
    scan = scan_of(("SparkListenerExecutorRemoved", removed), END)
    assert scan.failures == []
    assert values(scan, "failure_reason") == []


def test_executor_removed_with_exit_143_while_a_job_runs_is_a_failure() -> None:
    removed = {"Executor ID": "1", "Removed Reason": "Command exited with code 143"}
    scan = scan_of(job_start(0, "count at x.py:3"), ("SparkListenerExecutorRemoved", removed))
    assert [(f.line, f.where, f.text) for f in scan.failures] == [
        (2, "executor 1 removed", "Command exited with code 143")
    ]


def test_executor_that_exited_with_code_0_is_no_failure_even_while_a_job_runs() -> None:
    removed = {"Executor ID": "1", "Removed Reason": "Command exited with code 0"}
    scan = scan_of(job_start(0, "count at x.py:3"), ("SparkListenerExecutorRemoved", removed))
    assert scan.failures == []
    # ... but exit code 1 (or 10, 50, 52 ...) is.
    removed = {"Executor ID": "1", "Removed Reason": "Command exited with code 10"}
    scan = scan_of(job_start(0, "count at x.py:3"), ("SparkListenerExecutorRemoved", removed))
    assert [f.text for f in scan.failures] == ["Command exited with code 10"]


def test_executor_removed_for_memory_is_a_failure() -> None:
    removed = {
        "Executor ID": "4",
        "Removed Reason": "Container killed by YARN for exceeding memory",
    }
    scan = scan_of(("SparkListenerExecutorRemoved", removed), END)
    assert values(scan, "failure_reason") == ["Container killed by YARN for exceeding memory"]


def test_executor_removed_by_dynamic_allocation_is_no_failure() -> None:
    removed = {"Executor ID": "2", "Removed Reason": "Executor idle for 60 seconds"}
    assert scan_of(("SparkListenerExecutorRemoved", removed), END).failures == []


def test_environment_gives_config_platform_and_deploy_mode_facts() -> None:
    props = {
        "spark.driver.memory": "4g",
        "spark.driver.maxResultSize": "1g",
        "spark.sql.autoBroadcastJoinThreshold": "-1",
        "spark.master": "yarn",
        "spark.submit.deployMode": "cluster",
    }
    scan = scan_of(
        ("SparkListenerLogStart", {"Spark Version": "3.5.1"}),
        ("SparkListenerEnvironmentUpdate", {"Spark Properties": props}),
        END,
    )
    assert values(scan, "spark_version") == ["3.5.1"]
    (memory,) = facts_of(scan)["driver_memory_bytes"]
    assert (memory.value, memory.line) == (str(4 * GIB), 2)
    assert memory.text == "SparkListenerEnvironmentUpdate: spark.driver.memory=4g"
    assert values(scan, "max_result_size_bytes") == [str(GIB)]
    assert values(scan, "auto_broadcast_threshold_bytes") == ["-1"]
    assert values(scan, "platform") == ["yarn"]
    assert values(scan, "deploy_mode") == ["cluster"]


def test_local_master_means_local_deploy_mode() -> None:
    props = [["spark.master", "local[*]"], ["spark.submit.deployMode", "client"]]
    scan = scan_of(("SparkListenerEnvironmentUpdate", {"Spark Properties": props}), END)
    assert values(scan, "platform") == ["local"]
    assert values(scan, "deploy_mode") == ["local"]


def test_local_cluster_master_has_executor_jvms_of_its_own() -> None:
    props = [["spark.master", "local-cluster[2,1,1024]"], ["spark.submit.deployMode", "client"]]
    scan = scan_of(("SparkListenerEnvironmentUpdate", {"Spark Properties": props}), END)
    assert values(scan, "platform") == ["standalone"]
    assert values(scan, "deploy_mode") == ["client"]


def _launched(command: str, **props: str) -> EventLogScan:
    body = {"Spark Properties": props, "System Properties": {"sun.java.command": command}}
    return scan_of(("SparkListenerEnvironmentUpdate", body), END)


def test_language_comes_from_what_spark_submit_ran() -> None:
    submit = "org.apache.spark.deploy.SparkSubmit --master yarn --conf spark.driver.memory=4g"
    cases = {
        f"{submit} /jobs/etl.py --day 2026-12-01": "pyspark",
        f"{submit} --name PySparkShell pyspark-shell": "pyspark",
        f"{submit} --class org.apache.spark.repl.Main --name Spark shell spark-shell": "scala",
        f"{submit} --class org.apache.spark.sql.hive.thriftserver.SparkSQLCLIDriver "
        "spark-internal -f q.sql": "sql",
        f"{submit} --name SparkR sparkr-shell /tmp/x": "r",
    }
    for command, language in cases.items():
        (fact,) = facts_of(_launched(command))["language"]
        assert fact.value == language, command
        assert fact.text.startswith("SparkListenerEnvironmentUpdate: sun.java.command=")


def test_an_empty_py_files_setting_or_a_jar_says_no_language() -> None:
    scan = _launched(
        "org.apache.spark.deploy.SparkSubmit --class com.acme.Etl etl.jar",
        **{"spark.submit.pyFiles": ""},
    )
    assert values(scan, "language") == []
    scan = _launched(
        "org.apache.spark.deploy.SparkSubmit etl.jar", **{"spark.submit.pyFiles": "a.zip"}
    )
    assert values(scan, "language") == ["pyspark"]


def test_streaming_query_gives_streaming_facts() -> None:
    scan = scan_of(
        ("StreamingQueryListener$QueryStartedEvent", {"id": "q1", "name": "clicks"}),
        ("StreamingQueryListener$QueryProgressEvent", {}),
        ("StreamingQueryListener$QueryProgressEvent", {}),
        END,
    )
    assert values(scan, "streaming") == ["yes"]
    assert values(scan, "action") == ["streaming_query"]
    assert values(scan, "streaming_batches") == ["2"]
    assert facts_of(scan)["streaming"][0].line == 1


def test_failed_sql_query_is_a_failed_action() -> None:
    scan = scan_of(
        ("SparkListenerSQLExecutionStart", {"executionId": 3, "description": "collect at x.py:5"}),
        ("SparkListenerSQLExecutionEnd", {"executionId": 3, "errorMessage": "OutOfMemoryError"}),
        END,
    )
    assert values(scan, "failed_queries") == ["1"]
    assert values(scan, "action") == ["collect"]
    assert scan.failures[0].where == "SQL query 3 (collect at x.py:5)"


def test_repeated_failure_text_is_kept_once_but_counted_twice() -> None:
    scan = scan_of(job_start(0), job_end(0, "boom"), job_start(1), job_end(1, "boom"), END)
    assert values(scan, "failed_jobs") == ["2"]
    assert scan.counts["failures"] == 2
    assert [f.where for f in scan.failures] == ["job 0"]


def test_unknown_events_are_counted_and_ignored() -> None:
    scan = scan_of(("SparkListenerBlockUpdated", {}), ("SomethingElse", {}))
    assert scan.counts["events"] == 2
    assert (scan.last_line, scan.last_event) == (2, "SomethingElse")
    assert values(scan, "num_jobs") == ["0"]


def test_environment_reads_a_max_result_size_of_zero_as_no_limit() -> None:
    props = {"spark.driver.maxResultSize": "0", "spark.sql.autoBroadcastJoinThreshold": "-1"}
    scan = scan_of(("SparkListenerEnvironmentUpdate", {"Spark Properties": props}), END)
    assert values(scan, "max_result_size_bytes") == ["0"]
    assert values(scan, "auto_broadcast_threshold_bytes") == ["-1"]


def test_the_largest_shuffle_partitioning_of_a_plan_is_num_partitions() -> None:
    plan = (
        "== Physical Plan ==\n"
        "AdaptiveSparkPlan isFinalPlan=false\n"
        "+- HashAggregate(keys=[], functions=[count(1)])\n"
        "   +- Exchange SinglePartition, ENSURE_REQUIREMENTS, [plan_id=20]\n"
        "      +- Exchange RoundRobinPartitioning(3000000), REPARTITION_BY_NUM, [plan_id=12]\n"
        "         +- Exchange hashpartitioning(id#0L, 200), ENSURE_REQUIREMENTS, [plan_id=8]\n"
    )
    start = {"executionId": 0, "description": "count at x.py:3", "physicalPlanDescription": plan}
    scan = scan_of(("SparkListenerSQLExecutionStart", start), END)
    (fact,) = facts_of(scan)["num_partitions"]
    assert (fact.value, fact.line) == ("3000000", 1)
    assert "RoundRobinPartitioning(3000000)" in fact.text
    assert "num_partitions" not in facts_of(scan_of(("SparkListenerSQLExecutionStart", {}), END))


def test_tasks_ended_before_the_first_oom_are_tasks_before_oom() -> None:
    oom = {
        "Reason": "ExceptionFailure",
        "Class Name": "java.lang.OutOfMemoryError",
        "Description": "Java heap space",
        "Stack Trace": [],
    }
    other = {**oom, "Class Name": "java.lang.ArithmeticException", "Description": "/ by zero"}
    tasks = [task_end(0, t, 10) for t in range(6)]
    scan = scan_of(*tasks, task_end(0, 6, 0, other), task_end(0, 7, 0, oom), task_end(0, 8, 0, oom))
    (fact,) = facts_of(scan)["tasks_before_oom"]
    assert (fact.value, fact.line) == ("8", 8)
    assert "tasks_before_oom" not in facts_of(scan_of(*tasks, task_end(0, 6, 0, other), END))


def test_the_driver_block_manager_gives_its_storage_memory() -> None:
    def added(executor: str, memory: int) -> Raw:
        manager = {"Executor ID": executor, "Host": "h", "Port": 1}
        return (
            "SparkListenerBlockManagerAdded",
            {"Block Manager ID": manager, "Maximum Memory": memory},
        )

    scan = scan_of(added("1", 5 * GIB), added("driver", 434031820), END)
    (fact,) = facts_of(scan)["driver_storage_memory_bytes"]
    assert (fact.value, fact.line) == ("434031820", 2)
    assert "driver_storage_memory_bytes" not in facts_of(scan_of(added("1", 5 * GIB), END))


def test_collects_running_at_once_are_told_from_collects_one_after_another() -> None:
    def sql_job(job: int, execution: int) -> Raw:
        name, body = job_start(job, "collect at export.py:30")
        body["Properties"]["spark.sql.execution.id"] = str(execution)
        return name, body

    one_after_another = [event for n in range(3) for event in (sql_job(n, n), job_end(n))]
    assert values(scan_of(*one_after_another, END), "concurrent_collects") == ["1"]
    threads = [sql_job(0, 0), sql_job(1, 1), sql_job(2, 2), job_end(0), job_end(1), job_end(2)]
    (fact,) = facts_of(scan_of(*threads, END))["concurrent_collects"]
    assert (fact.value, fact.line) == ("3", 3)
    # One DataFrame action's jobs (one SQL execution) running together are one action.
    one_action = [sql_job(0, 7), sql_job(1, 7), job_end(0), job_end(1)]
    assert values(scan_of(*one_action, END), "concurrent_collects") == ["1"]


def test_a_job_without_a_call_site_is_named_by_its_result_stage() -> None:
    """A job the JVM starts under a PySpark call (MulticlassMetrics' collectAsMap under an
    evaluator) has no callSite property; its result stage, the last one created, carries it."""
    shuffle = {**stage(3, 8), "Stage Name": "map at MulticlassMetrics.scala:52"}
    result = {**stage(4, 8), "Stage Name": "collectAsMap at MulticlassMetrics.scala:61"}
    scan = scan_of(job_start(2, stages=[result, shuffle]))
    (action,) = facts_of(scan)["action"]
    assert action.value == "collect_as_map"
    assert "job 2 (collectAsMap at MulticlassMetrics.scala:61)" in action.text
    # A call site set by the program wins over the stage's name.
    scan = scan_of(job_start(5, "toPandas at x.py:9", stages=[result]))
    assert values(scan, "action") == ["to_pandas"]
