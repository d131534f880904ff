from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from service.storage.reporting import EXCERPT_CHARS, build_report

MAX_RESULT = (
    "Total size of serialized results of 412 tasks (1024.3 MiB) is bigger than "
    "spark.driver.maxResultSize (1024.0 MiB)"
)
BROADCAST = (
    "java.lang.OutOfMemoryError: Not enough memory to build and broadcast the table to all "
    "worker nodes. As a workaround, you can either disable broadcast by setting "
    "spark.sql.autoBroadcastJoinThreshold to -1 or increase the spark driver memory by setting "
    "spark.driver.memory to a higher value."
)
VAGUE = "my job is slow"
TO_PANDAS = "driver dies after toPandas on a big table"
SECRET_COMMENT = "still dies; spark.ssl.keyStorePassword=hunter2 <script>alert(1)</script>"


@dataclass
class Seeded:
    fixed_max_result: str
    unhelped_max_result: str
    broadcast: str
    vague: str
    to_pandas: str


def diagnose(client: TestClient, text: str, verdict: str) -> dict[str, Any]:
    response = client.post("/v1/diagnose", json={"text": text})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["verdict"] == verdict
    return body


def feedback(client: TestClient, case_id: str, outcome: str, **extra: str) -> None:
    response = client.post(f"/v1/cases/{case_id}/feedback", json={"outcome": outcome, **extra})
    assert response.status_code == 201


def seed(client: TestClient) -> Seeded:
    """Five real cases: three at fix pages with feedback, one unknown, one walk left mid-way."""
    fixed = diagnose(client, MAX_RESULT, "driver_oom")["case_id"]
    feedback(client, fixed, "fixed", fix_id="maxresult-fewer-result-partitions")
    broadcast = diagnose(client, BROADCAST, "driver_oom")["case_id"]
    feedback(client, broadcast, "fixed")
    vague = diagnose(client, VAGUE, "unknown")["case_id"]
    pandas = diagnose(client, TO_PANDAS, "driver_oom")
    step = client.post(
        "/v1/walk",
        json={"state": pandas["step"]["state"], "node": "which_error", "answer": "python"},
    ).json()
    assert step["kind"] == "question"
    unhelped = diagnose(client, MAX_RESULT, "driver_oom")["case_id"]
    feedback(
        client,
        unhelped,
        "not_helped",
        fix_id="maxresult-fewer-result-partitions",
        comment=SECRET_COMMENT,
    )
    return Seeded(fixed, unhelped, broadcast, vague, pandas["case_id"])


def report(client: TestClient, **params: int) -> dict[str, Any]:
    response = client.get("/v1/report", params=params)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_read_report_empty_store(client: TestClient) -> None:
    body = report(client)

    assert (body["cases"], body["feedback"]) == (0, 0)
    assert body["verdicts"] == body["causes"] == body["fixes"] == []
    assert body["abandoned"] == body["next_knowledge"] == []


def test_read_report_counts_verdict_mix(client: TestClient) -> None:
    seed(client)

    body = report(client)

    assert (body["cases"], body["feedback"]) == (5, 3)
    assert body["verdicts"] == [
        {"verdict": "driver_oom", "cases": 4, "share": 0.8},
        {"verdict": "unknown", "cases": 1, "share": 0.2},
    ]


def test_read_report_rates_causes_and_fixes(client: TestClient) -> None:
    seed(client)

    body = report(client)

    causes = {c["id"]: (c["fixed"], c["not_helped"], c["rate"]) for c in body["causes"]}
    fixes = {f["id"]: (f["fixed"], f["not_helped"], f["rate"]) for f in body["fixes"]}
    assert causes == {"max_result_size": (1, 1, 0.5), "broadcast_too_large": (1, 0, 1.0)}
    assert fixes == {
        "maxresult-fewer-result-partitions": (1, 1, 0.5),
        "broadcast-lower-threshold": (1, 0, 1.0),
    }
    assert body["causes"][0]["id"] == "max_result_size"  # most feedback first
    assert body["causes"][0]["title"] != "max_result_size"  # the KB's title


