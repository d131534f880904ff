from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.api.app import create_app
from service.config import Settings
from service.engine import Engine

PASTE = "java.lang.OutOfMemoryError: Java heap space at org.apache.spark.sql.Dataset.collect"


def _samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_requests_by_route_template_and_status(client: TestClient) -> None:
    case_id = client.post("/v1/diagnose", json={"text": PASTE}).json()["case_id"]
    client.get(f"/v1/cases/{case_id}")
    client.get("/v1/cases/no-such-case")
    client.get("/no/such/page")
    samples = _samples(client)
    requests = "doctor_http_requests_total"
    assert _value(samples, requests, method="POST", route="/v1/diagnose", status="200") == 1
    assert _value(samples, requests, method="GET", route="/v1/cases/{case_id}", status="200") == 1
    assert _value(samples, requests, method="GET", route="/v1/cases/{case_id}", status="404") == 1
    assert _value(samples, requests, method="GET", route="<unmatched>", status="404") == 1


def test_metrics_record_latency_per_route(client: TestClient) -> None:
    client.post("/v1/diagnose", json={"text": PASTE})
    samples = _samples(client)
    histogram = "doctor_http_request_duration_seconds"
    assert _value(samples, f"{histogram}_count", method="POST", route="/v1/diagnose") == 1
    assert _value(samples, f"{histogram}_sum", method="POST", route="/v1/diagnose") > 0
    assert (
        _value(samples, f"{histogram}_bucket", method="POST", route="/v1/diagnose", le="+Inf") == 1
    )


def test_metrics_count_verdicts_and_feedback_outcomes(client: TestClient) -> None:
    body = client.post("/v1/diagnose", json={"text": PASTE}).json()
    client.post("/v1/diagnose", json={"text": "the weather is nice today"})
    client.post(f"/v1/cases/{body['case_id']}/feedback", json={"outcome": "fixed"})
    client.post(f"/v1/cases/{body['case_id']}/feedback", json={"outcome": "not_helped"})
    client.post(f"/v1/cases/{body['case_id']}/feedback", json={"outcome": "fixed"})
    samples = _samples(client)
    verdicts = {
        dict(labels)["verdict"]: value
        for (name, labels), value in samples.items()
        if name == "doctor_diagnoses_total"
    }
    assert sum(verdicts.values()) == 2
    assert verdicts[body["verdict"]] >= 1
    assert _value(samples, "doctor_feedback_total", outcome="fixed") == 2
    assert _value(samples, "doctor_feedback_total", outcome="not_helped") == 1


def test_metrics_are_per_app(client: TestClient, settings: Settings, engine: Engine) -> None:
    client.post("/v1/diagnose", json={"text": PASTE})
    with TestClient(create_app(settings, engine=engine)) as other:
        samples = _samples(other)
    assert (
        _value(
            samples, "doctor_http_requests_total", method="POST", route="/v1/diagnose", status="200"
        )
        == 0
    )
