"""``Doctor``: the one facade every channel (REST, Slack, widget, CLI) calls.

It owns the order of things: check the input, redact secrets, diagnose, store the case,
start the walk; advance a walk and record its path; take feedback. Channels only render.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, Field

from kb import KnowledgeBase
from kb.models import Cause, Diagnostic, Note
from service.config import Settings
from service.engine import Diagnosis, Engine
from service.engine.eventlog import read_event_log
from service.engine.eventlog.reader import ReadLimits
from service.engine.walk import FixStat, FixView, Step, Walker
from service.errors import AbandonedError, EmptyInputError, InputTooLargeError, NotFoundError
from service.redact import redact, redact_data
from service.storage.cases import CaseRecord, CaseStore, FeedbackRecord, Outcome, WalkPosition
from service.storage.reporting import Report, build_report

log = logging.getLogger(__name__)


class CausePage(BaseModel):
    """One cause as every channel shows it: symptoms, diagnostics, fixes (with their feedback
    figures, every snippet form), notes, and the trees that can end at it."""

    cause: Cause
    symptoms: list[str]
    diagnostics: list[Diagnostic]
    fixes: list[FixView]
    notes: list[Note]
    trees: list[str] = Field(description="Trees with a leaf that ends at this cause.")


class Readiness(BaseModel):
    ready: bool
    kb_version: str | None = None
    index_entries: int | None = None


class Troubleshooting(BaseModel):
    """A diagnosis, the first step of its walk, and the case it was saved as."""

    case_id: str
    diagnosis: Diagnosis
    step: Step
    redactions: dict[str, int]


@dataclass
class Doctor:
    settings: Settings
    engine: Engine
    store: CaseStore

    def __post_init__(self) -> None:
        secret = self.settings.state_secret.get_secret_value().encode()
        lifetime = self.settings.walk_state_hours * 3600
        self.walker = Walker(self.engine.kb, secret, self._fix_stats, lifetime)

    @property
    def kb(self) -> KnowledgeBase:
        return self.engine.kb

    def report(self, *, limit: int, idle: dt.timedelta) -> Report:
        """The keepers' report, with how many confirmed cases the ranking already learns from."""
        cases = self.engine.cases
        indexed = sum(e.local for e in cases.manifest.entries) if cases is not None else 0
        return build_report(self.store, self.kb, limit=limit, idle=idle, confirmed_indexed=indexed)

    @property
    def max_paste_bytes(self) -> int:
        return self.settings.max_paste_bytes

    def readiness(self) -> Readiness:
        index = self.engine.index
        if index is None:
            return Readiness(ready=False)
        return Readiness(
            ready=True, kb_version=self.kb.version, index_entries=len(index.manifest.entries)
        )

    def cause_page(self, cause_id: str) -> CausePage:
        """Raises NotFoundError for an unknown cause id."""
        kb = self.kb
        if cause_id not in kb.causes:
            raise NotFoundError("cause", cause_id, sorted(kb.causes))
        cause = kb.causes[cause_id]
        stats = self._fix_stats(cause_id)
        return CausePage(
            cause=cause,
            symptoms=kb.phrasings_for(cause_id),
            diagnostics=cause.diagnostics,
            fixes=[self.walker.fix_view(f, {}, stats.get(f, FixStat())) for f in cause.fixes],
            notes=[kb.notes[n] for n in cause.notes if n in kb.notes],
            trees=sorted(
                t.id for t in kb.trees.values() if any(n.cause == cause_id for n in t.nodes)
            ),
        )

    def start_tree(self, tree_id: str) -> Step:
        """A walk of one tree from its first question, with no evidence."""
        return self.walker.start_tree(tree_id)

    def step(self, state: str) -> Step:
        """The step a state token stands for (to show it again, e.g. shared in a channel)."""
        return self.walker.step(state)

    def case_of(self, state: str) -> str | None:
        """The case a walk state belongs to (None: a walk started without a case)."""
        return self.walker.decode(state).case

    def fix_title(self, fix_id: str) -> str:
        return self.kb.fix(fix_id).title

    def check_input(self, text: str, field: str = "text") -> None:
        size = len(text.encode("utf-8", "replace"))
        if size > self.settings.max_paste_bytes:
            raise InputTooLargeError(field, size, self.settings.max_paste_bytes)
        if not text.strip():
            raise EmptyInputError(field)

    def check_event_log(self, size: int, field: str = "file") -> None:
        """An event log of ``size`` bytes (as sent, before decompression) may be read."""
        if size > self.settings.max_event_log_bytes:
            raise InputTooLargeError(field, size, self.settings.max_event_log_bytes)
        if size == 0:
            raise EmptyInputError(field)

    def troubleshoot(
        self, text: str, channel: str = "api", cancelled: Callable[[], bool] | None = None
    ) -> Troubleshooting:
        """Redact, diagnose, save the case, and start the walk where the evidence points.
        ``cancelled`` is asked as the text is analysed: once it says True (the client went
        away) the work stops with AbandonedError and nothing is stored."""
        self.check_input(text)
        clean, redactions = redact(text)
        diagnosis = self.engine.diagnose(clean, cancelled=cancelled)
        if cancelled is not None and cancelled():
            raise AbandonedError("the end of the analysis, before the case was stored")
        size = len(text.encode("utf-8", "replace"))
        return self._open_case(diagnosis, channel, clean, size, redactions)

    def troubleshoot_event_log(
        self,
        source: Path | BinaryIO,
        channel: str = "api",
        name: str = "",
        cancelled: Callable[[], bool] | None = None,
        size: int | None = None,
    ) -> Troubleshooting:
        """Stream a Spark event log, diagnose it, and save the case with a summary of the log
        (its facts and failure texts), not the whole file. ``cancelled`` is asked as the log
        is read: once it says True (the client went away) the read stops with AbandonedError
        and nothing is stored. ``size``: the bytes sent, checked against the upload limit."""
        if size is not None:
            self.check_event_log(size)
        limits = ReadLimits(
            max_bytes=self.settings.max_event_log_expanded_bytes,
            seconds=self.settings.event_log_seconds,
            cancelled=cancelled,
        )
        summary = read_event_log(source, name, limits)
        # The log is diagnosed as read; what the diagnosis quotes of it is redacted before
        # it is stored, returned or carried in the walk state.
        found = self.engine.diagnose_event_log(summary)
        quoted, quoted_counts = redact_data(found.model_dump())
        diagnosis = Diagnosis.model_validate(quoted)
        clean, redactions = redact(summary.describe())
        for kind, count in quoted_counts.items():
            redactions[kind] = max(count, redactions.get(kind, 0))
        return self._open_case(diagnosis, channel, clean, summary.stats.bytes, redactions)

    def _open_case(
        self,
        diagnosis: Diagnosis,
        channel: str,
        clean: str,
        input_bytes: int,
        redactions: dict[str, int],
    ) -> Troubleshooting:
        case_id = self.store.new_case_id()
        step = self.walker.start(diagnosis, case_id)
        self.store.create_case(
            case_id=case_id,
            walk=_position(step),
            channel=channel,
            kb_version=self.kb.version,
            input_text=clean,
            input_bytes=input_bytes,
            redactions=redactions,
            verdict=diagnosis.verdict,
            top_cause=diagnosis.causes[0].id if diagnosis.verdict != "unknown" else None,
            diagnosis=diagnosis,
        )
        log.info(
            "case %s opened from %s: %s, %s",
            case_id,
            channel,
            diagnosis.verdict,
            diagnosis.causes[0].id if diagnosis.causes else "no cause",
            extra={"case_id": case_id, "input_bytes": input_bytes, "redactions": redactions},
        )
        return Troubleshooting(
            case_id=case_id, diagnosis=diagnosis, step=step, redactions=redactions
        )

    def walk(self, state: str, node: str, option: str) -> Step:
        step = self.walker.answer(state, node, option)
        case_id = self.walker.decode(step.state).case
        if case_id is not None:
            self._record(case_id, step)
        return step

    def feedback(
        self, case_id: str, outcome: Outcome, fix_id: str | None, comment: str | None
    ) -> FeedbackRecord:
        if fix_id is not None:
            self.kb.fix(fix_id)
        clean = redact(comment)[0] if comment is not None else None
        return self.store.add_feedback(case_id, outcome, fix_id, clean)

    def case(self, case_id: str) -> CaseRecord:
        return self.store.get_case(case_id)

    def _record(self, case_id: str, step: Step) -> None:
        self.store.record_walk(case_id, _position(step))

    def _fix_stats(self, cause_id: str) -> Mapping[str, FixStat]:
        return {
            fix: FixStat(fixed=fixed, not_helped=not_helped)
            for fix, (fixed, not_helped) in self.store.fix_stats(cause_id).items()
        }


def _position(step: Step) -> WalkPosition:
    page = step.fix_page
    return WalkPosition(
        path=[a.model_dump() for a in step.answered],
        leaf_cause=page.cause if page else None,
        fixes=[f.id for f in page.fixes] if page else [],
        tree=step.tree,
        open_node=step.question.node if step.question else None,
        state=step.state,
    )
