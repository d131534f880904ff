import re
import subprocess
import sys
from pathlib import Path

import pytest
from kb_fixtures import FixtureKB

from kb import CAUSE_IDS, load_kb
from kb.cli import SCHEMA_DIR, main

CTD = "causes/collect_to_driver.yaml"
ISSUE_LINE = re.compile(r"^\S+\.ya?ml:\d+: (error|warning) [a-z-]+: .+$")


def test_lint_exits_0_on_clean_fixture(
    fixture_kb: FixtureKB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "--root", str(fixture_kb.write())]) == 0
    assert capsys.readouterr().out == "kb lint: no issues in 47 files\n"


def test_lint_exits_1_and_prints_issue_lines_on_broken_fixture(
    fixture_kb: FixtureKB, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture_kb.replace(CTD, "[fix-collect_to_driver]", "[fix-nope]")
    assert main(["lint", "--root", str(fixture_kb.write())]) == 1
    *lines, summary = capsys.readouterr().out.splitlines()
    assert all(ISSUE_LINE.match(line) for line in lines), lines
    problem = "fixes.0: fix 'fix-nope' does not exist"
    assert f"{fixture_kb.root / CTD}:14: error fix-reference: {problem}" in lines
    # The missing fix also leaves two tree leaves without a fix and the real fix unused.
    assert sorted(line.split()[2].rstrip(":") for line in lines) == [
        "fix-orphan",
        "fix-reference",
        "leaf-fix",
        "leaf-fix",
    ]
    assert summary == "kb lint: 4 error(s), 0 warning(s) in 4 file(s)"


def test_lint_exits_0_on_warnings_unless_fail_on_issues(
    fixture_kb: FixtureKB, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture_kb.replace("signatures/sig-heap.yaml", "pattern: 'java", "pattern: '(?:\\w*\\s*)*java")
    root = str(fixture_kb.write())
    assert main(["lint", "--root", root]) == 0
    assert main(["lint", "--root", root, "--fail-on-issues"]) == 1
    assert "warning signature-regex-safety" in capsys.readouterr().out


def test_lint_exits_2_on_missing_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--root", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().out


def test_lint_uses_given_exclusions_file(fixture_kb: FixtureKB, tmp_path: Path) -> None:
    exclusions = tmp_path / "elsewhere.yaml"
    exclusions.write_text("sig-heap: [tree-cycle]\n", encoding="utf-8")
    root = str(fixture_kb.write())
    assert main(["lint", "--root", root]) == 0
    assert main(["lint", "--root", root, "--exclusions", str(exclusions)]) == 1


def test_show_prints_fixture_cause(
    fixture_kb: FixtureKB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "client_mode_small_driver", "--root", str(fixture_kb.write())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("client_mode_small_driver: Fixture client_mode_small_driver\n")
    for expected in [
        "memory area: jvm_heap",
        "frequency rank: -",
        "  - client_mode_small_driver phrasing 7",
        "  - Spark UI: Open the Jobs tab. -> expect One huge job.",
        "  - fix-client_mode_small_driver [config]: Give the driver more room",
        "config: spark.driver.memory=8g (launch)",
        "  - note-client: Fixture note-client",
        "  - triage (triage)",
        "  - cause-client_mode_small_driver (cause)",
    ]:
        assert expected in out


def test_show_prints_real_collect_to_driver(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "collect_to_driver"]) == 0
    out = capsys.readouterr().out
    cause = load_kb(collect_errors=True).cause("collect_to_driver")
    assert out.startswith(f"collect_to_driver: {cause.title}\n")
    for section in ("symptoms:", "diagnostics:", "fixes:", "trees:"):
        assert f"\n{section}\n" in out
    assert "spark.driver.maxResultSize" in out


def test_show_exits_2_on_unknown_cause(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "no_such_cause"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("unknown cause 'no_such_cause'; valid ids: ")
    assert all(cause_id in err for cause_id in CAUSE_IDS)


def test_schema_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check"]) == 0, capsys.readouterr().out
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == [
        f"{kind}.schema.json"
        for kind in (
            "causes",
            "facts",
            "fixes",
            "notes",
            "rules",
            "signatures",
            "symptoms",
            "trees",
            "vague",
        )
    ]


def test_schema_writes_files_to_out_folder(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "fixes.schema.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1


def test_python_m_kb_runs_lint(fixture_kb: FixtureKB) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kb", "lint", "--root", str(fixture_kb.write())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "kb lint: no issues in 47 files\n")
