from __future__ import annotations

import json
from pathlib import Path

from service.engine import Engine
from service.engine.structured import render


def _event(level: str, msg: str, exception: dict[str, object] | None = None) -> str:
    event: dict[str, object] = {"ts": "2026-12-04T13:40:05.123Z", "level": level, "msg": msg}
    if exception is not None:
        event["exception"] = exception
    event["logger"] = "Executor"
    return json.dumps(event)


def test_plain_text_is_left_alone() -> None:
    assert render("26/12/04 13:40:05 INFO SparkContext: Running Spark version 4.3.0") is None
    assert render('{"a": 1}\nnot a structured log') is None


def test_a_line_that_only_looks_like_an_event_is_left_as_it_is() -> None:
    nested = '{"ts": ' + "[" * 100_000 + "]" * 100_000 + ', "level": "INFO"}'
    assert render(nested) is None
    rendered = render(_event("INFO", "real") + "\n" + nested)
    assert rendered is not None and rendered.text.split("\n")[1] == nested


def test_an_event_is_rendered_as_the_pattern_layout_prints_it() -> None:
    frames = [
        {"class": "java.util.Arrays", "method": "copyOf", "file": "Arrays.java", "line": 3537},
        {"class": "jdk.internal.misc.Unsafe", "method": "park", "file": None, "line": -2},
        {"class": "scala.Function0", "method": "apply", "file": None, "line": -1},
    ]
    exception = {"class": "java.lang.OutOfMemoryError", "msg": "Java heap space"}
    rendered = render(_event("ERROR", "Exception in task 0.0", exception | {"stacktrace": frames}))
    assert rendered is not None
    assert rendered.text.split("\n") == [
        "26/12/04 13:40:05 ERROR Executor: Exception in task 0.0",
        "java.lang.OutOfMemoryError: Java heap space",
        "\tat java.util.Arrays.copyOf(Arrays.java:3537)",
        "\tat jdk.internal.misc.Unsafe.park(Native Method)",
        "\tat scala.Function0.apply(Unknown Source)",
    ]


def test_each_rendered_line_remembers_the_pasted_line() -> None:
    pasted = "\n".join(
        [
            _event("INFO", "Starting job: collect at job.py:12"),
            "Traceback (most recent call last):",
            _event("WARN", "a plan\nover two lines"),
            '{"ts": "broken',
        ]
    )
    rendered = render(pasted)
    assert rendered is not None
    assert rendered.events == 2
    assert rendered.origins == [1, 2, 3, 3, 4]
    assert rendered.text.split("\n")[1] == "Traceback (most recent call last):"
    assert rendered.text.split("\n")[4] == '{"ts": "broken'
    assert rendered.origin(4) == 3
    assert rendered.origin(None) is None


FORMATS = Path(__file__).resolve().parents[2] / "data" / "formats"


def test_a_real_structured_log_is_read_as_a_driver_oom_and_cites_its_json_lines(
    engine: Engine,
) -> None:
    text = (FORMATS / "spark43-structured-json-collect-local.log").read_text()
    events = [line for line in text.split("\n") if line.startswith('{"ts":')]
    json_only = "\n".join(events)
    rendered = render(json_only)
    assert rendered is not None and rendered.events == len(events)
    assert "java.lang.OutOfMemoryError: Java heap space" in rendered.text.split("\n")
    diagnosis = engine.diagnose(json_only)
    # A task of a collect ran out inside the driver JVM (local mode): the collect or a driver
    # too small for it, never "no failure here" as when the JSON events went unread.
    assert diagnosis.verdict != "not_driver_oom"
    assert {c.id for c in diagnosis.causes[:2]} == {"collect_to_driver", "client_mode_small_driver"}
    cited = [e.line for c in diagnosis.causes for e in c.evidence if e.line is not None]
    assert cited and all(1 <= line <= len(events) for line in cited)
    assert any("OutOfMemoryError" in events[line - 1] for line in cited)


def test_a_spark_connect_servers_oom_sending_results_is_the_collect(engine: Engine) -> None:
    text = (FORMATS / "spark43-connect-server-collect-local.log").read_text()
    diagnosis = engine.diagnose(text)
    assert diagnosis.causes[0].id == "collect_to_driver"
    signatures = {e.signature for c in diagnosis.causes for e in c.evidence}
    assert "thread-spark-connect-result-sender" in signatures


