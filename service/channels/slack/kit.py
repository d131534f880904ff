"""Block Kit building blocks as plain dicts, each held to Slack's limits for its kind."""

from __future__ import annotations

from typing import Any

from service.channels.slack.mrkdwn import (
    MAX_ACTIONS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    clip,
)

Block = dict[str, Any]


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, str]:
    # Callers size their text; this is the last guard so one overlong field never voids a message.
    return {"type": "mrkdwn", "text": clip(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def divider() -> Block:
    return {"type": "divider"}


def context(*texts: str) -> Block:
    """Small grey text; past Slack's ten elements the rest are joined into the tenth."""
    items = [t for t in texts if t]
    if len(items) > MAX_CONTEXT_ELEMENTS:
        head = items[: MAX_CONTEXT_ELEMENTS - 1]
        items = [*head, "\n".join(items[MAX_CONTEXT_ELEMENTS - 1 :])]
    return {"type": "context", "elements": [mrkdwn(t, MAX_CONTEXT_TEXT) for t in items]}


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    url: str | None = None,
    style: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, MAX_BUTTON_TEXT),
        "action_id": action_id,
    }
    if value is not None:
        if len(value) > MAX_BUTTON_VALUE:
            raise ValueError(f"button value is {len(value)} characters; Slack allows 2000")
        element["value"] = value
    if url is not None:
        element["url"] = url
    if style is not None:
        element["style"] = style
    return element


def actions(*buttons: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(buttons[:MAX_ACTIONS])}
    if block_id is not None:
        block["block_id"] = block_id
    return block
