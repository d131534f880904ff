"""``read_event_log``: stream an event log through the scan and keep what it concluded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from service.engine.eventlog.reader import ReadLimits, ReadStats, read_events
from service.engine.eventlog.scan import EventLogScan, Failure
from service.engine.types import Fact
from service.errors import EventLogError


@dataclass(frozen=True)
class EventLogSummary:
    """What one event log showed: facts citing their events, failure texts, and read stats."""

    name: str
    app: str
    facts: list[Fact]
    failures: list[Failure]
    stats: ReadStats

    def describe(self) -> str:
        """A short text of the input, stored with the case instead of the whole log."""
        head = [
            f"Spark event log {self.name} ({self.stats.codec}, {len(self.stats.files)} file(s), "
            f"{self.stats.lines:,} events, {self.stats.bytes:,} bytes decompressed)"
            + (", truncated" if self.stats.truncated else "")
            + (f"; {self.stats.cut}" if self.stats.cut else ""),
            f"application: {self.app}" if self.app else "application: unknown",
        ]
        facts = [
            f"line {f.line}: {f.name} = {f.value} ({f.text})"
            if f.line
            else f"{f.name} = {f.value} ({f.text})"
            for f in self.facts
        ]
        failures = [f"line {f.line}: {f.where} failed: {f.text[:500]}" for f in self.failures[:5]]
        return "\n".join(head + facts + failures)


def read_event_log(
    source: Path | BinaryIO, name: str = "", limits: ReadLimits | None = None
) -> EventLogSummary:
    """Read a file, a rolling event log directory or an open binary stream in bounded memory.

    Raises:
        EventLogError: a line that is not a Spark event (the message names the line), data
            that does not decompress, or a log without a single event.
    """
    stats = ReadStats()
    scan = EventLogScan()
    name = name or (source.name if isinstance(source, Path) else "event log")
    for event in read_events(source, name, stats, limits):
        scan.feed(event)
    if scan.counts["events"] == 0:
        raise EventLogError(f"{name} holds no Spark events: is it an event log?", None)
    scan.finish()
    return EventLogSummary(name, scan.app, scan.facts(), scan.failures, stats)
