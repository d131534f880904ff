"""Errors as ``application/problem+json``: each names the field at fault and the limit."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import UnknownEntityError
from service.api.schemas import Problem
from service.errors import (
    AbandonedError,
    DoctorError,
    EmptyInputError,
    EventLogError,
    InputTooLargeError,
    InvalidAnswerError,
    InvalidStateError,
    NotFoundError,
    NotReadyError,
)

MEDIA_TYPE = "application/problem+json"
STATUS: dict[type[DoctorError], int] = {
    InputTooLargeError: 413,
    EmptyInputError: 422,
    EventLogError: 422,
    InvalidStateError: 400,
    InvalidAnswerError: 400,
    NotFoundError: 404,
    NotReadyError: 503,
    AbandonedError: 408,
}


def problem(status: int, detail: str, field: str | None = None, **extra: object) -> JSONResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, field=field)
    content = body.model_dump(exclude_none=True) | extra
    return JSONResponse(content, status_code=status, media_type=MEDIA_TYPE)


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"] if p != "body"]
        field = ".".join(loc) or "body"
        message = error["msg"]
        ctx = error.get("ctx") or {}
        limits = ", ".join(
            f"{k}={v}"
            for k, v in ctx.items()
            if k in {"min_length", "max_length", "expected", "le", "ge"}
        )
        errors.append({"field": field, "message": f"{message}{f' ({limits})' if limits else ''}"})
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    return problem(422, f"{first['field']}: {first['message']}", first["field"], errors=errors)


def _doctor(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DoctorError)
    status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 400)
    extra: dict[str, object] = {"limit": exc.limit} if isinstance(exc, InputTooLargeError) else {}
    if isinstance(exc, EventLogError) and exc.line is not None:
        extra["line"] = exc.line
    return problem(status, exc.message, exc.field, **extra)


def _unknown_entity(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UnknownEntityError)
    return problem(404, str(exc), "id")


def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(exc.status_code, str(exc.detail))
    # Keep what the status needs: Allow on a 405, WWW-Authenticate on a 401, Retry-After.
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(DoctorError, _doctor)
    app.add_exception_handler(UnknownEntityError, _unknown_entity)
    app.add_exception_handler(StarletteHTTPException, _http)
