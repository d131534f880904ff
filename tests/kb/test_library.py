"""The case library (kb/cases) and its locked split: real incidents, loaded and checked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kb.errors import KBLoadError
from kb.library import load_case, load_cases, source_key, split_of
from kb.lint.cases import lint_cases
from kb.models import CAUSE_IDS

CASE = """\
id: {id}
source:
  url: {url}
  kind: qa
label: collect_to_driver
confidence: high
why: The accepted answer says the collect of the whole table filled the heap.
situation: >
  {situation}
machine_output: |
  java.lang.OutOfMemoryError: Java heap space
split: {split}
"""


def _write(tmp_path: Path, url: str, split: str | None = None, **fields: str) -> Path:
    values = {"id": "so-1", "situation": "A nightly job dies after pulling every row back."}
    values.update(fields)
    path = tmp_path / f"{values['id']}.yaml"
    path.write_text(CASE.format(url=url, split=split or split_of(url), **values))
    return path


def test_every_library_case_loads_with_its_locked_split() -> None:
    cases, issues = lint_cases()
    assert [i for i in issues if i.severity == "error"] == []
    assert len(cases) == len(load_cases())
    assert len({c.id for c in cases}) == len(cases)


def test_library_size_and_every_cause_present() -> None:
    counts = Counter(c.label for c in load_cases())
    assert sum(counts.values()) >= 220, counts
    assert set(counts) == set(CAUSE_IDS), counts
    assert counts["not_driver_oom"] >= 40, counts


def test_with_the_runs_every_cause_has_fifteen_cases_but_cached_blocks() -> None:
    """Public reports and real runs together. Cached-block metadata is the exception, said
    plainly: 6 public reports, and no run of ours made a driver fail from it (they thrash in
    full GC without an error, recorded as unverified runs)."""
    from service.evaluation import read_runs

    counts = Counter(c.label for c in load_cases()) + Counter(r.label for r in read_runs())
    assert sum(counts.values()) >= 300, counts
    short = {label for label in CAUSE_IDS if counts[label] < 15}
    assert short <= {"cached_block_metadata"}, counts
    assert counts["cached_block_metadata"] >= 6


def test_both_splits_hold_every_cause_that_has_enough_cases() -> None:
    cases = load_cases()
    for label in CAUSE_IDS:
        splits = {c.split for c in cases if c.label == label}
        if sum(c.label == label for c in cases) >= 10:
            assert splits == {"tune", "test"}, label


def test_split_is_a_hash_of_the_source_and_ignores_its_spelling() -> None:
    a = "https://stackoverflow.com/questions/12345/why-does-collect-fail"
    b = "http://www.stackoverflow.com/questions/12345/other-slug/#answer-9"
    assert source_key(a) == source_key(b) == "stackoverflow.com/questions/12345"
    assert split_of(a) == split_of(b)
    shares = Counter(split_of(f"https://example.org/thread/{n}") for n in range(2000))
    assert 0.35 < shares["test"] / 2000 < 0.45


def test_a_case_whose_split_disagrees_with_its_source_is_refused(tmp_path: Path) -> None:
    url = "https://stackoverflow.com/questions/777"
    wrong = "tune" if split_of(url) == "test" else "test"
    with pytest.raises(KBLoadError, match="hash of its source"):
        load_case(_write(tmp_path, url, wrong))


def test_a_case_named_otherwise_than_its_id_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "https://stackoverflow.com/questions/778")
    path.rename(tmp_path / "so-2.yaml")
    with pytest.raises(KBLoadError, match="differs from the file name"):
        load_case(tmp_path / "so-2.yaml")


def test_lint_finds_a_leaking_situation_and_a_shared_source(tmp_path: Path) -> None:
    url = "https://stackoverflow.com/questions/779"
    _write(tmp_path, url, situation="Clearly collect_to_driver: the job collects everything.")
    _write(tmp_path, url + "/slug", id="so-3")
    cases, issues = lint_cases(tmp_path)
    assert len(cases) == 2
    checks = Counter(i.check_id for i in issues)
    assert checks == {"case-situation-leak": 1, "case-duplicate-source": 1}


def test_text_is_the_situation_then_the_machine_output(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, "https://stackoverflow.com/questions/780"))
    assert case.text.startswith("A nightly job dies")
    assert case.text.endswith("java.lang.OutOfMemoryError: Java heap space")
