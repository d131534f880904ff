"""People's words say what did not happen too: "we never call collect()", "nothing is cached".

A phrase read from the user's words counts only where no negation comes shortly before it in
the same clause. Log lines are program output and are read as printed.
"""

from __future__ import annotations

import re

# A negation shortly before a phrase, in the same clause ("nothing is collected to the driver",
# "we do not cache anything"), reverses what the phrase would otherwise say.
_NEGATION = re.compile(
    r"(?:\b(?:no|not|nothing|never|none|without|neither|nor|cannot)\b|n't\b)"
    r"(?!\s+(?:enough|only|just|longer|sure|matter)\b)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.,;:!?()]|\b(?:but|although|though|however|so|yet|and)\b", re.I)
NEGATION_WINDOW = 30


def first_affirmed(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``pattern`` with no negation before it in its clause."""
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - NEGATION_WINDOW) : match.start()]
        ends = list(_CLAUSE_END.finditer(before))
        if ends:
            before = before[ends[-1].end() :]
        if not _NEGATION.search(before):
            return match
    return None


def affirmed(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a phrase is said at least once without being negated."""
    return first_affirmed(pattern, text) is not None
