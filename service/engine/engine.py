"""The one engine every channel calls: ``Engine.diagnose(text) -> Diagnosis``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from index import SymptomIndex
from index.cases import CaseHit, CaseIndex
from index.store import VAGUE
from kb import CAUSE_IDS, KnowledgeBase
from service.engine.analyzer import Analysis
from service.engine.eventlog import EventLogSummary, read_event_log
from service.engine.findings import find_problems
from service.engine.fitted import (
    COSINE_FLOOR,
    HAND_EPS,
    WORDS_HAND_EPS,
    WORDS_KINDS,
    Features,
    FittedRanking,
    knn_votes,
    logit,
    observation_features,
)
from service.engine.keyword import KeywordIndex
from service.engine.matcher import SignatureMatcher
from service.engine.observe import UNRELATED_FAILURE, Observation, Observer
from service.engine.ranker import (
    RankingWeights,
    Similar,
    dense_distribution,
    evidence_scores,
    rank,
)
from service.engine.textmodel import model_text
from service.engine.types import (
    Diagnosis,
    Evidence,
    Fact,
    Instead,
    RankedCause,
    SimilarCase,
    Verdict,
)

# MiniLM cost grows with tokens; ~500 characters (~120 tokens) keeps a query near 15 ms.
QUERY_CHARS = 500
UNKNOWN_BELOW = 0.30
# Under the fitted ranking confidence is a calibrated probability: below this, say unknown.
FITTED_UNKNOWN_BELOW = 0.35
KNN_K = 8
SHOWN_CASES = 3
# "Most likely" is said only of a cause more likely than all the others together.
MOST_LIKELY = 0.5
SHOWN_CASE_SIMILARITY = 0.45
# The best BM25 match maps to this cosine-like value (the top of the dense range).
KEYWORD_CEILING = 0.75
# Cosine similarity under which plain words say nothing about any cause.
NO_SIGNAL_SIMILARITY = 0.30
# The fact rule that recognises an application that ended without a failure.
HEALTHY_RULE = "application-ended-without-failures"


@dataclass
class Engine:
    """Analyzer, signatures and index over one knowledge base."""

    kb: KnowledgeBase
    index: SymptomIndex | None
    weights: RankingWeights = field(default_factory=RankingWeights)
    # Solved cases to compare with, and the ranking fitted on them (None: hand weights).
    cases: CaseIndex | None = None
    fitted: FittedRanking | None = None

    def __post_init__(self) -> None:
        self.matcher = SignatureMatcher(self.kb)
        self.observer = Observer(self.kb, self.matcher, self.similar_causes)
        self._keywords: KeywordIndex | None = None

    def diagnose(
        self,
        text: str,
        exclude_source: str | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Diagnosis:
        """``exclude_source``: leave that source's solved cases out (evaluating a case that is
        itself in the case index). ``cancelled``: once True (the client went away) the work
        stops with AbandonedError."""
        return self.conclude(self.observer.text(text, cancelled), exclude_source)

    def diagnose_event_log(self, source: Path | BinaryIO | EventLogSummary) -> Diagnosis:
        """Diagnose a Spark event log (file, rolling directory, stream, or one already read)."""
        summary = source if isinstance(source, EventLogSummary) else read_event_log(source)
        return self.conclude(self.observer.event_log(summary))

    def conclude(self, seen: Observation, exclude_source: str | None = None) -> Diagnosis:
        """The one conclusion for every input: ranked causes, verdict, summary, where to look."""
        hand = self.hand_rank(seen)
        similar = self.similar_cases(seen, exclude_source)
        if self.fitted is None:
            causes = hand
            unknown_below = UNKNOWN_BELOW
        else:
            causes = self.fitted_rank(seen, hand, similar)
            unknown_below = FITTED_UNKNOWN_BELOW
        # An event log's failure texts are evidence in themselves: no 'too little' check.
        similarity = {} if seen.event_log is not None else seen.similarity
        verdict = verdict_for(causes, seen.has_evidence, similarity, unknown_below)
        summary = _summary(verdict, causes, seen.event_log)
        if seen.stats.cut:
            summary += f" Read in part: {seen.stats.cut}."
        return Diagnosis(
            verdict=verdict,
            summary=summary,
            causes=causes,
            facts=seen.facts,
            findings=find_problems(seen.analysis),
            instead=self.instead(verdict, seen, causes),
            similar_cases=[
                SimilarCase(
                    id=h.entry.id,
                    title=h.entry.title,
                    url=h.entry.url,
                    cause=h.entry.label,
                    similarity=round(h.score, 3),
                    local=h.entry.local,
                )
                for h in similar[:SHOWN_CASES]
                if h.score >= SHOWN_CASE_SIMILARITY
            ],
            kb_version=self.kb.version,
            input=seen.stats,
        )

    def hand_rank(self, seen: Observation) -> list[RankedCause]:
        """The KB's hand weights: signatures and facts by noisy-OR, with dense similarity."""
        return rank(
            self.kb,
            seen.hits,
            seen.similarity,
            seen.nearest,
            self.weights,
            is_log=seen.is_log,
            vague=seen.vague,
            extra=seen.derived,
        )

    def similar_cases(self, seen: Observation, exclude_source: str | None = None) -> list[CaseHit]:
        if self.cases is None:
            return []
        k = self.fitted.knn_k if self.fitted is not None else KNN_K
        return self.cases.search(self.query_text(seen.analysis), k, exclude_source)

    def features(
        self,
        seen: Observation,
        hand: list[RankedCause],
        similar: list[CaseHit],
        text: Sequence[float] | None = None,
    ) -> Features:
        """What the fitted ranking reads: per cause, the hand model's scores, the solved
        cases' vote and the text model's (``text`` given, or the fit's text model on a report
        in words); shared, which signatures, rules and facts were seen."""
        if text is None:
            text = self.text_scores(seen)
        evidence = evidence_scores(seen.hits, seen.derived)
        dense = dense_distribution(seen.similarity, self.weights, seen.vague)
        best = max(seen.similarity.values(), default=0.0)
        votes = knn_votes([(h.entry.label, h.score) for h in similar])
        hand_conf = {c.id: c.confidence for c in hand}
        eps = WORDS_HAND_EPS if seen.kind in WORDS_KINDS else HAND_EPS
        rows = {
            c: (
                logit(hand_conf.get(c, 0.0), eps),
                evidence.get(c, 0.0),
                dense.get(c, 0.0),
                max(seen.similarity.get(c, best + COSINE_FLOOR) - best, COSINE_FLOOR)
                / -COSINE_FLOOR,
                0.0 if seen.is_log else votes.get(c, 0.0),
                votes.get(c, 0.0) if seen.is_log else 0.0,
                float(text[i]),
            )
            for i, c in enumerate(CAUSE_IDS)
        }
        shared: dict[str, float] = {f"kind:{seen.kind}": 1.0}
        for hit in seen.hits:
            name = hit.feature
            shared[name] = max(shared.get(name, 0.0), hit.factor)
        for items in seen.derived.values():
            for e in items:
                shared[f"rule:{e.signature or 'quiet'}"] = 1.0
        for fact in seen.facts:
            if self.kb.facts.get(fact.name) is not None and self.kb.facts[fact.name].type == "enum":
                shared[f"fact:{fact.name}={fact.value}"] = 1.0
        return observation_features(rows, shared)

    def text_scores(self, seen: Observation) -> Sequence[float]:
        """The fit's text model on a report in words (or words and lines); zeros otherwise."""
        model = self.fitted.text if self.fitted is not None else None
        if model is None or seen.kind not in WORDS_KINDS:
            return [0.0] * len(CAUSE_IDS)
        return [float(v) for v in model.scores([model_text(seen.analysis)])[0]]

    def fitted_rank(
        self, seen: Observation, hand: list[RankedCause], similar: list[CaseHit]
    ) -> list[RankedCause]:
        assert self.fitted is not None
        features = self.features(seen, hand, similar)
        probabilities = self.fitted.probabilities(features)
        temperature = self.fitted.temperature_for(features.shared)
        by_id = {c.id: c for c in hand}
        # Ordered by the exact probability: the shown one is rounded, and two unlikely causes
        # rounded to the same figure must not fall back to the order of CAUSE_IDS.
        exact = {
            c: float(p)
            for c, p in zip(self.fitted.causes, probabilities, strict=True)
            if c in by_id
        }
        return [
            by_id[c].model_copy(
                update={
                    "confidence": round(exact[c], 4),
                    "evidence": [self._contribution(c, e, temperature) for e in by_id[c].evidence],
                }
            )
            for c in sorted(exact, key=lambda c: (-exact[c], CAUSE_IDS.index(c)))
        ]

    def _contribution(self, cause: str, evidence: Evidence, temperature: float) -> Evidence:
        """The evidence with what it is worth under the fitted ranking: the fitted weight of
        its signature or rule for this cause, plus its hand weight scaled by the fitted
        weight of the evidence score."""
        assert self.fitted is not None
        if evidence.signature is None or evidence.kind == "similarity":
            return evidence
        prefix = "sig" if evidence.kind == "signature" else "rule"
        own = self.fitted.contribution(cause, f"{prefix}:{evidence.signature}", 1.0, temperature)
        through = self.fitted.evidence_weight(temperature) * evidence.weight
        return evidence.model_copy(update={"contribution": round(own + through, 3)})

    def query_text(self, analysis: Analysis) -> str:
        """What gets embedded: the user's words first, then the informative log lines."""
        parts = [analysis.words] if analysis.words else []
        parts += [text for _, text in analysis.informative if text not in analysis.words]
        return " ".join(parts)[:QUERY_CHARS].strip()

    def similar_causes(
        self, analysis: Analysis, leave_out: frozenset[str] = frozenset()
    ) -> tuple[dict[str, float], dict[str, Similar], float]:
        """Best cosine per cause, the phrasing it came from, and the best cosine to the vague
        phrasings (-1 when none is near), which the ranker measures causes against.
        ``leave_out``: phrasings (their text) not to compare with."""
        query = self.query_text(analysis)
        if self.weights.dense_share == 0:
            return {}, {}, -1.0
        if self.weights.similarity == "keyword":
            return self._keyword_similarity(query), {}, -1.0
        if self.index is None or not query:
            return {}, {}, -1.0
        similarity: dict[str, float] = {}
        nearest: dict[str, Similar] = {}
        hits = self.index.search(query, k=40 + len(leave_out))
        for hit in (h for h in hits if h.entry.text not in leave_out):
            cause = hit.entry.cause
            if cause not in nearest:
                nearest[cause] = Similar(cause, hit.entry.text, hit.score)
                similarity[cause] = hit.score
        nearest.pop(VAGUE, None)
        return similarity, nearest, similarity.pop(VAGUE, -1.0)

    def _keyword_similarity(self, query: str) -> dict[str, float]:
        """BM25 scores rescaled into the cosine range the ranker's gates expect."""
        if self._keywords is None:
            self._keywords = KeywordIndex(self.kb)
        scores = self._keywords.cause_scores(query)
        best = max(scores.values(), default=0.0)
        if best <= 0:
            return {}
        return {c: KEYWORD_CEILING * s / best for c, s in scores.items()}

    def instead(
        self, verdict: Verdict, seen: Observation, causes: list[RankedCause]
    ) -> Instead | None:
        if verdict != "not_driver_oom":
            return None
        cause = self.kb.cause("not_driver_oom")
        healthy = any(e.signature == HEALTHY_RULE for e in causes[0].evidence)
        if seen.event_log is not None and healthy and not seen.hits:
            no_job = _ran_no_job(seen.facts)
            return Instead(
                what="The application started and ended without running a job, and nothing "
                "failed that the event log records: the error, if there was one, was raised by "
                "the driver program before its first job."
                if no_job
                else "The application ended normally: every job, stage and SQL query finished "
                "and the driver wrote its end event.",
                where="If a PySpark driver failed (e.g. MemoryError in toPandas), the failure is "
                "in the Python process, which the event log does not record: paste its "
                "traceback. Otherwise check that this is the event log of the run that failed.",
            )
        if seen.quiet is not None and seen.quiet.signature == UNRELATED_FAILURE:
            return Instead(
                what=f"{seen.quiet.detail} (line {seen.quiet.line}).",
                where="That exception is what stopped the application: read its message and "
                "the first stack trace above it. If memory is still suspected, the log of the "
                "run that ran out (its first OutOfMemoryError or kill) is the one to paste.",
            )
        if seen.quiet is not None:
            return Instead(
                what=seen.quiet.detail,
                where="Paste the part of the driver log around the failure (the first ERROR and "
                "its stack trace), or the failing executor's log. " + (cause.look_instead or ""),
            )
        strongest = max(
            (h for h in seen.hits for t in h.signature.points_to if t.cause == "not_driver_oom"),
            key=lambda h: max(
                t.weight for t in h.signature.points_to if t.cause == "not_driver_oom"
            ),
            default=None,
        )
        what = (
            f"{strongest.signature.title} (line {strongest.line}): "
            f"{strongest.signature.description}"
            if strongest is not None
            else cause.explanation
        )
        return Instead(what=what, where=cause.look_instead or cause.explanation)


