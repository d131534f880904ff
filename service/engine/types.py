"""What the engine returns: facts, evidence, ranked causes, findings and the diagnosis."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["driver_oom", "not_driver_oom", "unknown"]
FactSource = Literal["log", "words", "event_log"]
InputKind = Literal["words", "log", "mixed", "event_log"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Fact(_Model):
    """One thing the analyzer established, with the line it came from."""

    name: str
    value: str
    line: int | None = Field(default=None, description="1-based line number in the input.")
    text: str = Field(default="", description="The input line (trimmed) or event that showed it.")
    source: FactSource = "log"
    weak: bool = Field(
        default=False,
        description="Read from a loose word in prose (not code, not Spark's output): it counts "
        "as evidence and steers an 'I don't know' answer, but never answers a question itself.",
    )

    @property
    def number(self) -> float | None:
        try:
            return float(self.value)
        except ValueError:
            return None


class Evidence(_Model):
    """Why a cause ranks where it does: a matched signature, a similar phrasing, or a fact."""

    kind: Literal["signature", "similarity", "fact"]
    detail: str
    weight: float
    line: int | None = None
    text: str = ""
    signature: str | None = None
    contribution: float | None = Field(
        default=None,
        description="Under the fitted ranking: how far this evidence moved the cause's "
        "calibrated score (log-odds; positive raises the cause). None under hand weights.",
    )


class Finding(_Model):
    """A problem in the configuration the input shows, found by arithmetic on facts."""

    id: str
    severity: Literal["error", "warning", "info"]
    message: str
    line: int | None = None


class RankedCause(_Model):
    id: str
    title: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence]


class Instead(_Model):
    """For a failure that is not a driver OOM: what it is and where to look."""

    what: str
    where: str


class SimilarCase(_Model):
    """A solved case close to this input: a public report or a confirmed local case."""

    id: str
    title: str
    url: str
    cause: str
    similarity: float
    local: bool = False


class InputStats(_Model):
    bytes: int
    lines: int
    distinct_lines: int
    kind: InputKind
    cut: str | None = Field(
        default=None, description="Where and why reading stopped before the end, if it did."
    )


class Diagnosis(_Model):
    verdict: Verdict
    summary: str
    causes: list[RankedCause]
    facts: list[Fact]
    findings: list[Finding]
    instead: Instead | None = None
    similar_cases: list[SimilarCase] = Field(default_factory=list)
    kb_version: str
    input: InputStats
