"""Pydantic shapes of the knowledge-base files.

One YAML file per entity, folder per kind (``kb/data/<kind>/<id>.yaml``). Every model forbids
unknown fields (a typo must fail loudly, not vanish) and is frozen. Cross-file references are
plain ids here; ``kb.lint`` checks that they resolve.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CauseId = Literal[
    "collect_to_driver",
    "max_result_size",
    "python_driver_oom",
    "broadcast_too_large",
    "too_many_tasks",
    "cached_block_metadata",
    "driver_side_state",
    "large_closure",
    "streaming_state",
    "client_mode_small_driver",
    "not_driver_oom",
]
CAUSE_IDS: tuple[str, ...] = CauseId.__args__  # type: ignore[attr-defined]

# Answers every walk step accepts besides a question's options: "I don't know", "none of these"
# (leave this tree for the next hypothesis) and, on a fix page, "this does not match". No option
# of a tree may use these ids.
ANSWER_UNKNOWN = "unknown"
ANSWER_NONE = "none_of_these"
ANSWER_NO_MATCH = "no_match"
RESERVED_ANSWERS = (ANSWER_UNKNOWN, ANSWER_NONE, ANSWER_NO_MATCH)

Status = Literal["draft", "reviewed", "deprecated"]
MemoryArea = Literal["jvm_heap", "jvm_off_heap", "python_process", "container_os", "none"]
SignatureKind = Literal["exception", "message", "frame", "thread", "container", "config", "words"]
SnippetForm = Literal["spark_submit", "spark_defaults", "pyspark", "scala"]
CodeLanguage = Literal["python", "scala", "sql", "shell", "conf"]
ConfigScope = Literal["launch", "runtime"]

_ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(_Frozen):
    """Header fields every knowledge-base file carries."""

    id: str = Field(pattern=_ID_PATTERN)
    title: str = Field(min_length=3)
    status: Status
    description: str = Field(min_length=10)
    references: list[str] = Field(default_factory=list)
    author: str
    date: dt.date
    modified: dt.date


class CauseWeight(_Frozen):
    """How strongly a signature points at one cause; negative weights count against it."""

    cause: CauseId
    weight: float = Field(ge=-1.0, le=1.0)


class SignatureExamples(_Frozen):
    match: list[str] = Field(min_length=1)
    no_match: list[str] = Field(min_length=1)


class Signature(Entity):
    """A regular expression over one log line (or the user's words) and what it implies."""

    kind: SignatureKind
    pattern: str
    ignore_case: bool = False
    points_to: list[CauseWeight] = Field(min_length=1)
    spark_versions: str = Field(
        default="all", description="Spark versions that print this text, e.g. '2.4-3.3', '3.4+'."
    )
    driver_side: bool | None = Field(
        default=None,
        description="True when the line proves the failure is in the driver, False for executor.",
    )
    sets_facts: dict[str, str] = Field(
        default_factory=dict,
        description="Facts this match establishes (name -> value), e.g. oom_kind: gc_overhead.",
    )
    in_driver_jvm_when_local: bool = Field(
        default=False,
        description="An executor-side line (a task, its thread or its frames) that, in local "
        "mode, happened inside the driver JVM: there it is driver evidence, not evidence "
        "against a driver OOM.",
    )
    examples: SignatureExamples


class Cause(Entity):
    id: CauseId
    explanation: str = Field(min_length=40)
    memory_area: list[MemoryArea] = Field(min_length=1)
    frequency_rank: int | None = Field(
        default=None, ge=1, description="Rank in the source's 'root causes in order of frequency'."
    )
    typical_actions: list[str] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(min_length=1)
    fixes: list[str] = Field(min_length=1, description="Fix ids, most effective first.")
    notes: list[str] = Field(default_factory=list, description="Gotcha note ids that apply.")
    look_instead: str | None = Field(
        default=None, description="Where to look instead (not_driver_oom only)."
    )


class Diagnostic(_Frozen):
    """One way to confirm a cause: where to look and what you should see."""

    tool: str
    how: str
    expect: str


class SymptomSet(Entity):
    """Phrasings users actually type for one cause; these are what the index embeds."""

    cause: CauseId
    phrasings: list[str] = Field(min_length=8)

    @field_validator("phrasings")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        seen = {p.strip().lower() for p in value}
        if len(seen) != len(value):
            raise ValueError("phrasings contain duplicates")
        return value


class VagueSet(Entity):
    """Phrasings that say something failed but not why: the contrast class for similarity.

    When a query is as close to these as to any cause's phrasings, its words carry no
    evidence about the cause, and the walk should ask instead of guessing.
    """

    phrasings: list[str] = Field(min_length=8)


class ConfigSetting(_Frozen):
    key: str = Field(pattern=r"^spark\.[A-Za-z0-9_.\-]+$")
    value: str
    scope: ConfigScope = Field(
        description="'launch' keys are read once when the JVM starts (spark.driver.memory); "
        "'runtime' keys may be changed with spark.conf.set in a running session."
    )
    note: str | None = None


class CodeChange(_Frozen):
    language: CodeLanguage
    before: str | None = None
    after: str


class Fix(Entity):
    causes: list[CauseId] = Field(min_length=1)
    kind: Literal["config", "code", "platform", "operational"]
    summary: str
    configs: list[ConfigSetting] = Field(default_factory=list)
    code: list[CodeChange] = Field(default_factory=list)
    verify: list[str] = Field(min_length=1)
    caveats: list[str] = Field(default_factory=list)


class Note(Entity):
    """A gotcha that applies across causes (client vs cluster mode, heap vs RSS, ...)."""

    body: str = Field(min_length=40)
    settings: list[str] = Field(default_factory=list)


class FactSpec(_Frozen):
    """One entry of the fact vocabulary (``kb/data/facts.yaml``)."""

    type: Literal["enum", "number", "text"]
    values: list[str] = Field(default_factory=list)
    description: str


class FactVocabulary(_Frozen):
    facts: dict[str, FactSpec]


class FactCondition(_Frozen):
    """Auto-answer rule: the option is chosen when the named fact satisfies the test."""

    fact: str
    equals: str | None = None
    one_of: list[str] | None = None
    at_least: float | None = None
    below: float | None = None
    it_depends: tuple[float, float] | None = Field(
        default=None,
        description="A range [low, high) of the fact's value where this answer is not "
        "clear-cut (a threshold is a range, not one cut): the walk does not answer from the "
        "evidence there but asks, and the question's help says what it depends on.",
    )


class FactRule(Entity):
    """Evidence from facts rather than from one line: "a stage of 400,000 tasks" points at
    too_many_tasks whether it came from a log line, the user's words or an event log."""

    when: list[FactCondition] = Field(min_length=1, description="All must hold.")
    unless: list[FactCondition] = Field(
        default_factory=list,
        description="The rule stays silent when any of these holds: what the facts in 'when' "
        "mean changes when the input says something else went wrong.",
    )
    points_to: list[CauseWeight] = Field(min_length=1)


class Option(_Frozen):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    next: str
    when: list[FactCondition] = Field(
        default_factory=list, description="All conditions must hold to auto-answer this option."
    )


class Node(_Frozen):
    id: str = Field(pattern=_ID_PATTERN)
    type: Literal["question", "leaf"]
    text: str
    help: str | None = None
    facts: list[str] = Field(
        default_factory=list, description="Fact names that can answer this question by themselves."
    )
    options: list[Option] = Field(default_factory=list)
    default: str | None = Field(
        default=None, description="Option followed on 'I don't know': the more likely branch."
    )
    cause: CauseId | None = None
    fixes: list[str] = Field(
        default_factory=list, description="Fix ids for a leaf; empty means the cause's own list."
    )


class Tree(Entity):
    kind: Literal["triage", "cause", "checklist", "workflow"]
    cause: CauseId | None = Field(default=None, description="The cause a 'cause' tree serves.")
    start: str
    nodes: list[Node] = Field(min_length=1)

    def answers_to(self, cause: str, start: str | None = None) -> int | None:
        """The fewest answers from node ``start`` (the tree's start) to a leaf concluding
        ``cause`` (None: no path)."""
        nodes = {n.id: n for n in self.nodes}
        frontier, seen, depth = [start or self.start], set(), 0
        while frontier:
            following = []
            for node_id in frontier:
                node = nodes.get(node_id)
                if node is None or node_id in seen:
                    continue
                seen.add(node_id)
                if node.type == "leaf":
                    if node.cause == cause:
                        return depth
                    continue
                following += [o.next for o in node.options]
            frontier, depth = following, depth + 1
        return None


Cause.model_rebuild()
