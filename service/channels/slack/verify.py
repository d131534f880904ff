"""Request verification with Slack's SDK: v0 HMAC over timestamp and raw body, 5-minute window."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.signature import SignatureVerifier

from service.channels.slack.channel import SlackPayloadError

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"


def is_signed(secret: str, body: bytes, timestamp: str | None, signature: str | None) -> bool:
    """True only for a fresh request signed with ``secret``; compared in constant time."""
    try:
        return SignatureVerifier(secret).is_valid(body, timestamp, signature)
    except (ValueError, UnicodeDecodeError):
        # A timestamp that is not a number, or a body that is not UTF-8: not from Slack.
        return False


def interaction_payload(fields: dict[str, str]) -> dict[str, Any]:
    """The JSON in an interactivity request's ``payload`` field."""
    try:
        payload = json.loads(fields["payload"])
    except (KeyError, ValueError) as exc:
        raise SlackPayloadError(f"no readable payload field ({type(exc).__name__})") from None
    if not isinstance(payload, dict):
        raise SlackPayloadError("the payload is not a JSON object")
    return payload
