from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(request: Request) -> Health | JSONResponse:
    """Readiness: the knowledge base and the index are loaded."""
    doctor = getattr(request.app.state, "doctor", None)
    readiness = doctor.readiness() if doctor is not None else None
    if readiness is None or not readiness.ready:
        return JSONResponse(Health(status="starting").model_dump(), status_code=503)
    return Health(
        status="ok", kb_version=readiness.kb_version, index_entries=readiness.index_entries
    )
