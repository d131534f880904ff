"""Prometheus metrics for ``/metrics``: requests, latency, verdicts, feedback outcomes.

Each app has its own registry (tests build many apps in one process). The numbers are per
process: with several replicas, Prometheus scrapes each one and sums.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Seconds; a diagnosis of a few words takes milliseconds, of a 20 MB log several seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "doctor_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "doctor_http_request_duration_seconds",
            "Seconds from a request's arrival to its last byte answered, by route.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.verdicts = Counter(
            "doctor_diagnoses",
            "Diagnoses returned, by verdict and by what was diagnosed (text or event log).",
            ["verdict", "input"],
            registry=self.registry,
        )
        self.feedback = Counter(
            "doctor_feedback",
            "Feedback recorded, by outcome.",
            ["outcome"],
            registry=self.registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
