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

Logs written with another text layout are read the same way, a line for a line: an ISO date
(``2026-12-04 05:59:22,123``, ``[2026-12-04T05:59:22.123Z]``), a thread in brackets, a logger
by its full name (``org.apache.spark.scheduler.DAGScheduler``) or two last parts (Hadoop's
``scheduler.DAGScheduler``), `` - `` before the message. Every step that knows Spark's own
lines ("DAGScheduler: Got job", "Executor: Exception in task") then knows these.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from service.engine.vocabulary import JVM_FRAME_METHOD, LOG_TIMESTAMP, PY_TRACE_FRAME

# A structured event starts with its timestamp field (SparkLayout.json's first field).
MARKER = '{"ts":'
MAX_FRAMES = 200
# A line break written as an escape before a stack frame, a chained cause, a Python
# traceback's frame or a timestamped log line: a stack trace or a log inside a quoted string,
# or inside a list of them, a string per line (Livy's "traceback"; see _unfolded).
_ESCAPED_TRACE = re.compile(
    r"(?:\\r)?\\n(?:[\"'],\s*[\"'])?(?:\\t|\s)*"
    r"(?:at [\w$.<>]+\(|Caused by: |\.\.\. \d+ more|Traceback \(most"
    rf'|File \\?"|{LOG_TIMESTAMP})'
)
# A frame right after the one before it on the same line: a stack trace whose line breaks became
# spaces; and where such a line breaks (see _refolded).
_FOLDED_JVM = re.compile(rf"\) at {JVM_FRAME_METHOD}\(")
_PY_FRAME_ANYWHERE = re.compile(PY_TRACE_FRAME)
_FOLDED_FRAME = re.compile(rf"{_FOLDED_JVM.pattern}|\S \s*{_PY_FRAME_ANYWHERE.pattern}")
_FOLD_POINT = re.compile(
    rf"\s+(?=at {JVM_FRAME_METHOD}\([^()]{{0,300}}\)|Caused by: |Driver stacktrace:"
    rf"|Traceback \(most|{PY_TRACE_FRAME}|\.\.\. \d+ (?:more|common frames)"
    rf"|{LOG_TIMESTAMP}[,.]?\d* (?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL) )"
)
# A quoted string (JSON's double quotes or a Python repr's single ones) and what is inside it.
_QUOTED_STRING = re.compile(r"""(["'])((?:(?!\1)[^\\]|\\.)*)\1""")
_ESCAPE = re.compile(r'\\(r\\n|n|t|"|\'|\\)')
_ESCAPES = {"r\\n": "\n", "n": "\n", "t": "\t", '"': '"', "'": "'", "\\": "\\"}
# How much of one line is searched for a stack trace held in it, and its quoted strings.
MAX_LINE_SCAN = 200_000


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
    """The plain layout of ``text``, or None when it holds no structured log event, no line of
    another text layout and no stack trace held in one line."""
    rendered = _layouts(text)
    if "\\n" not in text and not _holds_folded_frames(text):
        return rendered
    return _unfolded(rendered) if rendered is not None else _unfolded(_as_pasted(text))


def _as_pasted(text: str) -> Rendered:
    lines = text.split("\n")
    return Rendered(text, list(range(1, len(lines) + 1)), 0)


def _unfolded(rendered: Rendered) -> Rendered | None:
    """A stack trace or a log that one line holds, as the lines it was printed as; each still
    cites the line it was pasted on. Two ways it comes as one line: quoted inside a string,
    its line breaks escaped ("error_trace": "...OutOfMemoryError: Java heap space\\n\\tat
    org.apache..." from a job API's JSON, a Python repr of the exception), or with its line
    breaks turned into spaces by a page, a tracker comment or a chat ("... Java heap space at
    java.util.Arrays.copyOf(Arrays.java:3236) at org.apache..."). None when no line holds one
    (and nothing else was rendered)."""
    out: list[str] = []
    origins: list[int] = []
    expanded = 0
    for line, origin in zip(rendered.text.split("\n"), rendered.origins, strict=True):
        if "\\n" in line and len(_ESCAPED_TRACE.findall(line, 0, MAX_LINE_SCAN)) >= 2:
            lines = _decoded(line)
            expanded += 1
        elif (") at " in line or 'File "' in line) and _folded(line):
            lines = _refolded(line)
            expanded += 1
        else:
            lines = [line]
        out.extend(lines)
        origins.extend([origin] * len(lines))
    if not expanded:
        return rendered if rendered.events else None
    return Rendered("\n".join(out), origins, rendered.events + expanded)


