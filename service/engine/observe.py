"""Everything the evidence says about one input, before any ranking: an :class:`Observation`.

Pasted text and event logs go through the same steps: the analyzer's facts and line groups,
the KB's signatures over those lines, facts the signatures set, similar phrasings from the
index, and the KB's fact rules. An event log first lays Spark's own failure texts (a job's
exception, a task's stack trace) end to end as one synthetic log; every line of it maps back
to the event it came from, so evidence cites the event log, never the synthetic text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from kb import KnowledgeBase
from kb.models import FactCondition, Signature
from service.engine import structured
from service.engine.analyzer import (
    Analysis,
    about_memory,
    analyze,
    as_printed,
    outer_frame_lines,
    quiet_frame_lines,
)
from service.engine.budget import Budget
from service.engine.conditions import first_satisfying
from service.engine.eventlog import STATEMENT_KINDS, EventLogSummary
from service.engine.findings import (
    driver_memory_never_applied,
    result_filled_heap,
    results_piled_up,
)
from service.engine.matcher import SignatureHit, SignatureMatcher, in_driver_jvm
from service.engine.ranker import Similar
from service.engine.types import Evidence, Fact, InputKind, InputStats
from service.engine.vocabulary import APPLICATION_KILLED, STOPPED_EXIT_CODE

MAX_LINES_PER_FAILURE = 60
DEFAULT_SECONDS = 5.0
# A log of a run that went well may be this short: at WARN level (a notebook's or a shell's
# default) it holds a few start-up warnings and the program's output.
QUIET_LOG_LINES = 5
QUIET_LOG_WEIGHT = 0.6
# Signature kinds that only fire on a failure (an exception, a kill, a dying thread).
FAILURE_KINDS = frozenset({"exception", "container", "thread"})
FAILURE_FACTS = ("oom_kind", "spark_error", "exit_code", "gc_thrash")
FAILURE_MARKERS = (" ERROR ", "Traceback (most recent call last)", "Exception in thread", "FATAL")
# A log whose failure is an exception about something else (a refused setting, a missing file,
# a bad query): it answers "not a driver OOM" a little less firmly than a log with no failure.
UNRELATED_FAILURE = "failure-not-about-memory"
UNRELATED_FAILURE_WEIGHT = 0.5
# Facts that say something ran out or was killed, whatever the exception says.
_MEMORY_FACTS = ("oom_kind", "gc_thrash", "exit_code")
# Signature kinds that report a failure (and messages); with a driver-OOM cause behind them at
# this weight or more, or only driver causes (see _driver_trouble), they speak of the driver's
# trouble even when no exception speaks of memory (a Py4J connection lost, a dying thread).
_FAILURE_SIGNATURE_KINDS = FAILURE_KINDS | {"message"}
_DRIVER_CAUSE_WEIGHT = 0.25

# (similarity per cause, nearest phrasing per cause, best cosine to the vague phrasings)
SimilarCauses = tuple[dict[str, float], dict[str, Similar], float]


@dataclass
class Observation:
    """The evidence of one input: what every ranking reads and every channel can cite."""

    analysis: Analysis
    hits: list[SignatureHit]
    facts: list[Fact]
    similarity: dict[str, float]
    nearest: dict[str, Similar]
    vague: float
    # Evidence derived from facts, per cause (the KB's fact rules, a log with no failure).
    derived: dict[str, list[Evidence]]
    # A whole log with no failure in it, or whose failure is not about memory (quiet_log,
    # unrelated_failure): the evidence for not_driver_oom that the answer's "instead" names.
    quiet: Evidence | None
    stats: InputStats
    # An event log: its application's name; its failure texts are evidence in themselves.
    event_log: EventLogSummary | None = None

    @property
    def kind(self) -> InputKind:
        return self.stats.kind

    @property
    def is_log(self) -> bool:
        return self.kind in ("log", "event_log")

    @property
    def has_evidence(self) -> bool:
        return bool(self.hits or self.derived) or self.event_log is not None


@dataclass
class Observer:
    """Turns text or an event log into an :class:`Observation` over one knowledge base."""

    kb: KnowledgeBase
    matcher: SignatureMatcher
    similar_causes: Callable[[Analysis], SimilarCauses]
    # Work budget of one pasted text: a real 10 MB log takes a fraction of a second; text of
    # tens of thousands of distinct garbage lines could take minutes.
    seconds: float = DEFAULT_SECONDS

    def text(self, text: str, cancelled: Callable[[], bool] | None = None) -> Observation:
        """``cancelled``: asked between chunks of work; once True (the client went away)
        the analysis stops with AbandonedError."""
        budget = Budget.of(self.seconds, cancelled)
        # What was added to the paste after Spark printed it goes first: a collector's stamps
        # or no-break spaces would hide a structured event or a folded trace from the renderer.
        printed = as_printed(text)
        rendered = structured.render(printed)
        analysis = analyze(rendered.text if rendered else printed, budget, printed=True)
        hits, unmatched = self.matcher.match_within(
            [(g.line, g.text) for g in analysis.groups],
            analysis.prose,
            quiet_frame_lines(analysis.traces) | outer_frame_lines(analysis.groups),
            budget,
        )
        cut = "; ".join(c for c in (analysis.cut, unmatched) if c)
        # Local mode may be told by Spark's lines (master local[...]) or only by a matched line
        # ("... executor driver): java.lang.OutOfMemoryError" in a WARN-level shell log).
        if runs_locally(analysis.facts + signature_facts(hits)):
            hits = in_driver_jvm(hits)
        analysis.facts = with_derived(merge_facts(analysis.facts, signature_facts(hits)))
        quiet = quiet_log(analysis, hits) or unrelated_failure(analysis, hits)
        derived = self.rule_evidence(analysis.facts)
        if quiet is not None:
            derived.setdefault("not_driver_oom", []).append(quiet)
        similarity, nearest, vague = self.similar_causes(analysis)
        if rendered is not None:
            hits, derived = _to_pasted_lines(rendered, analysis, hits, derived)
        stats = InputStats(
            bytes=len(text.encode("utf-8", "replace")),
            lines=text.count("\n") + 1 if rendered else analysis.total_lines,
            distinct_lines=len(analysis.groups),
            kind=analysis.kind,
            cut=f"the {self.seconds:g} s analysis budget ran out: {cut}" if cut else None,
        )
        return Observation(
            analysis, hits, analysis.facts, similarity, nearest, vague, derived, quiet, stats
        )

    def event_log(self, summary: EventLogSummary) -> Observation:
        lines: list[str] = []
        origins: list[tuple[int, str]] = []
        # The first line of each stage's, job's or query's failure: what it says failed.
        statements: list[tuple[int, str]] = []
        for failure in summary.failures:
            for number, text in enumerate(failure.text.splitlines()[:MAX_LINES_PER_FAILURE]):
                lines.append(text)
                origins.append((failure.line, failure.where))
                if number == 0 and failure.kind in STATEMENT_KINDS and text.strip():
                    statements.append((len(lines), text.strip()))
        analysis = analyze("\n".join(lines))
        groups = [(g.line, g.text) for g in analysis.groups]
        quiet = quiet_frame_lines(analysis.traces) | outer_frame_lines(analysis.groups)
        hits = [_relocate(hit, origins) for hit in self.matcher.match(groups, [], quiet)]
        text_facts = [_relocate_fact(f, origins) for f in analysis.facts]
        if runs_locally(summary.facts + text_facts + signature_facts(hits)):
            hits = in_driver_jvm(hits)
        analysis.facts = with_derived(
            merge_facts(summary.facts, text_facts + signature_facts(hits))
        )
        similarity, nearest, vague = self.similar_causes(analysis) if lines else ({}, {}, -1.0)
        stats = InputStats(
            bytes=summary.stats.bytes,
            lines=summary.stats.lines,
            distinct_lines=summary.stats.lines,
            kind="event_log",
            cut=summary.stats.cut,
        )
        derived = self.rule_evidence(analysis.facts)
        unrelated = unrelated_event_log_failure(analysis, hits, statements) if lines else None
        if unrelated is not None:
            line, where = origins[(unrelated.line or 1) - 1]
            derived.setdefault("not_driver_oom", []).append(
                unrelated.model_copy(update={"line": line, "text": f"{where}: {unrelated.text}"})
            )
        return Observation(
            analysis,
            hits,
            analysis.facts,
            similarity,
            nearest,
            vague,
            derived,
            None,
            stats,
            event_log=summary,
        )

    def rule_evidence(self, facts: list[Fact]) -> dict[str, list[Evidence]]:
        """Evidence from the KB's fact rules, per cause, citing the fact that satisfied each."""
        by_name: dict[str, list[Fact]] = {}
        for fact in facts:
            by_name.setdefault(fact.name, []).append(fact)
        evidence: dict[str, list[Evidence]] = {}
        for rule in sorted(self.kb.rules.values(), key=lambda r: r.id):
            first = _witness(rule.when, by_name)
            if first is None or any(_witness([c], by_name) for c in rule.unless):
                continue
            for target in rule.points_to:
                evidence.setdefault(target.cause, []).append(
                    Evidence(
                        kind="fact",
                        detail=f"{rule.title} ({first.name} = {first.value})",
                        weight=target.weight,
                        line=first.line,
                        text=first.text,
                        signature=rule.id,
                    )
                )
        return evidence


