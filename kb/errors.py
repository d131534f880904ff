"""Errors raised by the knowledge-base package.

KBError
 ├── KBLoadError        a file could not be read or does not fit its model
 └── UnknownEntityError an id that is not in the knowledge base
      └── UnknownCauseError
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and, when known, the line of the offending field."""

    path: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where} [{self.field}]" if self.field else where


class KBError(Exception):
    """Base class of every knowledge-base error."""


class KBLoadError(KBError):
    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class UnknownEntityError(KBError, LookupError):
    def __init__(self, kind: str, entity_id: str) -> None:
        super().__init__(f"unknown {kind} {entity_id!r}")
        self.kind = kind
        self.entity_id = entity_id


class UnknownCauseError(UnknownEntityError):
    def __init__(self, cause_id: str) -> None:
        super().__init__("cause", cause_id)
