"""Prometheus metrics for ``/metrics``: requests, latency, verdicts, feedback outcomes.

Each app has its own registry (tests build many apps in one process). ``doctor serve`` forks
several processes from one app; it calls :func:`share_between_processes` before making the app,
so that each process counts into files of its own in one folder and ``/metrics``, whichever
worker answers it, adds up every process's numbers (prometheus_client's multiprocess mode).
With several replicas, Prometheus scrapes each one and sums.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, values
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Seconds; a diagnosis of a few words takes milliseconds, of a 20 MB log several seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


SHARED_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own name for it


def share_between_processes(directory: Path) -> None:
    """Count into ``directory`` from now on (per process files; the metrics made afterwards).

    Call it in the process that will fork, before it makes the app; ``directory`` must exist
    and start empty, or old counts are added in.
    """
    os.environ[SHARED_DIR_ENV] = str(directory)
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # Set when this app's metrics count into shared files (see share_between_processes).
        self.shared_dir = os.environ.get(SHARED_DIR_ENV) or None
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
        if self.shared_dir is None:
            return generate_latest(self.registry)
        every_process = CollectorRegistry()
        MultiProcessCollector(every_process, path=self.shared_dir)  # type: ignore[no-untyped-call]
        return generate_latest(every_process)