def _witness(conditions: Sequence[FactCondition], by_name: dict[str, list[Fact]]) -> Fact | None:
    """The fact that satisfies the first condition, when every condition holds (the rest are
    not looked at once one fails)."""
    first: Fact | None = None
    for cond in conditions:
        found = by_name.get(cond.fact)
        witness = first_satisfying(cond, ((f.value, f) for f in found)) if found else None
        if witness is None:
            return None
        if first is None:
            first = witness
    return first


def quiet_log(analysis: Analysis, hits: list[SignatureHit]) -> Evidence | None:
    """A whole log with no failure in it: no error line, exception, kill or memory message."""
    if analysis.kind != "log" or analysis.total_lines < QUIET_LOG_LINES:
        return None
    if any(analysis.first(name) is not None for name in FAILURE_FACTS):
        return None
    if any(h.signature.kind in FAILURE_KINDS for h in hits):
        return None
    if any(m in g.text for g in analysis.groups for m in FAILURE_MARKERS):
        return None
    return Evidence(
        kind="fact",
        detail=f"{analysis.total_lines} lines of log and no out-of-memory error, killed process "
        "or Spark memory message among them",
        weight=QUIET_LOG_WEIGHT,
    )


def unrelated_failure(analysis: Analysis, hits: list[SignatureHit]) -> Evidence | None:
    """A whole log that failed on an exception about something else: no exception, error line,
    fact or failure signature in it speaks of memory, a kill or a size limit."""
    if analysis.kind != "log" or analysis.total_lines < QUIET_LOG_LINES:
        return None
    return _failure_not_about_memory(analysis, hits, "log")


