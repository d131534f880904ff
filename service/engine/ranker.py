"""Hybrid ranking: signature evidence (explainable) combined with dense similarity.

Signature weights for one cause combine as a noisy-OR (independent pieces of evidence), and
negative weights discount it the same way. Dense similarity per cause (best cosine among that
cause's phrasings) becomes a distribution with a temperature softmax; it fills in where the
signatures are silent (plain words) and breaks ties where they are not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kb import CAUSE_IDS, KnowledgeBase
from service.engine.matcher import SignatureHit
from service.engine.types import Evidence, RankedCause


@dataclass(frozen=True)
class RankingWeights:
    """Tuning knobs of the hybrid; ``dense_share`` 0 gives signatures only."""

    dense_share: float = 0.55
    temperature: float = 0.04
    signature_share: float = 1.0
    # Dense similarity only speaks when the best match is at least this close (cosine) ...
    similarity_floor: float = 0.35
    # ... and at full strength from here on.
    similarity_full: float = 0.60
    # Log lines are not how people describe problems: similarity counts less for pure logs.
    log_dense_factor: float = 0.4
    # A query must be this much closer to a cause than to the vague phrasings to count fully.
    vague_margin: float = 0.08
    # Where similarity comes from: the embedding index, or BM25 keywords (a baseline).
    similarity: Literal["dense", "keyword"] = "dense"


@dataclass(frozen=True)
class Similar:
    cause: str
    text: str
    score: float


def signature_scores(hits: list[SignatureHit]) -> dict[str, float]:
    """Per cause: noisy-OR across signature kinds of the strongest hit within each kind.

    Hits of one kind are one observation seen several times (three frames of the same stack
    trace, two phrasings of the same sentence), so within a kind only the strongest counts;
    different kinds (an exception, a frame, a Spark message, the user's words) are treated as
    independent witnesses.
    """
    strongest: dict[tuple[str, str], float] = {}
    weakest: dict[tuple[str, str], float] = {}
    for hit in hits:
        for target in hit.signature.points_to:
            key = (target.cause, hit.signature.kind)
            if target.weight > 0:
                strongest[key] = max(strongest.get(key, 0.0), target.weight * hit.factor)
            else:
                weakest[key] = min(weakest.get(key, 0.0), target.weight)
    positive: dict[str, float] = dict.fromkeys(CAUSE_IDS, 1.0)
    negative: dict[str, float] = dict.fromkeys(CAUSE_IDS, 1.0)
    for (cause, _kind), weight in strongest.items():
        positive[cause] *= 1.0 - weight
    for (cause, _kind), weight in weakest.items():
        negative[cause] *= 1.0 + weight
    return {c: (1.0 - positive[c]) * negative[c] for c in CAUSE_IDS}


def dense_distribution(
    similarity: Mapping[str, float], weights: RankingWeights, vague: float = -1.0
) -> dict[str, float]:
    """Softmax over causes, scaled by how close the best match is in absolute terms and by
    how much closer it is than the vague phrasings (``vague``: best cosine to those)."""
    if not similarity:
        return dict.fromkeys(CAUSE_IDS, 0.0)
    best = max(similarity.values())
    span = weights.similarity_full - weights.similarity_floor
    strength = min(max((best - weights.similarity_floor) / span, 0.0), 1.0)
    strength *= min(max((best - vague) / weights.vague_margin, 0.0), 1.0)
    raw = {c: math.exp((similarity.get(c, -1.0) - best) / weights.temperature) for c in CAUSE_IDS}
    total = sum(raw.values())
    return {c: strength * w / total for c, w in raw.items()}


def evidence_scores(
    hits: list[SignatureHit], derived: Mapping[str, list[Evidence]]
) -> dict[str, float]:
    """Per cause: the signature noisy-OR with the fact evidence folded in."""
    signature = signature_scores(hits)
    return {c: _with_facts(signature[c], list(derived.get(c, []))) for c in CAUSE_IDS}


def rank(
    kb: KnowledgeBase,
    hits: list[SignatureHit],
    similarity: Mapping[str, float],
    nearest: Mapping[str, Similar],
    weights: RankingWeights,
    *,
    is_log: bool = False,
    extra: Mapping[str, list[Evidence]] | None = None,
    vague: float = -1.0,
) -> list[RankedCause]:
    """Ranked causes, best first, each with a confidence in [0, 1] and its evidence.

    ``extra`` is evidence the engine derived from facts (e.g. a long log with no failure in
    it); it combines with signature evidence the same noisy-OR way.
    """
    signature = signature_scores(hits)
    dense = dense_distribution(similarity, weights, vague)
    dense_share = weights.dense_share * (weights.log_dense_factor if is_log else 1.0)
    extra = extra or {}
    # Each cause with its exact confidence: ordered by that, not by the rounded one shown.
    ranked: list[tuple[float, RankedCause]] = []
    for cause_id in CAUSE_IDS:
        if cause_id not in kb.causes:
            continue
        s = weights.signature_share * _with_facts(signature[cause_id], extra.get(cause_id, []))
        d = dense_share * dense[cause_id]
        confidence = 1.0 - (1.0 - s) * (1.0 - d)
        exact = min(max(confidence, 0.0), 1.0)
        cause = RankedCause(
            id=cause_id,
            title=kb.causes[cause_id].title,
            confidence=round(exact, 4),
            evidence=ordered(
                extra.get(cause_id, []) + _evidence(cause_id, hits, nearest.get(cause_id))
            ),
        )
        ranked.append((exact, cause))
    ranked.sort(key=lambda pair: (-pair[0], CAUSE_IDS.index(pair[1].id)))
    return [cause for _, cause in ranked]


def ordered(evidence: list[Evidence]) -> list[Evidence]:
    """How every channel shows a cause's evidence: what argues for it first (lines quoted from
    the input before the rest, heavier first), then what argues against it."""
    return sorted(evidence, key=lambda e: (e.weight <= 0, e.line is None, -e.weight))


def _with_facts(score: float, evidence: list[Evidence]) -> float:
    """Fold fact evidence in like one more signature kind: strongest positive and negative."""
    positive = max((e.weight for e in evidence if e.weight > 0), default=0.0)
    negative = min((e.weight for e in evidence if e.weight < 0), default=0.0)
    return (1.0 - (1.0 - score) * (1.0 - positive)) * (1.0 + negative)


def _evidence(cause_id: str, hits: list[SignatureHit], similar: Similar | None) -> list[Evidence]:
    evidence: list[Evidence] = []
    for hit in hits:
        for target in hit.signature.points_to:
            if target.cause == cause_id:
                evidence.append(
                    Evidence(
                        kind="signature",
                        detail=hit.signature.title,
                        weight=round(target.weight * hit.factor, 4)
                        if target.weight > 0
                        else target.weight,
                        line=hit.line,
                        text=hit.text.strip()[:300],
                        signature=hit.signature.id,
                    )
                )
    if similar is not None:
        evidence.append(
            Evidence(
                kind="similarity",
                detail=f'close to "{similar.text}"',
                weight=round(similar.score, 4),
            )
        )
    return evidence
