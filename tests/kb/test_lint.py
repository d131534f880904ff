from collections.abc import Callable

import pytest
from kb_fixtures import FixtureKB, entity

from kb.lint import VALIDATORS, LintIssue, check_id_for, run_lint
from kb.lint.facts import FactNameValidator, FactValueValidator
from kb.lint.issues import display_path
from kb.lint.references import FixReferenceValidator
from kb.lint.regex_safety import regex_risks
from kb.lint.signatures import SignatureMatchValidator
from kb.lint.trees import TreeCycleValidator
from kb.loader import load_kb
from kb.models import FactCondition

CTD = "causes/collect_to_driver.yaml"
TREE = "trees/cause-collect_to_driver.yaml"
TRIAGE = "trees/triage.yaml"
SIG = "signatures/sig-heap.yaml"

LOOPING_TREE = entity(
    "cause-collect_to_driver",
    """\
kind: cause
cause: collect_to_driver
start: confirm
nodes:
  - id: confirm
    type: question
    text: Did it fail on collect?
    options:
      - {id: "yes", label: "Yes", next: done}
      - {id: "no", label: "No", next: recheck}
    default: "yes"
  - id: recheck
    type: question
    text: Look again?
    options:
      - {id: again, label: Again, next: confirm}
    default: again
  - id: done
    type: leaf
    text: It was collect.
    cause: collect_to_driver
""",
)


def test_check_id_for_derives_kebab_case_from_class_name() -> None:
    assert check_id_for("TreeCycleValidator") == "tree-cycle"
    assert TreeCycleValidator.check_id == "tree-cycle"


def test_validators_have_unique_check_ids() -> None:
    ids = [v.check_id for v in VALIDATORS]
    assert len(ids) == len(set(ids))


def test_lint_reports_nothing_on_fixture_kb(fixture_kb: FixtureKB) -> None:
    assert fixture_kb.lint() == []


def test_lint_real_kb_has_no_errors() -> None:
    issues = run_lint(load_kb(collect_errors=True))
    errors = [str(issue) for issue in issues if issue.severity == "error"]
    assert errors == []


