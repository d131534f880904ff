"""Hybrid ranking (service/engine/ranker.py): noisy-OR, softmax, fact folding and rank order."""

from __future__ import annotations

import math

import pytest

from kb import CAUSE_IDS, KnowledgeBase
from kb.models import CauseId, SignatureKind
from service.engine.matcher import QUIET_FACTOR, SignatureHit
from service.engine.ranker import (
    RankingWeights,
    Similar,
    dense_distribution,
    evidence_scores,
    ordered,
    rank,
    signature_scores,
)
from service.engine.types import Evidence
from tests.service.builders import signature_of

WEIGHTS = RankingWeights()


def hit(
    sig_id: str,
    *points: tuple[CauseId, float],
    kind: SignatureKind = "message",
    line: int = 1,
    factor: float = 1.0,
) -> SignatureHit:
    signature = signature_of(sig_id, "x", *points, kind=kind)
    return SignatureHit(signature, line, f"line {line} text", factor)


def evidence(weight: float, line: int | None = None, detail: str = "fact") -> Evidence:
    return Evidence(kind="fact", detail=detail, weight=weight, line=line)


def test_signature_scores_are_zero_without_hits() -> None:
    assert signature_scores([]) == dict.fromkeys(CAUSE_IDS, 0.0)


def test_signature_scores_one_hit_gives_its_weight() -> None:
    scores = signature_scores([hit("a", ("max_result_size", 0.7))])
    assert scores["max_result_size"] == pytest.approx(0.7)
    assert all(scores[c] == 0.0 for c in CAUSE_IDS if c != "max_result_size")


def test_signature_scores_same_kind_keeps_only_the_strongest() -> None:
    hits = [hit("a", ("collect_to_driver", 0.5)), hit("b", ("collect_to_driver", 0.8))]
    assert signature_scores(hits)["collect_to_driver"] == pytest.approx(0.8)


def test_signature_scores_different_kinds_combine_as_noisy_or() -> None:
    hits = [
        hit("a", ("collect_to_driver", 0.5), kind="message"),
        hit("b", ("collect_to_driver", 0.5), kind="frame"),
        hit("c", ("collect_to_driver", 0.2), kind="words"),
    ]
    assert signature_scores(hits)["collect_to_driver"] == pytest.approx(1 - 0.5 * 0.5 * 0.8)


def test_signature_scores_negative_weight_discounts() -> None:
    hits = [
        hit("a", ("not_driver_oom", 0.8), kind="message"),
        hit("b", ("not_driver_oom", -0.5), kind="frame"),
    ]
    assert signature_scores(hits)["not_driver_oom"] == pytest.approx(0.8 * 0.5)


def test_signature_scores_negatives_of_different_kinds_compound() -> None:
    hits = [
        hit("a", ("not_driver_oom", 0.8), kind="message"),
        hit("b", ("not_driver_oom", -0.5), kind="frame"),
        hit("c", ("not_driver_oom", -0.5), kind="thread"),
    ]
    assert signature_scores(hits)["not_driver_oom"] == pytest.approx(0.8 * 0.5 * 0.5)


def test_signature_scores_negative_alone_stays_zero() -> None:
    assert signature_scores([hit("a", ("not_driver_oom", -0.9))])["not_driver_oom"] == 0.0


def test_signature_scores_scale_positive_weight_by_hit_factor() -> None:
    hits = [hit("a", ("large_closure", 0.5), factor=QUIET_FACTOR)]
    assert signature_scores(hits)["large_closure"] == pytest.approx(0.5 * QUIET_FACTOR)


def test_signature_scores_one_hit_can_point_at_several_causes() -> None:
    scores = signature_scores([hit("a", ("collect_to_driver", 0.4), ("max_result_size", 0.6))])
    assert scores["collect_to_driver"] == pytest.approx(0.4)
    assert scores["max_result_size"] == pytest.approx(0.6)


def test_dense_distribution_without_similarity_is_all_zero() -> None:
    assert dense_distribution({}, WEIGHTS) == dict.fromkeys(CAUSE_IDS, 0.0)


