"""The Slack endpoints end to end: really signed requests through the app, the response_url and
Slack's Web API as real HTTP servers on loopback, and whole walks clicked through."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlparse

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from service.api.app import create_app
from service.channels.slack import forms
from service.channels.slack.channel import DECODE_IN_ACK_BYTES
from service.config import Settings
from service.engine import Engine
from tests.service.channels.slack_helpers import (
    SIGNING_SECRET,
    Receiver,
    assert_valid_message,
    assert_valid_view,
    button,
    buttons,
    click_payload,
    command_body,
    interaction_body,
    loopback_receiver,
    sign,
    text_of,
)

MANIFEST = Path(__file__).resolve().parents[3] / "service" / "channels" / "slack" / "manifest.yaml"
BASE_URL = "https://doctor.example.com"
BOT_TOKEN = "xoxb-test-bot-token-0000000000"
HEAP_TRACE = (
    'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n"
    "\tat org.apache.spark.sql.execution.SparkPlan.$anonfun$executeCollect$1(SparkPlan.scala:448)\n"
    "\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:448)\n"
    "\tat org.apache.spark.sql.Dataset.collectFromPlan(Dataset.scala:4333)\n"
    "\tat org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)"
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with loopback_receiver() as r:
        yield r


@pytest.fixture
def slack_settings(settings: Settings, receiver: Receiver) -> Settings:
    return settings.model_copy(
        update={
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_api_url": receiver.url("/api/"),
            "public_base_url": BASE_URL,
        }
    )


@pytest.fixture
def slack(slack_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(slack_settings, engine=engine)) as c:
        yield c


def _command(client: TestClient, text: str, response_url: str, **headers: str) -> Any:
    body = command_body(text, response_url)
    return client.post("/slack/commands", content=body, headers={**sign(body), **headers})


def _click(client: TestClient, button_: dict[str, Any], receiver: Receiver, path: str) -> Any:
    body = interaction_body(click_payload(button_, receiver.url(path)))
    response = client.post("/slack/interactions", content=body, headers=sign(body))
    assert response.status_code == 200, response.text
    return response


def _diagnose(client: TestClient, receiver: Receiver, text: str) -> dict[str, Any]:
    response = _command(client, text, receiver.url("/hooks/command"))
    assert response.status_code == 200, response.text
    posted = receiver.next()
    assert posted.path == "/hooks/command"
    assert_valid_message(posted.body)
    return posted.body


# --- signatures ------------------------------------------------------------------------------


def test_command_with_valid_signature_acks_then_posts_diagnosis(
    slack: TestClient, receiver: Receiver
) -> None:
    response = _command(slack, HEAP_TRACE, receiver.url("/hooks/command"))

    assert response.status_code == 200
    ack = response.json()
    assert ack["response_type"] == "ephemeral" and "Looking at your paste" in ack["text"]
    posted = receiver.next()
    assert posted.path == "/hooks/command"
    assert posted.headers["Content-Type"].startswith("application/json")
    message = posted.body
    assert_valid_message(message)
    assert message["response_type"] == "ephemeral"
    header = message["blocks"][0]
    assert header["type"] == "header" and "Driver OOM" in header["text"]["text"]
    shown = text_of(message)
    assert "Too much data collected into the driver JVM" in shown
    assert "% confidence" in shown
    assert "line 5" in shown and "Dataset.collectFromPlan" in shown
    assert button(message, "share")["value"]
    assert any(b.get("url", "").startswith(f"{BASE_URL}/cases/") for b in buttons(message))


def test_command_signed_with_wrong_secret_is_401(slack: TestClient, receiver: Receiver) -> None:
    body = command_body(HEAP_TRACE, receiver.url("/hooks/x"))
    response = slack.post(
        "/slack/commands", content=body, headers=sign(body, secret="not-the-secret")
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert receiver.empty()


def test_command_with_stale_timestamp_is_401(slack: TestClient, receiver: Receiver) -> None:
    body = command_body(HEAP_TRACE, receiver.url("/hooks/x"))
    stale = int(time.time()) - 5 * 60 - 30
    response = slack.post("/slack/commands", content=body, headers=sign(body, timestamp=stale))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "dropped",
    [
        ("X-Slack-Signature",),
        ("X-Slack-Request-Timestamp",),
        ("X-Slack-Signature", "X-Slack-Request-Timestamp"),
    ],
)
def test_command_without_signature_headers_is_401(
    slack: TestClient, receiver: Receiver, dropped: tuple[str, ...]
) -> None:
    body = command_body(HEAP_TRACE, receiver.url("/hooks/x"))
    headers = {k: v for k, v in sign(body).items() if k not in dropped}
    assert slack.post("/slack/commands", content=body, headers=headers).status_code == 401


def test_command_with_tampered_body_or_bad_timestamp_is_401(
    slack: TestClient, receiver: Receiver
) -> None:
    body = command_body("help", receiver.url("/hooks/x"))
    headers = sign(body)
    tampered = body.replace("help", "hel%70")
    assert slack.post("/slack/commands", content=tampered, headers=headers).status_code == 401
    headers["X-Slack-Request-Timestamp"] = "yesterday"
    assert slack.post("/slack/commands", content=body, headers=headers).status_code == 401


def test_interactions_require_a_signature_too(slack: TestClient, receiver: Receiver) -> None:
    body = interaction_body({"type": "block_actions", "actions": []})
    assert slack.post("/slack/interactions", content=body).status_code == 401
    wrong = sign(body, secret="other")
    assert slack.post("/slack/interactions", content=body, headers=wrong).status_code == 401


def test_signed_but_malformed_interaction_is_400(slack: TestClient) -> None:
    body = "payload=not-json"
    assert slack.post("/slack/interactions", content=body, headers=sign(body)).status_code == 400


def test_slack_routes_absent_without_signing_secret(client: TestClient) -> None:
    body = command_body("help", "http://127.0.0.1:9/x")
    assert client.post("/slack/commands", content=body, headers=sign(body)).status_code == 404
    assert client.post("/slack/interactions", content=body, headers=sign(body)).status_code == 404


def test_settings_read_slack_variable_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "plain")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-plain")
    settings = Settings()
    assert settings.slack_signing_secret is not None
    assert settings.slack_signing_secret.get_secret_value() == "plain"
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-plain"
    monkeypatch.setenv("DOCTOR_SLACK_SIGNING_SECRET", "prefixed")
    prefixed = Settings().slack_signing_secret
    assert prefixed is not None and prefixed.get_secret_value() == "prefixed"


# --- usage and acknowledgement ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "help", " HELP "])
def test_command_without_text_or_help_shows_usage(
    slack: TestClient, receiver: Receiver, text: str
) -> None:
    response = _command(slack, text, receiver.url("/hooks/x"))
    assert response.status_code == 200
    usage = response.json()
    assert_valid_message(usage)
    assert "/sparkdoctor" in text_of(usage)
    assert button(usage, "paste")["text"]["text"] == "Paste a log"
    assert receiver.empty()


def test_command_over_paste_limit_acks_with_the_limit_and_posts_nothing(
    slack: TestClient, receiver: Receiver, slack_settings: Settings
) -> None:
    text = "x" * (slack_settings.max_paste_bytes + 1)
    response = _command(slack, text, receiver.url("/hooks/x"))
    assert response.status_code == 200
    assert f"the limit is {slack_settings.max_paste_bytes} bytes" in response.json()["text"]
    assert receiver.empty()


def test_command_text_is_unescaped_as_slack_escapes_it(
    slack: TestClient, receiver: Receiver
) -> None:
    escaped = "OutOfMemoryError at Foo.&lt;init&gt; when a &amp; b &gt; 8g"
    message = _diagnose(slack, receiver, escaped)
    case_id = button(message, "case_page")["url"].rsplit("/", 1)[1]
    stored = slack.get(f"/v1/cases/{case_id}").json()["input_text"]
    assert stored == "OutOfMemoryError at Foo.<init> when a & b > 8g"


def test_long_paste_is_acked_before_decoding_and_diagnosed_after(
    slack: TestClient, receiver: Receiver
) -> None:
    # Past DECODE_IN_ACK_BYTES as sent: the ack counts lines on the encoded text, the job
    # decodes (and unescapes) it.
    noise = "".join(
        f"26/11/26 12:00:{i % 60:02d} INFO Executor: Finished task {i}.0\n" for i in range(1500)
    )
    text = noise + HEAP_TRACE.replace("<init>", "&lt;init&gt;")
    assert len(urlencode({"text": text})) > DECODE_IN_ACK_BYTES
    response = _command(slack, text, receiver.url("/hooks/long"))
    assert response.status_code == 200
    assert f"Looking at your paste ({text.count(chr(10)) + 1:,} lines)" in response.json()["text"]
    message = receiver.next().body
    assert_valid_message(message)
    assert "Too much data collected into the driver JVM" in text_of(message)
    case_id = button(message, "case_page")["url"].rsplit("/", 1)[1]
    stored = slack.get(f"/v1/cases/{case_id}").json()["input_text"]
    assert stored.startswith("26/11/26 12:00:00 INFO") and "&lt;" not in stored


def test_long_blank_paste_is_refused_by_its_job(slack: TestClient, receiver: Receiver) -> None:
    response = _command(slack, " \n" * 40_000, receiver.url("/hooks/blank"))
    assert "Looking at your paste" in response.json()["text"]
    posted = receiver.next()
    assert posted.path == "/hooks/blank"
    assert "could not diagnose this" in text_of(posted.body)


# --- the walk, clicked through ---------------------------------------------------------------


def test_click_through_whole_walk_reaches_fix_blocks(slack: TestClient, receiver: Receiver) -> None:
    message = _diagnose(slack, receiver, "job dies after toPandas")
    assert "you wrote" in text_of(message)
    clicks = 0
    while not any(b["action_id"].startswith("feedback") for b in buttons(message)):
        # The open question's buttons (not "change" next to an auto-answer, nor the way out).
        walk_buttons = [b for b in buttons(message) if re.fullmatch(r"walk_\d+", b["action_id"])]
        labels = [b["text"]["text"] for b in walk_buttons]
        assert labels[-2:] == ["I don't know", "None of these / that is not what I see"], labels
        _click(slack, walk_buttons[0], receiver, f"/hooks/click{clicks}")
        posted = receiver.next()
        assert posted.path == f"/hooks/click{clicks}"
        message = posted.body
        assert message["replace_original"] is True
        assert_valid_message(message)
        clicks += 1
        assert clicks < 20, "the walk did not end"

    assert clicks >= 1
    shown = text_of(message)
    assert "Fix:" in shown and "```" in shown
    assert "you answered" in shown
    assert button(message, "feedback_fixed")["text"]["text"] == "Fixed it"
    assert button(message, "feedback_not_helped")["text"]["text"] == "Did not help"


def test_dont_know_button_follows_a_branch_and_says_why(
    slack: TestClient, receiver: Receiver
) -> None:
    message = _diagnose(slack, receiver, "job dies after toPandas")
    dont_know = [b for b in buttons(message) if b["text"]["text"] == "I don't know"][0]
    assert json.loads(dont_know["value"])["a"] == "unknown"
    _click(slack, dont_know, receiver, "/hooks/unknown")
    after = receiver.next().body
    assert_valid_message(after)
    assert "you did not know" in text_of(after)


def test_config_fix_shows_snippets_in_code_blocks(slack: TestClient, receiver: Receiver) -> None:
    message = _diagnose(slack, receiver, HEAP_TRACE)
    # The trace answers every question of its tree: the first message is already the fix page.
    while not any(b["action_id"].startswith("feedback") for b in buttons(message)):
        _click(slack, button(message, "walk", -1), receiver, "/hooks/c")
        message = receiver.next().body
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert any(s.startswith("*spark-submit*\n```\nspark-submit") for s in sections), sections
    assert any(s.startswith("*python, before*\n```") for s in sections), sections


def test_old_or_forged_button_values(slack: TestClient, receiver: Receiver) -> None:
    message = _diagnose(slack, receiver, "job dies after toPandas")
    first = button(message, "walk")
    _click(slack, first, receiver, "/hooks/one")
    receiver.next()
    # The same button clicked again answers the same question again: the walk is stateless.
    _click(slack, first, receiver, "/hooks/again")
    assert_valid_message(receiver.next().body)
    forged = {**first, "value": json.dumps({"s": "abc.def", "n": "x", "a": "y"})}
    _click(slack, forged, receiver, "/hooks/forged")
    notice = receiver.next().body
    assert "cannot go on" in text_of(notice) and "signature does not match" in text_of(notice)
    assert notice["replace_original"] is False
    _click(slack, {**first, "value": "{not json"}, receiver, "/hooks/garbled")
    assert "Unreadable button" in receiver.next().body["text"]


# --- share, feedback, modal ------------------------------------------------------------------


def test_share_button_posts_a_read_only_copy_in_channel(
    slack: TestClient, receiver: Receiver
) -> None:
    message = _diagnose(slack, receiver, "job dies after toPandas")
    _click(slack, button(message, "walk"), receiver, "/hooks/walk")
    walked = receiver.next().body
    _click(slack, button(walked, "share"), receiver, "/hooks/share")
    shared = receiver.next().body
    assert_valid_message(shared)
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert "Shared by <@U2147483697>" in text_of(shared)
    assert "you answered" in text_of(shared)  # the same step as the message it was shared from
    ids = [b["action_id"] for b in buttons(shared)]
    assert not any(i.startswith(("walk", "feedback", "share")) for i in ids), ids


def test_feedback_button_records_feedback_on_the_case(
    slack: TestClient, receiver: Receiver
) -> None:
    message = _diagnose(slack, receiver, HEAP_TRACE)
    fixed = button(message, "feedback_fixed")
    _click(slack, fixed, receiver, "/hooks/feedback")
    thanks = receiver.next().body
    assert "fixed it" in thanks["text"] and thanks["replace_original"] is False
    value = json.loads(fixed["value"])
    case = slack.get(f"/v1/cases/{value['c']}").json()
    assert [(f["outcome"], f["fix_id"]) for f in case["feedback"]] == [("fixed", value["f"])]
    assert case["channel"] == "slack"
    unknown = {**fixed, "value": json.dumps({"c": value["c"], "o": "fixed", "f": "no-such-fix"})}
    _click(slack, unknown, receiver, "/hooks/feedback")
    assert "Feedback not recorded" in receiver.next().body["text"]


def test_paste_button_opens_modal_through_web_api(slack: TestClient, receiver: Receiver) -> None:
    usage = _command(slack, "help", receiver.url("/hooks/help")).json()
    _click(slack, button(usage, "paste"), receiver, "/hooks/help")
    call = receiver.next()
    assert call.path == "/api/views.open"
    assert call.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    view = call.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert_valid_view(view)
    element = view["blocks"][0]["element"]
    assert element["multiline"] is True and element["max_length"] == 3000
    assert "3,000 characters" in view["blocks"][0]["hint"]["text"]
    assert f"<{BASE_URL}/|" in text_of(view)
    assert json.loads(view["private_metadata"]) == {"r": receiver.url("/hooks/help")}


def test_paste_button_without_bot_token_says_how_to_paste(
    slack_settings: Settings, engine: Engine, receiver: Receiver
) -> None:
    settings = slack_settings.model_copy(update={"slack_bot_token": None})
    with TestClient(create_app(settings, engine=engine)) as client:
        usage = _command(client, "help", receiver.url("/hooks/help")).json()
        _click(client, button(usage, "paste"), receiver, "/hooks/help")
    notice = receiver.next()
    assert notice.path == "/hooks/help"
    assert "SLACK_BOT_TOKEN" in notice.body["text"] and "/sparkdoctor" in notice.body["text"]


def _submission(text: str, response_url: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": "U2147483697"},
        "view": {
            "callback_id": "sparkdoctor_paste",
            "private_metadata": json.dumps({"r": response_url}),
            "state": {"values": {"paste": {"text": {"type": "plain_text_input", "value": text}}}},
        },
    }


def test_modal_submission_closes_modal_and_replaces_the_usage_message(
    slack: TestClient, receiver: Receiver
) -> None:
    body = interaction_body(_submission(HEAP_TRACE, receiver.url("/hooks/modal")))
    response = slack.post("/slack/interactions", content=body, headers=sign(body))
    assert response.status_code == 200 and response.content == b""  # closes the modal
    posted = receiver.next()
    assert posted.path == "/hooks/modal" and posted.body["replace_original"] is True
    assert_valid_message(posted.body)
    assert "Driver OOM" in posted.body["blocks"][0]["text"]["text"]


def test_modal_submission_at_slacks_cap_says_lines_were_cut(
    slack: TestClient, receiver: Receiver
) -> None:
    text = (HEAP_TRACE + "\n" + "\tat com.example.Job.step(Job.scala:1)\n" * 200)[:3000]
    body = interaction_body(_submission(text, receiver.url("/hooks/modal")))
    slack.post("/slack/interactions", content=body, headers=sign(body))
    shown = text_of(receiver.next().body)
    assert "3,000 characters" in shown and f"{BASE_URL}/cases/" in shown


def test_empty_modal_submission_is_refused_in_the_modal(
    slack: TestClient, receiver: Receiver
) -> None:
    body = interaction_body(_submission("  \n ", receiver.url("/hooks/modal")))
    response = slack.post("/slack/interactions", content=body, headers=sign(body))
    assert response.json()["response_action"] == "errors"
    assert "paste" in response.json()["errors"]
    assert receiver.empty()


# --- redaction -------------------------------------------------------------------------------


def test_secrets_in_the_paste_never_reach_slack(slack: TestClient, receiver: Receiver) -> None:
    secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    token = "xoxb-123456789012-abcdefghijklmnop"
    paste = (
        f"spark.hadoop.fs.s3a.secret.key={secret_key}\n"
        f"notify with token={token}\n"
        "driver died after collect() with java.lang.OutOfMemoryError: Java heap space"
    )
    message = _diagnose(slack, receiver, paste)
    _click(slack, button(message, "share"), receiver, "/hooks/share")
    shared = receiver.next().body
    for posted in (message, shared):
        shown = text_of(posted)
        assert secret_key not in shown and token not in shown
    assert "secret(s) redacted" in text_of(message)


# --- app manifest and form parsing -----------------------------------------------------------


def test_manifest_points_at_the_routes_the_app_serves(slack: TestClient) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == "/sparkdoctor"
    served = set(slack.get("/openapi.json").json()["paths"])
    assert urlparse(command["url"]).path in served
    assert urlparse(manifest["settings"]["interactivity"]["request_url"]).path in served
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "commands" in manifest["oauth_config"]["scopes"]["bot"]


@given(st.dictionaries(st.text(min_size=1), st.text()))
def test_form_reads_encoded_fields_like_parse_qsl(fields: dict[str, str]) -> None:
    body = urlencode(fields)
    assert forms.read_form(body.encode()) == dict(parse_qsl(body, keep_blank_values=True))


@given(st.text(alphabet="ab%+=&0123456789AFaf z\r\n_"))
def test_form_reads_malformed_bodies_like_parse_qsl(body: str) -> None:
    assert forms.read_form(body.encode()) == dict(parse_qsl(body, keep_blank_values=True))


@given(st.dictionaries(st.sampled_from(["text", "user_id", "te%78t", "a"]), st.text()))
def test_split_form_keeps_one_field_encoded_and_decodes_it_like_parse_qsl(
    fields: dict[str, str],
) -> None:
    body = "&".join(f"{name}={quote_plus(value)}" for name, value in fields.items())
    expected = dict(parse_qsl(body, keep_blank_values=True))
    decoded, text = forms.split_form(body.encode(), "text")
    assert text.decode() == expected.pop("text", "")
    assert decoded == expected
    assert text.count_lines() == text.decode().count("\n") + 1
    assert text.size >= len(text.decode().encode())
