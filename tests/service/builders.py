"""Small, valid engine results for tests that only store or render them."""

from __future__ import annotations

from service.engine.types import Diagnosis, InputStats, Verdict


def diagnosis_of(verdict: Verdict = "driver_oom", text: str = "x") -> Diagnosis:
    """A diagnosis with no causes, as the engine would return it for ``text``."""
    return Diagnosis(
        verdict=verdict,
        summary=f"test diagnosis ({verdict})",
        causes=[],
        facts=[],
        findings=[],
        kb_version="kb-1",
        input=InputStats(bytes=len(text), lines=1, distinct_lines=1, kind="words"),
    )
