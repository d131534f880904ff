"""The differential walk: ways out of every question and fix page, ruled-out causes that stay
ruled out, overrides of answers taken from the evidence, and the linter's reach proof."""

from __future__ import annotations

from collections import deque

import pytest
from fastapi.testclient import TestClient

from kb import CAUSE_IDS, KnowledgeBase
from kb.lint.coverage import MAX_ANSWERS_TO_ANOTHER_CAUSE, answers_between_causes
from kb.lint.runner import run_lint
from kb.lint.trees import OptionReservedIdValidator
from kb.models import RESERVED_ANSWERS
from service.engine.types import Diagnosis, Fact, InputStats, RankedCause
from service.engine.walk import (
    NO_MATCH,
    NONE,
    SURE,
    UNKNOWN,
    Step,
    Walker,
    information_gain,
)
from service.errors import InvalidAnswerError

SECRET = b"differential-walk-tests"


def _diagnosis(kb: KnowledgeBase, ranked: list[str], facts: list[Fact] | None = None) -> Diagnosis:
    share = 1.0 / (len(ranked) + 1)
    return Diagnosis(
        verdict="driver_oom",
        summary="test",
        causes=[
            RankedCause(
                id=c,
                title=kb.causes[c].title,
                confidence=share * (len(ranked) - i) / 2,
                evidence=[],
            )
            for i, c in enumerate(ranked)
        ],
        facts=facts or [],
        findings=[],
        kb_version=kb.version,
        input=InputStats(bytes=1, lines=1, distinct_lines=1, kind="words"),
    )


@pytest.fixture
def walker(kb: KnowledgeBase) -> Walker:
    """Starts in the first-ranked cause's tree (the informative start has its own tests)."""
    return Walker(kb, SECRET, choose_by_information=False)


def _moves(step: Step) -> list[tuple[str, str]]:
    """Every answer a user could give at this step, ways out included."""
    if step.kind == "question":
        assert step.question is not None
        node = step.question.node
        return [(node, o.id) for o in step.question.options] + [(node, UNKNOWN), (node, NONE)]
    if step.kind == "fix":
        assert step.fix_page is not None
        return [(step.fix_page.leaf, NO_MATCH)]
    return []


def test_none_of_these_moves_to_the_next_hypothesis_and_keeps_the_path(
    walker: Walker, kb: KnowledgeBase
) -> None:
    first = walker.start(_diagnosis(kb, ["collect_to_driver", "broadcast_too_large"]))
    assert first.tree == "cause-collect_to_driver" and first.question is not None
    after = walker.answer(first.state, first.question.node, NONE)
    assert after.tree == "cause-broadcast_too_large"
    assert after.left == ["cause-collect_to_driver"]
    way_out = [a for a in after.answered if a.how == "way_out"]
    assert [a.node for a in way_out] == [first.question.node]


def test_rejecting_a_fix_page_rules_its_cause_out_for_the_rest_of_the_walk(
    walker: Walker, kb: KnowledgeBase
) -> None:
    step = walker.start(_diagnosis(kb, ["python_driver_oom", "collect_to_driver"]))
    while step.kind == "question":
        assert step.question is not None
        step = walker.answer(step.state, step.question.node, UNKNOWN)
    assert step.kind == "fix" and step.fix_page is not None
    rejected = step.fix_page.cause
    step = walker.answer(step.state, step.fix_page.leaf, NO_MATCH)
    assert [r.cause for r in step.ruled_out] == [rejected]
    for _ in range(40):
        assert step.fix_page is None or step.fix_page.cause != rejected
        if step.kind != "question":
            break
        assert step.question is not None
        step = walker.answer(step.state, step.question.node, UNKNOWN)