def test_dense_distribution_close_match_sums_to_one() -> None:
    dense = dense_distribution({"collect_to_driver": 0.9, "max_result_size": 0.5}, WEIGHTS)
    assert set(dense) == set(CAUSE_IDS)
    assert sum(dense.values()) == pytest.approx(1.0)
    assert max(dense, key=lambda c: dense[c]) == "collect_to_driver"
    ratio = dense["max_result_size"] / dense["collect_to_driver"]
    assert ratio == pytest.approx(math.exp(-0.4 / WEIGHTS.temperature))


def test_dense_distribution_equal_best_matches_share_evenly() -> None:
    dense = dense_distribution({"collect_to_driver": 0.7, "too_many_tasks": 0.7}, WEIGHTS)
    assert dense["collect_to_driver"] == pytest.approx(0.5)
    assert dense["too_many_tasks"] == pytest.approx(0.5)


def test_dense_distribution_below_floor_is_silent() -> None:
    dense = dense_distribution({"collect_to_driver": 0.3}, WEIGHTS)
    assert sum(dense.values()) == 0.0


def test_dense_distribution_between_floor_and_full_is_scaled() -> None:
    midway = (WEIGHTS.similarity_floor + WEIGHTS.similarity_full) / 2
    dense = dense_distribution({"collect_to_driver": midway}, WEIGHTS)
    assert sum(dense.values()) == pytest.approx(0.5)


def test_dense_distribution_close_to_vague_is_scaled_down() -> None:
    similarity = {"collect_to_driver": 0.9}
    half = dense_distribution(similarity, WEIGHTS, vague=0.9 - WEIGHTS.vague_margin / 2)
    assert sum(half.values()) == pytest.approx(0.5)
    none = dense_distribution(similarity, WEIGHTS, vague=0.95)
    assert sum(none.values()) == 0.0


def test_evidence_scores_fold_in_strongest_fact_evidence() -> None:
    hits = [hit("a", ("too_many_tasks", 0.5))]
    derived = {"too_many_tasks": [evidence(0.2), evidence(0.5)]}
    assert evidence_scores(hits, derived)["too_many_tasks"] == pytest.approx(1 - 0.5 * 0.5)


def test_evidence_scores_fact_evidence_alone_counts() -> None:
    scores = evidence_scores([], {"streaming_state": [evidence(0.6)]})
    assert scores["streaming_state"] == pytest.approx(0.6)
    assert scores["collect_to_driver"] == 0.0


def test_evidence_scores_negative_fact_evidence_discounts() -> None:
    hits = [hit("a", ("not_driver_oom", 0.8))]
    derived = {"not_driver_oom": [evidence(-0.5), evidence(-0.25)]}
    assert evidence_scores(hits, derived)["not_driver_oom"] == pytest.approx(0.8 * 0.5)


def test_ordered_puts_quoted_heavier_positive_evidence_first() -> None:
    unquoted = evidence(0.9, detail="unquoted")
    light = evidence(0.2, line=3, detail="light")
    heavy = evidence(0.7, line=9, detail="heavy")
    against = evidence(-0.5, line=1, detail="against")
    result = ordered([against, unquoted, light, heavy])
    assert [e.detail for e in result] == ["heavy", "light", "unquoted", "against"]


def test_rank_without_evidence_keeps_cause_order(kb: KnowledgeBase) -> None:
    ranked = rank(kb, [], {}, {}, WEIGHTS)
    assert [c.id for c in ranked] == [c for c in CAUSE_IDS if c in kb.causes]
    assert all(c.confidence == 0.0 and c.evidence == [] for c in ranked)


def test_rank_puts_the_signature_cause_first(kb: KnowledgeBase) -> None:
    ranked = rank(kb, [hit("abort", ("max_result_size", 0.9), line=4)], {}, {}, WEIGHTS)
    top = ranked[0]
    assert (top.id, top.confidence, top.title) == (
        "max_result_size",
        0.9,
        kb.causes["max_result_size"].title,
    )
    (shown,) = top.evidence
    assert (shown.kind, shown.signature, shown.line, shown.weight) == (
        "signature",
        "abort",
        4,
        0.9,
    )
    assert shown.detail == "test signature abort"


