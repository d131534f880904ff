from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.security import KeyRing, RateLimiter, hash_key, load_keys, new_key
from service.cli import main as doctor
from service.config import Settings
from service.engine import Engine

KEY = "dd_test-key-for-the-ci-pipeline-0123456789"
OTHER_KEY = "dd_test-key-for-the-notebook-0123456789"
WIDGET_ORIGIN = "https://helpdesk.example.com"
PASTE = "java.lang.OutOfMemoryError: Java heap space at org.apache.spark.sql.Dataset.collect"


@pytest.fixture
def keyed_settings(settings: Settings, tmp_path: Path) -> Settings:
    key_file = tmp_path / "keys.yaml"
    key_file.write_text(
        f"keys:\n  - name: notebook\n    sha256: {hash_key(OTHER_KEY)}\n"
        "    rate_limit_per_minute: 2\n"
    )
    return settings.model_copy(
        update={
            "api_keys": [f"ci:{hash_key(KEY)}"],
            "api_keys_file": key_file,
            "cors_origins": [WIDGET_ORIGIN],
            "rate_limit_per_minute": 5,
        }
    )


@pytest.fixture
def keyed(keyed_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(keyed_settings, engine=engine)) as c:
        yield c


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_load_keys_reads_environment_and_file(keyed_settings: Settings) -> None:
    keys = {k.name: k for k in load_keys(keyed_settings)}
    assert keys["ci"].sha256 == hash_key(KEY)
    assert keys["notebook"].rate_limit_per_minute == 2


def test_load_keys_rejects_a_key_that_is_not_a_hash(settings: Settings) -> None:
    bad = settings.model_copy(update={"api_keys": [f"ci:{KEY}"]})
    with pytest.raises(ValueError, match="NAME:SHA256"):
        load_keys(bad)


def test_load_keys_rejects_repeated_names(settings: Settings) -> None:
    twice = settings.model_copy(update={"api_keys": [f"ci:{hash_key(KEY)}", f"ci:{'0' * 64}"]})
    with pytest.raises(ValueError, match="repeated: ci"):
        load_keys(twice)


def test_settings_split_comma_separated_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_API_KEYS", f"ci:{hash_key(KEY)}, notebook:{hash_key(OTHER_KEY)}")
    assert [k.split(":")[0] for k in Settings().api_keys] == ["ci", "notebook"]


def test_key_ring_finds_only_configured_keys(keyed_settings: Settings) -> None:
    ring = KeyRing(load_keys(keyed_settings))
    found = ring.find(KEY)
    assert found is not None and found.name == "ci"
    assert ring.find(new_key()) is None
    assert ring.find(hash_key(KEY)) is None  # the stored hash is not itself a key


def test_create_key_prints_a_key_whose_hash_it_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert doctor(["keys", "create", "ci-pipeline", "--rate-limit", "600"]) == 0
    out = capsys.readouterr().out
    key = next(w for w in out.split() if w.startswith("dd_"))
    assert f"ci-pipeline:{hash_key(key)}" in out
    entry = json.loads(out.strip().splitlines()[-1].removeprefix("  - "))
    assert entry == {"name": "ci-pipeline", "sha256": hash_key(key), "rate_limit_per_minute": 600}


def test_api_without_key_gets_401_with_challenge(keyed: TestClient) -> None:
    response = keyed.get("/v1/causes")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer realm="driver-doctor"'
    assert "doctor keys create" in response.json()["detail"]


