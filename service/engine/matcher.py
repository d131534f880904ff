"""Knowledge-base signatures compiled once and run over the input's distinct lines."""

from __future__ import annotations

import re

# CPython's own pattern parser and its opcodes (the sre_parse / sre_constants of before 3.11):
# what required_literals reads a signature's pattern with.
import re._constants as sre
import re._parser as sre_parse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from kb import KnowledgeBase, Signature
from service.engine.budget import Budget
from service.engine.negation import affirmed

QUIET_FACTOR = 0.3
# An input of at most this many characters (lowercased, lines joined) is first cut into its
# three-character pieces: only the signatures one of whose literals' chosen piece is among them
# are looked at (a symptom in words reaches a handful of the KB's signatures).
GRAM_CHARS = 4096
GRAM = 3


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
    """Every signature of the KB, compiled; ``match`` returns the first hit per signature.

    Each signature also keeps the literals one of which any match must contain (see
    :func:`required_literals`): a line that holds none of them (lowercased) is not searched.
    Most signature-line pairs end there, at a substring test instead of a regex search. A short
    input is first cut into its three-character pieces, and a signature none of whose literals'
    chosen piece is among them is not looked at at all.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.compiled: list[tuple[Signature, re.Pattern[str], tuple[str, ...] | None]] = [
            (
                sig,
                re.compile(sig.pattern, re.IGNORECASE if sig.ignore_case else 0),
                required_literals(sig.pattern),
            )
            for sig in sorted(kb.signatures.values(), key=lambda s: s.id)
        ]
        self._index_grams()

    def _index_grams(self) -> None:
        """Each signature under one three-character piece of each of its literals (the piece
        fewest literals share), or among those always looked at when a literal is shorter."""
        self._always: list[int] = []
        self._by_gram: dict[str, list[int]] = {}
        literals = [lit for _, _, lits in self.compiled for lit in lits or ()]
        share = Counter(g for lit in set(literals) for g in set(_grams(lit)))
        for position, (_, _, lits) in enumerate(self.compiled):
            if lits is None or min(map(len, lits)) < GRAM:
                self._always.append(position)
                continue
            for lit in lits:
                gram = min(_grams(lit), key=lambda g: (share[g], g))
                self._by_gram.setdefault(gram, []).append(position)

    def without(self, ids: Iterable[str]) -> SignatureMatcher:
        """The same matcher with the signatures ``ids`` left out (compiled patterns shared)."""
        leave = set(ids)
        if not leave:
            return self
        other = object.__new__(SignatureMatcher)
        other.compiled = [c for c in self.compiled if c[0].id not in leave]
        other._index_grams()
        return other

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
        # Each line with its lowercased text, or None where case folding is not ASCII's (a
        # pattern may match there without holding the literal in lowercase): always searched.
        folded = [(n, t, t.lower() if t.isascii() else None) for n, t in lines]
        folded_prose = [(n, t, t.lower() if t.isascii() else None) for n, t in prose]
        # All the lines' lowercased text at once, or None when a line is not ASCII: a
        # signature none of whose literals is in it has no line to search (one substring test
        # instead of one per line; most signatures end there).
        every = _joined(folded)
        every_prose = _joined(folded_prose)
        order: Iterable[int] = range(len(self.compiled))
        if (
            every is not None
            and every_prose is not None
            and len(every) + len(every_prose) <= GRAM_CHARS
        ):
            present = set(_grams(every)) | set(_grams(every_prose))
            reached = set(self._always)
            for gram in present.intersection(self._by_gram):
                reached.update(self._by_gram[gram])
            order = sorted(reached)
        for position in order:
            signature, pattern, literals = self.compiled[position]
            if budget is not None and budget.spent():
                # Those before it were looked for, or ruled out by their literals.
                cut = f"{position} of {len(self.compiled)} signatures were looked for"
                break
            words = signature.kind == "words"
            if literals is not None:
                haystack = every_prose if words else every
                if haystack is not None:
                    for literal in literals:
                        if literal in haystack:
                            break
                    else:
                        continue
            best: SignatureHit | None = None
            # The first matching line wins; a quiet one only until a line that is not quiet.
            for number, text, lower in folded_prose if words else folded:
                if literals is not None and lower is not None:
                    for literal in literals:
                        if literal in lower:
                            break
                    else:
                        continue
                if affirmed(pattern, text) if words else pattern.search(text):
                    factor = QUIET_FACTOR if number in quiet else 1.0
                    if best is None or factor == 1.0:
                        best = SignatureHit(signature, number, text, factor)
                    if factor == 1.0:
                        break
            if best is not None:
                hits.append(best)
        return hits, cut


def _grams(text: str) -> list[str]:
    return [text[i : i + GRAM] for i in range(len(text) - GRAM + 1)]


def _joined(folded: list[tuple[int, str, str | None]]) -> str | None:
    """The lowercased lines joined, or None when one of them is not ASCII."""
    lowered: list[str] = []
    for _, _, lower in folded:
        if lower is None:
            return None
        lowered.append(lower)
    return "\n".join(lowered)


# --- literals a match must contain -------------------------------------------------------------

_Requirement = tuple[str, ...] | None


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lowercase ASCII literals of which every match of ``pattern`` holds at least one, or None
    when the pattern has no such literal (or cannot be read): then every line is searched.

    Read from the parsed pattern: a run of literal characters in sequence is required; a group
    or a repeat of at least once requires what its body does; an alternation requires one of
    its branches' literals (none, if one branch requires nothing). Of a sequence's
    requirements the one whose shortest literal is longest is kept.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    return _of_sequence(parsed)


def _of_sequence(items: Iterable[tuple[Any, Any]]) -> _Requirement:
    best: _Requirement = None
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL and arg < 128:
            run.append(chr(arg).lower())
            continue
        if run:
            best = _longer(best, ("".join(run),))
            run = []
        best = _longer(best, _of_item(op, arg))
    if run:
        best = _longer(best, ("".join(run),))
    return best


def _longer(a: _Requirement, b: _Requirement) -> _Requirement:
    """The requirement whose shortest literal is longer (either, when one is None)."""
    if a is None or b is None:
        return a if b is None else b
    return b if min(map(len, b)) > min(map(len, a)) else a


def _of_item(op: Any, arg: Any) -> _Requirement:
    if op is sre.SUBPATTERN:
        return _of_sequence(arg[3])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = arg
        return _of_sequence(body) if low >= 1 else None
    if op is sre.ATOMIC_GROUP:
        return _of_sequence(arg)
    if op is sre.BRANCH:
        alternatives: list[str] = []
        for branch in arg[1]:
            found = _of_sequence(branch)
            if found is None:
                return None
            alternatives.extend(found)
        return tuple(dict.fromkeys(alternatives))
    return None
