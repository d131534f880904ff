"""Block Kit rendering: what a message shows, and that it stays inside Slack's limits."""

from __future__ import annotations

import json

import pytest

from kb import KnowledgeBase
from service.channels.slack import blocks, messages
from service.channels.slack.blocks import Context
from service.channels.slack.mrkdwn import clip_escaped, code_block, escape, inline_code
from service.engine.types import Diagnosis, Evidence, InputStats, RankedCause
from service.engine.walk import FixPage, FixView, OptionView, QuestionView, Step, Walker
from tests.service.channels.slack_helpers import (
    assert_valid_message,
    assert_valid_view,
    buttons,
    text_of,
)

CASE_URL = "https://doctor.example.com/cases/abc123"
LONG_LINE = "at com.example.Job.run(Job.scala:1) <init> & " * 300


def _diagnosis(evidence_text: str = "java.lang.OutOfMemoryError: Java heap space") -> Diagnosis:
    cause = RankedCause(
        id="collect_to_driver",
        title="Too much data collected into the driver JVM",
        confidence=0.62,
        evidence=[
            Evidence(
                kind="signature", detail="heap exhausted", weight=0.5, line=7, text=evidence_text
            ),
            Evidence(kind="similarity", detail='close to "collect dies"', weight=0.4),
            Evidence(kind="fact", detail="argues against", weight=-0.3, line=2, text="nope"),
        ],
    )
    return Diagnosis(
        verdict="driver_oom",
        summary="Driver OOM, most likely: Too much data collected into the driver JVM (62%).",
        causes=[cause],
        facts=[],
        findings=[],
        kb_version="test",
        input=InputStats(bytes=100, lines=9, distinct_lines=9, kind="log"),
    )


def _question_step(state: str = "state.token") -> Step:
    question = QuestionView(
        node="which_action",
        text="Was the last action an explicit collect?",
        help="Look at the last line of your code before the failure.",
        options=[
            OptionView(id="collect", label="collect(), take(n), collectAsMap(), toPandas() " * 3),
            OptionView(id="broadcast", label="A broadcast join"),
        ],
    )
    return Step(
        kind="question", tree="t", tree_title="T", answered=[], question=question, state=state
    )


def _fix(i: int, snippet_lines: int = 5) -> FixView:
    return FixView(
        id=f"fix-{i}",
        title=f"Fix number {i}",
        summary="Do the thing.",
        kind="config",
        snippets={
            "spark_submit": "spark-submit \\\n  --driver-memory 8g\n" * snippet_lines,
            "spark_defaults": "spark.driver.memory 8g\n" * snippet_lines,
            "pyspark": "spark.conf.set('a', 'b')\n" * snippet_lines,
            "scala": 'spark.conf.set("a", "b")\n' * snippet_lines,
        },
        computed=[],
        code=[],
        verify=["The job completes."],
        caveats=[],
        fixed=0,
        not_helped=0,
        ordered_by_feedback=False,
    )


def _fix_step(fixes: int = 2, snippet_lines: int = 5) -> Step:
    page = FixPage(
        leaf="leaf",
        cause="collect_to_driver",
        title="Too much data collected into the driver JVM",
        conclusion="Confirmed.",
        fixes=[_fix(i, snippet_lines) for i in range(fixes)],
        diagnostics=[],
        notes=[],
    )
    return Step(kind="fix", tree="t", tree_title="T", answered=[], fix_page=page, state="s.t")


def test_render_diagnosis_shows_verdict_confidence_and_evidence_line() -> None:
    message = blocks.result_message(_diagnosis(), _question_step(), Context("abc123", CASE_URL))
    assert_valid_message(message)
    assert message["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": ":rotating_light: Driver OOM: Too much data collected into the driver JVM",
            "emoji": True,
        },
    }
    cause = message["blocks"][2]["text"]["text"]
    assert "*1. Too much data collected into the driver JVM*  62% confidence" in cause
    assert "line 7: `java.lang.OutOfMemoryError: Java heap space`" in cause
    assert "argues against" not in cause  # evidence weighing against a cause is not "evidence"


def test_render_question_has_a_button_per_option_and_i_dont_know() -> None:
    message = blocks.result_message(_diagnosis(), _question_step(), Context("abc123", CASE_URL))
    walk = [b for b in buttons(message) if b["action_id"].startswith("walk")]
    assert [json.loads(b["value"])["a"] for b in walk] == [
        "collect",
        "broadcast",
        "unknown",
        "none_of_these",
    ]
    assert {json.loads(b["value"])["n"] for b in walk} == {"which_action"}
    assert all(json.loads(b["value"])["s"] == "state.token" for b in walk)
    assert walk[0]["text"]["text"].endswith("…") and len(walk[0]["text"]["text"]) == 75
    # the full label is in the question text, so cutting the button label hides nothing
    assert "toPandas() collect(), take(n)" in text_of(message)
    assert [b["text"]["text"] for b in walk[-2:]] == [
        "I don't know",
        "None of these / that is not what I see",
    ]


def test_render_state_too_long_for_a_button_says_so_and_links_the_case_page() -> None:
    step = _question_step(state="x" * 2500)
    message = blocks.result_message(_diagnosis(), step, Context("abc123", CASE_URL))
    assert_valid_message(message)
    assert not [b for b in buttons(message) if b["action_id"].startswith(("walk", "share"))]
    assert "2,500 characters" in text_of(message) and f"<{CASE_URL}|the case page>" in text_of(
        message
    )