def test_every_path_with_every_way_out_never_ends_on_a_ruled_out_cause(
    walker: Walker, kb: KnowledgeBase
) -> None:
    """Breadth-first over every answer (options, I don't know, none of these, does not
    match) from a diagnosis ranking three causes, to a depth of six answers."""
    start = walker.start(
        _diagnosis(kb, ["max_result_size", "too_many_tasks", "cached_block_metadata"])
    )
    queue: deque[tuple[Step, int]] = deque([(start, 0)])
    visited = 0
    kinds: set[str] = set()
    while queue:
        step, depth = queue.popleft()
        visited += 1
        kinds.add(step.kind)
        ruled = {r.cause for r in step.ruled_out}
        if step.fix_page is not None:
            assert step.fix_page.cause not in ruled, step.answered
        if step.kind == "none_left":
            assert step.message
            assert step.question is None and step.fix_page is None
        if depth == 6:
            continue
        for node, option in _moves(step):
            queue.append((walker.answer(step.state, node, option), depth + 1))
    assert visited > 500
    assert {"question", "fix"} <= kinds


def test_walk_that_leaves_everything_ends_with_none_left_and_refuses_more_answers(
    walker: Walker, kb: KnowledgeBase
) -> None:
    step = walker.start(_diagnosis(kb, ["streaming_state"]))
    for _ in range(200):
        if step.kind == "none_left":
            break
        node, option = _moves(step)[-1]  # always the way out
        step = walker.answer(step.state, node, option)
    assert step.kind == "none_left"
    assert step.left[:1] == ["cause-streaming_state"] and "triage" in step.left
    assert step.message and "heap dump" in step.message
    with pytest.raises(InvalidAnswerError, match="tried every cause"):
        walker.answer(step.state, "anything", UNKNOWN)


def test_an_answer_taken_from_the_evidence_can_be_changed(
    walker: Walker, kb: KnowledgeBase
) -> None:
    python_error = Fact(
        name="oom_kind", value="python_memory_error", line=3, text="MemoryError", source="log"
    )
    step = walker.start(_diagnosis(kb, [], [python_error]))
    assert step.tree == "triage"
    auto = next(a for a in step.answered if a.how == "auto")
    assert auto.option == "python_error" and auto.options
    other = next(o.id for o in auto.options if o.id != auto.option)
    changed = walker.answer(step.state, auto.node, other)
    first = changed.answered[0]
    assert (first.node, first.option, first.how) == (auto.node, other, "user")
    with pytest.raises(InvalidAnswerError) as wrong:
        walker.answer(step.state, auto.node, "no-such-option")
    assert wrong.value.field == "option"


