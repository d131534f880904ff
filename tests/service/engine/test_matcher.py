"""SignatureMatcher and in_driver_jvm (service/engine/matcher.py) over hand-made signatures."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import pytest

from kb import KnowledgeBase, Signature
from kb.models import CauseWeight, SignatureKind
from service.engine.budget import Budget
from service.engine.matcher import (
    QUIET_FACTOR,
    SignatureHit,
    SignatureMatcher,
    in_driver_jvm,
    required_literals,
)
from service.errors import AbandonedError
from tests.service.builders import signature_of


def signature(
    sig_id: str,
    pattern: str,
    *,
    kind: SignatureKind = "message",
    ignore_case: bool = False,
    points_to: list[CauseWeight] | None = None,
    local: bool = False,
) -> Signature:
    points = [(p.cause, p.weight) for p in points_to or []]
    return signature_of(sig_id, pattern, *points, kind=kind, ignore_case=ignore_case, local=local)


def matcher_of(kb: KnowledgeBase, *signatures: Signature) -> SignatureMatcher:
    return SignatureMatcher(replace(kb, signatures={s.id: s for s in signatures}))


@dataclass(frozen=True)
class Countdown(Budget):
    """A budget spent from its ``allowed + 1``-th check on, whatever the clock says."""

    allowed: int = 0
    checks: list[int] = field(default_factory=list)

    def spent(self) -> bool:
        self.checks.append(1)
        return len(self.checks) > self.allowed


def test_match_first_matching_line_wins(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("oom", r"OutOfMemoryError"))
    lines = [(2, "INFO nothing here"), (5, "OutOfMemoryError: first"), (9, "OutOfMemoryError: b")]
    hits = matcher.match(lines, [])
    assert [(h.signature.id, h.line, h.text, h.factor) for h in hits] == [
        ("oom", 5, "OutOfMemoryError: first", 1.0)
    ]


def test_match_gives_one_hit_per_signature_in_id_order(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("zeta", r"heap"), signature("alpha", r"space"))
    hits = matcher.match([(1, "Java heap space"), (2, "heap space again")], [])
    assert [(h.signature.id, h.line) for h in hits] == [("alpha", 1), ("zeta", 1)]


def test_match_returns_nothing_when_no_line_matches(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("oom", r"OutOfMemoryError"))
    assert matcher.match([(1, "all good"), (2, "job finished")], [(3, "it works fine")]) == []


def test_match_respects_ignore_case(kb: KnowledgeBase) -> None:
    strict = signature("strict", r"OutOfMemoryError")
    loose = signature("loose", r"OutOfMemoryError", ignore_case=True)
    hits = matcher_of(kb, strict, loose).match([(1, "outofmemoryerror in lower case")], [])
    assert [h.signature.id for h in hits] == ["loose"]


def test_match_words_signatures_only_run_over_prose(kb: KnowledgeBase) -> None:
    words = signature("cached-words", r"cached blocks", kind="words")
    log_line = (4, "INFO BlockManagerMaster: 5000 cached blocks registered")
    assert matcher_of(kb, words).match([log_line], []) == []
    hits = matcher_of(kb, words).match([log_line], [(7, "we have many cached blocks")])
    assert [(h.signature.id, h.line) for h in hits] == [("cached-words", 7)]


def test_match_non_words_signatures_do_not_run_over_prose(kb: KnowledgeBase) -> None:
    message = signature("oom", r"OutOfMemoryError")
    assert matcher_of(kb, message).match([], [(1, "I got an OutOfMemoryError today")]) == []


def test_match_quiet_line_counts_with_quiet_factor(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("frame", r"at org\.apache\.spark", kind="frame"))
    hits = matcher.match([(3, "\tat org.apache.spark.rdd.RDD.collect")], [], quiet={3})
    assert [(h.line, h.factor) for h in hits] == [(3, QUIET_FACTOR)]
    assert QUIET_FACTOR == 0.3


def test_match_prefers_a_later_loud_line_over_an_earlier_quiet_one(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("frame", r"at org\.apache\.spark", kind="frame"))
    lines = [(3, "\tat org.apache.spark.a"), (8, "\tat org.apache.spark.b")]
    hits = matcher.match(lines, [], quiet={3})
    assert [(h.line, h.factor) for h in hits] == [(8, 1.0)]


def test_match_cites_the_first_line_when_every_matching_line_is_quiet(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("frame", r"at org\.apache\.spark", kind="frame"))
    lines = [(3, "\tat org.apache.spark.a"), (8, "\tat org.apache.spark.b")]
    hits = matcher.match(lines, [], quiet={3, 8})
    assert [(h.line, h.factor) for h in hits] == [(3, QUIET_FACTOR)]


def test_match_within_without_budget_reports_no_cut(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("a", r"x"), signature("b", r"x"))
    hits, cut = matcher.match_within([(1, "x")], [])
    assert [h.signature.id for h in hits] == ["a", "b"]
    assert cut is None


def test_match_within_unspent_budget_reports_no_cut(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("a", r"x"), signature("b", r"x"))
    hits, cut = matcher.match_within([(1, "x")], [], budget=Budget.of(600.0))
    assert len(hits) == 2
    assert cut is None


def test_match_within_spent_budget_looks_for_nothing(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("a", r"x"), signature("b", r"x"))
    budget = Budget(deadline=time.monotonic() - 1.0)
    hits, cut = matcher.match_within([(1, "x")], [], budget=budget)
    assert hits == []
    assert cut == "0 of 2 signatures were looked for"


def test_match_within_budget_cut_midway_reports_how_far_it_got(kb: KnowledgeBase) -> None:
    signatures = [signature(name, r"x") for name in ("a", "b", "c")]
    budget = Countdown(deadline=time.monotonic() + 600.0, allowed=2)
    hits, cut = matcher_of(kb, *signatures).match_within([(1, "x")], [], budget=budget)
    assert [h.signature.id for h in hits] == ["a", "b"]
    assert cut == "2 of 3 signatures were looked for"


def test_match_within_cancelled_budget_raises_abandoned(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("a", r"x"))
    budget = Budget(deadline=time.monotonic() + 600.0, cancelled=lambda: True)
    with pytest.raises(AbandonedError):
        matcher.match_within([(1, "x")], [], budget=budget)


def test_matcher_compiles_every_kb_signature(kb: KnowledgeBase) -> None:
    matcher = SignatureMatcher(kb)
    assert [s.id for s, _, _ in matcher.compiled] == sorted(kb.signatures)


def test_matcher_matches_a_kb_signature_example(kb: KnowledgeBase) -> None:
    sig = kb.signatures["executor-driver-local-mode-task-oom"]
    hits = SignatureMatcher(kb).match([(1, sig.examples.match[0])], [])
    assert sig.id in {h.signature.id for h in hits}


def test_hit_feature_names_the_signature_and_local_reading(kb: KnowledgeBase) -> None:
    hit = SignatureHit(signature("oom", r"x"), 1, "x")
    assert hit.feature == "sig:oom"
    assert replace(hit, local=True).feature == "sig:oom@local"


def test_in_driver_jvm_turns_local_signature_into_driver_evidence() -> None:
    points = [
        CauseWeight(cause="client_mode_small_driver", weight=0.6),
        CauseWeight(cause="not_driver_oom", weight=-0.3),
    ]
    task_oom = signature("task-oom", r"x", points_to=points, local=True)
    (hit,) = in_driver_jvm([SignatureHit(task_oom, 4, "x", factor=0.3)])
    assert hit.local is True
    assert hit.signature.driver_side is True
    assert [p.cause for p in hit.signature.points_to] == ["client_mode_small_driver"]
    assert (hit.line, hit.text, hit.factor) == (4, "x", 0.3)
    assert task_oom.driver_side is None
    assert len(task_oom.points_to) == 2


def test_in_driver_jvm_leaves_other_signatures_alone() -> None:
    points = [CauseWeight(cause="not_driver_oom", weight=0.8)]
    executor_only = signature("executor", r"x", points_to=points)
    original = SignatureHit(executor_only, 2, "x")
    assert in_driver_jvm([original]) == [original]
    assert in_driver_jvm([original])[0] is original


@pytest.mark.parametrize(
    ("prose", "hit"),
    [
        ("the driver collects into a local list", True),
        ("even though nothing large is collected into a local list", False),
        ("we do not collect into a local list", False),
        ("we don't cache, but rows are collected into a local list", True),
        ("there is not enough memory, rows are collected into a local list", True),
    ],
)
def test_words_negated_in_their_clause_do_not_match(
    kb: KnowledgeBase, prose: str, hit: bool
) -> None:
    words = signature("local", r"collect\w* into a local list", kind="words")
    hits = matcher_of(kb, words).match([], [(1, prose)])
    assert bool(hits) is hit


def test_negation_before_a_log_line_pattern_is_ignored(kb: KnowledgeBase) -> None:
    message = signature("bcast", r"Cannot broadcast the table")
    hits = matcher_of(kb, message).match([(1, "Cannot broadcast the table over 8GB")], [])
    assert [h.signature.id for h in hits] == ["bcast"]


# --- the literal prefilter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"java\.lang\.OutOfMemoryError", ("java.lang.outofmemoryerror",)),
        (r"\bDRIVER_(?:NOT_RESPONDING|UNAVAILABLE)\b", ("not_responding", "unavailable")),
        (
            r"Exit code is 137\b|Killed by external signal",
            ("exit code is 137", "killed by external signal"),
        ),
        # The longest of a sequence's requirements is kept.
        (r"at [\w.$]+\.collect\(Dataset\.scala", (".collect(dataset.scala",)),
        (r"(?:foo)+ ba", ("foo",)),
        (r"(?:foo)+ bars", (" bars",)),
        # Optional parts require nothing; one branch that requires nothing spoils the rest.
        (r"(?:foo)?\d+", None),
        (r"foo|\d+", None),
        (r"\d+ MB", (" mb",)),
        (r"(unclosed", None),
    ],
)
def test_required_literals_reads_the_parsed_pattern(
    pattern: str, literals: tuple[str, ...] | None
) -> None:
    assert required_literals(pattern) == literals


def test_a_non_ascii_line_is_searched_whatever_its_literals(kb: KnowledgeBase) -> None:
    """Case folding outside ASCII: the Kelvin sign matches 'k' case-blind, and its lowercase
    is not 'k'; such a line is searched by the pattern itself."""
    sig = signature("kelvin", "spark", kind="message", ignore_case=True)
    hits = matcher_of(kb, sig).match([(1, "SPAR\u212a job")], [])
    assert [h.signature.id for h in hits] == ["kelvin"]


def test_every_kb_signature_that_matches_a_real_line_passes_its_prefilter(
    kb: KnowledgeBase,
) -> None:
    """The prefilter only skips work: over the KB's own examples and every line of the
    Spark 4.3 driver logs, no line a pattern matches lacks all of its literals."""
    import gzip
    import re
    from pathlib import Path

    lines = set()
    for sig in kb.signatures.values():
        lines.update(sig.examples.match)
        lines.update(sig.examples.no_match)
    for log in sorted(Path("tests/data/spark/logs").glob("*")):
        opener = gzip.open if log.suffix == ".gz" else open
        with opener(log, "rt", encoding="utf-8", errors="replace") as f:
            lines.update(line.rstrip("\n") for line in f)
    assert len(lines) > 1000
    matched = 0
    for sig in kb.signatures.values():
        pattern = re.compile(sig.pattern, re.IGNORECASE if sig.ignore_case else 0)
        literals = required_literals(sig.pattern)
        assert literals is not None, sig.id
        for line in lines:
            if line.isascii() and pattern.search(line):
                matched += 1
                assert any(literal in line.lower() for literal in literals), (sig.id, line)
    assert matched > 500


def test_short_input_reaches_the_signatures_a_long_one_would_match(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The three-character pieces only skip work: on the KB's own examples (each alone, as a
    log line and as words) and on a 30-line driver log excerpt, the hits are those of the
    path that looks at every signature."""
    import gzip
    from pathlib import Path

    import service.engine.matcher as matcher_module

    matcher = SignatureMatcher(kb)
    inputs = [
        [(1, line)]
        for sig in sorted(kb.signatures.values(), key=lambda s: s.id)
        for line in sig.examples.match + sig.examples.no_match
    ]
    log = sorted(Path("tests/data/spark/logs").glob("*"))[0]
    opener = gzip.open if log.suffix == ".gz" else open
    with opener(log, "rt", encoding="utf-8", errors="replace") as f:
        text = [line.rstrip("\n") for line in f][-30:]
    inputs.append(list(enumerate(text, 1)))
    assert len(inputs) > 500

    def hits_of(lines: list[tuple[int, str]]) -> list[tuple[str, int]]:
        found = matcher.match(lines, lines)
        return [(h.signature.id, h.line) for h in found]

    reached = [hits_of(lines) for lines in inputs]
    monkeypatch.setattr(matcher_module, "GRAM_CHARS", -1)
    assert [hits_of(lines) for lines in inputs] == reached
    assert sum(map(len, reached)) > 300


def test_matcher_without_some_signatures_still_finds_the_others(kb: KnowledgeBase) -> None:
    matcher = matcher_of(kb, signature("a", r"heap space"), signature("b", r"GC overhead"))
    line = [(1, "java.lang.OutOfMemoryError: Java heap space; GC overhead limit exceeded")]
    assert [h.signature.id for h in matcher.match(line, [])] == ["a", "b"]
    assert [h.signature.id for h in matcher.without(["a"]).match(line, [])] == ["b"]
