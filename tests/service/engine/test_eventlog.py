"""Event logs written by real Spark (tests/data/spark/generate.py): codecs, rolling logs,
truncation, corruption, bounded memory, and the diagnosis each scenario gets."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from pathlib import Path

import pytest
import zstandard

from service.engine import Engine
from service.engine.engine import _summary
from service.engine.eventlog import EventLogSummary, read_event_log
from service.engine.eventlog.codecs import lzf_decompress
from service.engine.eventlog.reader import ReadLimits
from service.errors import EventLogError, InputTooLargeError
from tests.conftest import SPARK_DATA

EVENTLOGS = SPARK_DATA / "eventlogs"


def facts_of(summary: EventLogSummary) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for fact in summary.facts:
        found.setdefault(fact.name, []).append(fact.value)
    return found


def one(summary: EventLogSummary, name: str) -> str:
    values = facts_of(summary)[name]
    assert len(values) == 1, values
    return values[0]


@pytest.mark.parametrize(
    ("file", "codec"),
    [
        ("healthy.lz4", "lz4"),
        ("healthy.lzf", "lzf"),
        ("healthy.snappy", "snappy"),
        ("healthy.zstd", "zstd"),
        ("collect_oom_fatal.gz", "gzip"),
    ],
)
def test_read_event_log_decodes_spark_codec(file: str, codec: str) -> None:
    summary = read_event_log(EVENTLOGS / file)
    assert summary.stats.codec == codec
    assert not summary.stats.truncated
    assert summary.app.startswith("driver-doctor-")
    assert int(one(summary, "num_jobs")) >= 1
    assert one(summary, "driver_memory_bytes") == str(512 << 20)


def test_read_event_log_compressed_matches_plain_events() -> None:
    plain = read_event_log(EVENTLOGS / "collect_oom_fatal")
    gzipped = read_event_log(EVENTLOGS / "collect_oom_fatal.gz")
    assert plain.stats.lines == gzipped.stats.lines
    assert plain.facts == gzipped.facts


def test_read_event_log_reads_rolling_directory_in_index_order() -> None:
    folder = EVENTLOGS / "rolling_many_tasks"
    summary = read_event_log(folder)
    assert len(summary.stats.files) >= 2
    assert summary.stats.files == sorted(summary.stats.files, key=lambda n: int(n.split("_")[1]))
    assert one(summary, "num_tasks") == "4000"
    assert int(one(summary, "num_tasks_run")) >= 4000
    assert one(summary, "driver_died") == "no"


def test_read_event_log_rejects_directory_without_event_files(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match="events_<n>_<app>"):
        read_event_log(tmp_path)


def test_read_event_log_tolerates_log_cut_mid_line(tmp_path: Path) -> None:
    data = (EVENTLOGS / "collect_oom").read_bytes()
    cut = tmp_path / "cut"
    cut.write_bytes(data[: data.index(b'"SparkListenerJobEnd"') + 40])
    summary = read_event_log(cut)
    assert summary.stats.truncated
    died = next(f for f in summary.facts if f.name == "driver_died")
    assert died.value == "yes" and died.source == "event_log"
    assert "still running" in died.text


def test_read_event_log_tolerates_compressed_log_cut_short(tmp_path: Path) -> None:
    data = (EVENTLOGS / "healthy.zstd").read_bytes()
    cut = tmp_path / "healthy.zstd"
    cut.write_bytes(data[: len(data) // 2])
    summary = read_event_log(cut)
    assert summary.stats.truncated
    assert one(summary, "driver_died") == "yes"


def test_read_event_log_names_corrupt_line(tmp_path: Path) -> None:
    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    lines[19] = lines[19][:50] + b"\x00garbage\n"
    bad = tmp_path / "bad"
    bad.write_bytes(b"".join(lines))
    with pytest.raises(EventLogError, match="line 20") as caught:
        read_event_log(bad)
    assert caught.value.line == 20


def test_read_event_log_rejects_text_that_is_not_an_event_log(tmp_path: Path) -> None:
    text = tmp_path / "driver.log"
    text.write_text("26/11/26 12:00:00 ERROR Executor: boom\n")
    with pytest.raises(EventLogError, match="line 1"):
        read_event_log(text)


def test_read_event_log_stays_in_bounded_memory_on_200mb_log(tmp_path: Path) -> None:
    source = (EVENTLOGS / "collect_oom").read_bytes().splitlines(keepends=True)
    head = [line for line in source[:8] if b"TaskEnd" not in line]
    task_end = next(line for line in source if line.startswith(b'{"Event":"SparkListenerTaskEnd"'))
    failed = next(line for line in source if b'"SparkListenerJobStart"' in line)
    big = tmp_path / "big"
    copies = 200_000_000 // len(task_end) // 1000
    with big.open("wb") as fh:
        fh.writelines(head + [failed])
        for _ in range(copies):
            fh.write(task_end * 1000)
    assert big.stat().st_size > 190_000_000
    started = time.monotonic()
    tracemalloc.start()
    try:
        summary = read_event_log(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak traced memory {peak / 2**20:.1f} MiB"
    assert one(summary, "num_tasks_run") == str(copies * 1000)
    assert time.monotonic() - started < 60


def test_lzf_decompress_handles_literals_and_overlapping_references() -> None:
    # "abcabcabcabc!": 3 literals, a back reference of length 9 at distance 3, 1 literal.
    block = bytes([2]) + b"abc" + bytes([(7 << 5) | 0, 0, 2]) + bytes([0]) + b"!"
    assert lzf_decompress(block, 13) == b"abcabcabcabc!"


# --- diagnosis ---------------------------------------------------------------------------------


def test_diagnose_event_log_collect_oom_ranks_collect_with_event_lines(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "collect_oom")
    top = diagnosis.causes[0]
    assert diagnosis.verdict == "driver_oom" and top.id == "collect_to_driver"
    assert diagnosis.input.kind == "event_log"
    lines = (EVENTLOGS / "collect_oom").read_text().splitlines()
    evidence = top.evidence[0]
    assert evidence.line is not None and "SQLExecutionEnd" in lines[evidence.line - 1]
    assert any(f.name == "oom_kind" and f.value == "java_heap_space" for f in diagnosis.facts)


def test_diagnose_event_log_driver_killed_in_collect_ranks_collect(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "collect_oom_fatal")
    assert diagnosis.causes[0].id == "collect_to_driver"
    facts = {(f.name, f.value) for f in diagnosis.facts}
    assert ("driver_died", "yes") in facts and ("action", "collect") in facts


def test_diagnose_event_log_broadcast_oom_ranks_broadcast(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "broadcast_oom")
    assert diagnosis.causes[0].id == "broadcast_too_large"
    facts = {(f.name, f.value) for f in diagnosis.facts}
    assert ("auto_broadcast_threshold_bytes", str(2 << 30)) in facts
    assert ("action", "broadcast") in facts
    assert any(f.id == "broadcast-threshold-above-heap-share" for f in diagnosis.findings)


def test_read_event_log_broadcast_join_shows_exchange_and_size() -> None:
    summary = read_event_log(EVENTLOGS / "broadcast_join")
    assert int(one(summary, "broadcast_exchanges")) >= 1
    sizes = {
        f.text.rsplit("(", 1)[-1]: f for f in summary.facts if f.name == "broadcast_size_bytes"
    }
    assert set(sizes) == {"built)", "estimated)"}
    built, estimated = sizes["built)"], sizes["estimated)"]
    assert int(built.value) > 1 << 20 and "broadcast exchange of" in built.text
    assert "an estimated" in estimated.text and "SQL query 0" in estimated.text
    lines = (EVENTLOGS / "broadcast_join").read_text().splitlines()
    assert "SQLExecutionStart" in lines[(estimated.line or 0) - 1]
    assert "DriverAccumUpdates" in lines[(built.line or 0) - 1]


def test_diagnose_event_log_huge_stage_ranks_too_many_tasks(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "too_many_tasks_stage")
    assert diagnosis.causes[0].id == "too_many_tasks"
    tasks = next(f for f in diagnosis.facts if f.name == "num_tasks")
    assert tasks.value == "2500000" and "2,500,000 tasks" in tasks.text and tasks.line == 7


def test_a_partition_count_setting_is_the_partitions_of_a_driver_that_died_before_its_job(
    engine: Engine, tmp_path: Path
) -> None:
    """spark.default.parallelism (or spark.sql.shuffle.partitions) in the Spark Properties is
    how many partitions a shuffle gets: a driver that dies before its first job was written
    down, with millions set, points at scheduling that many tasks, as the same line in a
    driver log does."""
    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    environment = json.loads(lines[4])
    environment["Spark Properties"]["spark.default.parallelism"] = "3000000"
    log = tmp_path / "died-before-its-job"
    log.write_bytes(b"".join(lines[:4]) + json.dumps(environment).encode() + b"\n" + lines[5])
    summary = read_event_log(log)
    assert one(summary, "num_partitions") == "3000000"
    diagnosis = engine.diagnose_event_log(summary)
    assert diagnosis.causes[0].id == "too_many_tasks"
    assert any("spark.default.parallelism=3000000" in e.text for e in diagnosis.causes[0].evidence)
    environment["Spark Properties"]["spark.sql.shuffle.partitions"] = "auto"
    log.write_bytes(json.dumps(environment).encode() + b"\n")
    assert one(read_event_log(log), "num_partitions") == "3000000"


def test_an_aqe_partition_size_is_read_as_a_sql_session_set_it_or_as_the_app_started(
    tmp_path: Path,
) -> None:
    """spark.sql.adaptive.advisoryPartitionSizeInBytes is a bytes setting (plain digits are
    bytes): a SQL session's SET shows in its queries' modifiedConfigs and wins over the Spark
    Properties the application started with."""
    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    environment = json.loads(lines[4])
    environment["Spark Properties"]["spark.sql.adaptive.advisoryPartitionSizeInBytes"] = "64m"
    log = tmp_path / "aqe-size"
    log.write_bytes(b"".join(lines[:4]) + json.dumps(environment).encode() + b"\n")
    assert one(read_event_log(log), "aqe_partition_size_bytes") == str(64 << 20)
    query = {
        "Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart",
        "executionId": 0,
        "description": "SET spark.sql.adaptive.advisoryPartitionSizeInBytes=64",
        "details": "",
        "physicalPlanDescription": "",
        "sparkPlanInfo": {"nodeName": "Execute SetCommand", "simpleString": "", "children": []},
        "time": 1796475001224,
        "modifiedConfigs": {"spark.sql.adaptive.advisoryPartitionSizeInBytes": "64"},
    }
    log.write_bytes(
        b"".join(lines[:4]) + json.dumps(environment).encode() + b"\n" + json.dumps(query).encode()
    )
    fact = next(f for f in read_event_log(log).facts if f.name == "aqe_partition_size_bytes")
    assert fact.value == "64" and "modifiedConfigs" in fact.text and fact.line == 6


def test_read_event_log_cached_rdds_counts_rdds_partitions_and_level() -> None:
    summary = read_event_log(EVENTLOGS / "cached_many")
    assert one(summary, "cached_rdds") == "12"
    assert one(summary, "num_cached_blocks") == str(12 * 16)
    assert one(summary, "storage_level").startswith("MEMORY")


def test_diagnose_event_log_healthy_app_is_not_a_driver_oom(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "healthy")
    assert diagnosis.verdict == "not_driver_oom"
    assert diagnosis.instead is not None and "ended normally" in diagnosis.instead.what
    facts = {(f.name, f.value) for f in diagnosis.facts}
    assert {("driver_died", "no"), ("failed_jobs", "0"), ("failed_queries", "0")} <= facts


def test_an_event_log_with_no_job_and_a_clean_end_says_the_error_is_in_the_driver_output(
    engine: Engine, tmp_path: Path
) -> None:
    """A driver program that fails before its first job (an error of its own, a Python-side
    failure) leaves an event log that starts and ends: nothing in it failed, so the answer
    is "no failure in this input" and where the error was printed."""
    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    log = tmp_path / "no-job"
    log.write_bytes(b"".join(lines[:6]) + lines[65])
    summary = read_event_log(log)
    diagnosis = engine.diagnose_event_log(summary)
    assert ("num_jobs", "0") in {(f.name, f.value) for f in diagnosis.facts}
    assert diagnosis.verdict == "not_driver_oom"
    assert diagnosis.instead is not None
    assert "without running a job" in diagnosis.instead.what
    assert "paste its traceback" in diagnosis.instead.where
    # Should the ranking still lean to a driver OOM, the summary says the log is silent.
    leaning = _summary("driver_oom", diagnosis.causes[1:], summary)
    assert "records no failure (no job ever started, and the application ended)" in leaning
    assert "the driver's stderr" in leaning
    failed = read_event_log(EVENTLOGS / "max_result_size")
    assert "records no failure" not in _summary("driver_oom", diagnosis.causes[1:], failed)


def test_diagnose_event_log_max_result_size_ranks_guard_from_stage_failure(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "max_result_size")
    assert diagnosis.causes[0].id == "max_result_size"
    facts = {(f.name, f.value) for f in diagnosis.facts}
    assert ("max_result_size_bytes", str(1 << 20)) in facts
    assert ("spark_error", "max_result_size") in facts


def _gzip_of_blank_lines(path: Path, megabytes: int) -> Path:
    """A gzip file of nothing but newlines, written a megabyte at a time (bounded memory)."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        block = b"\n" * (1 << 20)
        for _ in range(megabytes):
            out.write(block)
    return path