def test_lint_reports_dangling_fix_reference_as_issue_object(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(CTD, "fixes: [fix-collect_to_driver]", "fixes: [fix-nope]")
    kb = fixture_kb.load()
    issues = list(FixReferenceValidator().check(kb))
    assert issues == [
        LintIssue(
            path=display_path(fixture_kb.root / CTD),
            line=14,
            severity="error",
            check_id="fix-reference",
            kind="causes",
            entity_id="collect_to_driver",
            field="fixes.0",
            message="fixes.0: fix 'fix-nope' does not exist",
        )
    ]
    assert str(issues[0]).endswith(
        ":14: error fix-reference: fixes.0: fix 'fix-nope' does not exist"
    )


def test_lint_reports_cycle_at_the_closing_option(fixture_kb: FixtureKB) -> None:
    fixture_kb.files[TREE] = LOOPING_TREE
    issues = list(TreeCycleValidator().check(fixture_kb.load()))
    assert [(i.field, i.line, i.message) for i in issues] == [
        (
            "nodes.1.options.0.next",
            23,
            "nodes.1.options.0.next: option 'again' closes the loop confirm -> recheck -> confirm",
        )
    ]


def test_lint_reports_signature_missing_its_example(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(SIG, 'Exception in thread "main" java', "java.lang.OutOfMemoryError: Java")
    fixture_kb.replace(
        SIG, "OutOfMemoryError: Java heap space'\n  no_match", "OOM: heap'\n  no_match"
    )
    issues = list(SignatureMatchValidator().check(fixture_kb.load()))
    assert [(i.entity_id, i.field) for i in issues] == [("sig-heap", "examples.match.0")]


UNREACHABLE_LEAF = """\
  - id: orphan
    type: leaf
    text: Nobody gets here.
    cause: collect_to_driver
"""

Breakage = Callable[[FixtureKB], object]

LEAF = "    cause: collect_to_driver\n"  # the leaf's cause line (the tree's own is not indented)


def _append(name: str, text: str) -> Breakage:
    return lambda kb: kb.files.__setitem__(name, kb.files[name] + text)


def _replace(name: str, old: str, new: str) -> Breakage:
    return lambda kb: kb.replace(name, old, new)


def _set(name: str, text: str) -> Breakage:
    return lambda kb: kb.files.__setitem__(name, text)


def _delete(name: str) -> Breakage:
    return lambda kb: kb.files.pop(name)


BROKEN = [
    pytest.param(
        _replace(CTD, "[fix-collect_to_driver]", "[fix-nope]"), "fix-reference", id="dangling-fix"
    ),
    pytest.param(_replace(CTD, "notes: []", "notes: [nope]"), "note-reference", id="dangling-note"),
    pytest.param(
        _replace(TREE, "next: done", "next: nowhere"), "node-reference", id="dangling-next"
    ),
    pytest.param(_replace(TREE, "start: confirm", "start: gone"), "node-reference", id="bad-start"),
    pytest.param(
        _replace(TREE, 'default: "yes"', "default: maybe"), "default-reference", id="bad-default"
    ),
    pytest.param(_append(TREE, UNREACHABLE_LEAF), "tree-unreachable-node", id="unreachable-node"),
    pytest.param(_set(TREE, LOOPING_TREE), "tree-cycle", id="cycle"),
    pytest.param(_replace(TREE, '    default: "yes"\n', ""), "question-default", id="no-default"),
    pytest.param(_replace(TREE, LEAF, ""), "leaf-cause", id="leaf-no-cause"),
    pytest.param(
        _replace(CTD, "[fix-collect_to_driver]", "[fix-nope]"), "leaf-fix", id="leaf-without-fix"
    ),
    pytest.param(
        _replace(TREE, "  - id: done\n", "  - id: confirm\n"), "node-duplicate-id", id="dup-node"
    ),
    pytest.param(_replace(TREE, 'id: "no"', 'id: "yes"'), "option-duplicate-id", id="dup-option"),
    pytest.param(
        _replace(TREE, LEAF, LEAF + "    options:\n      - {id: back, label: Back, next: done}\n"),
        "node-type-fields",
        id="leaf-with-options",
    ),
    pytest.param(
        _replace(TREE, "    facts: [num_tasks]\n", "    cause: large_closure\n"),
        "node-type-fields",
        id="question-with-cause",
    ),
    pytest.param(
        _replace(TRIAGE, "    cause: too_many_tasks\n", "    cause: collect_to_driver\n"),
        "triage-coverage",
        id="cause-unreachable-from-triage",
    ),
    pytest.param(_delete(TRIAGE), "triage-tree-count", id="no-triage"),
    pytest.param(_delete(TREE), "cause-tree", id="cause-without-tree"),
    pytest.param(_delete("symptoms/large_closure.yaml"), "cause-symptoms", id="no-symptoms"),
    pytest.param(_delete(CTD), "cause-missing", id="cause-file-missing"),
    pytest.param(
        _set(
            "fixes/fix-extra.yaml",
            entity(
                "fix-extra",
                "causes: [large_closure]\nkind: code\nsummary: Unused.\nverify: [It runs.]\n",
            ),
        ),
        "fix-orphan",
        id="orphan-fix",
    ),  # fmt: skip
    pytest.param(
        _replace(
            "fixes/fix-large_closure.yaml",
            "causes: [large_closure]",
            "causes: [large_closure, streaming_state]",
        ),
        "fix-backlink",
        id="fix-backlink",
    ),  # fmt: skip
    pytest.param(
        _replace("causes/client_mode_small_driver.yaml", "[note-client]", "[]"),
        "note-unused",
        id="unused-note",
    ),
    pytest.param(
        _replace(TREE, "facts: [num_tasks]", "facts: [num_taskz]"), "fact-name", id="unknown-fact"
    ),
    pytest.param(
        _replace(SIG, "oom_kind: java_heap_space", "oom_kid: java_heap_space"),
        "fact-name",
        id="unknown-fact-in-signature",
    ),
    pytest.param(
        _replace(TRIAGE, "equals: driver", "equals: drivr"), "fact-value", id="bad-enum-value"
    ),
    pytest.param(
        _replace(SIG, "oom_kind: java_heap_space", "oom_kind: heap"),
        "fact-value",
        id="bad-enum-value-in-signature",
    ),
    pytest.param(
        _replace(TRIAGE, "equals: driver", "at_least: 3"), "fact-operator", id="number-op-on-enum"
    ),
    pytest.param(
        _replace(TREE, "at_least: 100000", "equals: many"), "fact-operator", id="enum-op-on-number"
    ),
    pytest.param(
        _replace(SIG, "pattern: 'java", "pattern: '(java"), "signature-regex", id="bad-regex"
    ),
    pytest.param(
        _replace(SIG, "Java heap space'\npoints_to", "Java heap  space'\npoints_to"),
        "signature-match",
        id="regex-misses-example",
    ),
    pytest.param(
        _replace(SIG, "GC overhead limit exceeded'", "Java heap space at collect'"),
        "signature-no-match",
        id="regex-matches-negative",
    ),
    pytest.param(
        _replace(SIG, "  no_match:\n", "  no_match:\n    - '  '\n"),
        "signature-examples",
        id="blank-example",
    ),
    pytest.param(
        _replace(SIG, "  no_match:\n", ""),
        "entity-load",
        id="examples-missing",
    ),
    pytest.param(
        _replace(SIG, "pattern: 'java", "pattern: '(?:\\w*\\s*)*java"),
        "signature-regex-safety",
        id="nested-quantifier",
    ),
    pytest.param(
        _replace(
            "symptoms/large_closure.yaml",
            "large_closure phrasing 3",
            "Collect_To_Driver   phrasing 3",
        ),
        "symptom-duplicate",
        id="duplicate-phrasing",
    ),  # fmt: skip
    pytest.param(_replace(CTD, "memory_area:", "memory_aera:"), "entity-load", id="unknown-field"),
    pytest.param(
        _replace(CTD, "title: Fixture", "title: [Fixture"), "entity-load", id="invalid-yaml"
    ),
    pytest.param(
        lambda kb: kb.files.__setitem__("signatures/sig-heap.yml", kb.files[SIG]),
        "entity-duplicate-id",
        id="dup-id",
    ),
    pytest.param(_replace(SIG, "id: sig-heap", "id: sig-hep"), "entity-filename", id="id-filename"),
    pytest.param(
        _set("../lint-exclusions.yaml", "sig-heap: [signature-regex-safety]\n"),
        "lint-exclusion-unused",
        id="unused-exclusion",
    ),
]


@pytest.mark.parametrize(("breakage", "check_id"), BROKEN)
def test_lint_reports_check_id_on_broken_fixture(
    fixture_kb: FixtureKB, breakage: Breakage, check_id: str
) -> None:
    breakage(fixture_kb)
    issues = fixture_kb.lint()
    assert check_id in {issue.check_id for issue in issues}, [str(i) for i in issues]
    for issue in issues:
        assert issue.path and issue.message
        assert issue.severity in ("error", "warning")


def test_lint_reports_each_issue_once_per_place(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(TREE, "facts: [num_tasks]", "facts: [num_taskz, also_unknown]")
    issues = [i for i in fixture_kb.lint() if i.check_id == "fact-name"]
    assert [i.field for i in issues] == ["nodes.0.facts.0", "nodes.0.facts.1"]


def test_lint_drops_excluded_issue(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(SIG, "pattern: 'java", "pattern: '(?:\\w*\\s*)*java")
    fixture_kb.files["../lint-exclusions.yaml"] = "sig-heap: signature-regex-safety\n"
    assert fixture_kb.lint() == []


def test_lint_accepts_kind_qualified_exclusion(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(SIG, "pattern: 'java", "pattern: '(?:\\w*\\s*)*java")
    fixture_kb.files["../lint-exclusions.yaml"] = "signatures/sig-heap: [signature-regex-safety]\n"
    assert fixture_kb.lint() == []


def test_lint_reports_unused_exclusion_with_its_line(fixture_kb: FixtureKB) -> None:
    fixture_kb.files["../lint-exclusions.yaml"] = "# reviewed\nsig-heap: [tree-cycle]\n"
    [issue] = fixture_kb.lint()
    assert (issue.check_id, issue.line, issue.entity_id) == ("lint-exclusion-unused", 2, "sig-heap")


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        (r"(a+)+b", True),
        (r"(.*)*x", True),
        (r"(x|\w+)+$", True),
        (r'Exception in thread ".*" .*OutOfMemoryError', True),
        (r"(\w+\.)+Exception", False),
        (r"([^,]+,)+", False),
        (r"OutOfMemoryError: Java heap space", False),
        (r"Total size of serialized results of \d+ tasks \(([\d.]+ [KMG]i?B)\)", False),
    ],
)
def test_regex_risks_flags_backtracking_shapes(pattern: str, risky: bool) -> None:
    assert bool(regex_risks(pattern)) is risky


def test_a_rules_unless_conditions_are_checked_like_its_when() -> None:
    kb = load_kb()
    rule = kb.rules["driver-memory-never-applied"]
    kb.rules[rule.id] = rule.model_copy(
        update={
            "unless": [
                FactCondition(fact="spark_eror", one_of=["analysis_error"]),
                FactCondition(fact="spark_error", one_of=["analysis_eror"]),
            ]
        }
    )
    names = [(i.check_id, i.field) for i in FactNameValidator().check(kb)]
    values = [(i.check_id, i.field) for i in FactValueValidator().check(kb)]
    assert names == [("fact-name", "unless.0.fact")]
    assert values == [("fact-value", "unless.1.one_of.0")]
