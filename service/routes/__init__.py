"""One router per surface, aggregated here."""

from fastapi import APIRouter

from service.routes import cases, health, kb, troubleshoot

api_router = APIRouter()
for module in (troubleshoot, kb, cases, health):
    api_router.include_router(module.router)

__all__ = ["api_router"]
