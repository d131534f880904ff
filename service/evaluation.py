"""Accuracy and latency of the engine over labelled cases (``{"id", "text", "label"}`` lines)."""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from service.engine.types import Diagnosis


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    label: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    ranked: list[str]
    verdict: str
    seconds: float

    @property
    def top1(self) -> bool:
        return bool(self.ranked) and self.ranked[0] == self.case.label

    @property
    def top3(self) -> bool:
        return self.case.label in self.ranked[:3]


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return _share(o.top1 for o in self.outcomes)

    @property
    def top3(self) -> float:
        return _share(o.top3 for o in self.outcomes)

    def recall(self) -> dict[str, tuple[int, int]]:
        totals: Counter[str] = Counter(o.case.label for o in self.outcomes)
        hits: Counter[str] = Counter(o.case.label for o in self.outcomes if o.top1)
        return {label: (hits[label], totals[label]) for label in sorted(totals)}

    def confused(self) -> list[tuple[tuple[str, str], int]]:
        pairs = Counter(
            (o.case.label, o.ranked[0] if o.ranked else "-") for o in self.outcomes if not o.top1
        )
        return pairs.most_common()

    def latency_ms(self, quantile: float) -> float:
        times = sorted(o.seconds * 1000 for o in self.outcomes)
        if not times:
            return 0.0
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[int(quantile * 100) - 1]


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def read_cases(path: Path) -> list[Case]:
    """Labelled cases from a JSON-lines file; a bad line raises ValueError naming it."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            cases.append(Case(id=str(raw["id"]), text=str(raw["text"]), label=str(raw["label"])))
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not a case line ({exc})") from None
    return cases


def evaluate(cases: Sequence[Case], diagnose: Callable[[str], Diagnosis]) -> Report:
    report = Report()
    for case in cases:
        started = time.perf_counter()
        diagnosis = diagnose(case.text)
        elapsed = time.perf_counter() - started
        ranked = [c.id for c in diagnosis.causes]
        report.outcomes.append(Outcome(case, ranked, diagnosis.verdict, elapsed))
    return report


def format_report(name: str, report: Report) -> str:
    lines = [
        f"== {name}: {len(report.outcomes)} cases",
        f"top-1 accuracy {report.top1:.3f}   top-3 accuracy {report.top3:.3f}",
        f"latency p50 {report.latency_ms(0.50):.1f} ms   p95 {report.latency_ms(0.95):.1f} ms",
        "recall per label (top-1):",
    ]
    for label, (hit, total) in report.recall().items():
        lines.append(f"  {label:<26} {hit}/{total}  {hit / total:.2f}")
    confused = report.confused()
    lines.append("confused pairs (label -> predicted):" if confused else "confused pairs: none")
    for (label, predicted), count in confused:
        lines.append(f"  {label} -> {predicted}  x{count}")
    misses = [o for o in report.outcomes if not o.top1]
    for outcome in misses:
        lines.append(
            f"  miss {outcome.case.id}: expected {outcome.case.label}, got {outcome.ranked[:3]}"
        )
    return "\n".join(lines)
