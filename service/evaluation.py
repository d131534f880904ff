"""Accuracy of the engine over labelled cases: the case library, the real Spark runs and
JSON-lines sets (``{"id", "text", "label"}``).

Besides top-1 and top-3 it measures **guided accuracy**: every case is walked through the
decision trees by a truthful user who knows the case's cause. At each question the user picks
an option from which the trees can still reach that cause (the shortest way; "I don't know"
where none can), auto-answers are taken as the walker takes them, and the walk stops at the
fix page. Guided top-1 is the share of walks whose fix page is the case's cause.

A ``test`` split is reported in aggregate only: :func:`format_report` lists the cases it
missed for every other split, never for ``test``.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb import KnowledgeBase, Tree
from kb.library import Case as LibraryCase
from kb.library import source_key, split_of
from service.engine.eventlog import EventLogSummary, read_event_log
from service.engine.ranker import RankingWeights
from service.engine.types import Diagnosis
from service.engine.walk import NO_MATCH, NONE, Step, Walker
from service.errors import InputTooLargeError

REPO = Path(__file__).resolve().parent.parent
RUNS_ROOT = REPO / "tests" / "data" / "runs"
LEGACY_RUNS = REPO / "tests" / "data" / "spark"
# A walk never needs more answers than a tree has questions; this bounds a broken KB.
# The hand-weighted ranking approaches `doctor eval --approach` and `doctor bench` compare with
# the fitted ranking.
APPROACHES = {
    "hybrid": RankingWeights(),
    "signatures": RankingWeights(dense_share=0.0),
    "dense": RankingWeights(signature_share=0.0, dense_share=1.0),
    "keyword": RankingWeights(signature_share=0.0, dense_share=1.0, similarity="keyword"),
}

MAX_QUESTIONS = 30


@dataclass(frozen=True)
class EvalCase:
    """One labelled input: pasted ``text`` or an ``event_log`` file."""

    id: str
    label: str
    text: str = ""
    event_log: Path | None = None
    split: str = "all"
    # The case's source key: its own solved case is left out of the nearest cases.
    source: str | None = None


@dataclass(frozen=True)
class Guided:
    """Where a truthful user's walk ended, and how many questions the user answered."""

    cause: str | None
    questions: int
    auto: int


@dataclass(frozen=True)
class Outcome:
    case: EvalCase
    ranked: list[str]
    verdict: str
    seconds: float
    guided: Guided | None = None
    # The confidence the diagnosis gave its first cause (a probability under the fitted ranking).
    confidence: float = 0.0

    @property
    def top1(self) -> bool:
        return bool(self.ranked) and self.ranked[0] == self.case.label

    @property
    def top3(self) -> bool:
        return self.case.label in self.ranked[:3]

    @property
    def guided_top1(self) -> bool:
        return self.guided is not None and self.guided.cause == self.case.label


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return _share(o.top1 for o in self.outcomes)

    @property
    def top3(self) -> float:
        return _share(o.top3 for o in self.outcomes)

    @property
    def guided_top1(self) -> float:
        return _share(o.guided_top1 for o in self.outcomes if o.guided is not None)

    def calibration_error(self, bins: int = 10) -> float:
        """Expected calibration error of the first cause's confidence (0: calibrated)."""
        total = 0.0
        for b in range(bins):
            low, high = b / bins, (b + 1) / bins
            inside = [
                o
                for o in self.outcomes
                if (low < o.confidence <= high) or (b == 0 and o.confidence == 0)
            ]
            if inside:
                accuracy = sum(o.top1 for o in inside) / len(inside)
                confidence = sum(o.confidence for o in inside) / len(inside)
                total += len(inside) / len(self.outcomes) * abs(accuracy - confidence)
        return total

    @property
    def mean_confidence(self) -> float:
        """The first cause's confidence on average: above top-1 the service claims more than
        it gets right (overconfident), below it claims less."""
        if not self.outcomes:
            return 0.0
        return sum(o.confidence for o in self.outcomes) / len(self.outcomes)

    def questions(self, quantile: float) -> float:
        return _quantile([o.guided.questions for o in self.outcomes if o.guided], quantile)

    def recall(self) -> dict[str, tuple[int, int, int]]:
        """label -> (top-1 hits, guided hits, cases)."""
        totals: Counter[str] = Counter(o.case.label for o in self.outcomes)
        hits: Counter[str] = Counter(o.case.label for o in self.outcomes if o.top1)
        guided: Counter[str] = Counter(o.case.label for o in self.outcomes if o.guided_top1)
        return {label: (hits[label], guided[label], totals[label]) for label in sorted(totals)}

    def confused(self) -> list[tuple[tuple[str, str], int]]:
        pairs = Counter(
            (o.case.label, o.ranked[0] if o.ranked else "-") for o in self.outcomes if not o.top1
        )
        return pairs.most_common()

    def latency_ms(self, quantile: float) -> float:
        return _quantile([o.seconds * 1000 for o in self.outcomes], quantile)


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def _quantile(values: Sequence[float], quantile: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(quantile * 100) - 1]


