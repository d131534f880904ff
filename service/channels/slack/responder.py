"""Outgoing calls to Slack: messages to a ``response_url``, and ``views.open`` for the modal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0


class SlackDeliveryError(Exception):
    """Slack refused or could not be reached; the user sees nothing new."""


@dataclass(frozen=True)
class Responder:
    bot_token: str | None
    api_url: str

    def respond(self, response_url: str, message: dict[str, Any]) -> None:
        """POST a message to a ``response_url`` (valid 30 minutes, five uses)."""
        if not response_url.startswith(("https://", "http://")):
            raise SlackDeliveryError(f"response_url is not an http(s) URL: {response_url[:80]!r}")
        try:
            reply = httpx.post(response_url, json=message, timeout=TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            raise SlackDeliveryError(f"response_url unreachable: {exc}") from exc
        if reply.status_code >= 400:
            raise SlackDeliveryError(
                f"response_url answered {reply.status_code}: {reply.text[:200]}"
            )

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal; Slack accepts a ``trigger_id`` for 3 seconds after the click."""
        if self.bot_token is None:
            raise SlackDeliveryError("SLACK_BOT_TOKEN is not set, so modals cannot be opened")
        client = WebClient(
            token=self.bot_token, base_url=self.api_url, timeout=int(TIMEOUT_SECONDS)
        )
        try:
            client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as exc:
            raise SlackDeliveryError(f"views.open failed: {exc.response.get('error')}") from exc
        except OSError as exc:
            raise SlackDeliveryError(f"Slack's Web API unreachable: {exc}") from exc
