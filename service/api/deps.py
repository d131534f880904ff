"""FastAPI dependencies as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kb import KnowledgeBase
from service.api.metrics import Metrics
from service.config import Settings
from service.core import Doctor
from service.errors import NotReadyError


def get_doctor(request: Request) -> Doctor:
    doctor: Doctor | None = getattr(request.app.state, "doctor", None)
    if doctor is None:
        raise NotReadyError()
    return doctor


def get_kb(doctor: Annotated[Doctor, Depends(get_doctor)]) -> KnowledgeBase:
    return doctor.kb


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


DoctorDep = Annotated[Doctor, Depends(get_doctor)]
KBDep = Annotated[KnowledgeBase, Depends(get_kb)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
