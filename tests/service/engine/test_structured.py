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
