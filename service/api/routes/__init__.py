"""One router per surface, aggregated here."""

from fastapi import APIRouter

from service.api.routes import cases, eventlog, health, kb, metrics, report, troubleshoot, widget

api_router = APIRouter()
for module in (troubleshoot, eventlog, kb, cases, report, health, metrics, widget):
    api_router.include_router(module.router)

__all__ = ["api_router"]
