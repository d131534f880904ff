"""Test helpers for the Slack channel: signing like Slack, a loopback receiver, Block Kit checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers exactly as Slack computes them: v0 HMAC-SHA256 over ``v0:<ts>:<body>``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command_body(text: str, response_url: str, **extra: str) -> str:
    fields = {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "channel_id": "C2147483705",
        "user_id": "U2147483697",
        "command": "/sparkdoctor",
        "text": text,
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        **extra,
    }
    return urlencode(fields)


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def click_payload(button: dict[str, Any], response_url: str) -> dict[str, Any]:
    """What Slack sends when a user clicks ``button`` in an ephemeral message."""
    return {
        "type": "block_actions",
        "user": {"id": "U2147483697", "username": "oncall"},
        "team": {"id": "T0001"},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "response_url": response_url,
        "container": {"type": "message", "is_ephemeral": True},
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b",
                "value": button.get("value", ""),
                "action_ts": str(time.time()),
            }
        ],
    }


@dataclass
class Received:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Receiver:
    """A real HTTP server on loopback that records what the service posts to it."""

    base_url: str
    inbox: queue.Queue[Received] = field(default_factory=queue.Queue)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def next(self, timeout: float = 60.0) -> Received:
        return self.inbox.get(timeout=timeout)

    def empty(self) -> bool:
        return self.inbox.empty()


@contextmanager
def loopback_receiver() -> Iterator[Receiver]:
    receiver: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            raw = self.rfile.read(length).decode()
            if "json" in self.headers.get("content-type", ""):
                body = json.loads(raw)
            else:
                body = dict(parse_qsl(raw))
            assert receiver is not None
            receiver.inbox.put(Received(self.path, body, dict(self.headers)))
            reply = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- Block Kit checks ------------------------------------------------------------------------


def assert_valid_message(message: dict[str, Any]) -> None:
    """Slack's own models validate each block and element; plus the message-level limits."""
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50, len(blocks)
    assert len(message["text"]) <= 3000
    for raw in blocks:
        Block.parse(raw).validate_json()  # type: ignore[union-attr]
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
        if raw["type"] == "context":
            assert len(raw["elements"]) <= 10
        for element in raw.get("elements", []):
            if element.get("type") == "button":
                BlockElement.parse(element).validate_json()  # type: ignore[union-attr]
                assert len(element.get("value", "")) <= 2000
                assert len(element["text"]["text"]) <= 75


def assert_valid_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    assert len(view.get("private_metadata", "")) <= 3000


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def button(message: dict[str, Any], prefix: str, index: int = 0) -> dict[str, Any]:
    found = [b for b in buttons(message) if b["action_id"].startswith(prefix)]
    assert found, f"no {prefix!r} button in {[b['action_id'] for b in buttons(message)]}"
    return found[index]


def text_of(message: dict[str, Any]) -> str:
    """Every piece of text in a message, to search for what it shows (or must not show)."""
    return json.dumps(message, ensure_ascii=False)
