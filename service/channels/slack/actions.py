"""What Slack buttons carry: action ids, and compact JSON values holding the walk state.

Every button value is small JSON (Slack allows 2,000 characters): a walk answer carries the
signed state token, the open node and the option, so a click needs nothing stored server-side.
"""

from __future__ import annotations

import json
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.channels.slack.mrkdwn import MAX_BUTTON_VALUE

WALK = "walk"
SHARE = "share"
FEEDBACK = "feedback"
PASTE = "paste"
CASE_PAGE = "case_page"
PASTE_MODAL = "sparkdoctor_paste"
PASTE_BLOCK = "paste"
PASTE_INPUT = "text"


class ActionValueError(ValueError):
    """A button value or private metadata this service did not write."""


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def encode(self) -> str:
        return json.dumps(self.model_dump(exclude_none=True), separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str) -> Self:
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            raise ActionValueError(
                f"unreadable {cls.__name__} ({exc.error_count()} errors)"
            ) from None


class WalkAnswer(_Value):
    s: str = Field(description="The walk state token of the step shown.")
    n: str = Field(description="The node being answered.")
    a: str = Field(description="The option chosen, or 'unknown'.")


class ShareRequest(_Value):
    c: str = Field(description="The case id.")
    s: str = Field(description="The walk state token of the step shown.")


class FeedbackChoice(_Value):
    c: str
    o: Literal["fixed", "not_helped"]
    f: str | None = None


class ModalContext(_Value):
    """The modal's private metadata: where to post the diagnosis once the paste is submitted."""

    r: str = Field(description="The response_url of the message the modal was opened from.")


def fits(value: str) -> bool:
    return len(value) <= MAX_BUTTON_VALUE


def walk_value(state: str, node: str, option: str) -> str | None:
    """The button value for one answer, or None when the state is too long for a button."""
    value = WalkAnswer(s=state, n=node, a=option).encode()
    return value if fits(value) else None


def share_value(case_id: str, state: str) -> str | None:
    value = ShareRequest(c=case_id, s=state).encode()
    return value if fits(value) else None
