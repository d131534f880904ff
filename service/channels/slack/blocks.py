"""Block Kit rendering of the engine's results: pure functions from Diagnosis and Step to JSON.

Nothing here decides anything: the verdict, the causes, the questions and the fixes all come
from the engine. What this module owns is fitting them into Slack (50 blocks, 3,000 characters
a section, 75 a button label, 2,000 a button value) and saying so wherever it had to cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from service.channels.slack import actions as act
from service.channels.slack.kit import Block, actions, button, context, divider, header, section
from service.channels.slack.mrkdwn import (
    MAX_BLOCKS,
    MAX_BUTTON_VALUE,
    MAX_FALLBACK_TEXT,
    MAX_SECTION_TEXT,
    clip,
    clip_escaped,
    code_block,
    escape,
    inline_code,
    link,
    percent,
)
from service.engine.snippets import FORM_LABELS
from service.engine.types import Diagnosis, Evidence, RankedCause
from service.engine.walk import NO_MATCH, NONE, UNKNOWN, FixPage, FixView, QuestionView, Step

Message = dict[str, Any]

VERDICTS = {
    "driver_oom": ":rotating_light: Driver OOM",
    "not_driver_oom": ":mag: Not a driver OOM",
    "unknown": ":grey_question: Not sure yet",
}
TOP_CAUSES = 3
EVIDENCE_PER_CAUSE = 2
EVIDENCE_CHARS = 240
MAX_FIXES = 6
ANSWER_CHARS = 400


@dataclass(frozen=True)
class Context:
    """What a message shows besides the engine's result."""

    case_id: str
    case_url: str | None = None
    redactions: Mapping[str, int] = field(default_factory=dict)
    echo: str | None = None  # the user's own words, already redacted, for short input
    notes: tuple[str, ...] = ()
    shared_by: str | None = None  # a Slack user id when the message is shared in the channel

    @property
    def interactive(self) -> bool:
        return self.shared_by is None


def result_message(diagnosis: Diagnosis, step: Step, ctx: Context) -> Message:
    """The diagnosis and the walk's current step; ephemeral with buttons, or read-only shared."""
    body = diagnosis_blocks(diagnosis, ctx) + [divider()] + step_blocks(step, ctx)
    return {
        "response_type": "ephemeral" if ctx.interactive else "in_channel",
        "text": clip(f"Driver Doctor: {diagnosis.summary}", MAX_FALLBACK_TEXT),
        "blocks": fit(body, footer_blocks(step, ctx), ctx.case_url),
    }


def diagnosis_blocks(diagnosis: Diagnosis, ctx: Context) -> list[Block]:
    title = VERDICTS[diagnosis.verdict]
    if diagnosis.verdict == "driver_oom" and diagnosis.causes:
        title = f"{title}: {diagnosis.causes[0].title}"
    summary = escape(diagnosis.summary)
    if diagnosis.instead is not None:
        summary += (
            f"\n*What it is:* {escape(diagnosis.instead.what)}"
            f"\n*Where to look:* {escape(diagnosis.instead.where)}"
        )
    blocks = [header(title), section(summary)]
    blocks += [section(cause_text(i, c)) for i, c in enumerate(diagnosis.causes[:TOP_CAUSES], 1)]
    findings = [
        f":warning: {escape(f.message)}" + (f" (line {f.line})" if f.line else "")
        for f in diagnosis.findings[:3]
    ]
    if findings:
        blocks.append(context(*findings))
    similar = [
        f"Looks like {escape(c.title) if c.local else link(c.url, c.title)}, "
        f"resolved as {escape(c.cause.replace('_', ' '))}"
        for c in diagnosis.similar_cases[:3]
    ]
    if similar:
        blocks.append(context(*similar))
    blocks.append(context(input_text(diagnosis, ctx), *ctx.notes))
    return blocks


def cause_text(rank: int, cause: RankedCause) -> str:
    lines = [f"*{rank}. {escape(cause.title)}*  {percent(cause.confidence)} confidence"]
    lines += [f"• {evidence_text(e)}" for e in strongest(cause.evidence)]
    return "\n".join(lines)


def strongest(evidence: list[Evidence]) -> list[Evidence]:
    """The evidence that argues for the cause, in the engine's order (its strongest first)."""
    return [e for e in evidence if e.weight > 0][:EVIDENCE_PER_CAUSE]


def evidence_text(evidence: Evidence) -> str:
    text = escape(evidence.detail)
    if evidence.line is not None and evidence.text:
        text += f"\n    line {evidence.line}: {inline_code(evidence.text, EVIDENCE_CHARS)}"
    return text


