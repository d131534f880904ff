"""Slack messages and views that are not a diagnosis: usage, the paste modal, short notices."""

from __future__ import annotations

from service.channels.slack import actions as act
from service.channels.slack.blocks import Message
from service.channels.slack.kit import actions, button, context, plain, section
from service.channels.slack.mrkdwn import (
    MAX_FALLBACK_TEXT,
    MAX_MODAL_INPUT,
    MAX_MODAL_TITLE,
    clip,
    escape,
)

COMMAND = "/sparkdoctor"
INFORMATIVE_LINES = (
    "the OutOfMemoryError or SparkException line and its Caused by lines, the first stack "
    "frames under each, and any spark.driver.* / spark.executor.* settings"
)


def help_message(widget_url: str | None) -> Message:
    """Usage, with a button that opens the paste modal."""
    usage = (
        "*Driver Doctor* diagnoses Apache Spark driver out-of-memory failures and walks you "
        "to a fix.\n"
        f"• `{COMMAND} &lt;error, stack trace or a few words&gt;` — e.g. "
        f"`{COMMAND} job dies after toPandas` or a pasted `java.lang.OutOfMemoryError` trace\n"
        f"• `{COMMAND} help` — this message\n"
        "Answer the questions with the buttons; the last step lists fixes with config snippets."
    )
    longer = (
        "A log that is longer than one message? *Paste a log* opens a box for up to "
        f"{MAX_MODAL_INPUT:,} characters: keep {INFORMATIVE_LINES}."
    )
    if widget_url:
        longer += f" For a whole log, use <{widget_url}|the Driver Doctor web page>."
    return {
        "response_type": "ephemeral",
        "text": f"Driver Doctor: {COMMAND} &lt;pasted error or symptom&gt;",
        "blocks": [
            section(usage),
            section(longer),
            actions(button("Paste a log", act.PASTE, value="open", style="primary")),
            context(
                ":lock: Secrets in what you paste are redacted before anything is kept or posted."
            ),
        ],
    }


def paste_modal(private_metadata: str, widget_url: str | None) -> dict[str, object]:
    """The modal with one multi-line input, capped by Slack at 3,000 characters."""
    hint = (
        f"Slack caps this box at {MAX_MODAL_INPUT:,} characters, so keep the informative lines: "
        f"{INFORMATIVE_LINES}."
    )
    blocks: list[dict[str, object]] = [
        {
            "type": "input",
            "block_id": act.PASTE_BLOCK,
            "label": plain("Error, stack trace or log lines", 2000),
            "hint": plain(hint, 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": act.PASTE_INPUT,
                "multiline": True,
                "max_length": MAX_MODAL_INPUT,
                "placeholder": plain('Exception in thread "main" java.lang.OutOfMemoryError…', 150),
            },
        }
    ]
    if widget_url:
        blocks.append(
            context(f"A whole log does not fit here: paste it on <{widget_url}|the web page>.")
        )
    return {
        "type": "modal",
        "callback_id": act.PASTE_MODAL,
        "title": plain("Driver Doctor", MAX_MODAL_TITLE),
        "submit": plain("Diagnose", MAX_MODAL_TITLE),
        "close": plain("Cancel", MAX_MODAL_TITLE),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def notice(text: str, *, replace: bool | None = None) -> Message:
    """A short ephemeral message; ``text`` is plain and gets escaped here."""
    message: Message = {
        "response_type": "ephemeral",
        "text": clip(text, MAX_FALLBACK_TEXT),
        "blocks": [section(escape(text))],
    }
    if replace is not None:
        message["replace_original"] = replace
    return message


def capped_note(length: int, case_url: str | None) -> str:
    """Said when a modal paste filled Slack's box: the tail of the log may be missing."""
    where = f"<{case_url}|the case page>" if case_url else "the web page"
    return (
        f":scissors: Your paste is {length:,} characters, Slack's cap for the box: lines past it "
        f"were not seen. For the whole log, use {where}."
    )