def test_a_decompression_bomb_is_refused_naming_the_limit(tmp_path: Path) -> None:
    bomb = _gzip_of_blank_lines(tmp_path / "bomb.gz", 300)
    assert bomb.stat().st_size < 2 << 20
    started = time.perf_counter()
    with pytest.raises(InputTooLargeError, match="decompression bomb") as caught:
        read_event_log(bomb)
    assert caught.value.field.startswith("file (expands")
    assert time.perf_counter() - started < 30  # blank lines go at decompression speed


def test_a_real_log_that_repeats_one_plan_past_200x_is_read_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only bytes that hold no event count toward the bomb check: a log whose SQL plan repeats
    thousands of times compresses far past 200x, and every one of its events is read."""
    from service.engine.eventlog import reader

    monkeypatch.setattr(reader, "RATIO_GRACE", 1 << 20)
    plan = "Project [id#1L, value#2]\n+- Filter isnotnull(id#1L)\n   " * 400
    update = json.dumps(
        {
            "Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate",
            "executionId": 0,
            "physicalPlanDescription": plan,
        }
    ).encode()
    healthy = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    log = tmp_path / "repeated-plan.zstd"  # Spark's default event log codec
    plain = b"".join(healthy[:5]) + (update + b"\n") * 300
    log.write_bytes(zstandard.ZstdCompressor(level=3).compress(plain))
    summary = read_event_log(log)
    assert summary.stats.bytes > 200 * log.stat().st_size > 0
    assert summary.stats.bytes > 1 << 20
    assert summary.stats.lines == 5 + 300
    assert summary.stats.junk == 0 and not summary.stats.truncated


def test_blank_bytes_count_toward_the_bomb_check_across_a_rolling_log(tmp_path: Path) -> None:
    directory = tmp_path / "eventlog_v2_app-1"
    directory.mkdir()
    (directory / "events_1_app-1").write_bytes((EVENTLOGS / "healthy").read_bytes())
    _gzip_of_blank_lines(directory / "events_2_app-1.gz", 300)
    with pytest.raises(InputTooLargeError, match="hold no event"):
        read_event_log(directory)


def test_a_zstd_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """300 MB of newlines in a 10 KB zstd frame: decompressed a few megabytes at a time (the
    feed to zstd shrinks as the output grows), and refused as a bomb."""
    bomb = tmp_path / "bomb.zstd"
    with bomb.open("wb") as out:
        writer = zstandard.ZstdCompressor(level=3).stream_writer(out)
        block = b"\n" * (1 << 20)
        for _ in range(300):
            writer.write(block)
        writer.flush(zstandard.FLUSH_FRAME)
    assert bomb.stat().st_size < 64 << 10
    tracemalloc.start()
    try:
        with pytest.raises(InputTooLargeError, match="decompression bomb"):
            read_event_log(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20


def test_decompressed_bytes_past_the_limit_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputTooLargeError, match="the limit is 100000 bytes"):
        read_event_log(EVENTLOGS / "healthy", limits=ReadLimits(max_bytes=100_000))


def test_past_the_seconds_budget_the_read_stops_and_says_where(tmp_path: Path) -> None:
    log = tmp_path / "slow"
    log.write_bytes((EVENTLOGS / "healthy").read_bytes() + b"\n" * (3 << 20))
    summary = read_event_log(log, limits=ReadLimits(seconds=0.0))
    assert summary.stats.truncated and summary.stats.cut is not None
    assert "reading budget ran out" in summary.stats.cut
    assert "reading budget ran out" in summary.describe()


def test_a_line_longer_than_an_event_can_be_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    from service.engine.eventlog import reader

    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    log = tmp_path / "long-line"
    log.write_bytes(b"".join(lines[:5]) + b"x" * (3 << 20) + b"\n" + b"".join(lines[5:]))
    original = reader.MAX_EVENT_BYTES
    reader.MAX_EVENT_BYTES = 1 << 20
    try:
        summary = read_event_log(log)
    finally:
        reader.MAX_EVENT_BYTES = original
    assert summary.stats.skipped_oversized == 1
    assert summary.app


def test_read_event_log_streaming_query_events_say_streaming_and_keep_its_failure(
    tmp_path: Path,
) -> None:
    listener = "org.apache.spark.sql.streaming.StreamingQueryListener"
    events = [
        {"Event": "SparkListenerLogStart", "Spark Version": "3.5.9"},
        {"Event": "SparkListenerApplicationStart", "App Name": "s", "App ID": "local-1"},
        {"Event": f"{listener}$QueryStartedEvent", "id": "q-1", "runId": "r-1", "name": None},
        *(
            {"Event": f"{listener}$QueryProgressEvent", "progress": {"id": "q-1", "batchId": n}}
            for n in range(3)
        ),
        {
            "Event": f"{listener}$QueryTerminatedEvent",
            "id": "q-1",
            "runId": "r-1",
            "exception": "java.lang.OutOfMemoryError: Java heap space",
        },
    ]
    log = tmp_path / "eventlog"
    log.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    summary = read_event_log(log)
    streaming = next(f for f in summary.facts if f.name == "streaming")
    assert (streaming.value, streaming.line) == ("yes", 3)
    assert "3 micro-batch progress events" in streaming.text
    assert "streaming_query" in facts_of(summary)["action"]
    assert one(summary, "failed_queries") == "1"
    failure = summary.failures[0]
    assert (failure.line, failure.where) == (7, "streaming query q-1")
    assert "OutOfMemoryError" in failure.text


def test_read_event_log_without_streaming_events_says_nothing_of_streaming() -> None:
    assert "streaming" not in facts_of(read_event_log(EVENTLOGS / "healthy"))


def test_a_line_longer_than_an_event_is_dropped_as_it_streams(tmp_path: Path) -> None:
    """A 200 MB line (no newline) between two events: skipped and counted, the events around
    it read, and memory bounded by one event's limit, not by the line."""
    from service.engine.eventlog.reader import MAX_EVENT_BYTES

    start = b'{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n'
    job = b'{"Event":"SparkListenerJobStart","Job ID":7,"Stage Infos":[]}\n'
    log = tmp_path / "long-line.gz"
    with gzip.open(log, "wb", compresslevel=1) as out:
        out.write(start)
        block = b"a" * (1 << 20)
        for _ in range(200):
            out.write(block)
        out.write(b"\n" + job)
    tracemalloc.start()
    try:
        summary = read_event_log(log)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.stats.skipped_oversized == 1
    assert one(summary, "num_jobs") == "1"
    assert peak < MAX_EVENT_BYTES + (16 << 20), f"peak traced memory {peak / 2**20:.1f} MiB"