def input_text(diagnosis: Diagnosis, ctx: Context) -> str:
    stats = diagnosis.input
    lines = f"{stats.lines:,} line{'' if stats.lines == 1 else 's'}"
    parts = [f"Read {stats.kind}: {lines}, {stats.bytes:,} bytes"]
    if ctx.echo:
        parts.append(f"you wrote {inline_code(ctx.echo, 300)}")
    redacted = sum(ctx.redactions.values())
    if redacted:
        kinds = ", ".join(sorted(ctx.redactions))
        parts.append(f":lock: {redacted} secret(s) redacted before anything was kept ({kinds})")
    return " · ".join(parts)


# --- the walk ---------------------------------------------------------------------------------


def step_blocks(step: Step, ctx: Context) -> list[Block]:
    blocks = [context(*answered_texts(step))] if step.answered else []
    if ctx.interactive:
        blocks += change_blocks(step)
    if step.ruled_out:
        ruled = "; ".join(escape(r.title) for r in step.ruled_out)
        blocks.append(context(f"_Ruled out by your answers:_ {ruled}"))
    if step.question is not None:
        blocks += question_blocks(step.question, step.state, ctx)
    if step.fix_page is not None:
        blocks += fix_page_blocks(step.fix_page, ctx)
        value = act.walk_value(step.state, step.fix_page.leaf, NO_MATCH)
        if ctx.interactive and value is not None:
            reject = button(step.fix_page.reject_label, f"{act.WALK}_no_match", value=value)
            blocks.append(actions(reject, block_id="walk_reject"))
    if step.kind == "none_left" and step.message:
        blocks.append(section(f":grey_question: {escape(step.message)}"))
    return blocks


# Answers taken from the evidence that get "change" buttons, and buttons per answer.
CHANGEABLE_SHOWN = 3
CHANGE_CHOICES = 4


def change_blocks(step: Step) -> list[Block]:
    """Next to each answer taken from the evidence: buttons to answer it otherwise."""
    blocks: list[Block] = []
    for n, answered in enumerate([a for a in step.answered if a.options][:CHANGEABLE_SHOWN]):
        others = [o for o in answered.options if o.id != answered.option][:CHANGE_CHOICES]
        values = [act.walk_value(step.state, answered.node, o.id) for o in others]
        buttons = [
            button(f"change: {o.label}", f"{act.WALK}_change_{n}_{i}", value=v)
            for i, (o, v) in enumerate(zip(others, values, strict=True))
            if v is not None
        ]
        if buttons:
            blocks.append(actions(*buttons, block_id=f"walk_change_{n}"))
    return blocks


def answered_texts(step: Step) -> list[str]:
    texts = []
    for a in step.answered:
        text = f"*{escape(a.question)}* → {escape(a.label)} _({escape(a.because)})_"
        if a.text:
            text += f" {inline_code(a.text, 160)}"
        texts.append(clip(text, ANSWER_CHARS))
    return texts


def question_blocks(question: QuestionView, state: str, ctx: Context) -> list[Block]:
    if not ctx.interactive:
        return [section(f"_Still open:_ *{escape(question.text)}*")]
    lines = [f"*{escape(question.text)}*"]
    if question.help:
        lines.append(clip_escaped(question.help, 1200))
    lines += [f"{i}. {escape(o.label)}" for i, o in enumerate(question.options, 1)]
    blocks = [section("\n".join(lines))]
    choices = [(o.id, f"{i}. {o.label}") for i, o in enumerate(question.options, 1)]
    choices.append((UNKNOWN, question.unknown_label))
    choices.append((NONE, question.none_label))
    values = [act.walk_value(state, question.node, option) for option, _ in choices]
    if any(v is None for v in values):
        blocks.append(section(too_long_for_buttons(len(state), ctx.case_url)))
        return blocks
    buttons = [
        button(label, f"{act.WALK}_{i}", value=v)
        for i, ((_, label), v) in enumerate(zip(choices, values, strict=True))
    ]
    return [*blocks, actions(*buttons, block_id="walk")]


def too_long_for_buttons(length: int, case_url: str | None) -> str:
    where = f"<{case_url}|the case page>" if case_url else "the web page or the REST API"
    return (
        f":warning: This walk's state is {length:,} characters, more than a Slack button can "
        f"carry ({MAX_BUTTON_VALUE:,}), so the answers cannot be buttons here: continue on {where}."
    )