def test_render_fix_page_has_snippets_in_code_blocks_and_feedback() -> None:
    message = blocks.result_message(_diagnosis(), _fix_step(), Context("abc123", CASE_URL))
    assert_valid_message(message)
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    snippet = next(s for s in sections if s.startswith("*spark-submit*"))
    assert "```\nspark-submit \\\n  --driver-memory 8g" in snippet
    assert "*spark-defaults.conf*\n```" in snippet and "*Scala*\n```" in snippet
    feedback = [
        json.loads(b["value"]) for b in buttons(message) if b["action_id"].startswith("feedback")
    ]
    assert feedback[:2] == [
        {"c": "abc123", "o": "fixed", "f": "fix-0"},
        {"c": "abc123", "o": "not_helped", "f": "fix-0"},
    ]


def test_render_snippets_too_long_for_a_section_name_the_forms_left_out() -> None:
    message = blocks.result_message(
        _diagnosis(), _fix_step(fixes=1, snippet_lines=60), Context("abc123", CASE_URL)
    )
    assert_valid_message(message)
    snippet = next(
        b["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("*spark-submit*")
    )
    assert "… trimmed (" in snippet or "_Also " in snippet
    assert f"<{CASE_URL}|the case page>" in snippet
    assert snippet.count("```") % 2 == 0  # every code block is closed


def test_render_many_fixes_stays_within_fifty_blocks_and_says_what_was_cut() -> None:
    message = blocks.result_message(_diagnosis(), _fix_step(fixes=40), Context("abc123", CASE_URL))
    assert_valid_message(message)
    assert len(message["blocks"]) <= 50
    assert "more fix(es) on <" in text_of(message)


def test_fit_trims_the_body_keeps_the_footer_and_says_so() -> None:
    body = [{"type": "divider"}] * 70
    footer = [{"type": "context", "elements": [{"type": "mrkdwn", "text": "footer"}]}]
    fitted = blocks.fit(body, footer, CASE_URL)
    assert len(fitted) == 50 and fitted[-1] == footer[0]
    assert (
        "22 more block(s) did not fit Slack's 50-block limit" in fitted[-2]["elements"][0]["text"]
    )


def test_long_evidence_line_is_trimmed_and_says_from_how_long() -> None:
    message = blocks.result_message(
        _diagnosis(evidence_text=LONG_LINE), _question_step(), Context("abc123", CASE_URL)
    )
    assert_valid_message(message)
    cause = message["blocks"][2]["text"]["text"]
    assert f"(trimmed from {len(LONG_LINE.strip()):,} characters)" in cause
    assert "&lt;init&gt; &amp;" in cause and "<init>" not in cause


def test_shared_message_is_in_channel_and_read_only() -> None:
    ctx = Context("abc123", CASE_URL, shared_by="U1")
    for step in (_question_step(), _fix_step()):
        message = blocks.result_message(_diagnosis(), step, ctx)
        assert_valid_message(message)
        assert message["response_type"] == "in_channel"
        assert [b["action_id"] for b in buttons(message)] == ["case_page"]
        assert "Shared by <@U1>" in text_of(message)


def test_inline_code_flattens_and_escapes() -> None:
    assert inline_code("a `b`\n<c> & d", 100) == "`a 'b' &lt;c&gt; &amp; d`"


def test_clip_escaped_never_splits_an_entity() -> None:
    clipped = clip_escaped("<" * 100, 20)
    assert len(clipped) <= 20 and clipped.endswith("…")
    assert clipped[:-1] == "&lt;" * 4


def test_code_block_stays_closed_when_trimmed() -> None:
    block = code_block("line\n" * 2000, 500)
    assert len(block) <= 500 and block.startswith("```\n") and block.endswith("\n```")
    assert "\nline\n… trimmed (9,999 characters in all)\n```" in block


def test_escape_covers_slacks_three_characters() -> None:
    assert escape("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d"


def test_help_message_and_paste_modal_are_valid() -> None:
    usage = messages.help_message("https://doctor.example.com/")
    assert_valid_message(usage)
    assert "/sparkdoctor help" in text_of(usage)
    # Slack reads a bare <...> as a link or mention: text shows &lt; and &gt; instead.
    import re

    bare = [m for m in re.findall(r"<([^>]*)>", text_of(usage)) if not m.startswith("http")]
    assert bare == [], bare
    assert "&lt;error, stack trace or a few words&gt;" in text_of(usage)
    view = messages.paste_modal(json.dumps({"r": "https://hooks.slack.com/x"}), None)
    assert_valid_view(view)
    assert view["callback_id"] == "sparkdoctor_paste"


@pytest.mark.parametrize("option", [0, -1])
def test_every_leaf_of_every_tree_renders_within_limits(kb: KnowledgeBase, option: int) -> None:
    """Walk each tree taking always the first (or always "I don't know") answer, and render
    every step it passes through: real KB text, real snippets, real state tokens."""
    walker = Walker(kb, b"test-secret")
    diagnosis = _diagnosis()
    for tree_id in kb.trees:
        step = walker.start_tree(tree_id, case_id="abc123")
        for _ in range(30):
            message = blocks.result_message(diagnosis, step, Context("abc123", CASE_URL))
            assert_valid_message(message)
            if step.question is None:
                break
            answer = step.question.options[0].id if option == 0 else "unknown"
            step = walker.answer(step.state, step.question.node, answer)
        assert step.fix_page is not None, tree_id