def test_an_event_log_that_failed_on_something_else_says_so(engine: Engine) -> None:
    """A job that failed on a Python UDF's error, with nothing about memory in it, in an
    application that ended: evidence for not_driver_oom that cites where it was recorded."""
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "not_driver_oom_udf")
    assert diagnosis.verdict == "not_driver_oom"
    (unrelated,) = [
        e for c in diagnosis.causes for e in c.evidence if e.signature == "failure-not-about-memory"
    ]
    assert "event log" in unrelated.detail and unrelated.line is not None
    assert unrelated.text.startswith(("task ", "stage ", "job ", "SQL query "))


def _healthy_with_query_error(tmp_path: Path, message: str) -> Path:
    """The healthy event log with its last SQL query ended on ``message`` (a failed query's end
    event holds only its error's message, no exception class)."""
    lines = (EVENTLOGS / "healthy").read_text().splitlines()
    end = json.loads(lines[64])
    assert end["Event"].endswith("SparkListenerSQLExecutionEnd")
    end["errorMessage"] = message
    log = tmp_path / "query-error"
    log.write_text("\n".join([*lines[:64], json.dumps(end), *lines[65:]]) + "\n")
    return log


def test_a_query_that_failed_on_a_bare_message_about_something_else_is_unrelated(
    engine: Engine, tmp_path: Path
) -> None:
    """A failed SQL query records only its error's message: with nothing about memory in it, in
    an application that ended, it is a failure not about memory."""
    log = _healthy_with_query_error(
        tmp_path, "Checkpoint directory has not been set in the SparkContext"
    )
    assert [f.kind for f in read_event_log(log).failures] == ["query"]
    diagnosis = engine.diagnose_event_log(log)
    assert diagnosis.verdict == "not_driver_oom"
    (unrelated,) = [
        e for c in diagnosis.causes for e in c.evidence if e.signature == "failure-not-about-memory"
    ]
    assert "Checkpoint directory has not been set" in unrelated.detail
    assert unrelated.text.startswith("SQL query ")


