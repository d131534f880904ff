"""Spark's structured (JSON lines) logs, read as the plain layout every other step knows.

Spark 4 can log each event as one JSON object (``spark.log.structuredLogging.enabled``, and the
``log4j2.properties.template`` it ships uses that layout): ``{"ts": ..., "level": ...,
"msg": ..., "context": {...}, "exception": {"class": ..., "msg": ..., "stacktrace": [{"class":
..., "method": ..., "file": ..., "line": ...}]}, "logger": ...}`` (``SparkLayout.json`` in
spark-common-utils). An exception and its stack frames sit inside one line there, so a driver
OOM logged that way would look like a log with no failure in it. Each such line is rendered as
the default pattern layout prints it (``yy/MM/dd HH:mm:ss LEVEL logger: message``, then the
exception and its ``at`` frames); every rendered line remembers the pasted line it came from,
so evidence still cites what the user pasted. Lines that are not structured log events (a
Python traceback, a print) pass through as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# A structured event starts with its timestamp field (SparkLayout.json's first field).
MARKER = '{"ts":'
MAX_FRAMES = 200


@dataclass(frozen=True)
class Rendered:
    """The plain text, and for each of its lines (1-based) the pasted line it came from."""

    text: str
    origins: list[int]
    events: int

    def origin(self, line: int | None) -> int | None:
        if line is None or not 1 <= line <= len(self.origins):
            return line
        return self.origins[line - 1]


def render(text: str) -> Rendered | None:
    """The plain layout of ``text``, or None when it holds no structured log event."""
    if MARKER not in text:
        return None
    out: list[str] = []
    origins: list[int] = []
    events = 0
    for number, line in enumerate(text.split("\n"), start=1):
        lines = _event_lines(line)
        if lines is None:
            lines = [line]
        else:
            events += 1
        out.extend(lines)
        origins.extend([number] * len(lines))
    if not events:
        return None
    return Rendered("\n".join(out), origins, events)


def _event_lines(line: str) -> list[str] | None:
    stripped = line.strip()
    if not stripped.startswith(MARKER):
        return None
    try:
        event = json.loads(stripped)
    except (ValueError, RecursionError):  # RecursionError: brackets nested thousands deep
        return None
    if not isinstance(event, dict) or "level" not in event:
        return None
    head = f"{_timestamp(event.get('ts'))} {event.get('level')} {event.get('logger') or '?'}: "
    message = str(event.get("msg") or "").split("\n")
    lines = [head + message[0], *message[1:]]
    exception = event.get("exception")
    if isinstance(exception, dict):
        lines.extend(_exception_lines(exception))
    return lines


def _exception_lines(exception: dict[str, Any]) -> list[str]:
    said = exception.get("msg")
    cls = str(exception.get("class") or "java.lang.Throwable")
    lines = [f"{cls}: {said}" if said not in (None, "") else cls]
    frames = exception.get("stacktrace")
    if isinstance(frames, list):
        lines.extend(_frame(f) for f in frames[:MAX_FRAMES] if isinstance(f, dict))
    return lines


def _frame(frame: dict[str, Any]) -> str:
    """One stack frame as Throwable.printStackTrace prints it."""
    where = f"{frame.get('class')}.{frame.get('method')}"
    file, line = frame.get("file"), frame.get("line")
    if line == -2:
        return f"\tat {where}(Native Method)"
    if not file:
        return f"\tat {where}(Unknown Source)"
    if isinstance(line, int) and line >= 0:
        return f"\tat {where}({file}:{line})"
    return f"\tat {where}({file})"


def _timestamp(ts: object) -> str:
    """``2025-03-01T10:01:00.000Z`` as the pattern layout's ``25/03/01 10:01:00``."""
    value = str(ts or "")
    if len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        return f"{value[2:4]}/{value[5:7]}/{value[8:10]} {value[11:19]}"
    # Without a timestamp the line would not read as a log line at all.
    return value or "00/00/00 00:00:00"
