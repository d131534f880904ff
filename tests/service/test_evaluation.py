"""The evaluation itself: the truthful user of guided accuracy, run manifests and reports.

These use the real knowledge base and walker but no model: diagnoses are built by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.library import split_of
from kb.models import CAUSE_IDS
from service.engine.types import Diagnosis, InputStats, RankedCause
from service.engine.walk import NONE, Walker
from service.errors import InputTooLargeError
from service.evaluation import (
    EvalCase,
    Guided,
    Outcome,
    Report,
    evaluate,
    format_report,
    guided_walk,
    questions_to_cause,
    read_runs,
    truthful_answer,
)


def _diagnosis(kb: KnowledgeBase, ranked: list[str], verdict: str = "driver_oom") -> Diagnosis:
    return Diagnosis(
        verdict=verdict,  # type: ignore[arg-type]
        summary="",
        causes=[
            RankedCause(id=c, title=kb.causes[c].title, confidence=0.6 - 0.1 * i, evidence=[])
            for i, c in enumerate(ranked)
        ],
        facts=[],
        findings=[],
        kb_version=kb.version,
        input=InputStats(bytes=0, lines=0, distinct_lines=0, kind="words"),
    )


@pytest.fixture(scope="module")
def walker(kb: KnowledgeBase) -> Walker:
    return Walker(kb, b"evaluation-tests")


@pytest.mark.parametrize("cause", CAUSE_IDS)
def test_truthful_user_from_triage_reaches_every_cause_triage_can_reach(
    kb: KnowledgeBase, walker: Walker, cause: str
) -> None:
    triage = kb.triage_tree()
    shortest = questions_to_cause(triage, triage.start, cause)
    guided = guided_walk(walker, _diagnosis(kb, [], verdict="unknown"), cause)
    if shortest is None:
        assert guided.cause != cause
    else:
        assert guided == Guided(cause=cause, questions=shortest, auto=0)


@pytest.mark.parametrize("cause", CAUSE_IDS)
def test_in_its_own_tree_the_truthful_user_reaches_the_cause(
    kb: KnowledgeBase, walker: Walker, cause: str
) -> None:
    guided = guided_walk(walker, _diagnosis(kb, [cause]), cause)
    assert guided.cause == cause


def test_the_user_says_none_of_these_where_no_option_leads_to_the_cause(
    kb: KnowledgeBase, walker: Walker
) -> None:
    tree = kb.tree_for_cause("collect_to_driver")
    assert tree is not None
    unreachable = [c for c in CAUSE_IDS if questions_to_cause(tree, tree.start, c) is None]
    assert unreachable, "every cause is reachable from the collect tree"
    step = walker.start(_diagnosis(kb, ["collect_to_driver"]))
    assert step.kind == "question"
    assert truthful_answer(kb, step, unreachable[0]) == NONE


def test_a_test_split_report_names_no_case() -> None:
    case = EvalCase(id="secret-case-id", label="collect_to_driver", text="x", split="test")
    report = Report([Outcome(case, ["max_result_size"], "driver_oom", 0.01, Guided(None, 2, 0))])
    assert "secret-case-id" not in format_report("library / test", report, list_misses=False)
    shown = format_report("library / tune", report, list_misses=True)
    assert "miss secret-case-id: expected collect_to_driver" in shown
    assert "top-1 0.000" in shown and "guided top-1 0.000" in shown


def test_evaluate_counts_top1_top3_and_guided(kb: KnowledgeBase, walker: Walker) -> None:
    cases = [
        EvalCase(id="a", label="collect_to_driver", text="a"),
        EvalCase(id="b", label="max_result_size", text="b"),
    ]
    answers = {"a": ["collect_to_driver"], "b": ["collect_to_driver", "max_result_size"]}
    report = evaluate(cases, lambda text, _src: _diagnosis(kb, answers[text]), walker=walker)
    assert (report.top1, report.top3) == (0.5, 1.0)
    assert report.recall()["collect_to_driver"][0] == 1
    assert report.outcomes[0].guided_top1


def test_an_input_the_service_refuses_is_a_miss_not_a_crash(
    kb: KnowledgeBase, walker: Walker
) -> None:
    cases = [
        EvalCase(id="big", label="driver_side_state", event_log=Path("big.zst")),
        EvalCase(id="ok", label="collect_to_driver", text="ok"),
    ]

    def refuse(path: Path) -> Diagnosis:
        raise InputTooLargeError("file", 269_000_000, 200 * 1024 * 1024)

    report = evaluate(
        cases, lambda _t, _s: _diagnosis(kb, ["collect_to_driver"]), refuse, walker=walker
    )
    assert [o.verdict for o in report.outcomes] == ["refused", "driver_oom"]
    assert (report.top1, report.top3, report.guided_top1) == (0.5, 0.5, 0.5)
    assert report.recall()["driver_side_state"] == (0, 0, 1)


def test_runs_come_from_every_manifest_and_split_by_scenario(tmp_path: Path) -> None:
    lines = [
        {
            "id": f"collect_oom--pyspark--spark{v}--local",
            "scenario": "collect_oom",
            "label": "collect_to_driver",
            "log": "tests/data/runs/x/driver.log.gz",
            "event_log": None,
        }
        for v in ("35", "43")
    ]
    (tmp_path / "manifest-a.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    (tmp_path / "manifest-b.jsonl").write_text("\n")
    runs = read_runs(tmp_path, legacy=None)
    assert [r.id for r in runs] == [line["id"] for line in lines]
    assert {r.split for r in runs} == {split_of("run:collect_oom")}


def test_a_broken_manifest_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "manifest-x.jsonl").write_text('{"id": "r"}\n')
    with pytest.raises(ValueError, match="manifest-x.jsonl:1"):
        read_runs(tmp_path, legacy=None)