def test_walk_records_tree_and_open_question(client: TestClient) -> None:
    seeded = seed(client)

    vague = client.get(f"/v1/cases/{seeded.vague}").json()
    pandas = client.get(f"/v1/cases/{seeded.to_pandas}").json()
    done = client.get(f"/v1/cases/{seeded.broadcast}").json()

    assert (vague["walk_tree"], vague["open_node"]) == ("triage", "what_seen")
    assert pandas["walk_tree"] == "cause-python_driver_oom"
    assert pandas["open_node"] not in (None, "which_error")
    assert (done["walk_tree"], done["open_node"]) == ("cause-broadcast_too_large", None)


def test_read_report_finds_abandoned_questions(client: TestClient) -> None:
    seeded = seed(client)
    pandas = client.get(f"/v1/cases/{seeded.to_pandas}").json()

    body = report(client, idle_minutes=0)

    abandoned = {(q["tree"], q["node"]): q for q in body["abandoned"]}
    assert set(abandoned) == {("triage", "what_seen"), (pandas["walk_tree"], pandas["open_node"])}
    assert all((q["reached"], q["abandoned"], q["rate"]) == (1, 1, 1.0) for q in abandoned.values())
    assert abandoned["triage", "what_seen"]["question"] != "what_seen"  # the tree's text
    # Answered by the user, then left behind: reached, never abandoned.
    assert ("cause-python_driver_oom", "which_error") not in abandoned


def test_read_report_ignores_walks_in_progress(client: TestClient) -> None:
    seed(client)

    assert report(client)["abandoned"] == []


def test_build_report_counts_idle_walks_as_abandoned(client: TestClient) -> None:
    seed(client)
    doctor = client.app.state.doctor  # type: ignore[attr-defined]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)

    result = build_report(doctor.store, doctor.kb, now=later)

    assert len(result.abandoned) == 2


def test_read_report_lists_unresolved_inputs_newest_first(client: TestClient) -> None:
    seeded = seed(client)

    body = report(client)

    items = body["next_knowledge"]
    assert [(i["case_id"], i["reason"]) for i in items] == [
        (seeded.unhelped_max_result, "not_helped"),
        (seeded.vague, "unknown"),
    ]
    unhelped, vague = items
    assert (unhelped["cause_id"], unhelped["fix_id"]) == (
        "max_result_size",
        "maxresult-fewer-result-partitions",
    )
    assert "hunter2" not in unhelped["comment"]
    assert "[REDACTED" in unhelped["comment"]
    assert (vague["excerpt"], vague["truncated"]) == (VAGUE, False)
    assert report(client, limit=1)["next_knowledge"] == items[:1]


def test_read_report_truncates_long_inputs(client: TestClient) -> None:
    text = "the job is slow and then nothing happens " * 40
    case_id = diagnose(client, text, "unknown")["case_id"]

    (item,) = report(client)["next_knowledge"]

    assert item["case_id"] == case_id
    assert item["truncated"] is True
    assert item["excerpt"] == text[:EXCERPT_CHARS]


def test_read_report_rejects_bad_limit(client: TestClient) -> None:
    response = client.get("/v1/report", params={"limit": 0})

    assert response.status_code == 422


def test_read_report_page_renders_escaped(client: TestClient) -> None:
    seed(client)

    response = client.get("/report", params={"idle_minutes": 0})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for heading in ("Verdict mix", "Resolution rate per cause", "Resolution rate per fix"):
        assert heading in page
    assert "Where walks are abandoned" in page
    assert 'href="/kb/max_result_size"' in page
    assert "hunter2" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_read_report_page_empty_store(client: TestClient) -> None:
    response = client.get("/report")

    assert response.status_code == 200
    assert "No cases yet." in response.text