def test_rank_quiet_hit_evidence_weight_is_scaled(kb: KnowledgeBase) -> None:
    hits = [hit("frame", ("large_closure", 0.5), ("not_driver_oom", -0.4), factor=0.3)]
    ranked = {c.id: c for c in rank(kb, hits, {}, {}, WEIGHTS)}
    assert [e.weight for e in ranked["large_closure"].evidence] == [0.15]
    assert [e.weight for e in ranked["not_driver_oom"].evidence] == [-0.4]


def test_rank_combines_signature_and_dense_as_noisy_or(kb: KnowledgeBase) -> None:
    hits = [hit("a", ("collect_to_driver", 0.5))]
    ranked = {c.id: c for c in rank(kb, hits, {"collect_to_driver": 0.9}, {}, WEIGHTS)}
    expected = 1 - (1 - 0.5) * (1 - WEIGHTS.dense_share)
    assert ranked["collect_to_driver"].confidence == round(expected, 4)


def test_rank_similarity_counts_less_for_logs(kb: KnowledgeBase) -> None:
    similarity = {"too_many_tasks": 0.9}
    words = {c.id: c.confidence for c in rank(kb, [], similarity, {}, WEIGHTS)}
    log = {c.id: c.confidence for c in rank(kb, [], similarity, {}, WEIGHTS, is_log=True)}
    assert words["too_many_tasks"] == round(WEIGHTS.dense_share, 4)
    assert log["too_many_tasks"] == round(WEIGHTS.dense_share * WEIGHTS.log_dense_factor, 4)


def test_rank_signatures_only_when_dense_share_is_zero(kb: KnowledgeBase) -> None:
    weights = RankingWeights(dense_share=0.0)
    ranked = rank(kb, [], {"too_many_tasks": 0.9}, {}, weights)
    assert all(c.confidence == 0.0 for c in ranked)


def test_rank_shows_nearest_phrasing_as_similarity_evidence(kb: KnowledgeBase) -> None:
    nearest = {"collect_to_driver": Similar("collect_to_driver", "collect blew up", 0.81234)}
    ranked = {c.id: c for c in rank(kb, [], {"collect_to_driver": 0.81234}, nearest, WEIGHTS)}
    (shown,) = ranked["collect_to_driver"].evidence
    assert (shown.kind, shown.detail, shown.weight) == (
        "similarity",
        'close to "collect blew up"',
        0.8123,
    )


def test_rank_folds_extra_evidence_in_and_shows_it(kb: KnowledgeBase) -> None:
    extra = {"too_many_tasks": [evidence(0.6, line=2, detail="400,000 tasks")]}
    ranked = rank(kb, [], {}, {}, WEIGHTS, extra=extra)
    assert ranked[0].id == "too_many_tasks"
    assert ranked[0].confidence == 0.6
    assert [e.detail for e in ranked[0].evidence] == ["400,000 tasks"]


def test_rank_breaks_ties_by_cause_order(kb: KnowledgeBase) -> None:
    hits = [hit("a", ("not_driver_oom", 0.5)), hit("b", ("collect_to_driver", 0.5), kind="frame")]
    ranked = rank(kb, hits, {}, {}, WEIGHTS)
    assert [c.id for c in ranked[:2]] == ["collect_to_driver", "not_driver_oom"]


def test_rank_orders_by_the_exact_confidence_not_the_rounded_one(kb: KnowledgeBase) -> None:
    """Two causes shown with the same rounded confidence keep the order of their exact ones,
    not the order of CAUSE_IDS."""
    hits = [hit("a", ("collect_to_driver", 0.300001)), hit("b", ("not_driver_oom", 0.300004))]
    ranked = rank(kb, hits, {}, {}, WEIGHTS)
    assert [(c.id, c.confidence) for c in ranked[:2]] == [
        ("not_driver_oom", 0.3),
        ("collect_to_driver", 0.3),
    ]