def test_a_spark_connect_clients_heap_error_is_the_servers_heap(engine: Engine) -> None:
    """The client's own Python did not run out: the driver is the Connect server."""
    text = (FORMATS / "spark43-connect-client-wide-plan.log").read_text()
    diagnosis = engine.diagnose(text)
    assert diagnosis.verdict != "not_driver_oom"
    against = {
        c.id: e.weight
        for c in diagnosis.causes
        for e in c.evidence
        if e.signature == "exception-spark-connect-server-heap"
    }
    assert against["python_driver_oom"] < 0 < against["collect_to_driver"]
    signatures = {e.signature for c in diagnosis.causes for e in c.evidence}
    assert "exception-spark-connect-server-heap" in signatures


def test_other_text_layouts_are_read_as_sparks_own_a_line_for_a_line() -> None:
    lines = [
        "2026-12-04 05:59:22,123 INFO  DAGScheduler - Got job 3 (collect at x.py:12) with 4 output"
        " partitions",
        "[2026-12-04T05:59:23.123Z] ERROR org.apache.spark.executor.Executor: Exception in task 0.0"
        " in stage 1.0 (TID 1)",
        "java.lang.OutOfMemoryError: Java heap space",
        "2026-12-04 05:59:24.123 [task-result-getter-0] WARN  scheduler.TaskSetManager: Lost task",
        "26/12/04 05:59:25 INFO org.apache.spark.scheduler.DAGScheduler: Job 3 failed: collect at"
        " x.py:12, took 2 s",
        "rows 12",
    ]
    rendered = render("\n".join(lines))
    assert rendered is not None and rendered.events == 4
    assert rendered.text.split("\n") == [
        "26/12/04 05:59:22 INFO DAGScheduler: Got job 3 (collect at x.py:12) with 4 output partitions",
        "26/12/04 05:59:23 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
        "java.lang.OutOfMemoryError: Java heap space",
        "26/12/04 05:59:24 WARN TaskSetManager: Lost task",
        "26/12/04 05:59:25 INFO DAGScheduler: Job 3 failed: collect at x.py:12, took 2 s",
        "rows 12",
    ]
    assert rendered.origins == list(range(1, len(lines) + 1))
    # Two lines of another layout are not yet a log written in it.
    assert render("\n".join(lines[:2])) is None


def test_a_real_log_in_a_layout_of_the_users_own_is_read_like_sparks(engine: Engine) -> None:
    """An ISO date, the thread and the logger's full name (log4j2-iso8601-thread.properties):
    local mode is told by which loggers printed what, as in Spark's own layout."""
    text = (FORMATS / "spark35-iso8601-thread-layout-collect-local.log").read_text()
    rendered = render(text)
    assert rendered is not None
    assert "26/12/04 23:46:09 INFO SparkContext: Running Spark version 3.5.9" in rendered.text
    diagnosis = engine.diagnose(text)
    assert {c.id for c in diagnosis.causes[:2]} == {"collect_to_driver", "client_mode_small_driver"}
    assert ("deploy_mode", "local") in {(f.name, f.value) for f in diagnosis.facts}
    cited = [e.line for c in diagnosis.causes for e in c.evidence if e.line is not None]
    pasted = text.split("\n")
    assert any("OutOfMemoryError" in pasted[line - 1] for line in cited)


def _plain_trace() -> list[str]:
    """The OutOfMemoryError of a real run's task in the driver JVM (the ISO-8601 layout's log)
    and the frames under it."""
    text = (FORMATS / "spark35-iso8601-thread-layout-collect-local.log").read_text()
    lines = text.split("\n")
    start = next(
        n for n, line in enumerate(lines) if line == "java.lang.OutOfMemoryError: Java heap space"
    )
    return lines[start : start + 30]


def test_a_stack_trace_escaped_inside_a_json_string_is_read_as_printed(engine: Engine) -> None:
    """A job API's JSON ("error_trace": "...\\n\\tat ...") holds the whole trace on one line."""
    trace = _plain_trace()
    pasted = "Run 42 failed:\n" + json.dumps({"state": "FAILED", "error_trace": "\n".join(trace)})
    rendered = render(pasted)
    assert rendered is not None
    assert rendered.text.split("\n") == ["Run 42 failed:", *trace]
    assert rendered.origins == [1] + [2] * len(trace)
    plain, read = engine.diagnose("\n".join(trace)), engine.diagnose(pasted)
    assert [c.id for c in read.causes[:3]] == [c.id for c in plain.causes[:3]]
    cited = {e.line for c in read.causes for e in c.evidence if e.line is not None}
    assert cited == {2}