def test_the_rest_api_takes_ways_out_and_names_the_field_of_a_bad_one(
    client: TestClient,
) -> None:
    body = client.post("/v1/diagnose", json={"text": "driver died after df.collect()"}).json()
    step = body["step"]
    assert step["kind"] == "question" and step["question"]["none_label"]
    moved = client.post(
        "/v1/walk",
        json={"state": step["state"], "node": step["question"]["node"], "answer": NONE},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["left"] == [step["tree"]]
    bad = client.post(
        "/v1/walk",
        json={"state": step["state"], "node": step["question"]["node"], "answer": NO_MATCH},
    )
    assert bad.status_code == 400
    assert "option" in bad.text


def test_no_tree_option_uses_a_reserved_answer(kb: KnowledgeBase) -> None:
    found = run_lint(kb, validators=(OptionReservedIdValidator,))
    assert found == []
    assert set(RESERVED_ANSWERS) == {UNKNOWN, NONE, NO_MATCH}


def test_every_cause_is_within_three_answers_of_every_cause_tree(kb: KnowledgeBase) -> None:
    for tree in kb.trees.values():
        if tree.kind != "cause":
            continue
        for cause in CAUSE_IDS:
            answers = answers_between_causes(kb, tree, cause)
            assert answers is not None and answers <= MAX_ANSWERS_TO_ANOTHER_CAUSE, (
                tree.id,
                cause,
            )


def test_information_gain_counts_what_an_answer_separates(kb: KnowledgeBase) -> None:
    tree = kb.triage_tree()
    node = next(n for n in tree.nodes if n.id == tree.start)
    even = dict.fromkeys(CAUSE_IDS, 1.0)
    assert information_gain(tree, node, even) > 0.2
    assert information_gain(tree, node, {"collect_to_driver": 1.0}) == pytest.approx(0.0)


def test_the_walk_starts_at_the_question_that_separates_the_hypotheses_best(
    kb: KnowledgeBase,
) -> None:
    informed = Walker(kb, SECRET)
    plain = Walker(kb, SECRET, choose_by_information=False)
    diagnosis = _diagnosis(kb, ["collect_to_driver", "broadcast_too_large", "python_driver_oom"])
    first, chosen = plain.start(diagnosis), informed.start(diagnosis)
    assert first.tree == "cause-collect_to_driver"
    probabilities = {c.id: c.confidence for c in diagnosis.causes}

    def gain(step: Step) -> float:
        assert step.question is not None
        tree = kb.tree(step.tree)
        node = next(n for n in tree.nodes if n.id == step.question.node)
        return information_gain(tree, node, probabilities)

    assert gain(chosen) >= gain(first)


def test_a_cause_the_ranking_is_sure_of_answers_its_confirming_questions(
    kb: KnowledgeBase,
) -> None:
    walker = Walker(kb, SECRET, choose_by_information=False)
    sure = _diagnosis(kb, ["streaming_state"]).model_copy()
    sure = sure.model_copy(
        update={"causes": [sure.causes[0].model_copy(update={"confidence": SURE + 0.05})]}
    )
    step = walker.start(sure)
    assert step.kind == "fix" and step.fix_page is not None
    assert step.fix_page.cause == "streaming_state"
    inferred = [a for a in step.answered if a.how == "auto" and a.because.startswith("not asked")]
    assert inferred and all(a.options for a in inferred), "an inferred answer can be changed"
    unsure = walker.start(_diagnosis(kb, ["streaming_state"]))
    assert unsure.kind == "question"


def test_a_count_in_the_it_depends_range_is_asked_not_answered(kb: KnowledgeBase) -> None:
    walker = Walker(kb, SECRET, choose_by_information=False)

    def tasks(count: int) -> Step:
        fact = Fact(name="num_tasks", value=str(count), line=7, text=f"{count} tasks")
        return walker.start(_diagnosis(kb, ["too_many_tasks"], [fact]))

    clear, unclear = tasks(5_000), tasks(22_460)
    assert any(a.node == "task_count" and a.how == "auto" for a in clear.answered)
    assert unclear.question is not None and unclear.question.node == "task_count"
    assert unclear.question.help and "22,460" in unclear.question.help
    assert "it depends" in unclear.question.help


def test_after_a_rejected_fix_page_the_evidence_no_longer_answers_toward_it(
    walker: Walker, kb: KnowledgeBase
) -> None:
    facts = [
        Fact(name="oom_kind", value="python_memory_error", line=3, text="MemoryError"),
        Fact(name="oom_side", value="driver", line=3, text="MemoryError"),
        Fact(name="action", value="to_pandas", line=1, text="df.toPandas()"),
    ]
    step = walker.start(_diagnosis(kb, ["python_driver_oom"], facts))
    assert step.kind == "fix" and step.fix_page is not None
    assert step.fix_page.cause == "python_driver_oom"
    assert all(a.how == "auto" for a in step.answered)
    rejected = walker.answer(step.state, step.fix_page.leaf, NO_MATCH)
    # The answer the evidence gave that led only to the rejected cause is asked now, in the
    # same tree; the answers that still lead elsewhere stay answered by the evidence.
    assert rejected.kind == "question" and rejected.question is not None
    assert (rejected.tree, rejected.question.node) == (
        "cause-python_driver_oom",
        "what_python_held",
    )
    assert [a.node for a in rejected.answered if a.how == "auto"] == [
        "which_error",
        "which_python",
    ]
    held = walker.answer(rejected.state, "what_python_held", "kept_across_loop")
    assert held.fix_page is not None and held.fix_page.cause == "driver_side_state"
