"""Fit the ranking on the ``tune`` split: ``doctor kb fit`` (and the end of ``doctor index build``).

Samples are the library's ``tune`` cases (what a user would paste) and the ``tune`` runs of the
Spark run matrix (their driver logs and event logs). Every sample's nearest solved cases leave
out its own source, as the service never sees a report it already holds. ``test`` is never read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from index.cases import CaseEntry, CaseIndex, build_case_index, library_hash, save_case_index
from index.errors import IndexNotBuiltError, StaleIndexError
from kb import CAUSE_IDS
from kb.library import Case, load_cases, source_key
from service.engine import Engine
from service.engine.eventlog import read_event_log
from service.engine.fitted import (
    FIT_FILE,
    FORMAT,
    FittedRanking,
    Sample,
    fit_ranking,
    load_fit,
    save_fit,
)
from service.engine.observe import Observation
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
    engine: Engine, seen: Observation, label: str, group: str, exclude: str | None
) -> Sample:
    hand = engine.hand_rank(seen)
    similar = engine.similar_cases(seen, exclude_source=exclude)
    return Sample(engine.features(seen, hand, similar), label, group)


def training_samples(engine: Engine, cases: Sequence[Case], runs: Sequence[Run]) -> list[Sample]:
    """One sample per ``tune`` case, and per ``tune`` run's driver log and event log (the
    event logs ``doctor eval`` scores: see run_event_log_cases)."""
    samples = []
    for case in cases:
        if case.split != "tune":
            continue
        key = source_key(case.source.url)
        samples.append(_sample(engine, engine.observer.text(case.text), case.label, key, key))
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
    """Fit on ``engine``'s evidence (hand weights, its case index) and return the ranking."""
    hand_engine = replace(engine, fitted=None)
    samples = training_samples(hand_engine, cases, runs)
    assert engine.index is not None
    return fit_ranking(
        samples,
        kb_hash=engine.kb.content_hash,
        library_hash=library_hash(cases),
        model=engine.index.manifest.model,
        knn_k=8,
    )


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
    except (IndexNotBuiltError, StaleIndexError):
        if not refit_stale:
            raise
        fitted = fit_and_save(engine, directory)
    return fitted