# --- where cases come from -------------------------------------------------------------------


def read_cases(path: Path) -> list[EvalCase]:
    """Labelled cases from a JSON-lines file; a bad line raises ValueError naming it."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            cases.append(
                EvalCase(id=str(raw["id"]), text=str(raw["text"]), label=str(raw["label"]))
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a case line ({exc})") from None
    return cases


def library_cases(cases: Iterable[LibraryCase]) -> list[EvalCase]:
    return [
        EvalCase(
            id=c.id, label=c.label, text=c.text, split=c.split, source=source_key(c.source.url)
        )
        for c in cases
    ]


@dataclass(frozen=True)
class Run:
    """One real Spark run of the matrix: its driver log and, when Spark wrote one, event log."""

    id: str
    scenario: str
    label: str
    log: Path
    event_log: Path | None

    @property
    def split(self) -> str:
        return split_of(f"run:{self.scenario}")

    def driver_log(self) -> str:
        data = self.log.read_bytes()
        if self.log.suffix == ".gz":
            data = gzip.decompress(data)
        return data.decode("utf-8", errors="replace")


def read_runs(root: Path = RUNS_ROOT, legacy: Path | None = LEGACY_RUNS) -> list[Run]:
    """Every run in ``root``'s ``manifest*.jsonl`` files, plus the earlier Spark 4.3 runs."""
    runs = []
    for manifest in sorted(root.glob("manifest*.jsonl")):
        for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                event_log = raw.get("event_log")
                runs.append(
                    Run(
                        id=str(raw["id"]),
                        scenario=str(raw["scenario"]),
                        label=str(raw["label"]),
                        log=REPO / raw["log"],
                        event_log=REPO / event_log if event_log else None,
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{manifest}:{number}: not a run line ({exc})") from None
    if legacy is not None and (legacy / "cases.jsonl").exists():
        runs.extend(_legacy_runs(legacy))
    return runs


# The earlier runs' names for scenarios the matrix names otherwise (the split is by scenario).
_LEGACY_SCENARIOS = {"not_driver_oom_udf": "udf_error", "not_driver_oom_analysis": "analysis_error"}


def _legacy_runs(folder: Path) -> list[Run]:
    runs = []
    for case in read_cases(folder / "cases.jsonl"):
        name = case.id.removeprefix("spark-").replace("-", "_")
        event_log = folder / "eventlogs" / name
        scenario = _LEGACY_SCENARIOS.get(name, name)
        runs.append(
            Run(
                id=f"{scenario}--pyspark--spark43--local2",
                scenario=scenario,
                label=case.label,
                log=folder / "logs" / f"{name}.log",
                event_log=event_log if event_log.exists() else None,
            )
        )
    return runs


def run_log_cases(runs: Iterable[Run]) -> list[EvalCase]:
    return [EvalCase(id=r.id, label=r.label, text=r.driver_log(), split=r.split) for r in runs]


def run_event_log_cases(runs: Iterable[Run]) -> list[EvalCase]:
    """The runs whose event log ``event_log_is_scored``."""
    return [
        EvalCase(id=r.id, label=r.label, event_log=r.event_log, split=r.split)
        for r in runs
        if r.event_log is not None and event_log_is_scored(r.label, _summary_of(r.event_log))
    ]


def _summary_of(path: Path) -> EventLogSummary | None:
    """The log as the service reads it; None past what it reads."""
    try:
        return read_event_log(path)
    except InputTooLargeError:
        return None


def event_log_is_scored(label: str, summary: EventLogSummary | None) -> bool:
    """Whether a run's event log holds what its case is about, so that ``doctor eval`` scores
    it and the fit trains on it: a failure Spark recorded (a failed job, stage, task or query,
    or a driver that died before the end event), or, for a ``not_driver_oom`` run, whatever it
    shows. A PySpark driver's MemoryError, say, happens in the Python process, which the event
    log does not record: no diagnosis can find it there. ``None``, a log past what the service
    reads, stays a case, scored as the miss users would see."""
    if label == "not_driver_oom" or summary is None:
        return True
    died = any(f.name == "driver_died" and f.value == "yes" for f in summary.facts)
    return bool(summary.failures) or died


# --- the truthful user -----------------------------------------------------------------------


def questions_to_cause(tree: Tree, start: str, cause: str) -> int | None:
    """The fewest questions between node ``start`` and a leaf of ``cause`` (None: none)."""
    return tree.answers_to(cause, start)


def truthful_answer(kb: KnowledgeBase, step: Step, cause: str) -> str:
    """The option a user who knows ``cause`` picks: the one that still leads there soonest;
    "none of these" when no option leads there."""
    assert step.question is not None
    tree = kb.tree(step.tree)
    node = next(n for n in tree.nodes if n.id == step.question.node)
    best: tuple[int, str] | None = None
    for option in node.options:
        distance = questions_to_cause(tree, option.next, cause)
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, option.id)
    return best[1] if best is not None else NONE


def guided_walk(walker: Walker, diagnosis: Diagnosis, cause: str) -> Guided:
    """Walk as a user who knows ``cause`` answers: the option that leads there, "none of
    these" when none does, and "this does not match" on another cause's fix page."""
    step = walker.start(diagnosis)
    asked = 0
    while asked < MAX_QUESTIONS:
        if step.kind == "question":
            assert step.question is not None
            option = truthful_answer(walker.kb, step, cause)
            step = walker.answer(step.state, step.question.node, option)
        elif step.kind == "fix" and step.fix_page is not None and step.fix_page.cause != cause:
            step = walker.answer(step.state, step.fix_page.leaf, NO_MATCH)
        else:
            break
        asked += 1
    auto = sum(1 for a in step.answered if a.how == "auto")
    reached = step.fix_page.cause if step.fix_page is not None else None
    return Guided(cause=reached, questions=asked, auto=auto)


# --- scoring ---------------------------------------------------------------------------------


def evaluate(
    cases: Sequence[EvalCase],
    diagnose: Callable[[str, str | None], Diagnosis],
    diagnose_event_log: Callable[[Path], Diagnosis] | None = None,
    walker: Walker | None = None,
) -> Report:
    report = Report()
    for case in cases:
        started = time.perf_counter()
        try:
            if case.event_log is not None:
                if diagnose_event_log is None:
                    raise ValueError(f"{case.id}: an event-log case needs diagnose_event_log")
                diagnosis = diagnose_event_log(case.event_log)
            else:
                diagnosis = diagnose(case.text, case.source)
        except InputTooLargeError:
            # The service refuses the input (a clear 413 for a user): no cause, no walk. It
            # counts as a miss everywhere rather than leaving the set.
            refused = Guided(cause=None, questions=0, auto=0) if walker is not None else None
            elapsed = time.perf_counter() - started
            report.outcomes.append(Outcome(case, [], "refused", elapsed, refused, 0.0))
            continue
        elapsed = time.perf_counter() - started
        ranked = [c.id for c in diagnosis.causes]
        guided = guided_walk(walker, diagnosis, case.label) if walker is not None else None
        confidence = diagnosis.causes[0].confidence if diagnosis.causes else 0.0
        report.outcomes.append(
            Outcome(case, ranked, diagnosis.verdict, elapsed, guided, confidence)
        )
    return report


def _leaning(gap: float) -> str:
    """Which way the confidences lean, read from mean confidence minus top-1."""
    if abs(gap) < 0.02:
        return "calibrated on average"
    return "overconfident" if gap > 0 else "underconfident"


def format_report(name: str, report: Report, list_misses: bool = True) -> str:
    """The figures of one set; ``list_misses=False`` (a ``test`` split) names no case."""
    n = len(report.outcomes)
    lines = [
        f"== {name}: {n} cases",
        f"top-1 {report.top1:.3f}   top-3 {report.top3:.3f}",
    ]
    if any(o.guided is not None for o in report.outcomes):
        lines.append(
            f"guided top-1 {report.guided_top1:.3f}   questions answered median "
            f"{report.questions(0.50):.0f}, p90 {report.questions(0.90):.0f}"
        )
    unknown = sum(1 for o in report.outcomes if o.verdict == "unknown")
    lines.append(
        f"verdict unknown in {unknown}/{n}   calibration error (ECE) "
        f"{report.calibration_error():.3f}   latency p50 {report.latency_ms(0.50):.1f} ms   "
        f"p95 {report.latency_ms(0.95):.1f} ms"
    )
    lines.append(
        f"mean confidence {report.mean_confidence:.3f} against top-1 {report.top1:.3f} "
        f"({_leaning(report.mean_confidence - report.top1)})"
    )
    driver = [o for o in report.outcomes if o.case.label != "not_driver_oom"]
    dismissed = sum(1 for o in driver if o.ranked[:1] == ["not_driver_oom"])
    lines.append(f"driver-OOM cases called not_driver_oom: {dismissed}/{len(driver)}")
    lines.append("recall per label:        top-1      guided")
    for label, (hit, guided, total) in report.recall().items():
        lines.append(
            f"  {label:<24} {hit:>3}/{total:<3} {hit / total:.2f}  {guided:>3}/{total:<3} "
            f"{guided / total:.2f}"
        )
    confused = report.confused()
    lines.append("confused (label -> top-1):" if confused else "confused: none")
    for (label, predicted), count in confused:
        lines.append(f"  {label} -> {predicted}  x{count}")
    if list_misses:
        for o in report.outcomes:
            if not o.top1 or (o.guided is not None and not o.guided_top1):
                walked = f", walk ended at {o.guided.cause}" if o.guided else ""
                lines.append(
                    f"  miss {o.case.id}: expected {o.case.label}, got {o.ranked[:3]}{walked}"
                )
    return "\n".join(lines)


# --- the sets `doctor eval` scores by default ------------------------------------------------

SETS = ("library", "runs", "runs-event-logs")


def standard_sets(names: Sequence[str] = SETS) -> dict[str, list[EvalCase]]:
    """The repository's own evaluation data: the case library and the real Spark runs."""
    from kb.library import load_cases

    sets: dict[str, list[EvalCase]] = {}
    runs = read_runs() if {"runs", "runs-event-logs"} & set(names) else []
    for name in names:
        if name == "library":
            sets[name] = library_cases(load_cases())
        elif name == "runs":
            sets[name] = run_log_cases(runs)
        elif name == "runs-event-logs":
            sets[name] = run_event_log_cases(runs)
        else:
            raise ValueError(f"unknown set {name!r}; choose from {', '.join(SETS)}")
    return sets


def by_split(cases: Sequence[EvalCase], splits: Sequence[str]) -> dict[str, list[EvalCase]]:
    return {s: [c for c in cases if c.split == s] for s in splits}
