"""The fitted ranking without the model: the fit itself, calibration, folds, persistence,
staleness, and the solved-case index it votes with."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index import HashEmbedder, StaleIndexError
from index.cases import build_case_index, case_text
from kb import CAUSE_IDS, load_kb
from kb.library import Case, split_of
from service.engine import Engine
from service.engine.fitted import (
    FIT_FILE,
    FORMAT,
    PER_CAUSE,
    UNSEEN_KIND_SCALES,
    UNSEEN_WORDS_SCALE,
    WORDS_HAND_EPS,
    Features,
    Penalty,
    Sample,
    design,
    expected_calibration_error,
    fit_brier_temperature,
    fit_params,
    fit_ranking,
    fit_temperature,
    fit_top_map,
    folds,
    kind_temperatures,
    knn_votes,
    load_fit,
    predict,
    save_fit,
    top_mapped,
    words_temperature,
)
from service.storage.cases import CaseStore
from service.storage.reporting import build_report
from service.training import confirmed_entries, load_fitted
from tests.service.builders import diagnosis_of

C, K = len(CAUSE_IDS), len(PER_CAUSE)


def _sample(label: str, hand: dict[str, float], shared: dict[str, float], group: str) -> Sample:
    g = np.zeros((C, K))
    for cause, value in hand.items():
        g[CAUSE_IDS.index(cause), 0] = value
    return Sample(Features(g, shared), label, group)


def _samples() -> list[Sample]:
    """Hand scores that point one way, and a signature that truly means another cause."""
    out = []
    for n in range(40):
        if n % 2:
            out.append(
                _sample("broadcast_too_large", {"collect_to_driver": 1.0}, {"sig:b": 1.0}, f"g{n}")
            )
        else:
            out.append(_sample("collect_to_driver", {"collect_to_driver": 1.0}, {}, f"g{n}"))
    return out


def test_with_no_data_to_say_otherwise_the_fit_is_the_hand_ranking() -> None:
    samples = [_sample("max_result_size", {"max_result_size": 2.0}, {}, "a")] * 3
    d = design(samples)
    theta, bias, w = fit_params(d, Penalty(theta=10.0, bias=10.0, weights=10.0))
    assert theta[0] == pytest.approx(1.0, abs=0.15)
    assert predict(d, theta, bias, w)[0].argmax() == CAUSE_IDS.index("max_result_size")


def test_the_fit_learns_what_a_signature_really_points_to() -> None:
    samples = _samples()
    d = design(samples)
    theta, bias, w = fit_params(d, Penalty(weights=0.01))
    predicted = predict(d, theta, bias, w).argmax(axis=1)
    assert [CAUSE_IDS[i] for i in predicted] == [s.label for s in samples]
    assert d.shared == ["sig:b"]


def test_fit_ranking_reports_cross_validation_and_calibrates() -> None:
    fitted = fit_ranking(_samples(), kb_hash="k", library_hash="l", model="m", knn_k=8)
    report = fitted.report
    assert report["samples"] == 40 and report["groups"] == 40
    assert report["cv_top1_fitted"] > report["cv_top1_hand"] == 0.5
    assert 0.0 <= report["cv_ece"] <= 0.2
    feats = _samples()[1].features
    assert fitted.probabilities(feats).sum() == pytest.approx(1.0)
    assert CAUSE_IDS[int(fitted.probabilities(feats).argmax())] == "broadcast_too_large"
    assert fitted.contribution("broadcast_too_large", "sig:b") > 0


def test_a_copy_with_new_weights_is_scored_by_its_own_weights() -> None:
    fitted = fit_ranking(_samples(), kb_hash="k", library_hash="l", model="m", knn_k=8)
    feats = _samples()[1].features
    flat = fitted.model_copy(
        update={"weights": [[0.0] * len(fitted.shared) for _ in fitted.causes]}
    )
    assert fitted.contribution("broadcast_too_large", "sig:b") > 0
    assert flat.contribution("broadcast_too_large", "sig:b") == 0
    assert not np.allclose(flat.scores(feats), fitted.scores(feats))
    same = fitted.model_copy(update={"text_model_sha256": "abc"})
    assert np.array_equal(same.scores(feats), fitted.scores(feats))


def test_the_first_cause_map_moves_the_first_probability_and_keeps_the_order() -> None:
    p = np.asarray([[0.49, 0.25, 0.26], [0.97, 0.02, 0.01]])
    mapped = top_mapped(p, 0.57, 0.44)
    assert mapped.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert list(mapped.argmax(axis=1)) == [0, 0]
    assert mapped[0, 0] > 0.49 and mapped[1, 0] < 0.97
    # The other causes keep their shares of the rest.
    assert mapped[0, 1] / mapped[0, 2] == pytest.approx(0.25 / 0.26)
    # A map that would put another cause first leaves the row as it was, and so does a row
    # whose other causes have nothing to share.
    assert np.array_equal(top_mapped(p[:1], 1.0, -3.0), p[:1])
    certain = np.asarray([[1.0, 0.0, 0.0]])
    assert np.array_equal(top_mapped(certain, 0.57, 0.44), certain)


def test_the_first_cause_map_learns_that_low_confidence_is_right_more_often() -> None:
    # Named at 0.3 and right half the time; named at 0.95 and right 4 times in 5.
    conf = [0.3] * 20 + [0.95] * 20
    right = [n % 2 == 0 for n in range(20)] + [n % 5 != 0 for n in range(20)]
    rows = []
    for c in conf:
        rest = (1 - c) / (C - 1)
        rows.append([c] + [rest] * (C - 1))
    y = np.asarray([0 if r else 1 for r in right])
    a, b = fit_top_map(np.asarray(rows), y)
    mapped = top_mapped(np.asarray([rows[0], rows[-1]]), a, b)[:, 0]
    assert mapped == pytest.approx([0.5, 0.8], abs=0.02)


def test_only_a_report_in_words_gets_the_first_cause_map() -> None:
    fitted = fit_ranking(_samples(), kb_hash="k", library_hash="l", model="m", knn_k=8)
    g = _samples()[1].features.per_cause
    mapped = fitted.model_copy(update={"words_top_map": (0.5, 1.0)})
    for kind, moved in (("kind:words", True), ("kind:mixed", True), ("kind:log", False)):
        feats = Features(g, {"sig:b": 1.0, kind: 1.0})
        before, after = fitted.probabilities(feats), mapped.probabilities(feats)
        assert after.argmax() == before.argmax()
        assert (not np.allclose(after, before)) is moved, kind


def test_a_report_in_words_is_calibrated_less_sharply_than_a_log() -> None:
    """The KB was written from tune reports, so the same evidence in words is trusted less
    than in a log; the order of the causes is the same."""
    fitted = fit_ranking(_samples(), kb_hash="k", library_hash="l", model="m", knn_k=8)
    assert fitted.words_temperature == pytest.approx(fitted.temperature * UNSEEN_WORDS_SCALE)
    g = _samples()[1].features.per_cause
    as_log = fitted.probabilities(Features(g, {"sig:b": 1.0, "kind:log": 1.0}))
    for kind in ("kind:words", "kind:mixed"):
        in_words = fitted.probabilities(Features(g, {"sig:b": 1.0, kind: 1.0}))
        assert in_words.argmax() == as_log.argmax()
        assert in_words.max() < as_log.max()
    as_words = fitted.contribution("broadcast_too_large", "sig:b", 1.0, fitted.words_temperature)
    assert 0 < as_words < fitted.contribution("broadcast_too_large", "sig:b")


def test_a_kind_of_input_gets_the_temperature_its_own_samples_want() -> None:
    """Logs whose evidence is always right want sharper probabilities than noisy reports; one
    temperature for both would leave the logs underconfident."""
    samples = []
    for n in range(60):
        right = "collect_to_driver" if n % 4 else "max_result_size"  # reports: right 3 in 4
        samples.append(_sample(right, {"collect_to_driver": 1.0}, {"kind:words": 1.0}, f"r{n}"))
        samples.append(
            _sample("collect_to_driver", {"collect_to_driver": 1.0}, {"kind:log": 1.0}, f"l{n}")
        )
    fitted = fit_ranking(samples, kb_hash="k", library_hash="l", model="m", knn_k=8)
    cv = fitted.report["cv_kind_temperatures"]
    assert cv["log"] < fitted.temperature
    # Too few event logs to fit one: they keep the single temperature.
    assert cv["event_log"] == fitted.temperature
    # Served less sharply than CV says, as for an input the KB was not written from; the kind
    # without its own temperature keeps the single one.
    assert fitted.kind_temperatures["log"] == pytest.approx(cv["log"] * UNSEEN_KIND_SCALES["log"])
    assert fitted.kind_temperatures["event_log"] == fitted.temperature
    assert fitted.kind_temperatures["log"] < fitted.temperature
    g = samples[1].features.per_cause
    as_log = fitted.probabilities(Features(g, {"kind:log": 1.0}))
    as_other = fitted.probabilities(Features(g, {}))
    assert as_log.argmax() == as_other.argmax() and as_log.max() > as_other.max()
    y = np.asarray([CAUSE_IDS.index(s.label) for s in samples])
    scores = np.stack([s.features.per_cause[:, 0] for s in samples])
    assert kind_temperatures(samples[:10], scores[:10], y[:10], 0.7) == {
        "log": 0.7,
        "event_log": 0.7,
    }


def test_expected_calibration_error() -> None:
    confident_and_right = np.tile(np.eye(C)[0], (10, 1))
    assert expected_calibration_error(confident_and_right, np.zeros(10, dtype=int)) == 0.0
    assert expected_calibration_error(confident_and_right, np.ones(10, dtype=int)) == 1.0


def test_folds_keep_a_source_together() -> None:
    groups = ["a", "b", "a", "c", "b", "a"]
    fold = folds(groups)
    assert len({fold[i] for i, g in enumerate(groups) if g == "a"}) == 1
    assert len(set(folds([f"s{n}" for n in range(100)]))) == 5


def test_knn_votes_share_the_similarity_of_the_neighbours() -> None:
    votes = knn_votes([("a", 0.8), ("b", 0.4), ("a", 0.4), ("c", 0.1)])
    assert votes == pytest.approx({"a": 0.75, "b": 0.25})
    assert knn_votes([("a", 0.1)]) == {}


def test_a_saved_fit_round_trips_and_a_stale_one_is_refused(engine: Engine, tmp_path: Path) -> None:
    fitted = fit_ranking(_samples(), kb_hash="other-kb", library_hash="l", model="m", knn_k=8)
    save_fit(fitted, tmp_path / FIT_FILE)
    assert load_fit(tmp_path / FIT_FILE) == fitted
    with pytest.raises(StaleIndexError, match="knowledge base"):
        load_fitted(engine, tmp_path)
    # A fit written by an older engine reads other features: refused, not misread.
    save_fit(fitted.model_copy(update={"format": FORMAT - 1}), tmp_path / FIT_FILE)
    with pytest.raises(StaleIndexError, match="format"):
        load_fitted(engine, tmp_path)


def _case(n: int, label: str, split_wanted: str) -> Case:
    url = next(
        f"https://example.org/t/{n}-{i}"
        for i in range(100)
        if split_of(f"https://example.org/t/{n}-{i}") == split_wanted
    )
    return Case.model_validate(
        {
            "id": f"c-{n}",
            "source": {"url": url, "kind": "qa", "title": f"case {n}"},
            "label": label,
            "confidence": "high",
            "why": "the thread says so plainly",
            "situation": f"driver dies when the job collects everything number {n}",
            "machine_output": "java.lang.OutOfMemoryError: Java heap space\nINFO nothing",
            "split": split_wanted,
        }
    )


def test_the_case_index_holds_tune_cases_only_and_can_leave_a_source_out() -> None:
    cases = [
        _case(1, "collect_to_driver", "tune"),
        _case(2, "max_result_size", "tune"),
        _case(3, "not_driver_oom", "test"),
    ]
    index = build_case_index(cases, HashEmbedder())
    assert [e.id for e in index.manifest.entries] == ["c-1", "c-2"]
    text = case_text(cases[0].situation, cases[0].machine_output)
    assert text.endswith("java.lang.OutOfMemoryError: Java heap space")
    assert index.search(text, k=1)[0].entry.id == "c-1"
    left_out = index.search(text, k=2, exclude_source=index.manifest.entries[0].source)
    assert [h.entry.id for h in left_out] == ["c-2"]


def _stored_case(store: CaseStore, text: str, cause: str) -> str:
    return store.create_case(
        channel="api",
        kb_version="v",
        input_text=text,
        input_bytes=len(text),
        redactions={},
        verdict="driver_oom",
        top_cause=cause,
        diagnosis=diagnosis_of("driver_oom", text),
    )


def test_cases_confirmed_fixed_join_the_solved_cases_as_local(tmp_path: Path) -> None:
    store = CaseStore(f"sqlite:///{tmp_path / 'doctor.db'}")
    fixed = _stored_case(store, "driver dies in toPandas of a big table", "python_driver_oom")
    twice = _stored_case(store, "broadcast join kills the driver", "broadcast_too_large")
    unhelped = _stored_case(store, "something else entirely", "collect_to_driver")
    store.add_feedback(fixed, "fixed", None, None)
    store.add_feedback(twice, "fixed", None, None)
    store.add_feedback(twice, "fixed", None, None)
    store.add_feedback(unhelped, "not_helped", None, None)
    confirmed = confirmed_entries(store)
    assert sorted(e.id for e, _ in confirmed) == sorted([f"local-{fixed}", f"local-{twice}"])
    assert all(e.local and e.url.startswith("/cases/") for e, _ in confirmed)
    index = build_case_index([_case(1, "collect_to_driver", "tune")], HashEmbedder(), confirmed)
    hit = index.search("driver dies in toPandas of a big table", k=1)[0]
    assert hit.entry.label == "python_driver_oom" and hit.entry.local
    report = build_report(store, load_kb(), confirmed_indexed=2)
    assert (report.confirmed, report.confirmed_indexed) == (2, 2)
    store.close()


def test_solved_cases_vote_in_one_column_for_words_and_another_for_logs(engine: Engine) -> None:
    knn, knn_log = PER_CAUSE.index("knn"), PER_CAUSE.index("knn_log")
    assert engine.index is not None
    solved = [_case(n, "collect_to_driver", "tune") for n in range(3)]
    engine = replace(engine, cases=build_case_index(solved, engine.index.embedder))

    def votes(text: str) -> tuple[float, float, bool]:
        seen = engine.observer.text(text)
        g = engine.features(seen, engine.hand_rank(seen), engine.similar_cases(seen)).per_cause
        return float(g[:, knn].sum()), float(g[:, knn_log].sum()), seen.is_log

    words, words_log, is_log = votes("my driver dies with java heap space when I collect a table")
    assert not is_log and words == pytest.approx(1.0) and words_log == 0.0
    log = "\n".join(
        f"26/12/03 10:00:{n:02d} ERROR SparkContext: Error in job {n}: java.lang.OutOfMemoryError"
        for n in range(12)
    )
    lines, lines_log, is_log = votes(log)
    assert is_log and lines == 0.0 and lines_log == pytest.approx(1.0)


def test_a_few_inputs_whose_cause_is_not_in_them_do_not_soften_every_other_one() -> None:
    """A kind's temperature is fitted by Brier score: four confident misses among a hundred
    sharp hits move the log-loss temperature far more than the Brier one."""
    rng = np.random.default_rng(7)
    n = 100
    y = rng.integers(0, 3, n)
    scores = rng.normal(0.0, 1.0, (n, 3))
    scores[np.arange(n), y] += 2.0  # mostly right, not always
    sure_and_wrong = scores.copy()
    for i in range(4):
        sure_and_wrong[i] = 0.0
        sure_and_wrong[i, (y[i] + 1) % 3] = 8.0
    assert fit_temperature(sure_and_wrong, y) > 1.5 * fit_temperature(scores, y)
    assert fit_brier_temperature(sure_and_wrong, y) < 1.3 * fit_brier_temperature(scores, y)


def test_the_hand_ranking_rules_a_cause_out_less_far_in_a_report_than_in_a_log(
    engine: Engine,
) -> None:
    """People's words seldom speak for every cause a report could be: as the fit reads the
    hand ranking, no cause falls below logit(0.1) for a report, logit(0.02) for a log."""
    hand = PER_CAUSE.index("hand")

    def lowest(text: str) -> float:
        seen = engine.observer.text(text)
        g = engine.features(seen, engine.hand_rank(seen), engine.similar_cases(seen)).per_cause
        return float(g[:, hand].min())

    floor = float(np.log(WORDS_HAND_EPS / (1 - WORDS_HAND_EPS)))
    assert lowest("the driver dies with java heap space right after df.toPandas()") >= floor - 1e-9
    log = "\n".join(
        [
            "26/12/03 10:00:01 INFO SparkContext: Running Spark version 3.5.1",
            "26/12/03 10:00:02 ERROR Utils: Uncaught exception in thread task-result-getter-0",
            "java.lang.OutOfMemoryError: Java heap space",
            "\tat java.util.Arrays.copyOf(Arrays.java:3537)",
        ]
        * 3
    )
    assert lowest(log) < floor


def test_reports_in_words_get_the_temperature_their_own_out_of_fold_scores_want() -> None:
    """Observed without the KB's words written from them, the tune reports' out-of-fold scores
    stand for reports the KB was not written from: with enough of them, their own log-loss
    temperature; with fewer, the single one times UNSEEN_WORDS_SCALE."""
    rng = np.random.default_rng(0)
    n, c = 60, len(CAUSE_IDS)
    y = rng.integers(0, c, n)
    oof = rng.normal(0.0, 1.0, (n, c))
    oof[np.arange(n), y] += 1.0  # right more often than not, and far too sure of it x 4
    oof *= 4.0
    g = np.zeros((c, len(PER_CAUSE)))
    words = [
        Sample(Features(g, {"kind:words": 1.0}), CAUSE_IDS[k], f"s{i}") for i, k in enumerate(y)
    ]
    assert words_temperature(words, oof, y, 1.0) == pytest.approx(fit_temperature(oof, y))
    assert words_temperature(words, oof, y, 1.0) > 1.5
    logs = [Sample(Features(g, {"kind:log": 1.0}), s.label, s.group) for s in words]
    assert words_temperature(logs, oof, y, 0.8) == pytest.approx(0.8 * UNSEEN_WORDS_SCALE)