def unrelated_event_log_failure(
    analysis: Analysis, hits: list[SignatureHit], statements: Sequence[tuple[int, str]] = ()
) -> Evidence | None:
    """An event log whose recorded failures (``analysis``: their texts) are about something
    else, from an application that wrote its end event: the driver did not die. ``statements``
    (line in ``analysis``, text): what its failed stages, jobs and queries say, which may be a
    bare message with no exception class (a failed SQL query's end event holds only that)."""
    if any(f.name == "driver_died" and f.value == "yes" for f in analysis.facts):
        return None
    return _failure_not_about_memory(analysis, hits, "event log", statements)


def _failure_not_about_memory(
    analysis: Analysis,
    hits: list[SignatureHit],
    what: str,
    statements: Sequence[tuple[int, str]] = (),
) -> Evidence | None:
    """``statements`` stand in for the traces when there are none."""
    failures = [
        (t.line, f"{t.exception}: {t.message}" if t.message else t.exception, t.text)
        for t in analysis.traces
    ] or [(line, text, text) for line, text in statements]
    if not failures:
        return None
    for fact in analysis.facts:
        if fact.name in _MEMORY_FACTS and not (
            fact.name == "exit_code" and fact.value == STOPPED_EXIT_CODE
        ):
            return None
    for hit in hits:
        if hit.signature.kind in _FAILURE_SIGNATURE_KINDS and (
            _driver_trouble(hit.signature) or about_memory(hit.text)
        ):
            return None
    if any(about_memory(said) for _, said, _ in failures):
        return None
    if any(" ERROR " in g.text and about_memory(_error_said(g.text)) for g in analysis.groups):
        return None
    line, said, text = failures[-1]
    return Evidence(
        kind="fact",
        signature=UNRELATED_FAILURE,
        detail=f"The failure in this {what} is {said[:240]}, and no error, exception or kill "
        "in it speaks of memory",
        weight=UNRELATED_FAILURE_WEIGHT,
        line=line,
        text=text[:300],
    )


