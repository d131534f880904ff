"""Spark event logs: read (any codec, rolling directories), scan into facts, diagnose."""

from service.engine.eventlog.summary import EventLogSummary, read_event_log

__all__ = ["EventLogSummary", "read_event_log"]
