"""Read an event log line by line: one file (any codec) or a rolling event log directory.

Memory stays bounded by the longest event kept (``MAX_EVENT_BYTES``) plus one decompression
buffer, whatever the size of the log. A line that is not JSON stops the read with an error
naming it, except the very last line of a log that stops without its newline: that is what a
driver killed mid-write leaves, and the events before it still tell the story.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from service.engine.eventlog.codecs import CodecError, open_decompressed
from service.errors import EventLogError

# A SQL plan event can be a few megabytes; anything far beyond is skipped, not kept whole.
MAX_EVENT_BYTES = 64 << 20
# Successful task ends are most of a big log and need four numbers: those lines are read by
# pattern (5x faster than json.loads), once their braces balance; any other line is parsed.
_TASK_END = b'{"Event":"SparkListenerTaskEnd",'
_SUCCESS = b'"Task End Reason":{"Reason":"Success"}'
_TASK_NUMBERS = {
    key: re.compile(rb'"' + key.encode() + rb'":(\d+)')
    for key in ("Stage ID", "Stage Attempt ID", "Task ID", "Result Size")
}
_ROLLING_FILE = re.compile(r"^events_(\d+)_")


@dataclass
class ReadStats:
    """What the read saw besides the events: codec, files, and how the log ended."""

    codec: str = "plain"
    files: list[str] = field(default_factory=list)
    lines: int = 0
    bytes: int = 0
    truncated: bool = False
    skipped_oversized: int = 0


@dataclass(frozen=True)
class Event:
    line: int
    name: str
    body: dict[str, Any]


def rolling_files(directory: Path) -> list[Path]:
    """The ``events_<n>_<app>`` files of a rolling event log directory, in index order."""
    found = [
        (int(m.group(1)), p) for p in directory.iterdir() if (m := _ROLLING_FILE.match(p.name))
    ]
    if not found:
        raise EventLogError(
            f"{directory.name} is a directory without events_<n>_<app> files: pass an event log "
            "file or a rolling event log directory (eventlog_v2_<app>)"
        )
    return [p for _, p in sorted(found)]


def read_events(
    source: Path | BinaryIO, name: str = "", stats: ReadStats | None = None
) -> Iterator[Event]:
    """Events of a file, a rolling directory or an open binary stream, with 1-based line numbers.

    Lines run on across the files of a rolling directory, so each line number is unique.
    """
    stats = stats if stats is not None else ReadStats()
    if isinstance(source, Path) and source.is_dir():
        for path in rolling_files(source):
            with path.open("rb") as raw:
                yield from _read_stream(raw, path.name, stats)
        return
    if isinstance(source, Path):
        with source.open("rb") as raw:
            yield from _read_stream(raw, source.name, stats)
        return
    yield from _read_stream(source, name, stats)


def _read_stream(raw: BinaryIO, name: str, stats: ReadStats) -> Iterator[Event]:
    codec, stream = open_decompressed(raw, name)
    stats.codec = codec
    stats.files.append(name)
    stats.truncated = False
    pending: tuple[int, bytes] | None = None
    try:
        for line in _lines(stream, stats):
            if pending is not None:
                yield _parse(*pending, name)
            stats.lines += 1
            pending = (stats.lines, line)
    except CodecError as exc:
        if not exc.truncated:
            raise EventLogError(f"{name}: cannot decompress ({exc})", stats.lines + 1) from exc
        stats.truncated = True
    if pending is not None:
        number, line = pending
        if line.endswith(b"\n") or _is_json(line):
            yield _parse(number, line, name)
        else:
            stats.truncated = True


def _lines(stream: BinaryIO, stats: ReadStats) -> Iterator[bytes]:
    try:
        while True:
            line = stream.readline(MAX_EVENT_BYTES)
            if not line:
                return
            stats.bytes += len(line)
            if len(line) == MAX_EVENT_BYTES and not line.endswith(b"\n"):
                stats.skipped_oversized += 1
                _skip_to_newline(stream, stats)
                continue
            if line.strip():
                yield line
    except (EOFError, OSError) as exc:  # gzip's own truncation and corruption errors
        raise CodecError(str(exc), truncated=isinstance(exc, EOFError)) from exc


def _skip_to_newline(stream: BinaryIO, stats: ReadStats) -> None:
    while True:
        rest = stream.readline(MAX_EVENT_BYTES)
        stats.bytes += len(rest)
        if not rest or rest.endswith(b"\n"):
            return


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _parse(number: int, line: bytes, name: str) -> Event:
    fast = _successful_task_end(number, line)
    if fast is not None:
        return fast
    try:
        body = json.loads(line)
    except ValueError as exc:
        shown = line[:80].decode("utf-8", "replace").rstrip()
        raise EventLogError(
            f"line {number} of {name or 'the event log'} is not a JSON event ({exc}): {shown!r}",
            number,
        ) from exc
    if not isinstance(body, dict) or not isinstance(body.get("Event"), str):
        raise EventLogError(
            f"line {number} of {name or 'the event log'} is JSON but not a Spark listener event "
            '(no "Event" field)',
            number,
        )
    return Event(number, body["Event"].rsplit(".", 1)[-1], body)


def _successful_task_end(number: int, line: bytes) -> Event | None:
    if not line.startswith(_TASK_END) or _SUCCESS not in line:
        return None
    if not line.rstrip().endswith(b"}") or line.count(b"{") != line.count(b"}"):
        return None
    found = {key: pattern.search(line) for key, pattern in _TASK_NUMBERS.items()}
    values = {key: int(match.group(1)) for key, match in found.items() if match is not None}
    if len(values) != len(found):
        return None
    body = {
        "Event": "SparkListenerTaskEnd",
        "Stage ID": values["Stage ID"],
        "Stage Attempt ID": values["Stage Attempt ID"],
        "Task End Reason": {"Reason": "Success"},
        "Task Info": {"Task ID": values["Task ID"]},
        "Task Metrics": {"Result Size": values["Result Size"]},
    }
    return Event(number, "SparkListenerTaskEnd", body)
