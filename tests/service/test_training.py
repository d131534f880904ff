"""The fit's samples: a tune report is observed without the KB's words written from it."""

from __future__ import annotations

from kb import CAUSE_IDS
from service.engine import Engine
from service.training import _known_texts, kb_texts, own_words_left_out, written_from

LOCAL_MODE = "words-client_mode_small_driver-6"


def test_a_kb_text_is_written_from_a_report_that_holds_it_or_all_its_words() -> None:
    report = "Our nightly job is launched in local mode through spark-submit on a VM and dies."
    assert written_from("launched in local mode through spark-submit", report)
    # Every word of it there, in another order and case: restated from this report.
    assert written_from("Spark-submit launched it in LOCAL mode", report)
    # One word the report does not hold: not from it.
    assert not written_from("launched in local mode through spark-shell", report)
    # Too few words to tell, and not verbatim.
    assert not written_from("local job", report)


def test_a_report_is_observed_without_the_words_signatures_written_from_it(
    engine: Engine,
) -> None:
    example = engine.kb.signatures[LOCAL_MODE].examples.match[0]
    report = f"The pipeline is {example}, and the driver dies with Java heap space."
    fired = {h.signature.id for h in engine.observer.text(report).hits}
    left = {h.signature.id for h in own_words_left_out(engine, report).text(report).hits}
    assert LOCAL_MODE in fired
    assert LOCAL_MODE not in left
    # Spark's own output is observed in full.
    assert "oom-java-heap-space" in fired & left or "oom-java-heap-space" not in fired


def test_a_report_the_signature_was_not_written_from_still_fires_it(engine: Engine) -> None:
    report = "We test it on my laptop in local mode first; the driver dies with Java heap space."
    left = {h.signature.id for h in own_words_left_out(engine, report).text(report).hits}
    assert LOCAL_MODE in left


def test_a_phrasing_written_from_the_report_is_not_compared_with(engine: Engine) -> None:
    assert engine.index is not None
    entry = next(e for e in engine.index.manifest.entries if len(e.text.split()) >= 8)
    full = engine.observer.text(entry.text)
    left = own_words_left_out(engine, entry.text).text(entry.text)
    assert full.similarity[entry.cause] > 0.99
    assert left.similarity.get(entry.cause, 0.0) < full.similarity[entry.cause] - 0.01
    # Nothing else of the observation changes.
    assert [h.signature.id for h in left.hits] == [
        h.signature.id
        for h in full.hits
        if h.signature.kind != "words"
        or not any(written_from(e, entry.text) for e in h.signature.examples.match)
    ]


def test_a_report_with_nothing_of_the_kb_in_it_is_observed_by_the_engines_observer(
    engine: Engine,
) -> None:
    assert own_words_left_out(engine, "zzz qqq") is engine.observer


def test_the_text_model_learns_the_kbs_phrasings_of_each_cause(engine: Engine) -> None:
    assert engine.index is not None
    said = kb_texts(engine)
    phrasing = next(e for e in engine.index.manifest.entries if e.cause in CAUSE_IDS)
    assert (phrasing.text, phrasing.cause) in said
    # Only causes: the vague phrasings (of no cause) are not learned.
    assert {cause for _, cause in said} == set(CAUSE_IDS)
    assert len(said) == sum(e.cause in CAUSE_IDS for e in engine.index.manifest.entries)


def test_a_kb_text_knows_the_reports_it_was_written_from() -> None:
    reports = [
        "Our nightly job is launched in local mode through spark-submit and dies.",
        "A streaming query keeps state for every key and the driver grows.",
    ]
    known = _known_texts(
        [("launched in local mode through spark-submit", "client_mode_small_driver")], reports
    )
    assert [(k.cause, k.written_from) for k in known] == [
        ("client_mode_small_driver", frozenset({0}))
    ]
