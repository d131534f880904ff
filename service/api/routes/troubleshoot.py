from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response

from service.api.deps import DoctorDep, MetricsDep
from service.api.disconnect import run_unless_disconnected
from service.api.schemas import (
    DiagnoseRequest,
    DiagnoseResponse,
    WalkRequest,
    WalkStartRequest,
    WalkStepRequest,
)
from service.engine.walk import Step

router = APIRouter(prefix="/v1", tags=["troubleshoot"])


@router.post("/diagnose", response_model=DiagnoseResponse)
async def diagnose(
    request: Request, body: DiagnoseRequest, doctor: DoctorDep, metrics: MetricsDep
) -> Response:
    """Diagnose pasted text: verdict, ranked causes with evidence, facts, first walk step.
    A client that disconnects stops the analysis (nothing is stored)."""
    work = partial(doctor.troubleshoot, body.text, channel="api")
    result = await run_unless_disconnected(request.is_disconnected, work)
    metrics.verdicts.labels(result.diagnosis.verdict, "text").inc()
    response = DiagnoseResponse.of(result)
    # Serialised here, once: returned as a model, FastAPI would validate it again (in another
    # threadpool hop) before serialising it; the schema in the docs stays DiagnoseResponse.
    return Response(response.model_dump_json(), media_type="application/json")


@router.post("/walk", response_model=Step)
def walk(body: WalkRequest, doctor: DoctorDep) -> Step:
    """Answer the open question of a walk ('unknown': I don't know; 'none_of_these': none fits), or
    reject the fix page reached ('no_match' on its leaf), and get the next step."""
    return doctor.walk(body.state, body.node, body.answer)


@router.post("/walk/step", response_model=Step)
def show_step(body: WalkStepRequest, doctor: DoctorDep) -> Step:
    """The step a state token stands for: to continue a reopened case where it stopped."""
    return doctor.step(body.state)


@router.post("/walk/start", response_model=Step)
def start_walk(body: WalkStartRequest, doctor: DoctorDep) -> Step:
    """Start walking one tree from its first question, with no evidence (e.g. from the KB pages)."""
    return doctor.start_tree(body.tree)
