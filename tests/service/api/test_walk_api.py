"""The guided walk through the HTTP API, with answer paths generated from the KB's trees."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from kb import KnowledgeBase
from tests.conftest import SPARK_DATA


def _walk(client: TestClient, state: str, node: str, answer: str) -> dict:
    response = client.post("/v1/walk", json={"state": state, "node": node, "answer": answer})
    assert response.status_code == 200, response.text
    return response.json()


def _reachable_leaves(client: TestClient, tree_id: str) -> set[str]:
    """Depth-first over every option of every question, as a user clicking would."""
    start = client.post("/v1/walk/start", json={"tree": tree_id}).json()
    leaves: set[str] = set()
    pending = [start]
    while pending:
        step = pending.pop()
        if step["kind"] == "fix":
            leaves.add(step["fix_page"]["leaf"])
            assert step["fix_page"]["fixes"], f"{tree_id}: leaf without fixes"
            continue
        question = step["question"]
        for option in question["options"]:
            pending.append(_walk(client, step["state"], question["node"], option["id"]))
    return leaves


def test_every_leaf_of_every_tree_is_reachable(client: TestClient, kb: KnowledgeBase) -> None:
    for tree in kb.trees.values():
        expected = {n.id for n in tree.nodes if n.type == "leaf"}
        assert _reachable_leaves(client, tree.id) == expected, tree.id


def test_dont_know_follows_a_branch_and_says_why(client: TestClient) -> None:
    step = client.post("/v1/walk/start", json={"tree": "triage"}).json()
    node = step["question"]["node"]
    after = _walk(client, step["state"], node, "unknown")
    answered = after["answered"][0]
    assert answered["node"] == node and answered["how"] == "unknown"
    assert "did not know" in answered["because"]


def test_walk_ends_at_fix_page_with_snippets_and_diagnostics(client: TestClient) -> None:
    step = client.post("/v1/walk/start", json={"tree": "cause-broadcast_too_large"}).json()
    while step["kind"] == "question":
        step = _walk(client, step["state"], step["question"]["node"], "unknown")
    page = step["fix_page"]
    assert page["fixes"] and page["diagnostics"]
    assert any(f["snippets"] for f in page["fixes"])
    assert all(f["verify"] for f in page["fixes"])


def _spark_case(case_id: str) -> str:
    for line in (SPARK_DATA / "cases.jsonl").read_text().splitlines():
        case = json.loads(line)
        if case["id"] == case_id:
            return str(case["text"])
    raise KeyError(case_id)


def test_auto_answers_fire_on_real_max_result_size_log(client: TestClient) -> None:
    body = client.post("/v1/diagnose", json={"text": _spark_case("spark-max-result-size")}).json()
    assert body["causes"][0]["id"] == "max_result_size"
    auto = [a for a in body["step"]["answered"] if a["how"] == "auto"]
    assert auto, "no question was answered from the log"
    assert all(a["line"] and a["because"].startswith("answered from your log, line") for a in auto)
    asked = body["step"]["question"]
    assert asked is None or asked["node"] not in {a["node"] for a in auto}


def test_auto_answer_cites_failing_thread_line(client: TestClient) -> None:
    text = (
        "24/11/26 10:00:02 INFO DAGScheduler: Submitting 400000 missing tasks from ShuffleMapStage 3\n"
        'Exception in thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded\n'
        "\tat org.apache.spark.scheduler.TaskSetManager.<init>(TaskSetManager.scala:124)\n"
    )
    body = client.post("/v1/diagnose", json={"text": text}).json()
    assert body["causes"][0]["id"] == "too_many_tasks"
    assert any(a["how"] == "auto" for a in body["step"]["answered"])


@pytest.mark.parametrize("outcome", ["fixed", "not_helped"])
def test_fix_order_learns_from_feedback(client: TestClient, outcome: str) -> None:
    text = 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat org.apache.spark.broadcast.TorrentBroadcast.writeBlocks(TorrentBroadcast.scala:161)'
    first = client.post("/v1/diagnose", json={"text": text}).json()
    step = first["step"]
    while step["kind"] == "question":
        step = _walk(client, step["state"], step["question"]["node"], "unknown")
    fixes = [f["id"] for f in step["fix_page"]["fixes"]]
    target = fixes[-1] if outcome == "fixed" else fixes[0]
    for _ in range(6):
        case_id = client.post("/v1/diagnose", json={"text": text}).json()["case_id"]
        client.post(f"/v1/cases/{case_id}/feedback", json={"outcome": outcome, "fix_id": target})
    step = client.post("/v1/diagnose", json={"text": text}).json()["step"]
    while step["kind"] == "question":
        step = _walk(client, step["state"], step["question"]["node"], "unknown")
    reordered = step["fix_page"]["fixes"]
    shown = next(f for f in reordered if f["id"] == target)
    assert shown["ordered_by_feedback"]
    assert (shown["fixed"] if outcome == "fixed" else shown["not_helped"]) == 6
    position = [f["id"] for f in reordered].index(target)
    assert position == (0 if outcome == "fixed" else len(reordered) - 1)
