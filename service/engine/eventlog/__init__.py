"""Spark event logs: read (any codec, rolling directories), scan into facts, diagnose."""

from service.engine.eventlog.scan import STATEMENT_KINDS
from service.engine.eventlog.summary import EventLogSummary, read_event_log

__all__ = ["STATEMENT_KINDS", "EventLogSummary", "read_event_log"]