def verdict_for(
    causes: list[RankedCause],
    has_evidence: bool,
    similarity: dict[str, float],
    unknown_below: float = UNKNOWN_BELOW,
) -> Verdict:
    top = causes[0] if causes else None
    no_signal = not has_evidence and max(similarity.values(), default=0.0) < NO_SIGNAL_SIMILARITY
    if top is None or no_signal or top.confidence < unknown_below:
        return "unknown"
    return "not_driver_oom" if top.id == "not_driver_oom" else "driver_oom"


def _summary(verdict: Verdict, causes: list[RankedCause], event_log: EventLogSummary | None) -> str:
    where = ""
    if event_log is not None:
        where = f" of {event_log.app}" if event_log.app else ""
    if verdict == "unknown" or not causes:
        if event_log is not None:
            return (
                f"The event log{where} does not settle it: answer a few questions to "
                "narrow it down."
            ) + _silent_log_note(event_log)
        return "Not enough to go on yet: answer a few questions to narrow it down."
    top = causes[0]
    if verdict == "not_driver_oom":
        if event_log is not None:
            return (
                f"The event log{where} does not show a driver out-of-memory failure "
                f"({top.confidence:.0%})."
            )
        return f"This does not look like a driver out-of-memory failure ({top.confidence:.0%})."
    source = f", from the event log{where}" if event_log is not None else ""
    if top.confidence < MOST_LIKELY:
        said = (
            f"Probably a driver OOM; the evidence leans to {top.title} ({top.confidence:.0%})"
            f"{source}, but not conclusively: the questions below settle it."
        )
    else:
        said = f"Driver OOM, most likely: {top.title} ({top.confidence:.0%}){source}."
    return said + _silent_log_note(event_log)


def _silent_log_note(event_log: EventLogSummary | None) -> str:
    """What to add when an event log ended normally and recorded no failure: the error, if
    there was one, was raised in the driver program, and only its output names it."""
    if event_log is None or event_log.failures:
        return ""
    ended = any(f.name == "driver_died" and f.value == "no" for f in event_log.facts)
    if not ended:
        return ""
    ran = (
        "no job ever started" if _ran_no_job(event_log.facts) else "the jobs that ran did not fail"
    )
    what = f"{ran}, and the application ended"
    return (
        f" The log itself records no failure ({what}): whatever failed was raised in the "
        "driver program, outside any job, and only its output (the driver's stderr, "
        "the notebook cell, the YARN or Kubernetes driver log) names the error: paste it for "
        "a surer answer."
    )


def _ran_no_job(facts: list[Fact]) -> bool:
    return any(f.name == "num_jobs" and f.value == "0" for f in facts)
