"""`doctor bench` measures what the issue's latency targets name."""

from __future__ import annotations

import pytest

from service.engine import Engine
from service.operations.bench import (
    EMBEDDING_ROW,
    SYMPTOM_ROW,
    Timing,
    driver_log,
    embedding_ratio,
    engine_rows,
    structured_log,
)


def test_the_symptom_time_is_set_against_the_embedding_time() -> None:
    rows = [Timing(EMBEDDING_ROW, [0.004, 0.005, 0.006]), Timing(SYMPTOM_ROW, [0.006, 0.0075])]
    assert embedding_ratio(rows) == "symptom p50 / embedding p50: 1.35 (target <= 1.5)"


def test_engine_rows_time_the_embedding_alone(engine: Engine) -> None:
    rows = engine_rows(engine, quick=True)
    names = [r.name for r in rows]
    assert names[:2] == [EMBEDDING_ROW, SYMPTOM_ROW]
    assert all(r.samples and min(r.samples) > 0 for r in rows)
    assert embedding_ratio(rows).startswith("symptom p50 / embedding p50: ")


def test_the_embedding_and_the_symptom_rows_embed_the_same_symptoms(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The target's ratio compares like with like: each timed pair embeds one symptom, as
    distinct texts of the same length (no cache answers either)."""
    assert engine.index is not None
    embedded: list[str] = []
    diagnosed: list[str] = []
    embedder = engine.index.embedder
    encode, diagnose = embedder.encode_queries, engine.diagnose

    def recorded_encode(texts: list[str]) -> object:
        embedded.extend(texts)
        return encode(texts)

    def recorded_diagnose(text: str, **options: object) -> object:
        diagnosed.append(text)
        return diagnose(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(embedder, "encode_queries", recorded_encode)
    monkeypatch.setattr(engine, "diagnose", recorded_diagnose)
    engine_rows(engine, quick=True)
    # The engine embeds what it diagnoses too: the embedding row's texts are the others.
    alone = [text for text in embedded if text not in set(diagnosed)]
    pairs = list(zip(alone, diagnosed, strict=False))[:5]
    assert len(pairs) == 5
    for text, symptom in pairs:
        assert text != symptom
        assert text.rsplit(" #", 1)[0] == symptom.rsplit(" #", 1)[0]
        assert len(text) == len(symptom)


def test_the_structured_log_is_read_as_the_plain_one(engine: Engine) -> None:
    """The JSON-lines row times the same failure, not a log the engine cannot read."""
    plain = engine.diagnose(driver_log(200_000))
    structured = engine.diagnose(structured_log(200_000))
    assert structured.verdict == plain.verdict == "driver_oom"
    assert structured.causes[0].id == plain.causes[0].id
