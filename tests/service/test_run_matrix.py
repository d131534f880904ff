"""The real Spark run matrix (tests/data/runs): every run recorded with how it was made, its
files present, its label a cause id, its split the hash of its scenario, and the matrix as
broad as it says (Spark 3.5 and 4.x, local and local-cluster, PySpark, Scala and SQL)."""

from __future__ import annotations

import gzip
import json
from collections import Counter

from kb.library import split_of
from kb.models import CAUSE_IDS
from service.evaluation import RUNS_ROOT, read_runs

REQUIRED = {
    "id",
    "scenario",
    "label",
    "spark_version",
    "master",
    "language",
    "command",
    "outcome",
    "log",
}


def _manifest() -> list[dict]:  # type: ignore[type-arg]
    return [
        json.loads(line)
        for path in sorted(RUNS_ROOT.glob("manifest*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def test_every_run_says_how_it_was_made_and_its_files_are_there() -> None:
    runs = _manifest()
    assert len(runs) >= 80
    assert len({r["id"] for r in runs}) == len(runs)
    for run in runs:
        assert REQUIRED <= set(run), run["id"]
        assert run["label"] in CAUSE_IDS, run["id"]
        log = RUNS_ROOT.parent.parent.parent / run["log"]
        assert gzip.decompress(log.read_bytes()).strip(), run["id"]
        if run.get("event_log"):
            assert (RUNS_ROOT.parent.parent.parent / run["event_log"]).stat().st_size > 0


def test_the_matrix_spans_versions_masters_and_languages() -> None:
    runs = _manifest()
    versions = {r["spark_version"][:1] for r in runs}
    masters = {r["master"].split("[")[0] for r in runs}
    languages = {r["language"] for r in runs}
    assert versions >= {"3", "4"} and masters >= {"local", "local-cluster"}
    assert languages >= {"pyspark", "scala", "sql"}
    labels = Counter(r["label"] for r in runs)
    assert labels["not_driver_oom"] >= 10 and len(labels) >= 9, labels


def test_a_runs_split_is_the_hash_of_its_scenario() -> None:
    runs = read_runs()
    for run in runs:
        assert run.split == split_of(f"run:{run.scenario}")
    by_scenario: dict[str, set[str]] = {}
    for run in runs:
        by_scenario.setdefault(run.scenario, set()).add(run.split)
    assert all(len(splits) == 1 for splits in by_scenario.values())
    assert {r.split for r in runs} == {"tune", "test"}
