"""Knowledge-base signatures compiled once and run over the input's distinct lines."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from kb import KnowledgeBase, Signature

QUIET_FACTOR = 0.3


@dataclass(frozen=True)
class SignatureHit:
    signature: Signature
    line: int
    text: str
    # Scales the hit's positive weights: frames of a non-memory exception count for little.
    factor: float = 1.0


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
        deadline: float | None = None,
    ) -> tuple[list[SignatureHit], str | None]:
        """Run each signature over ``(line number, text)`` pairs; first matching line wins.
        Past ``deadline`` (``time.monotonic()``) the signatures left are not looked for, and
        the second value says how far it got.

        ``words`` signatures describe how people talk, so they only run over ``prose`` (the
        lines that are not log output); a log line saying "Registering BlockManagerMaster" is
        not a user complaining about cached blocks.
        """
        quiet = quiet or set()
        hits: list[SignatureHit] = []
        cut: str | None = None
        for done, (signature, pattern) in enumerate(self.compiled):
            if deadline is not None and time.monotonic() > deadline:
                cut = f"{done} of {len(self.compiled)} signatures were looked for"
                break
            best: SignatureHit | None = None
            for number, text in prose if signature.kind == "words" else lines:
                if pattern.search(text):
                    factor = QUIET_FACTOR if number in quiet else 1.0
                    best = SignatureHit(signature, number, text, factor)
                    if factor == 1.0:
                        break
            if best is not None:
                hits.append(best)
        return hits, cut
