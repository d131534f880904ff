"""Fit the ranking on the ``tune`` split: ``doctor kb fit`` (and the end of ``doctor index build``).

Samples are the library's ``tune`` cases (what a user would paste) and the ``tune`` runs of the
Spark run matrix (their driver logs and event logs). Every sample's nearest solved cases leave
out its own source, as the service never sees a report it already holds. ``test`` is never read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from index.cases import CaseEntry, CaseIndex, build_case_index, library_hash, save_case_index
from index.errors import IndexNotBuiltError, StaleIndexError
from kb import CAUSE_IDS
from kb.library import Case, load_cases, source_key
from service.engine import Engine, textmodel
from service.engine.engine import KNN_K
from service.engine.eventlog import read_event_log
from service.engine.fitted import (
    FIT_FILE,
    FORMAT,
    WORDS_KINDS,
    FittedRanking,
    Sample,
    fit_ranking,
    folds,
    load_fit,
    save_fit,
)
from service.engine.observe import Observation, Observer
from service.engine.textmodel import TEXT_FILE, KnownText, model_text
from service.evaluation import RUNS_ROOT, Run, event_log_is_scored, read_runs
from service.storage.cases import CaseStore


def runs_root() -> Path | None:
    """Where the Spark run matrix is: ``DOCTOR_RUNS_DIR``, the checkout's, or the cwd's."""
    for candidate in (
        os.environ.get("DOCTOR_RUNS_DIR"),
        RUNS_ROOT,
        Path.cwd() / "tests" / "data" / "runs",
    ):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def _sample(
    engine: Engine,
    seen: Observation,
    label: str,
    group: str,
    exclude: str | None,
    text: Sequence[float] | None = None,
) -> Sample:
    hand = engine.hand_rank(seen)
    similar = engine.similar_cases(seen, exclude_source=exclude)
    return Sample(engine.features(seen, hand, similar, text), label, group)


def _tune_reports(engine: Engine, cases: Sequence[Case]) -> list[tuple[Case, Observation, str]]:
    """Each ``tune`` case with what the engine observes of it (its own words left out: see
    own_words_left_out) and its source key."""
    return [
        (case, own_words_left_out(engine, case.text).text(case.text), source_key(case.source.url))
        for case in cases
        if case.split == "tune"
    ]


# --- a report's own words, left out -------------------------------------------------------------

# Tokens compared when telling whether a KB text was written from a report.
_TOKEN = re.compile(r"[a-z0-9_.]{3,}")
# An example or phrasing of at least this many tokens, all of them in the report, was written
# from it (or says nothing the report does not); shorter ones only when copied verbatim.
MIN_TOKENS = 4
MIN_VERBATIM = 12


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def written_from(kb_text: str, report: str, report_tokens: set[str] | None = None) -> bool:
    """Whether ``kb_text`` (a signature's example or a phrasing) reads as taken from
    ``report``: verbatim, or every one of its (at least MIN_TOKENS) tokens in the report."""
    kb_text, report = _normal(kb_text), _normal(report)
    if len(kb_text) >= MIN_VERBATIM and kb_text in report:
        return True
    tokens = _TOKEN.findall(kb_text)
    if len(tokens) < MIN_TOKENS:
        return False
    have = set(_TOKEN.findall(report)) if report_tokens is None else report_tokens
    return all(t in have for t in tokens)


def own_words_left_out(engine: Engine, report: str) -> Observer:
    """An observer without the ``words`` signatures and the phrasings written from ``report``.

    The KB's words signatures and symptom phrasings were written from the ``tune`` reports, so
    on its own report a signature fires because it was written to, which a new report's words
    do not. Stacking wants its inputs out of sample: observed this way a ``tune`` report shows
    the fit what the KB's words find in a report they were not written from. Grouped CV on
    ``tune``, 2026-12-04, each held-out report observed this way: trained on reports observed
    in full, top-1 0.711, top-3 0.906, log-loss 1.029; trained on reports observed this way,
    0.726, 0.919, 1.010 (69 signature examples in 67 reports, 155 phrasings in 86). Logs are
    Spark's own output, whatever the KB quotes of them: they are observed in full.
    """
    tokens = set(_TOKEN.findall(_normal(report)))
    signatures = [
        s.id
        for s in engine.kb.signatures.values()
        if s.kind == "words" and any(written_from(e, report, tokens) for e in s.examples.match)
    ]
    entries = engine.index.manifest.entries if engine.index is not None else []
    phrasings = frozenset(e.text for e in entries if written_from(e.text, report, tokens))
    if not signatures and not phrasings:
        return engine.observer
    return replace(
        engine.observer,
        matcher=engine.matcher.without(signatures),
        similar_causes=partial(engine.similar_causes, leave_out=phrasings),
    )


def _in_words(
    reports: Sequence[tuple[Case, Observation, str]],
) -> tuple[list[int], list[str], list[str]]:
    """The reports in words: their positions, the text the text model reads, their labels."""
    words = [i for i, (_, seen, _) in enumerate(reports) if seen.kind in WORDS_KINDS]
    texts = [model_text(reports[i][1].analysis) for i in words]
    return words, texts, [reports[i][0].label for i in words]


def kb_texts(engine: Engine) -> list[tuple[str, str]]:
    """What the KB says in words, each with the cause it says it of: every cause's title and
    symptom phrasings, as the index holds them (the vague phrasings, of no cause, left out).
    The text model learns them beside the reports (see textmodel)."""
    entries = engine.index.manifest.entries if engine.index is not None else []
    return [(e.text, e.cause) for e in entries if e.cause in CAUSE_IDS]


def _known_texts(said: Sequence[tuple[str, str]], reports: Sequence[str]) -> list[KnownText]:
    """Each KB text with the positions of the ``reports`` it was written from."""
    tokens = [set(_TOKEN.findall(_normal(report))) for report in reports]
    return [
        KnownText(
            text,
            cause,
            frozenset(
                i for i, report in enumerate(reports) if written_from(text, report, tokens[i])
            ),
        )
        for text, cause in said
    ]


def training_samples(
    engine: Engine,
    cases: Sequence[Case],
    runs: Sequence[Run],
    reports: Sequence[tuple[Case, Observation, str]] | None = None,
) -> list[Sample]:
    """One sample per ``tune`` case, and per ``tune`` run's driver log and event log (the
    event logs ``doctor eval`` scores: see run_event_log_cases). A report in words gets the
    text model's scores out of fold: from a model that never read its source. ``reports``:
    the cases as _tune_reports observed them already."""
    if reports is None:
        reports = _tune_reports(engine, cases)
    words, texts, labels = _in_words(reports)
    known = _known_texts(kb_texts(engine), [reports[i][0].text for i in words])
    scored = textmodel.out_of_fold_scores(
        texts, labels, folds([reports[i][2] for i in words]), known=known
    )
    text_of = {i: scored[n] for n, i in enumerate(words)}
    samples = []
    for i, (case, seen, key) in enumerate(reports):
        samples.append(_sample(engine, seen, case.label, key, key, text_of.get(i)))
    for run in runs:
        if run.split != "tune":
            continue
        group = f"run:{run.scenario}"
        seen = engine.observer.text(run.driver_log())
        samples.append(_sample(engine, seen, run.label, group, None))
        # Trained on the event logs evaluated: a driver-OOM run whose event log records no
        # failure (the Python process ran out, the driver failed before any job) holds nothing
        # that names the cause, and would teach that a silent log is a driver OOM.
        if run.event_log is None:
            continue
        summary = read_event_log(run.event_log)
        if event_log_is_scored(run.label, summary):
            seen = engine.observer.event_log(summary)
            samples.append(_sample(engine, seen, run.label, group, None))
    return samples


def fit(engine: Engine, cases: Sequence[Case], runs: Sequence[Run]) -> FittedRanking:
    """Fit on ``engine``'s evidence (hand weights, its case index) and return the ranking,
    its text model attached."""
    hand_engine = replace(engine, fitted=None)
    # Each case is observed once, for the samples and for the text model of every report.
    reports = _tune_reports(hand_engine, cases)
    samples = training_samples(hand_engine, cases, runs, reports)
    assert engine.index is not None
    ranking = fit_ranking(
        samples,
        kb_hash=engine.kb.content_hash,
        library_hash=library_hash(cases),
        model=engine.index.manifest.model,
        knn_k=KNN_K,
    )
    _, texts, labels = _in_words(reports)
    said = kb_texts(engine)
    text = textmodel.train(texts + [t for t, _ in said], labels + [c for _, c in said])
    return ranking.attach_text(text) if text is not None else ranking


def confirmed_entries(store: CaseStore) -> list[tuple[CaseEntry, str]]:
    """Cases this service confirmed (feedback: a fix worked), as solved cases to compare with.
    Their input was redacted before it was stored; only the causes in the KB are kept."""
    entries = []
    for case_id, cause, text in store.confirmed_cases():
        if cause not in CAUSE_IDS:
            continue
        entry = CaseEntry(
            id=f"local-{case_id}",
            label=cause,
            title=f"Case {case_id}, confirmed fixed here",
            url=f"/cases/{case_id}",
            source=f"local:{case_id}",
            local=True,
        )
        entries.append((entry, text))
    return entries


def index_cases(engine: Engine, directory: Path, store: CaseStore | None) -> CaseIndex:
    """Rebuild the solved-case index: the library's ``tune`` cases and the confirmed ones."""
    assert engine.index is not None
    local = confirmed_entries(store) if store is not None else []
    cases = build_case_index(load_cases(), engine.index.embedder, local)
    save_case_index(cases, directory)
    engine.cases = cases
    return cases


