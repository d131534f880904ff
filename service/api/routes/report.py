"""The knowledge-base keepers' report over stored cases, as JSON and as a page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.api.deps import DoctorDep
from service.channels.web.pages import page_templates
from service.storage.reporting import DEFAULT_IDLE, Report

templates = page_templates()

router = APIRouter(tags=["report"])

LimitQuery = Annotated[
    int, Query(ge=1, le=500, description="How many unresolved inputs to list, newest first.")
]
IdleQuery = Annotated[
    int,
    Query(
        ge=0,
        le=60 * 24 * 365,
        description="Minutes a walk must sit at a question before it counts as abandoned.",
    ),
]
DEFAULT_IDLE_MINUTES = int(DEFAULT_IDLE.total_seconds() // 60)


def _report(doctor: DoctorDep, limit: int, idle_minutes: int) -> Report:
    return doctor.report(limit=limit, idle=dt.timedelta(minutes=idle_minutes))


@router.get("/v1/report", response_model=Report)
def read_report(
    doctor: DoctorDep, limit: LimitQuery = 20, idle_minutes: IdleQuery = DEFAULT_IDLE_MINUTES
) -> Report:
    """Resolution rates per cause and fix, abandoned questions, verdict mix, unresolved inputs."""
    return _report(doctor, limit, idle_minutes)


@router.get("/report", response_class=HTMLResponse)
def read_report_page(
    request: Request,
    doctor: DoctorDep,
    limit: LimitQuery = 20,
    idle_minutes: IdleQuery = DEFAULT_IDLE_MINUTES,
) -> HTMLResponse:
    """The report as a page for the people who keep the knowledge base."""
    report = _report(doctor, limit, idle_minutes)
    context = {"title": "Report", "report": report, "idle_minutes": idle_minutes}
    return templates.TemplateResponse(request, "report.html", context)
