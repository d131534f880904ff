"""The one engine every channel calls: ``Engine.diagnose(text) -> Diagnosis``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from index import SymptomIndex
from index.store import VAGUE
from kb import KnowledgeBase
from service.engine.analyzer import Analysis, analyze, quiet_frame_lines
from service.engine.conditions import first_satisfying
from service.engine.eventlog import EventLogSummary, read_event_log
from service.engine.findings import find_problems
from service.engine.keyword import KeywordIndex
from service.engine.matcher import SignatureHit, SignatureMatcher
from service.engine.ranker import RankingWeights, Similar, rank
from service.engine.types import (
    Diagnosis,
    Evidence,
    Fact,
    InputStats,
    Instead,
    RankedCause,
    Verdict,
)

# MiniLM cost grows with tokens; ~500 characters (~120 tokens) keeps a query near 15 ms.
QUERY_CHARS = 500
UNKNOWN_BELOW = 0.30
# The best BM25 match maps to this cosine-like value (the top of the dense range).
KEYWORD_CEILING = 0.75
# Cosine similarity under which plain words say nothing about any cause.
NO_SIGNAL_SIMILARITY = 0.30


@dataclass
class Engine:
    """Analyzer, signatures and index over one knowledge base."""

    kb: KnowledgeBase
    index: SymptomIndex | None
    weights: RankingWeights = field(default_factory=RankingWeights)

    def __post_init__(self) -> None:
        self.matcher = SignatureMatcher(self.kb)
        self._keywords: KeywordIndex | None = None

    def diagnose(self, text: str) -> Diagnosis:
        analysis = analyze(text)
        hits = self.matcher.match(
            [(g.line, g.text) for g in analysis.groups],
            analysis.prose,
            quiet_frame_lines(analysis.traces),
        )
        facts = merge_facts(analysis.facts, signature_facts(hits))
        analysis.facts = facts
        similarity, nearest, vague = self.similar_causes(analysis)
        quiet = _quiet_log(analysis, hits)
        extra = self.rule_evidence(facts)
        if quiet is not None:
            extra.setdefault("not_driver_oom", []).append(quiet)
        causes = rank(
            self.kb,
            hits,
            similarity,
            nearest,
            self.weights,
            is_log=analysis.kind == "log",
            vague=vague,
            extra=extra,
        )
        verdict = verdict_for(causes, bool(hits or extra), similarity)
        return Diagnosis(
            verdict=verdict,
            summary=_summary(verdict, causes),
            causes=causes,
            facts=facts,
            findings=find_problems(analysis),
            instead=self.instead(verdict, hits, quiet),
            kb_version=self.kb.version,
            input=InputStats(
                bytes=len(text.encode("utf-8", "replace")),
                lines=analysis.total_lines,
                distinct_lines=len(analysis.groups),
                kind=analysis.kind,
            ),
        )

    def diagnose_event_log(self, source: Path | BinaryIO | EventLogSummary) -> Diagnosis:
        """Diagnose a Spark event log (file, rolling directory, stream, or one already read)."""
        from service.engine.eventlog.diagnosis import diagnose_summary

        summary = source if isinstance(source, EventLogSummary) else read_event_log(source)
        return diagnose_summary(self, summary)

    def rule_evidence(self, facts: list[Fact]) -> dict[str, list[Evidence]]:
        """Evidence from the KB's fact rules, per cause, citing the fact that satisfied each."""
        by_name: dict[str, list[Fact]] = {}
        for fact in facts:
            by_name.setdefault(fact.name, []).append(fact)
        evidence: dict[str, list[Evidence]] = {}
        for rule in sorted(self.kb.rules.values(), key=lambda r: r.id):
            witnesses = [
                first_satisfying(cond, ((f.value, f) for f in by_name.get(cond.fact, [])))
                for cond in rule.when
            ]
            if any(w is None for w in witnesses):
                continue
            first = witnesses[0]
            assert first is not None
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

    def query_text(self, analysis: Analysis) -> str:
        """What gets embedded: the user's words first, then the informative log lines."""
        parts = [analysis.words] if analysis.words else []
        parts += [text for _, text in analysis.informative if text not in analysis.words]
        return " ".join(parts)[:QUERY_CHARS].strip()

    def similar_causes(
        self, analysis: Analysis
    ) -> tuple[dict[str, float], dict[str, Similar], float]:
        """Best cosine per cause, the phrasing it came from, and the best cosine to the vague
        phrasings (-1 when none is near), which the ranker measures causes against."""
        query = self.query_text(analysis)
        if self.weights.dense_share == 0:
            return {}, {}, -1.0
        if self.weights.similarity == "keyword":
            return self._keyword_similarity(query), {}, -1.0
        if self.index is None or not query:
            return {}, {}, -1.0
        similarity: dict[str, float] = {}
        nearest: dict[str, Similar] = {}
        for hit in self.index.search(query, k=40):
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
        self, verdict: Verdict, hits: list[SignatureHit], quiet: Evidence | None
    ) -> Instead | None:
        if verdict != "not_driver_oom":
            return None
        cause = self.kb.cause("not_driver_oom")
        if quiet is not None:
            return Instead(
                what=quiet.detail,
                where="Paste the part of the driver log around the failure (the first ERROR and "
                "its stack trace), or the failing executor's log. " + (cause.look_instead or ""),
            )
        strongest = max(
            (h for h in hits for t in h.signature.points_to if t.cause == "not_driver_oom"),
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


QUIET_LOG_LINES = 20
QUIET_LOG_WEIGHT = 0.6
# Signature kinds that only fire on a failure (an exception, a kill, a dying thread).
FAILURE_KINDS = frozenset({"exception", "container", "thread"})
FAILURE_FACTS = ("oom_kind", "spark_error", "exit_code")
FAILURE_MARKERS = (" ERROR ", "Traceback (most recent call last)", "Exception in thread", "FATAL")


def _quiet_log(analysis: Analysis, hits: list[SignatureHit]) -> Evidence | None:
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


def signature_facts(hits: list[SignatureHit]) -> list[Fact]:
    facts = [
        Fact(name=name, value=value, line=hit.line, text=hit.text.strip()[:300])
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


def merge_facts(primary: list[Fact], extra: list[Fact]) -> list[Fact]:
    seen = {(f.name, f.value) for f in primary}
    merged = list(primary)
    for fact in sorted(extra, key=lambda f: f.line or 0):
        if (fact.name, fact.value) not in seen:
            seen.add((fact.name, fact.value))
            merged.append(fact)
    return merged


def verdict_for(
    causes: list[RankedCause], has_evidence: bool, similarity: dict[str, float]
) -> Verdict:
    top = causes[0] if causes else None
    no_signal = not has_evidence and max(similarity.values(), default=0.0) < NO_SIGNAL_SIMILARITY
    if top is None or no_signal or top.confidence < UNKNOWN_BELOW:
        return "unknown"
    return "not_driver_oom" if top.id == "not_driver_oom" else "driver_oom"


def _summary(verdict: Verdict, causes: list[RankedCause]) -> str:
    if verdict == "unknown" or not causes:
        return "Not enough to go on yet: answer a few questions to narrow it down."
    top = causes[0]
    if verdict == "not_driver_oom":
        return f"This does not look like a driver out-of-memory failure ({top.confidence:.0%})."
    return f"Driver OOM, most likely: {top.title} ({top.confidence:.0%})."