def _decoded(line: str) -> list[str]:
    """The lines of the quoted strings in ``line`` that hold escaped line breaks (a JSON field,
    a Python repr), without the quotes and keys around them; the whole line when no quoted
    string holds one (a log message that escaped its own line breaks)."""
    quoted = _QUOTED_STRING.finditer(line, 0, MAX_LINE_SCAN)
    strings = [m.group(2) for m in quoted if "\\n" in m.group(2)]
    text = "\n".join(strings) if strings else line
    return _ESCAPE.sub(_unescape, text).split("\n")


def _folded(line: str) -> bool:
    return len(_FOLDED_FRAME.findall(line, 0, MAX_LINE_SCAN)) >= 2


def _holds_folded_frames(text: str) -> bool:
    """Whether a JVM frame follows another on its line, or a Python frame starts after other
    text on its line. Each pattern starts with a literal, which the regex engine skips to."""
    if _FOLDED_JVM.search(text) is not None:
        return True
    for match in _PY_FRAME_ANYWHERE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if text[start : match.start()].strip():
            return True
    return False


def _refolded(line: str) -> list[str]:
    """``line`` broken before each frame (JVM or Python), chained cause, "... N more" and log
    timestamp, JVM frames indented as a JVM prints them."""
    pieces = _FOLD_POINT.split(line[:MAX_LINE_SCAN])
    pieces[-1] += line[MAX_LINE_SCAN:]
    return ["\t" + p if p.startswith("at ") else p for p in pieces if p]


def _unescape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group(1)]


def _layouts(text: str) -> Rendered | None:
    if MARKER not in text:
        return _other_layout(text)
    out: list[str] = []
    origins: list[int] = []
    events = 0
    for number, line in enumerate(text.split("\n"), start=1):
        lines = _event_lines(line)
        if lines is None:
            lines = [line]
        else:
            events += 1
            # An exception's message may hold line breaks: a rendered line per printed one,
            # so each still finds the pasted line it came from.
            lines = [piece for text in lines for piece in text.split("\n")]
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


# A log event in a text layout other than Spark's default: date, time (fraction and zone
# optional, in brackets or not), an optional [thread], the level, an optional [thread], the
# logger, then ": " or " - " and the message.
_OTHER = re.compile(
    r"\[?(\d{2})(\d{2})-(\d{2})-(\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,]\d{1,9})?"
    r"(?:Z|[+-]\d{2}:?\d{2})?\]?\s{1,4}(?:\[[^\]]{0,200}\]\s{1,4})?"
    r"(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\s{1,4}(?:\[[^\]]{0,200}\]\s{1,4})?"
    r"([A-Za-z_][\w$.]{0,300}?)(?:: | - )(.*)"
)
# Spark's own layout with a logger's full or Hadoop-shortened name.
_LONG_LOGGER = re.compile(
    r"(\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) "
    r"((?:[a-z_][\w$]*\.)+[A-Z][\w$]*): (.*)"
)
# A layout is taken as the log's own once this many of its first lines are in it.
_LAYOUT_EVIDENCE = 3
_LAYOUT_SAMPLE = 400


def _other_layout(text: str) -> Rendered | None:
    head = text[:200_000].split("\n", _LAYOUT_SAMPLE)[:_LAYOUT_SAMPLE]
    seen = sum(1 for line in head if _other_line(line) is not None)
    if seen < _LAYOUT_EVIDENCE:
        return None
    out: list[str] = []
    events = 0
    for line in text.split("\n"):
        plain = _other_line(line)
        if plain is None:
            out.append(line)
        else:
            out.append(plain)
            events += 1
    return Rendered("\n".join(out), list(range(1, len(out) + 1)), events)


def _other_line(line: str) -> str | None:
    """``line`` in Spark's default layout, or None when it is not an event of another layout."""
    if line[:1] not in "[0123456789":
        return None
    match = _OTHER.match(line)
    if match is not None:
        _, year, month, day, time, level, logger, message = match.groups()
        level = "WARN" if level == "WARNING" else level
        return f"{year}/{month}/{day} {time} {level} {_short(logger)}: {message}"
    match = _LONG_LOGGER.match(line)
    if match is not None:
        stamp, level, logger, message = match.groups()
        return f"{stamp} {level} {_short(logger)}: {message}"
    return None


def _short(logger: str) -> str:
    """The logger as Spark's default layout names it: its class's simple name."""
    return logger.rsplit(".", 1)[-1]
