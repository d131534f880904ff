"""The REST API end to end, through HTTP (TestClient runs the real app and its lifespan)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kb import KnowledgeBase
from service.api.app import create_app
from service.config import Settings
from service.engine import Engine
from service.engine.state import WalkState, encode_state
from tests.service.conftest import SECRET

MAX_RESULT = (
    "org.apache.spark.SparkException: Job aborted due to stage failure: Total size of serialized "
    "results of 3120 tasks (1.4 GiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)"
)
PROBLEM = "application/problem+json"


def test_diagnose_returns_verdict_causes_facts_step_and_case(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"text": MAX_RESULT})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "driver_oom"
    assert body["causes"][0]["id"] == "max_result_size"
    assert 0.0 <= body["causes"][0]["confidence"] <= 1.0
    evidence = body["causes"][0]["evidence"][0]
    assert evidence["line"] == 1 and "maxResultSize" in evidence["text"]
    assert {"name": "spark_error", "value": "max_result_size"}.items() <= body["facts"][
        0
    ].items() or any(f["name"] == "spark_error" for f in body["facts"])
    assert body["step"]["state"] and body["case_id"]


def test_diagnose_rejects_empty_text_with_422_naming_field(client: TestClient) -> None:
    for text in ["", "   \n\t "]:
        response = client.post("/v1/diagnose", json={"text": text})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["field"] == "text"


def test_diagnose_rejects_missing_field_with_422(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"txt": "x"})
    assert response.status_code == 422
    assert "text" in response.json()["detail"]


def test_diagnose_rejects_paste_over_limit_with_413(client: TestClient, settings: Settings) -> None:
    text = "x" * (settings.max_paste_bytes + 1)
    response = client.post("/v1/diagnose", json={"text": text})
    assert response.status_code == 413
    body = response.json()
    assert body["field"] == "text" and body["limit"] == settings.max_paste_bytes
    assert str(settings.max_paste_bytes) in body["detail"]


def test_diagnose_rejects_huge_body_from_content_length_alone(client: TestClient) -> None:
    def body() -> object:
        yield b'{"text": "'
        raise AssertionError("the server read the body although Content-Length was too large")

    response = client.post(
        "/v1/diagnose",
        content=body(),
        headers={"content-type": "application/json", "content-length": str(10**10)},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM


def test_diagnose_rejects_streamed_body_over_limit(client: TestClient, settings: Settings) -> None:
    chunk = b"a" * 1_000_000

    def body() -> object:
        yield b'{"text": "'
        for _ in range(4):
            yield chunk
        yield b'"}'

    response = client.post(
        "/v1/diagnose", content=body(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_read_cause_unknown_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/causes/not_a_cause")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert "collect_to_driver" in response.json()["detail"]


def test_read_causes_lists_all_canonical_ids(client: TestClient, kb: KnowledgeBase) -> None:
    body = client.get("/v1/causes").json()
    assert body["count"] == len(kb.causes) == 11
    assert {c["id"] for c in body["data"]} == set(kb.causes)


def test_read_cause_has_fixes_with_all_snippet_forms(client: TestClient) -> None:
    body = client.get("/v1/causes/broadcast_too_large").json()
    assert body["symptoms"] and body["diagnostics"]
    with_config = [f for f in body["fixes"] if f["snippets"]]
    assert with_config
    assert set(with_config[0]["snippets"]) == {"spark_submit", "spark_defaults", "pyspark", "scala"}
    assert "cause-broadcast_too_large" in body["trees"]


def test_read_tree_and_unknown_tree(client: TestClient) -> None:
    assert client.get("/v1/trees/triage").json()["kind"] == "triage"
    assert client.get("/v1/trees/nope").status_code == 404


def test_walk_rejects_tampered_state(client: TestClient) -> None:
    step = client.post("/v1/walk/start", json={"tree": "triage"}).json()
    payload, _, signature = step["state"].partition(".")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    response = client.post(
        "/v1/walk", json={"state": tampered, "node": step["question"]["node"], "answer": "unknown"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "state"
    assert "signature" in response.json()["detail"]


def test_walk_state_expires_a_day_after_its_step(client: TestClient, kb: KnowledgeBase) -> None:
    import time

    step = client.post("/v1/walk/start", json={"tree": "triage"}).json()
    node = step["question"]["node"]
    fresh = client.post(
        "/v1/walk", json={"state": step["state"], "node": node, "answer": "unknown"}
    )
    assert fresh.status_code == 200
    old = encode_state(
        WalkState(kb=kb.version, tree="triage"), SECRET.encode(), now=time.time() - 25 * 3600
    )
    response = client.post("/v1/walk", json={"state": old, "node": node, "answer": "unknown"})
    assert response.status_code == 400 and response.json()["field"] == "state"
    assert "expired" in response.json()["detail"]
    assert "start again from the case" in response.json()["detail"]


def test_walk_rejects_state_from_other_kb_version(client: TestClient) -> None:
    stale = encode_state(WalkState(kb="000000000000", tree="triage"), SECRET.encode())
    response = client.post("/v1/walk", json={"state": stale, "node": "x", "answer": "unknown"})
    assert response.status_code == 400
    assert "knowledge base 000000000000" in response.json()["detail"]


def test_walk_rejects_garbage_state_and_wrong_answers(client: TestClient) -> None:
    assert (
        client.post("/v1/walk", json={"state": "nonsense", "node": "a", "answer": "b"}).status_code
        == 400
    )
    step = client.post("/v1/walk/start", json={"tree": "triage"}).json()
    node = step["question"]["node"]
    wrong_node = client.post(
        "/v1/walk", json={"state": step["state"], "node": "elsewhere", "answer": "unknown"}
    )
    assert wrong_node.status_code == 400 and wrong_node.json()["field"] == "node"
    wrong_option = client.post(
        "/v1/walk", json={"state": step["state"], "node": node, "answer": "maybe"}
    )
    assert wrong_option.status_code == 400 and wrong_option.json()["field"] == "option"


def test_case_and_feedback_round_trip(client: TestClient) -> None:
    case_id = client.post("/v1/diagnose", json={"text": MAX_RESULT}).json()["case_id"]
    created = client.post(
        f"/v1/cases/{case_id}/feedback", json={"outcome": "not_helped", "comment": "still dies"}
    )
    assert created.status_code == 201
    case = client.get(f"/v1/cases/{case_id}").json()
    assert case["feedback"][0]["outcome"] == "not_helped"
    assert case["feedback"][0]["comment"] == "still dies"
    assert case["kb_version"] and case["verdict"] == "driver_oom"


def test_feedback_validates_outcome_and_case(client: TestClient) -> None:
    case_id = client.post("/v1/diagnose", json={"text": MAX_RESULT}).json()["case_id"]
    assert client.post(f"/v1/cases/{case_id}/feedback", json={"outcome": "meh"}).status_code == 422
    assert client.post("/v1/cases/nope/feedback", json={"outcome": "fixed"}).status_code == 404
    assert client.get("/v1/cases/nope").status_code == 404
    unknown_fix = client.post(
        f"/v1/cases/{case_id}/feedback", json={"outcome": "fixed", "fix_id": "no-such-fix"}
    )
    assert unknown_fix.status_code == 404


def test_cases_survive_app_restart_with_same_database(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as first:
        case_id = first.post("/v1/diagnose", json={"text": MAX_RESULT}).json()["case_id"]
        first.post(f"/v1/cases/{case_id}/feedback", json={"outcome": "fixed"})
    with TestClient(create_app(settings, engine=engine)) as second:
        case = second.get(f"/v1/cases/{case_id}").json()
    assert case["id"] == case_id
    assert case["feedback"][0]["outcome"] == "fixed"


def test_stored_case_has_planted_secrets_redacted(client: TestClient) -> None:
    secrets = [
        "AKIAIOSFODNN7EXAMPLE",
        "Hunter2Secret",
        "dapi0123456789abcdef0123456789abcdef",
        "s3cr3t-keystore-pw",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ",
    ]
    text = (
        f"{MAX_RESULT}\n"
        f"spark.hadoop.fs.s3a.access.key={secrets[0]}\n"
        f"jdbc:postgresql://db:5432/sales?user=etl&password={secrets[1]}\n"
        f"export DATABRICKS_TOKEN={secrets[2]}\n"
        f"--conf spark.ssl.keyStorePassword={secrets[3]}\n"
        f"Authorization: Bearer {secrets[4]}\n"
    )
    body = client.post("/v1/diagnose", json={"text": text}).json()
    case = client.get(f"/v1/cases/{body['case_id']}").text
    for secret in secrets:
        assert secret not in case
        assert secret not in str(body)
    assert body["redactions"]


def test_health_and_readiness(client: TestClient, kb: KnowledgeBase) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["kb_version"] == kb.version


def test_openapi_lists_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in [
        "/v1/diagnose",
        "/v1/walk",
        "/v1/walk/start",
        "/v1/causes",
        "/v1/causes/{cause_id}",
        "/v1/trees/{tree_id}",
        "/v1/cases/{case_id}",
        "/v1/cases/{case_id}/feedback",
        "/healthz",
        "/readyz",
    ]:
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_a_method_a_route_does_not_take_gets_405_with_allow(client: TestClient) -> None:
    for path, allowed in (("/v1/diagnose", "POST"), ("/healthz", "GET")):
        response = client.request("TRACE", path)
        assert response.status_code == 405
        assert allowed in response.headers["allow"]
        assert response.headers["content-type"].startswith("application/problem+json")


def test_the_openapi_description_documents_every_error_as_a_problem(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    case = spec["paths"]["/v1/cases/{case_id}"]["get"]["responses"]
    for code in ("401", "404", "405", "422", "429"):
        assert "application/problem+json" in case[code]["content"], code
    diagnose = spec["paths"]["/v1/diagnose"]["post"]["responses"]
    assert {"400", "413", "422"} <= set(diagnose)
    assert "application/json" not in diagnose["422"]["content"]


def test_a_request_before_the_engine_loaded_gets_503(settings: Settings, engine: Engine) -> None:
    app = create_app(settings, engine=engine)
    with TestClient(app) as c:
        c.app.state.doctor = None  # type: ignore[attr-defined]
        response = c.post("/v1/diagnose", json={"text": "java.lang.OutOfMemoryError"})
    assert response.status_code == 503
    assert "still starting" in response.json()["detail"]


def test_docs_page_loads_its_assets_from_the_service_not_a_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
