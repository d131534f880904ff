"""The text model of the tune reports: what it learns, out of fold, saved as arrays and read
back, refused when it is not the one the fit was made with, and read for reports in words only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index import StaleIndexError
from kb import CAUSE_IDS
from service.engine import Engine
from service.engine.fitted import FIT_FILE, PER_CAUSE, Features, FittedRanking, Sample, fit_ranking
from service.engine.textmodel import (
    TEXT_CHARS,
    TEXT_FILE,
    KnownText,
    TextModel,
    load,
    model_text,
    out_of_fold_scores,
    save,
    train,
)
from service.training import load_fitted

BROADCAST = "the broadcast join of the dimension table {n} kills the driver while broadcasting"
TO_PANDAS = "the notebook kernel dies in toPandas on table {n}, the python process is killed"
EXECUTOR = "an executor container {n} was killed by yarn for exceeding memory limits"


def _reports(n: int = 12) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for i in range(n):
        for template, label in (
            (BROADCAST, "broadcast_too_large"),
            (TO_PANDAS, "python_driver_oom"),
            (EXECUTOR, "not_driver_oom"),
        ):
            texts.append(template.format(n=i))
            labels.append(label)
    return texts, labels


def test_the_text_model_learns_the_words_of_each_cause() -> None:
    texts, labels = _reports()
    model = train(texts, labels)
    assert model is not None
    scores = model.scores(["our broadcast join dies while broadcasting", "toPandas kills python"])
    assert scores.shape == (2, len(CAUSE_IDS))
    assert [CAUSE_IDS[i] for i in scores.argmax(axis=1)] == [
        "broadcast_too_large",
        "python_driver_oom",
    ]
    # Centred log-probabilities: they sum to zero, and a cause no report had is at the floor.
    assert scores.sum(axis=1) == pytest.approx([0.0, 0.0], abs=1e-6)
    unseen = CAUSE_IDS.index("streaming_state")
    assert scores[0, unseen] == scores[0].min()


def test_one_text_is_scored_as_the_vectorizers_and_the_regression_would() -> None:
    from scipy.sparse import hstack

    texts, labels = _reports()
    model = train(texts, labels)
    assert model is not None
    probe = ["the broadcast join dies, python killed", "", "nothing known here"]
    x = hstack([model.words.transform(probe), model.chars.transform(probe)]).tocsr()
    expected = np.asarray(x @ model.coef.T) + model.intercept
    assert np.allclose([model._logits(t) for t in probe], expected, atol=1e-5)


def test_no_model_from_one_cause_or_from_texts_that_share_no_term() -> None:
    assert train(["a b c", "a b d"], ["collect_to_driver"] * 2) is None
    assert train(["x", "y"], ["collect_to_driver", "max_result_size"]) is None


def test_out_of_fold_a_text_is_scored_by_a_model_that_never_read_its_fold() -> None:
    texts, labels = _reports()
    fold = [i % 5 for i in range(len(texts))]
    scored = out_of_fold_scores(texts, labels, fold)
    rest = [i for i in range(len(texts)) if fold[i] != 2]
    model = train([texts[i] for i in rest], [labels[i] for i in rest])
    assert model is not None
    held = [i for i in range(len(texts)) if fold[i] == 2]
    assert np.allclose(scored[held], model.scores([texts[i] for i in held]), atol=1e-5)


def test_out_of_fold_the_kb_texts_are_learned_unless_written_from_a_text_of_the_fold() -> None:
    """The KB's phrasings are learned beside the reports, but a fold's model leaves out those
    written from a report it scores: on its own report a phrasing would say what it was written
    to say."""
    texts, labels = _reports()
    fold = [i % 5 for i in range(len(texts))]
    known = [
        KnownText("a listener keeps every event it sees", "driver_side_state", frozenset({2})),
        KnownText("the stream keeps state for every key", "streaming_state", frozenset()),
    ]
    scored = out_of_fold_scores(texts, labels, fold, known=known)
    for k, learned in ((2, known[1:]), (3, known)):
        rest = [i for i in range(len(texts)) if fold[i] != k]
        model = train(
            [texts[i] for i in rest] + [t.text for t in learned],
            [labels[i] for i in rest] + [t.cause for t in learned],
        )
        assert model is not None
        held = [i for i in range(len(texts)) if fold[i] == k]
        assert np.allclose(scored[held], model.scores([texts[i] for i in held]), atol=1e-5)


def test_a_saved_model_reads_back_the_same_and_names_its_bytes(tmp_path: Path) -> None:
    texts, labels = _reports()
    model = train(texts, labels)
    assert model is not None
    sha = save(model, tmp_path / TEXT_FILE)
    again, sha_again = load(tmp_path / TEXT_FILE)
    assert sha == sha_again and len(sha) == 64
    probe = ["the python kernel died in toPandas", "yarn killed the executor container"]
    assert np.allclose(again.scores(probe), model.scores(probe), atol=1e-5)


def test_the_model_reads_the_distinct_lines_up_to_a_limit(engine: Engine) -> None:
    seen = engine.observer.text("driver died\nat Foo.bar(Foo.java:1)\nat Foo.bar(Foo.java:2)")
    assert model_text(seen.analysis).split("\n") == ["driver died", "at Foo.bar(Foo.java:1)"]
    words = "\n".join(f"line {i} says something different: {'x' * (i % 7)}" for i in range(3000))
    assert len(model_text(engine.observer.text(words).analysis)) <= TEXT_CHARS


def _fit_with_text() -> tuple[FittedRanking, TextModel]:
    texts, labels = _reports()
    model = train(texts, labels)
    g = np.zeros((len(CAUSE_IDS), len(PER_CAUSE)))
    samples = [Sample(Features(g, {}), label, f"g{i}") for i, label in enumerate(labels[:30])]
    ranking = fit_ranking(samples, kb_hash="k", library_hash="l", model="m", knn_k=8)
    assert model is not None
    return ranking, model


def test_a_fit_is_refused_with_another_text_model(engine: Engine, tmp_path: Path) -> None:
    ranking, model = _fit_with_text()
    sha = save(model, tmp_path / TEXT_FILE)
    fitted = ranking.model_copy(
        update={"text_model_sha256": sha, "kb_hash": engine.kb.content_hash}
    )
    (tmp_path / FIT_FILE).write_text(fitted.model_dump_json())
    texts, labels = _reports(6)
    other = train(texts, labels)
    assert other is not None
    save(other, tmp_path / TEXT_FILE)
    with pytest.raises(StaleIndexError):
        load_fitted(engine, tmp_path)


def test_reports_in_words_read_the_text_model_and_logs_do_not(engine: Engine) -> None:
    ranking, model = _fit_with_text()
    engine = replace(engine, fitted=ranking.attach_text(model))
    column = PER_CAUSE.index("text")

    def text_column(text: str) -> np.ndarray:
        seen = engine.observer.text(text)
        features = engine.features(seen, engine.hand_rank(seen), [])
        return features.per_cause[:, column]

    words = text_column("our notebook kernel dies in toPandas, the python process is killed")
    assert CAUSE_IDS[int(words.argmax())] == "python_driver_oom"
    log = "\n".join(
        f"26/12/03 10:00:{n:02d} ERROR Executor: toPandas python killed in task {n}"
        for n in range(12)
    )
    assert not text_column(log).any()
    # Given explicitly (the out-of-fold scores of a training sample), the column is that.
    seen = engine.observer.text("anything at all in words")
    given = [0.5] * len(CAUSE_IDS)
    assert list(engine.features(seen, [], [], given).per_cause[:, column]) == given