def _error_said(line: str) -> str:
    """What an error line says of the failure: a standalone master's removal of the application
    says only its reason."""
    killed = APPLICATION_KILLED.search(line)
    return killed.group("reason") if killed else line


def _driver_trouble(signature: Signature) -> bool:
    """A failure the KB puts down to the driver: a driver-OOM cause behind it at
    _DRIVER_CAUSE_WEIGHT or more, or only driver causes behind it, however weakly (the driver
    died or stopped: a stopped SparkContext, a lost Py4J connection, a dying thread)."""
    targets = signature.points_to
    if any(t.cause != "not_driver_oom" and t.weight >= _DRIVER_CAUSE_WEIGHT for t in targets):
        return True
    return all(t.cause != "not_driver_oom" for t in targets) and any(t.weight > 0 for t in targets)


def runs_locally(facts: list[Fact]) -> bool:
    """Spark's own output says local mode (master local[...], "executor driver")."""
    return any(f.name == "deploy_mode" and f.value == "local" and not f.weak for f in facts)


def signature_facts(hits: list[SignatureHit]) -> list[Fact]:
    facts = [
        Fact(
            name=name,
            value=value,
            line=hit.line,
            text=hit.text.strip()[:300],
            weak=hit.signature.kind == "words",
        )
        for hit in hits
        for name, value in hit.signature.sets_facts.items()
    ]
    for hit in hits:
        if hit.signature.driver_side is not None:
            side = "driver" if hit.signature.driver_side else "executor"
            facts.append(
                Fact(name="oom_side", value=side, line=hit.line, text=hit.text.strip()[:300])
            )
    return facts


def with_derived(facts: list[Fact]) -> list[Fact]:
    """The facts, plus those that only two of them together establish."""
    derived = [
        driver_memory_never_applied(facts),
        results_piled_up(facts),
        result_filled_heap(facts),
    ]
    return [*facts, *(fact for fact in derived if fact is not None)]


def merge_facts(primary: list[Fact], extra: list[Fact]) -> list[Fact]:
    seen = {(f.name, f.value) for f in primary}
    merged = list(primary)
    for fact in sorted(extra, key=lambda f: f.line or 0):
        if (fact.name, fact.value) not in seen:
            seen.add((fact.name, fact.value))
            merged.append(fact)
    return merged


def _to_pasted_lines(
    rendered: structured.Rendered,
    analysis: Analysis,
    hits: list[SignatureHit],
    derived: dict[str, list[Evidence]],
) -> tuple[list[SignatureHit], dict[str, list[Evidence]]]:
    """Evidence read from a structured log's plain rendering cites the line that was pasted
    (its text stays the readable rendering)."""
    analysis.facts = [
        f.model_copy(update={"line": rendered.origin(f.line)}) for f in analysis.facts
    ]
    analysis.informative = [(rendered.origin(n) or n, t) for n, t in analysis.informative]
    moved = [replace(h, line=rendered.origin(h.line) or h.line) for h in hits]
    evidence = {
        cause: [e.model_copy(update={"line": rendered.origin(e.line)}) for e in items]
        for cause, items in derived.items()
    }
    return moved, evidence


def _relocate(hit: SignatureHit, origins: list[tuple[int, str]]) -> SignatureHit:
    line, where = origins[hit.line - 1]
    return SignatureHit(hit.signature, line, f"{where}: {hit.text.strip()}"[:300])


def _relocate_fact(fact: Fact, origins: list[tuple[int, str]]) -> Fact:
    line, where = origins[(fact.line or 1) - 1]
    text = f"{where}: {fact.text}"[:300]
    return fact.model_copy(update={"line": line, "text": text, "source": "event_log"})
