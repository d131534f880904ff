from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import DoctorDep, MetricsDep
from service.api.schemas import FeedbackRequest
from service.storage.cases import CaseRecord, FeedbackRecord

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get("/{case_id}", response_model=CaseRecord)
def read_case(case_id: str, doctor: DoctorDep) -> CaseRecord:
    """A stored case: redacted input, diagnosis, path walked, fix reached, feedback."""
    return doctor.case(case_id)


@router.post("/{case_id}/feedback", response_model=FeedbackRecord, status_code=201)
def create_feedback(
    case_id: str, body: FeedbackRequest, doctor: DoctorDep, metrics: MetricsDep
) -> FeedbackRecord:
    """Record whether the fix worked ("fixed" / "not_helped") with an optional comment."""
    record = doctor.feedback(case_id, body.outcome, body.fix_id, body.comment)
    metrics.feedback.labels(record.outcome).inc()
    return record
