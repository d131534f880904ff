"""Upload a Spark event log (multipart) and get the same diagnosis a pasted log gets.

Starlette spools the upload to a temporary file as it arrives (the body limit middleware
stops it at ``max_event_log_bytes`` plus framing); the engine then streams that file.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, TypeVar

import anyio
from fastapi import APIRouter, File, Request, UploadFile

from service.api.deps import DoctorDep, MetricsDep, SettingsDep
from service.api.schemas import DiagnoseResponse
from service.errors import EmptyInputError, InputTooLargeError

EVENT_LOG_PATH = "/v1/diagnose/event-log"

router = APIRouter(prefix="/v1", tags=["troubleshoot"])


@router.post(
    "/diagnose/event-log",
    response_model=DiagnoseResponse,
    responses={
        413: {"description": "Over max_event_log_bytes"},
        422: {"description": "Not an event log; names the line"},
    },
)
async def diagnose_event_log(
    request: Request,
    file: Annotated[
        UploadFile, File(description="An event log: plain, .lz4, .lzf, .snappy, .zstd or .gz")
    ],
    doctor: DoctorDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> DiagnoseResponse:
    """Diagnose an uploaded Spark event log: verdict, causes with the events that show them.
    A client that disconnects stops the read (nothing is stored)."""
    size = file.size if file.size is not None else _measure(file)
    if size > settings.max_event_log_bytes:
        raise InputTooLargeError("file", size, settings.max_event_log_bytes)
    if size == 0:
        raise EmptyInputError("file")
    file.file.seek(0)
    work = partial(
        doctor.troubleshoot_event_log, file.file, channel="api", name=file.filename or ""
    )
    result = await run_unless_disconnected(request.is_disconnected, work)
    metrics.verdicts.labels(result.diagnosis.verdict, "event_log").inc()
    return DiagnoseResponse.of(result)


T = TypeVar("T")
DISCONNECT_POLL_SECONDS = 0.25


async def run_unless_disconnected(
    disconnected: Callable[[], Awaitable[bool]], work: Callable[..., T]
) -> T:
    """Run ``work(cancelled=...)`` in a worker thread while watching the client: once it
    disconnects, ``cancelled()`` turns True and the work stops at its next check."""
    gone = threading.Event()

    async def watch() -> None:
        while not await disconnected():
            await anyio.sleep(DISCONNECT_POLL_SECONDS)
        gone.set()

    failed: Exception | None = None
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(watch)
        try:
            result = await anyio.to_thread.run_sync(partial(work, cancelled=gone.is_set))
        except Exception as exc:  # re-raised below, outside the task group's ExceptionGroup
            failed = exc
        finally:
            tasks.cancel_scope.cancel()
    if failed is not None:
        raise failed
    return result


def _measure(file: UploadFile) -> int:
    file.file.seek(0, 2)
    return file.file.tell()