def fit_and_save(engine: Engine, directory: Path) -> FittedRanking:
    root = runs_root()
    runs = read_runs(root) if root is not None else []
    fitted = fit(engine, load_cases(), runs)
    if fitted.text is not None:
        sha = textmodel.save(fitted.text, directory / TEXT_FILE)
        fitted = fitted.model_copy(update={"text_model_sha256": sha}).attach_text(fitted.text)
    save_fit(fitted, directory / FIT_FILE)
    return fitted


def load_fitted(engine: Engine, directory: Path, *, refit_stale: bool = False) -> FittedRanking:
    """The saved fit, checked against this KB, library and model (refitted if allowed).

    Raises:
        IndexNotBuiltError: no fit saved there (and ``refit_stale`` is off).
        StaleIndexError: saved for another KB, library or model.
    """
    path = directory / FIT_FILE
    try:
        if not path.exists():
            raise IndexNotBuiltError(str(directory))
        fitted = load_fit(path)
        assert engine.index is not None
        checks = (
            # A fit of another format reads other features (another number of columns).
            ("format", str(fitted.format), str(FORMAT)),
            ("knowledge base", fitted.kb_hash[:12], engine.kb.content_hash[:12]),
            ("case library", fitted.library_hash, library_hash(load_cases())),
            ("model", fitted.model, engine.index.manifest.model),
        )
        for what, built, current in checks:
            if built != current:
                raise StaleIndexError(f"the fitted ranking's {what}", built, current)
        if fitted.text_model_sha256 is not None:
            if not (directory / TEXT_FILE).exists():
                raise IndexNotBuiltError(str(directory))
            model, sha = textmodel.load(directory / TEXT_FILE)
            if sha != fitted.text_model_sha256:
                raise StaleIndexError(
                    "the fitted ranking's text model", fitted.text_model_sha256, sha
                )
            fitted.attach_text(model)
    except (IndexNotBuiltError, StaleIndexError):
        if not refit_stale:
            raise
        fitted = fit_and_save(engine, directory)
    return fitted
