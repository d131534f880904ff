"""Request and response bodies of the REST API (v1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from kb.models import Tree
from service.core import CausePage
from service.engine.types import Diagnosis
from service.engine.walk import Step

if TYPE_CHECKING:
    from service.core import Troubleshooting

MAX_COMMENT = 4000


class DiagnoseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="Pasted error, stack trace, driver log or words.")


class DiagnoseResponse(Diagnosis):
    case_id: str
    step: Step
    redactions: dict[str, int] = Field(description="Secrets removed before storing, by kind.")

    @classmethod
    def of(cls, result: Troubleshooting) -> DiagnoseResponse:
        """The body returned for a saved diagnosis (REST, ``doctor diagnose --json``)."""
        return cls(
            **result.diagnosis.model_dump(),
            case_id=result.case_id,
            step=result.step,
            redactions=result.redactions,
        )


class WalkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: str = Field(min_length=1, max_length=16000, description="The state of the last step.")
    node: str = Field(
        min_length=1,
        max_length=200,
        description="The open question's node, or the fix page's leaf when answering 'no_match'.",
    )
    answer: str = Field(
        min_length=1,
        max_length=200,
        description=(
            "An option id; 'unknown' for I don't know; 'none_of_these' to leave this "
            "tree for the next hypothesis); on a fix page, 'no_match' to rule its cause out. "
            "An auto-answered question can be answered anyway: its node id overrides the "
            "evidence."
        ),
    )


class WalkStepRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: str = Field(min_length=1, max_length=16000, description="A walk's state token.")


class WalkStartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tree: str = Field(min_length=1, max_length=200, description="A tree id from the KB.")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["fixed", "not_helped"]
    fix_id: str | None = Field(default=None, max_length=200)
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)


class CauseSummary(BaseModel):
    id: str
    title: str
    description: str
    memory_area: list[str]
    frequency_rank: int | None


class CausesPublic(BaseModel):
    data: list[CauseSummary]
    count: int


class CausePublic(CausePage):
    """One cause with its symptoms, diagnostics, fixes and notes, as the KB pages show it."""


class TreePublic(Tree):
    pass


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[dict[str, str]] | None = None
    limit: int | None = Field(default=None, description="The limit a 413 refers to, in bytes.")
    line: int | None = Field(default=None, description="The event-log line a 422 refers to.")


class Health(BaseModel):
    status: Literal["ok", "starting"]
    kb_version: str | None = None
    index_entries: int | None = None
