"""Garbage-collection logs in pasted text: full collections that free nothing, and whose heap."""

from __future__ import annotations

from service.engine import Engine, analyze
from service.engine.gclog import THRASH_COUNT, full_collections, gc_facts, whose_log

DRIVER_HEAD = [
    "[1.380s][info][gc] GC(5) Pause Full (Metadata GC Threshold) 24M->24M(374M) 24.547ms",
    "Spark context available as 'sc' (master = local-cluster[2,1,1024], app id = app-1).",
]
STUCK = "[{t}s][info][gc] GC({n}) Pause Full (Ergonomics) 506M->497M(509M) 772.651ms"


def _stuck(count: int, start: float = 300.0) -> list[str]:
    return [STUCK.format(t=start + i, n=100 + i) for i in range(count)]


def test_unified_and_jdk8_full_gc_lines_give_heap_after_and_capacity() -> None:
    jdk8 = (
        "78.883: [Full GC (Ergonomics) [PSYoungGen: 21994K->0K(300544K)] [ParOldGen: "
        "296062K->206914K(361984K)] 318057K->206914K(662528K), [Metaspace: "
        "98793K->98775K(1136640K)], 0.8616315 secs]"
    )
    young = "[2.1s][info][gc] GC(3) Pause Young (Allocation Failure) 42M->21M(374M) 19.5ms"
    found = full_collections([DRIVER_HEAD[0], young, jdk8])
    assert [(c.line, c.after, c.capacity, c.uptime) for c in found] == [
        (1, 24 << 20, 374 << 20, 1.38),
        # The whole heap, not a generation and not the Metaspace.
        (3, 206914 << 10, 662528 << 10, 78.883),
    ]


def test_back_to_back_full_gcs_of_a_driver_are_driver_thrash_that_grew_over_time() -> None:
    lines = DRIVER_HEAD + _stuck(THRASH_COUNT)
    facts = {f.name: f for f in gc_facts(lines)}
    assert facts["gc_thrash"].value == "driver"
    assert facts["gc_thrash"].line == 3
    assert "3 full garbage collections" in facts["gc_thrash"].text
    assert facts["memory_growth"].value == "gradual"
    # Through the analyzer, with the fact citing the first stuck collection.
    assert analyze("\n".join(lines)).first("gc_thrash") == facts["gc_thrash"]


def test_too_few_or_productive_full_gcs_are_not_thrash() -> None:
    assert list(gc_facts(DRIVER_HEAD + _stuck(THRASH_COUNT - 1))) == []
    freeing = "[9.0s][info][gc] GC(9) Pause Full (Ergonomics) 506M->120M(509M) 300.0ms"
    assert list(gc_facts(DRIVER_HEAD + [freeing] * 10)) == []


def test_whose_log_reads_driver_and_executor_markers() -> None:
    executor = ["INFO CoarseGrainedExecutorBackend: Started daemon with process name: 1@host"]
    assert whose_log(executor + _stuck(3)) == "executor"
    assert whose_log(_stuck(3)) == "unknown"
    # A local-mode driver also runs an executor: the driver's markers win.
    assert whose_log(executor + DRIVER_HEAD) == "driver"
    facts = {f.name: f.value for f in gc_facts(executor + _stuck(3, start=1.0))}
    assert facts == {"gc_thrash": "executor"}


def test_a_driver_log_stuck_in_full_gcs_is_not_called_a_quiet_log(engine: Engine) -> None:
    diagnosis = engine.diagnose("\n".join(DRIVER_HEAD + _stuck(40) + ["INFO x"] * 30))
    assert diagnosis.causes[0].id != "not_driver_oom"
    evidence = [e.detail for c in diagnosis.causes for e in c.evidence]
    assert not any("no out-of-memory error" in d for d in evidence)
    assert any("full collections" in d for d in evidence)
