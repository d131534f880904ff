"""Knowledge-base signatures compiled once and run over the input's distinct lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kb import KnowledgeBase, Signature
from service.engine.budget import Budget
from service.engine.negation import affirmed

QUIET_FACTOR = 0.3


@dataclass(frozen=True)
class SignatureHit:
    signature: Signature
    line: int
    text: str
    # Scales the hit's positive weights: frames of a non-memory exception count for little.
    factor: float = 1.0
    # Read as a local-mode line: the task ran inside the driver JVM.
    local: bool = False

    @property
    def feature(self) -> str:
        """The name the fitted ranking knows this hit by."""
        return f"sig:{self.signature.id}" + ("@local" if self.local else "")


def in_driver_jvm(hits: list[SignatureHit]) -> list[SignatureHit]:
    """Local mode: every task runs in the driver JVM, so a task's OOM, thread or frames are
    the driver's (``driver_side`` true) and say nothing for "not a driver OOM"."""
    out = []
    for hit in hits:
        signature = hit.signature
        if not signature.in_driver_jvm_when_local:
            out.append(hit)
            continue
        points = [p for p in signature.points_to if p.cause != "not_driver_oom"]
        local = signature.model_copy(update={"points_to": points, "driver_side": True})
        out.append(replace(hit, signature=local, local=True))
    return out


class SignatureMatcher:
    """Every signature of the KB, compiled; ``match`` returns the first hit per signature."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.compiled: list[tuple[Signature, re.Pattern[str]]] = [
            (sig, re.compile(sig.pattern, re.IGNORECASE if sig.ignore_case else 0))
            for sig in sorted(kb.signatures.values(), key=lambda s: s.id)
        ]

    def match(
        self,
        lines: list[tuple[int, str]],
        prose: list[tuple[int, str]],
        quiet: set[int] | None = None,
    ) -> list[SignatureHit]:
        return self.match_within(lines, prose, quiet)[0]

    def match_within(
        self,
        lines: list[tuple[int, str]],
        prose: list[tuple[int, str]],
        quiet: set[int] | None = None,
        budget: Budget | None = None,
    ) -> tuple[list[SignatureHit], str | None]:
        """Run each signature over ``(line number, text)`` pairs; first matching line wins.
        Once ``budget`` is spent the signatures left are not looked for, and the second value
        says how far it got.

        ``words`` signatures describe how people talk, so they only run over ``prose`` (the
        lines that are not log output); a log line saying "Registering BlockManagerMaster" is
        not a user complaining about cached blocks.
        """
        quiet = quiet or set()
        hits: list[SignatureHit] = []
        cut: str | None = None
        for done, (signature, pattern) in enumerate(self.compiled):
            if budget is not None and budget.spent():
                cut = f"{done} of {len(self.compiled)} signatures were looked for"
                break
            best: SignatureHit | None = None
            # The first matching line wins; a quiet one only until a line that is not quiet.
            words = signature.kind == "words"
            for number, text in prose if words else lines:
                if affirmed(pattern, text) if words else pattern.search(text):
                    factor = QUIET_FACTOR if number in quiet else 1.0
                    if best is None or factor == 1.0:
                        best = SignatureHit(signature, number, text, factor)
                    if factor == 1.0:
                        break
            if best is not None:
                hits.append(best)
        return hits, cut
