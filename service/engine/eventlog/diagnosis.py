"""Rank causes from an event log: its facts through the KB's fact rules, and Spark's own
failure texts through the same signatures, analyzer and index as a pasted log.

Failure texts (a job's exception message, a task's stack trace, a SQL query's error) are laid
end to end as one synthetic log; every line of it maps back to the event line it came from,
so evidence cites the event log, never the synthetic text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.engine.analyzer import analyze, quiet_frame_lines
from service.engine.engine import merge_facts, signature_facts, verdict_for
from service.engine.findings import find_problems
from service.engine.matcher import SignatureHit
from service.engine.ranker import rank
from service.engine.types import Diagnosis, Fact, InputStats, Instead, RankedCause, Verdict

if TYPE_CHECKING:
    from service.engine.engine import Engine
    from service.engine.eventlog.summary import EventLogSummary

MAX_LINES_PER_FAILURE = 60
HEALTHY_RULE = "application-ended-without-failures"


@dataclass(frozen=True)
class _Origin:
    line: int
    where: str


def diagnose_summary(engine: Engine, summary: EventLogSummary) -> Diagnosis:
    """The diagnosis of an event log already read into a summary."""
    lines: list[str] = []
    origins: list[_Origin] = []
    for failure in summary.failures:
        for text in failure.text.splitlines()[:MAX_LINES_PER_FAILURE]:
            lines.append(text)
            origins.append(_Origin(failure.line, failure.where))
    analysis = analyze("\n".join(lines))
    groups = [(g.line, g.text) for g in analysis.groups]
    quiet = quiet_frame_lines(analysis.traces)
    hits = [_relocate(hit, origins) for hit in engine.matcher.match(groups, [], quiet)]
    text_facts = [_relocate_fact(f, origins) for f in analysis.facts]
    facts = merge_facts(summary.facts, text_facts + signature_facts(hits))
    analysis.facts = facts
    similarity, nearest, vague = engine.similar_causes(analysis) if lines else ({}, {}, -1.0)
    extra = engine.rule_evidence(facts)
    causes = rank(
        engine.kb, hits, similarity, nearest, engine.weights, is_log=True, vague=vague, extra=extra
    )
    # The failure texts are evidence in themselves: no 'too little to go on' check here.
    verdict = verdict_for(causes, has_evidence=True, similarity={})
    return Diagnosis(
        verdict=verdict,
        summary=_summary(verdict, causes, summary),
        causes=causes,
        facts=facts,
        findings=find_problems(analysis),
        instead=_instead(engine, verdict, hits, causes),
        kb_version=engine.kb.version,
        input=InputStats(
            bytes=summary.stats.bytes,
            lines=summary.stats.lines,
            distinct_lines=summary.stats.lines,
            kind="event_log",
        ),
    )


def _relocate(hit: SignatureHit, origins: list[_Origin]) -> SignatureHit:
    origin = origins[hit.line - 1]
    return SignatureHit(hit.signature, origin.line, f"{origin.where}: {hit.text.strip()}"[:300])


def _relocate_fact(fact: Fact, origins: list[_Origin]) -> Fact:
    origin = origins[(fact.line or 1) - 1]
    text = f"{origin.where}: {fact.text}"[:300]
    return fact.model_copy(update={"line": origin.line, "text": text, "source": "event_log"})


def _summary(verdict: Verdict, causes: list[RankedCause], summary: EventLogSummary) -> str:
    app = f" of {summary.app}" if summary.app else ""
    if verdict == "unknown" or not causes:
        return f"The event log{app} does not settle it: answer a few questions to narrow it down."
    top = causes[0]
    if verdict == "not_driver_oom":
        return (
            f"The event log{app} does not show a driver out-of-memory failure "
            f"({top.confidence:.0%})."
        )
    return f"Driver OOM, most likely: {top.title} ({top.confidence:.0%}), from the event log{app}."


def _instead(
    engine: Engine, verdict: Verdict, hits: list[SignatureHit], causes: list[RankedCause]
) -> Instead | None:
    if verdict != "not_driver_oom":
        return None
    healthy = any(e.signature == HEALTHY_RULE for e in causes[0].evidence)
    if healthy and not hits:
        return Instead(
            what="The application ended normally: every job, stage and SQL query finished and "
            "the driver wrote its end event.",
            where="If a PySpark driver failed (e.g. MemoryError in toPandas), the failure is in "
            "the Python process, which the event log does not record: paste its traceback. "
            "Otherwise check that this is the event log of the run that failed.",
        )
    return engine.instead(verdict, hits, None)