def test_api_with_wrong_key_gets_401_invalid_token(keyed: TestClient) -> None:
    response = keyed.get("/v1/causes", headers=_bearer(new_key()))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_api_with_other_scheme_gets_401(keyed: TestClient) -> None:
    response = keyed.get("/v1/causes", headers={"Authorization": f"Basic {KEY}"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_api_with_key_from_environment_or_file_answers(keyed: TestClient) -> None:
    assert keyed.get("/v1/causes", headers=_bearer(KEY)).status_code == 200
    assert keyed.get("/v1/causes", headers=_bearer(OTHER_KEY)).status_code == 200


def test_widget_route_from_listed_origin_needs_no_key(keyed: TestClient) -> None:
    response = keyed.post("/v1/diagnose", json={"text": PASTE}, headers={"Origin": WIDGET_ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WIDGET_ORIGIN
    case_id = response.json()["case_id"]
    read = keyed.get(f"/v1/cases/{case_id}", headers={"Origin": WIDGET_ORIGIN})
    assert read.status_code == 200


def test_widget_route_from_unlisted_origin_gets_401(keyed: TestClient) -> None:
    response = keyed.post(
        "/v1/diagnose", json={"text": PASTE}, headers={"Origin": "https://evil.example.org"}
    )
    assert response.status_code == 401


def test_widget_route_from_own_pages_needs_no_key(keyed: TestClient) -> None:
    same_origin_post = keyed.post(
        "/v1/diagnose", json={"text": PASTE}, headers={"Origin": "http://testserver"}
    )
    assert same_origin_post.status_code == 200
    same_origin_get = keyed.get(
        "/v1/causes/broadcast_too_large", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same_origin_get.status_code == 200


def test_non_widget_route_from_listed_origin_still_needs_key(keyed: TestClient) -> None:
    response = keyed.post(
        "/v1/walk/start", json={"tree": "triage"}, headers={"Origin": WIDGET_ORIGIN}
    )
    assert response.status_code == 401


def test_cors_preflight_needs_no_key(keyed: TestClient) -> None:
    response = keyed.options(
        "/v1/diagnose",
        headers={"Origin": WIDGET_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200


def test_open_routes_need_no_key(keyed: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/", "/kb", "/widget.js"):
        assert keyed.get(path).status_code == 200, path


def test_key_over_its_limit_gets_429_with_retry_after(keyed: TestClient) -> None:
    statuses = [keyed.get("/v1/causes", headers=_bearer(OTHER_KEY)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = keyed.get("/v1/causes", headers=_bearer(OTHER_KEY))
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    assert "2 requests a minute" in refused.json()["detail"]
    # Another key has its own bucket.
    assert keyed.get("/v1/causes", headers=_bearer(KEY)).status_code == 200


def test_widget_calls_are_limited_per_client_address(keyed: TestClient) -> None:
    origin = {"Origin": WIDGET_ORIGIN}
    statuses = [
        keyed.get("/v1/causes/broadcast_too_large", headers=origin).status_code for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert keyed.get("/v1/causes/broadcast_too_large", headers=_bearer(KEY)).status_code == 200


def test_open_api_without_keys_is_limited_per_client_address(
    settings: Settings, engine: Engine
) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 3})
    with TestClient(create_app(limited, engine=engine)) as client:
        statuses = [client.get("/v1/causes").status_code for _ in range(4)]
        assert client.get("/healthz").status_code == 200
    assert statuses == [200, 200, 200, 429]


def test_open_api_without_keys_logs_a_warning(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/v1/causes").status_code == 200
    assert any("no API keys configured" in r.getMessage() for r in caplog.records)


def test_rate_limiter_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(60)] == [0.0] * 60
    assert limiter.take("a") == pytest.approx(1.0)
    now[0] += 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.take("a") == 0.0


def test_rate_limiter_forgets_idle_clients_when_full() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=10, clock=lambda: now[0], max_clients=100)
    for i in range(100):
        limiter.take(f"client-{i}")
    now[0] += 61
    limiter.take("late")
    assert list(limiter.buckets) == ["late"]
    for i in range(300):
        limiter.take(f"busy-{i}")
    assert len(limiter.buckets) <= 100


def test_report_page_needs_key_once_keys_are_configured(keyed: TestClient) -> None:
    # The report shows stored (redacted) inputs and feedback comments: not for anonymous eyes.
    assert keyed.get("/report").status_code == 401
    assert keyed.get("/report", headers=_bearer(KEY)).status_code == 200


def test_widget_event_log_upload_from_listed_origin_needs_no_key(keyed: TestClient) -> None:
    origin = keyed.app.state.settings.cors_origins[0]  # type: ignore[attr-defined]
    response = keyed.post(
        "/v1/diagnose/event-log",
        files={
            "file": ("app.json", b'{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n')
        },
        headers={"origin": origin},
    )
    assert response.status_code != 401


def test_pages_carry_a_content_security_policy_and_browser_headers(client: TestClient) -> None:
    for path in ("/", "/kb", "/kb/collect_to_driver", "/report"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "<script>" not in response.text, "an inline script would be refused"
    api = client.get("/v1/causes/collect_to_driver")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in api.headers


def test_pages_never_reflect_the_host_header(client: TestClient) -> None:
    for path in ("/", "/kb", "/kb/collect_to_driver", "/report"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert "evil.example" not in response.text, path