def fix_page_blocks(page: FixPage, ctx: Context) -> list[Block]:
    blocks = [
        header(f":white_check_mark: Fix: {page.title}"),
        section(escape(page.conclusion)),
    ]
    for rank, fix in enumerate(page.fixes[:MAX_FIXES], 1):
        blocks += fix_blocks(rank, fix, ctx)
    hidden = len(page.fixes) - MAX_FIXES
    if hidden > 0:
        blocks.append(context(f"{hidden} more fix(es) {on_case_page(ctx.case_url)}."))
    return blocks


def fix_blocks(rank: int, fix: FixView, ctx: Context) -> list[Block]:
    text = f"*{rank}. {escape(fix.title)}*\n{escape(fix.summary)}"
    text += "".join(f"\n_Computed from your input:_ {escape(c)}" for c in fix.computed)
    if fix.verify:
        text += "\n*Check:* " + " ".join(f"• {escape(v)}" for v in fix.verify)
    blocks = [section(clip_escaped_mrkdwn(text, MAX_SECTION_TEXT))]
    if fix.snippets:
        blocks.append(section(snippets_text(fix.snippets, ctx.case_url)))
    if fix.code:
        blocks.append(section(code_text(fix, ctx.case_url)))
    if ctx.interactive:
        blocks.append(feedback_actions(rank, fix.id, ctx.case_id))
    return blocks


def clip_escaped_mrkdwn(text: str, limit: int) -> str:
    """Already-escaped mrkdwn cut at a line end, so no entity or code span is split."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 40)
    return text[: cut if cut > 0 else limit - 40] + "\n… _(trimmed)_"


def snippets_text(snippets: Mapping[str, str], case_url: str | None) -> str:
    return fill_sections(
        [(FORM_LABELS.get(form, form), code) for form, code in snippets.items()], case_url
    )


def code_text(fix: FixView, case_url: str | None) -> str:
    parts: list[tuple[str, str]] = []
    for change in fix.code:
        if change.before:
            parts.append((f"{change.language}, before", change.before))
        parts.append(
            (f"{change.language}, after" if change.before else change.language, change.after)
        )
    return fill_sections(parts, case_url)


def fill_sections(parts: list[tuple[str, str]], case_url: str | None) -> str:
    """Labelled code blocks in order while they fit one section; names the ones left out."""
    reserve = 200
    budget = MAX_SECTION_TEXT - reserve
    shown: list[str] = []
    left: list[str] = []
    for label, code in parts:
        room = budget - sum(len(s) + 1 for s in shown) - len(label) - 8
        if left or room < 200:
            left.append(label)
            continue
        shown.append(f"*{escape(label)}*\n{code_block(code, room)}")
    if left:
        shown.append(f"_Also {escape(', '.join(left))} {on_case_page(case_url)}._")
    return "\n".join(shown)


def on_case_page(case_url: str | None) -> str:
    return f"on <{case_url}|the case page>" if case_url else "in the REST API's case record"


def feedback_actions(rank: int, fix_id: str, case_id: str) -> Block:
    def choice(outcome: Literal["fixed", "not_helped"]) -> str:
        return act.FeedbackChoice(c=case_id, o=outcome, f=fix_id).encode()

    return actions(
        button("Fixed it", f"{act.FEEDBACK}_fixed_{rank}", value=choice("fixed"), style="primary"),
        button("Did not help", f"{act.FEEDBACK}_not_helped_{rank}", value=choice("not_helped")),
    )


def footer_blocks(step: Step, ctx: Context) -> list[Block]:
    links = []
    if ctx.interactive:
        share = act.share_value(ctx.case_id, step.state)
        if share is not None:
            links.append(button("Share in channel", act.SHARE, value=share))
    if ctx.case_url:
        links.append(button("Open the case page", act.CASE_PAGE, url=ctx.case_url))
    about = f"Case `{ctx.case_id}`"
    if ctx.shared_by:
        about = f"Shared by <@{ctx.shared_by}> · {about}"
    return ([actions(*links, block_id="footer")] if links else []) + [context(about)]


def fit(body: list[Block], footer: list[Block], case_url: str | None) -> list[Block]:
    """At most Slack's 50 blocks: the tail of the body gives way, and the message says so."""
    if len(body) + len(footer) <= MAX_BLOCKS:
        return body + footer
    keep = MAX_BLOCKS - len(footer) - 1
    note = context(
        f":scissors: {len(body) - keep} more block(s) did not fit Slack's {MAX_BLOCKS}-block "
        f"limit; the whole result is {on_case_page(case_url)}."
    )
    return [*body[:keep], note, *footer]
