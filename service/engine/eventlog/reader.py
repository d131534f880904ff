"""Read an event log line by line: one file (any codec) or a rolling event log directory.

Memory stays bounded by the longest event kept (``MAX_EVENT_BYTES``) plus one decompression
buffer, whatever the size of the log. A line that is not JSON stops the read with an error
naming it, except the very last line of a log that stops without its newline: that is what a
driver killed mid-write leaves, and the events before it still tell the story.

Every read has a budget (:class:`ReadLimits`): decompressed bytes, how far the bytes that
carry no event (blank lines, lines too long to be an event) may expand over what was sent (a
decompression bomb is made of those and expands hundreds- to a thousandfold), and seconds.
Past the bytes or the expansion the read is refused, naming the limit; past the seconds it
stops and the summary says where the log was cut: the answer is what was found. Events
themselves may expand as far as they do: a real log that repeats one large SQL plan thousands
of times compresses past 200x, and its events are read within the seconds budget.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from service.engine.budget import Budget
from service.engine.eventlog.codecs import CHUNK, CodecError, open_decompressed
from service.errors import EventLogError, InputTooLargeError

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


# The expansion check starts once this many bytes without events have been decompressed.
RATIO_GRACE = 256 << 20


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 16 << 30  # decompressed
    # bytes without an event / compressed (all of a Spark log: 10-50x with zstd, >200x when
    # one plan repeats; its blank bytes: close to none)
    max_ratio: float = 200.0
    seconds: float = 120.0
    # Asked between chunks: True once nobody waits for the answer (the client disconnected).
    cancelled: Callable[[], bool] | None = None


@dataclass
class ReadStats:
    """What the read saw besides the events: codec, files, and how the log ended."""

    codec: str = "plain"
    files: list[str] = field(default_factory=list)
    lines: int = 0
    bytes: int = 0
    truncated: bool = False
    skipped_oversized: int = 0
    compressed: int = 0
    # Decompressed bytes that carried no event: blank lines and skipped over-long lines.
    junk: int = 0
    # Why the read stopped before the end, if it did ("the 60 s budget ran out at line N").
    cut: str | None = None


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
    source: Path | BinaryIO,
    name: str = "",
    stats: ReadStats | None = None,
    limits: ReadLimits | None = None,
) -> Iterator[Event]:
    """Events of a file, a rolling directory or an open binary stream, with 1-based line numbers.

    Lines run on across the files of a rolling directory, so each line number is unique.

    Raises:
        InputTooLargeError: more decompressed bytes than the limit, or an expansion past it.
    """
    stats = stats if stats is not None else ReadStats()
    budget = _Budget(limits or ReadLimits(), stats)
    if isinstance(source, Path) and source.is_dir():
        for path in rolling_files(source):
            with path.open("rb") as raw:
                yield from _read_stream(raw, path.name, stats, budget)
        return
    if isinstance(source, Path):
        with source.open("rb") as raw:
            yield from _read_stream(raw, source.name, stats, budget)
        return
    yield from _read_stream(source, name, stats, budget)


class _Budget:
    """The engine's time-and-cancellation budget, plus the limits on what a log may expand to."""

    def __init__(self, limits: ReadLimits, stats: ReadStats) -> None:
        self.limits = limits
        self.stats = stats
        self.clock = Budget.of(limits.seconds, limits.cancelled)

    def spent(self) -> bool:
        """Refuse past the byte or expansion limit; True once the seconds are spent."""
        stats, limits = self.stats, self.limits
        if stats.bytes > limits.max_bytes:
            raise InputTooLargeError("file (decompressed)", stats.bytes, limits.max_bytes)
        if stats.junk > RATIO_GRACE and stats.junk > limits.max_ratio * max(stats.compressed, 1):
            ratio = stats.junk / max(stats.compressed, 1)
            raise InputTooLargeError(
                f"file (expands {ratio:.0f}x into bytes that hold no event, more than "
                f"{limits.max_ratio:.0f}x: a decompression bomb?)",
                stats.junk,
                int(limits.max_ratio * max(stats.compressed, 1)),
            )
        if self.clock.spent(f"line {stats.lines:,}"):
            stats.cut = (
                f"the {limits.seconds:g} s reading budget ran out at line {stats.lines:,}: "
                "what follows is from the part read"
            )
            return True
        return False


class _Counting(io.RawIOBase):
    """Counts the bytes read from the source (compressed, as sent)."""

    def __init__(self, raw: BinaryIO, stats: ReadStats) -> None:
        self.raw = raw
        self.stats = stats

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.stats.compressed += size
        return size


def _read_stream(raw: BinaryIO, name: str, stats: ReadStats, budget: _Budget) -> Iterator[Event]:
    counted = io.BufferedReader(_Counting(raw, stats), CHUNK)
    codec, stream = open_decompressed(counted, name)
    stats.codec = codec
    stats.files.append(name)
    stats.truncated = False
    pending: tuple[int, bytes] | None = None
    try:
        for line in _lines(stream, stats, budget):
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


def _lines(stream: BinaryIO, stats: ReadStats, budget: _Budget) -> Iterator[bytes]:
    """Non-blank lines (with their newline; the last may lack it), read a chunk at a time so a
    flood of blank lines costs memory speed, and a line past ``MAX_EVENT_BYTES`` is skipped
    (its bytes are dropped as they come, so a multi-gigabyte line costs reading speed)."""
    tail: list[bytes] = []  # the start of the current line, in pieces (no quadratic copying)
    size = 0
    skipping = False
    # Bytes of the lines given out (in this and earlier files): the rest, but the current
    # line, is junk.
    kept = stats.bytes - stats.junk
    # read1: at most one read of the decompressor, so what it gave before an error is kept.
    read = getattr(stream, "read1", stream.read)
    try:
        while True:
            # The budget is checked between chunks: the first chunk is always read.
            stats.junk = stats.bytes - kept - size
            if stats.bytes and budget.spent():
                stats.truncated = True
                return
            chunk = read(CHUNK)
            if not chunk:
                break
            stats.bytes += len(chunk)
            if b"\n" in chunk and not chunk.strip():  # a flood of blank lines: ends the line
                if tail and not skipping:
                    line = b"".join(tail)
                    if line.strip():
                        kept += len(line) + 1
                        yield line + b"\n"
                tail, size, skipping = [], 0, False
                continue
            if b"\n" not in chunk:  # the current line goes on
                if not skipping and (tail or chunk.strip()):
                    tail.append(chunk)
                    size += len(chunk)
                    if size > MAX_EVENT_BYTES:
                        stats.skipped_oversized += 1
                        skipping, tail, size = True, [], 0
                continue
            parts = chunk.split(b"\n")
            for part in parts[:-1]:
                if skipping:
                    skipping = False
                    continue
                if tail:
                    tail.append(part)
                    line = b"".join(tail)
                    tail, size = [], 0
                else:
                    line = part
                if line.strip():
                    kept += len(line) + 1
                    yield line + b"\n"
            last = parts[-1]
            if last:
                tail, size = [last], len(last)
        if tail and not skipping:
            line = b"".join(tail)
            if line.strip():
                kept += len(line)
                yield line
        stats.junk = stats.bytes - kept
    except (EOFError, OSError) as exc:  # gzip's own truncation and corruption errors
        raise CodecError(str(exc), truncated=isinstance(exc, EOFError)) from exc


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