@pytest.mark.parametrize(
    "message",
    [
        "Job 3 cancelled because SparkContext was shut down",  # the driver stopped: a consequence
        "Total size of serialized results of 4 tasks (1100.0 MiB) is bigger than "
        "spark.driver.maxResultSize (1024.0 MiB)",
    ],
)
def test_a_query_that_failed_on_the_drivers_trouble_is_not_unrelated(
    engine: Engine, tmp_path: Path, message: str
) -> None:
    diagnosis = engine.diagnose_event_log(_healthy_with_query_error(tmp_path, message))
    assert not any(
        e.signature == "failure-not-about-memory" for c in diagnosis.causes for e in c.evidence
    )


def test_an_event_log_whose_failure_is_an_oom_gets_no_unrelated_failure(engine: Engine) -> None:
    diagnosis = engine.diagnose_event_log(EVENTLOGS / "collect_oom")
    assert not any(
        e.signature == "failure-not-about-memory" for c in diagnosis.causes for e in c.evidence
    )


def test_a_failed_job_that_builds_a_broadcast_is_read_from_its_properties(
    engine: Engine, tmp_path: Path
) -> None:
    """A job run under "broadcast exchange (runId ...)" (its description up to Spark 3.4, a job
    tag from 3.5) is a broadcast exchange collecting its build side: when it is the job that
    failed, the broadcast is what the driver was collecting, whatever the call site says."""
    lines = (EVENTLOGS / "max_result_size").read_text().splitlines()
    start = json.loads(lines[7])
    assert start["Event"] == "SparkListenerJobStart"
    start["Properties"] = {
        "callSite.short": "$anonfun$withThreadLocalCaptured$1 at FutureTask.java:264",
        "spark.job.tags": "broadcast exchange (runId 0b7f4c1e-4a55-4d2c-9d6e-2f1a3c5b7d9e)",
    }
    log = tmp_path / "broadcast-build"
    log.write_text("\n".join([*lines[:7], json.dumps(start), *lines[8:]]) + "\n")
    summary = read_event_log(log)
    assert one(summary, "failed_job") == "broadcast_build"
    diagnosis = engine.diagnose_event_log(summary)
    assert diagnosis.causes[0].id == "broadcast_too_large"
    fired = {e.signature for e in diagnosis.causes[0].evidence}
    assert {"a-broadcast-build-job-failed", "max-result-size-in-a-broadcast-build"} <= fired
    # The same log with the collect's own job: no broadcast build.
    assert "failed_job" not in {f.name for f in read_event_log(EVENTLOGS / "max_result_size").facts}
