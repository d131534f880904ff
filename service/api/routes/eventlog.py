"""Upload a Spark event log (multipart) and get the same diagnosis a pasted log gets.

Starlette spools the upload to a temporary file as it arrives (the body limit middleware
stops it at ``max_event_log_bytes`` plus framing); the engine then streams that file.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile

from service.api.deps import DoctorDep, MetricsDep
from service.api.disconnect import run_unless_disconnected
from service.api.schemas import DiagnoseResponse

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
    metrics: MetricsDep,
) -> DiagnoseResponse:
    """Diagnose an uploaded Spark event log: verdict, causes with the events that show them.
    A client that disconnects stops the read (nothing is stored)."""
    size = file.size if file.size is not None else _measure(file)
    file.file.seek(0)
    work = partial(
        doctor.troubleshoot_event_log,
        file.file,
        channel="api",
        name=file.filename or "",
        size=size,
    )
    result = await run_unless_disconnected(request.is_disconnected, work)
    metrics.verdicts.labels(result.diagnosis.verdict, "event_log").inc()
    return DiagnoseResponse.of(result)


def _measure(file: UploadFile) -> int:
    file.file.seek(0, 2)
    return file.file.tell()
