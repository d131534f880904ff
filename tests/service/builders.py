"""Small, valid KB entries and engine results for tests that only match, store or render them."""

from __future__ import annotations

import datetime as dt

from kb import Signature
from kb.models import CauseId, CauseWeight, SignatureExamples, SignatureKind
from service.engine.types import Diagnosis, InputStats, Verdict

DAY = dt.date(2026, 1, 1)


def signature_of(
    sig_id: str,
    pattern: str = "x",
    *points: tuple[CauseId, float],
    kind: SignatureKind = "message",
    ignore_case: bool = False,
    local: bool = False,
) -> Signature:
    """A reviewed signature made by hand (by default pointing to collect_to_driver at 0.5)."""
    return Signature(
        id=sig_id,
        title=f"test signature {sig_id}",
        status="reviewed",
        description="A signature made by hand for a test.",
        author="tests",
        date=DAY,
        modified=DAY,
        kind=kind,
        pattern=pattern,
        ignore_case=ignore_case,
        points_to=[CauseWeight(cause=c, weight=w) for c, w in points]
        or [CauseWeight(cause="collect_to_driver", weight=0.5)],
        in_driver_jvm_when_local=local,
        examples=SignatureExamples(match=["x"], no_match=["y"]),
    )


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
