from __future__ import annotations

from fastapi import APIRouter, Response

from service.api.deps import MetricsDep
from service.api.metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}},
)
def read_metrics(metrics: MetricsDep) -> Response:
    """Prometheus metrics: requests, latency, verdicts, feedback outcomes (every process here)."""
    return Response(metrics.render(), media_type=CONTENT_TYPE)
