"""Slack text: escaping for mrkdwn and trimming that says it trimmed, within Block Kit limits."""

from __future__ import annotations

# Block Kit limits (docs.slack.dev/reference/block-kit): a message over them is refused whole.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_TEXT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_MODAL_TITLE = 24
MAX_MODAL_INPUT = 3000
MAX_FALLBACK_TEXT = 3000

ELLIPSIS = "…"


def escape(text: str) -> str:
    """The three characters Slack requires escaped in every text field."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Message text as typed: Slack sends ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters, ending in an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def clip_escaped(text: str, limit: int, suffix: str = ELLIPSIS) -> str:
    """``text`` escaped for mrkdwn and at most ``limit`` characters, ``suffix`` marking a cut."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    budget = limit - len(suffix)
    if budget <= 0:
        return suffix[:limit]
    return escape(text[: _fitting_prefix(text, budget)]) + suffix


def _fitting_prefix(text: str, budget: int) -> int:
    """Length of the longest prefix of ``text`` that escapes to at most ``budget`` characters."""
    # Escaping only lengthens text, so the answer is at most ``budget``: binary search below it.
    low, high = 0, min(len(text), max(budget, 0))
    while low < high:
        middle = (low + high + 1) // 2
        if len(escape(text[:middle])) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def inline_code(text: str, limit: int) -> str:
    """One line of input as inline code; says how long it was when it had to be cut."""
    line = " ".join(text.split()).replace("`", "'")
    if len(line) <= limit:
        return f"`{escape(line)}`"
    note = f" (trimmed from {len(line):,} characters)"
    return f"`{clip_escaped(line, limit)}`{note}"


def code_block(text: str, limit: int) -> str:
    """A fenced code block of at most ``limit`` characters, closed even when trimmed."""
    body = text.rstrip("\n").replace("```", "'''")
    fence = "```\n{}\n```"
    room = limit - len(fence.format(""))
    escaped = escape(body)
    if len(escaped) <= room:
        return fence.format(escaped)
    marker = f"\n… trimmed ({len(body):,} characters in all)"
    end = _fitting_prefix(body, room - len(marker))
    line_end = body.rfind("\n", 0, end)
    if line_end > end // 2:  # end on a whole line when that loses little
        end = line_end
    return fence.format(escape(body[:end]) + marker)


def percent(confidence: float) -> str:
    return f"{round(confidence * 100)}%"


def link(url: str, label: str) -> str:
    """A Slack link ``<url|label>``; a URL that could break out of the link is shown as text."""
    if not url.startswith(("https://", "http://")) or any(ch in url for ch in "<>| "):
        return escape(label)
    return f"<{url}|{escape(label).replace('|', '/')}>"
