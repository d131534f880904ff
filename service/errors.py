"""Errors the engine raises; every channel maps them to its own way of saying no.

DoctorError
 ├── InputTooLargeError   a paste over the configured limit          (REST: 413)
 ├── EmptyInputError      nothing to diagnose                        (REST: 422)
 ├── InvalidStateError    walk state tampered with, stale or unknown (REST: 400)
 ├── InvalidAnswerError   an answer that does not fit the question   (REST: 400)
 ├── EventLogError        an event log that cannot be read (names the line) (REST: 422)
 ├── NotFoundError        unknown cause, tree or case id             (REST: 404)
 ├── NotReadyError        the engine is still loading                (REST: 503)
 └── AbandonedError       the client went away; the work was stopped (REST: 408, unread)
"""

from __future__ import annotations


class DoctorError(Exception):
    """Base class; ``field`` names the request field at fault, when there is one."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InputTooLargeError(DoctorError):
    def __init__(self, field: str, size: int, limit: int) -> None:
        super().__init__(f"{field} is {size} bytes; the limit is {limit} bytes", field)
        self.size = size
        self.limit = limit


class EmptyInputError(DoctorError):
    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is empty: paste an error, a log or a few words", field)


class InvalidStateError(DoctorError):
    def __init__(self, message: str) -> None:
        super().__init__(f"invalid walk state: {message}", "state")


class InvalidAnswerError(DoctorError):
    pass


class EventLogError(DoctorError):
    """An event log line that is not a Spark event, or data that does not decompress."""

    def __init__(self, message: str, line: int | None = None) -> None:
        # The message may quote the offending line of a user's file: never echo a secret.
        from service.redact import redact

        super().__init__(redact(message)[0], "file")
        self.line = line


class NotFoundError(DoctorError):
    def __init__(self, kind: str, entity_id: str, known: list[str] | None = None) -> None:
        hint = f"; known: {', '.join(known)}" if known else ""
        super().__init__(f"unknown {kind} {entity_id!r}{hint}")
        self.kind = kind
        self.entity_id = entity_id


class NotReadyError(DoctorError):
    """The service is up but its engine (KB, index, model) is still loading."""

    def __init__(self) -> None:
        super().__init__("the service is still starting; try again in a few seconds")


class AbandonedError(DoctorError):
    """The client disconnected while its input was being read: the work stops there."""

    def __init__(self, where: str) -> None:
        super().__init__(f"the client disconnected; reading stopped at {where}")