def test_a_traceback_as_a_list_of_escaped_lines_is_read_as_printed() -> None:
    lines = ["Traceback (most recent call last):", '  File "<stdin>", line 1, in <module>']
    lines += ['  File "/opt/job.py", line 12, in main', "MemoryError"]
    pasted = json.dumps({"traceback": [line + "\n" for line in lines]})
    rendered = render(pasted)
    assert rendered is not None
    assert [line for line in rendered.text.split("\n") if line] == lines


def test_escapes_that_are_not_a_stack_trace_are_left_alone() -> None:
    assert render(r"reading C:\new\table and C:\nightly\tables failed") is None
    assert render(r'{"sql": "SELECT a\nFROM t\nWHERE b = 1"}') is None


def test_an_exception_message_with_line_breaks_keeps_every_line_on_its_pasted_line() -> None:
    exception = {"class": "org.apache.spark.SparkException", "msg": "Job aborted\nline two"}
    pasted = _event("ERROR", "boom", exception) + "\nnext"
    rendered = render(pasted)
    assert rendered is not None
    assert rendered.text.split("\n")[1:3] == [
        "org.apache.spark.SparkException: Job aborted",
        "line two",
    ]
    assert len(rendered.origins) == len(rendered.text.split("\n"))
    assert rendered.origin(len(rendered.origins)) == 2


def test_a_stack_trace_whose_line_breaks_became_spaces_is_read_as_printed(engine: Engine) -> None:
    """A tracker comment or a chat message turned the trace's line breaks into spaces."""
    trace = _plain_trace()
    pasted = "It dies with: " + " ".join(line.strip() for line in trace)
    rendered = render(pasted)
    assert rendered is not None and set(rendered.origins) == {1}
    frames = [line for line in rendered.text.split("\n") if line.startswith("\tat ")]
    assert frames == [line for line in trace if line.lstrip().startswith("at ")]
    plain, read = engine.diagnose("\n".join(trace)), engine.diagnose(pasted)
    assert [c.id for c in read.causes[:3]] == [c.id for c in plain.causes[:3]]


def test_a_python_traceback_folded_into_one_line_is_read_as_printed() -> None:
    folded = (
        'Traceback (most recent call last): File "/opt/job.py", line 12, in main '
        'rows = df.collect() File "/opt/spark/python/pyspark/sql/dataframe.py", line 1263, '
        "in collect MemoryError"
    )
    rendered = render(folded)
    assert rendered is not None
    assert rendered.text.split("\n")[:2] == [
        "Traceback (most recent call last):",
        'File "/opt/job.py", line 12, in main rows = df.collect()',
    ]


def test_a_frame_on_each_line_is_not_a_folded_trace() -> None:
    lines = ["java.lang.OutOfMemoryError: Java heap space", "\tat a.B.c(B.java:1)"]
    lines += ["\tat a.B.d(B.java:2)", '  File "/opt/job.py", line 12, in main']
    assert render("\n".join(lines)) is None


def test_a_stamped_structured_log_and_a_folded_trace_in_no_break_spaces_are_rendered(
    engine: Engine,
) -> None:
    """What was added after Spark printed the text goes before the renderer looks at it."""
    exception = {
        "class": "java.lang.OutOfMemoryError",
        "msg": "Java heap space",
        "stacktrace": [{"class": "a.B", "method": "c", "file": "B.java", "line": 1}],
    }
    event = _event("ERROR", "Exception in task 0.0 in stage 1.0 (TID 1)", exception)
    stamped = "\n".join("2026-12-04T13:40:05.123456789Z " + line for line in [event, event])
    assert render(stamped) is None
    seen = engine.observer.text(stamped)
    assert "\tat a.B.c(B.java:1)" in [g.text for g in seen.analysis.groups]
    folded = " ".join(line.strip() for line in _plain_trace())
    frames = [f for t in engine.observer.text(folded).analysis.traces for f in t.frames]
    copied = engine.observer.text(folded.replace(" ", "\u00a0"))
    assert frames and [f for t in copied.analysis.traces for f in t.frames] == frames
