"""BM25 over the symptom phrasings: the keyword baseline the hybrid is compared against."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from index.store import VAGUE, index_entries
from kb import KnowledgeBase

_TOKEN = re.compile(r"[a-z][a-z0-9_]{1,40}")
K1 = 1.5
B = 0.75


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


@dataclass
class KeywordIndex:
    """Okapi BM25; a cause scores as its best-matching phrasing."""

    kb: KnowledgeBase
    docs: list[tuple[str, Counter[str], int]] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    average_length: float = 1.0

    def __post_init__(self) -> None:
        for entry in index_entries(self.kb):  # each cause's title and phrasings, as embedded
            if entry.cause != VAGUE:
                words = tokens(entry.text)
                self.docs.append((entry.cause, Counter(words), len(words)))
        frequency: Counter[str] = Counter()
        for _, counts, _ in self.docs:
            frequency.update(counts.keys())
        total = len(self.docs)
        self.idf = {w: math.log(1 + (total - n + 0.5) / (n + 0.5)) for w, n in frequency.items()}
        self.average_length = sum(length for _, _, length in self.docs) / max(total, 1)

    def cause_scores(self, text: str) -> dict[str, float]:
        query = set(tokens(text))
        scores: dict[str, float] = {}
        for cause_id, counts, length in self.docs:
            norm = K1 * (1 - B + B * length / self.average_length)
            score = sum(
                self.idf.get(w, 0.0) * counts[w] * (K1 + 1) / (counts[w] + norm)
                for w in query
                if w in counts
            )
            scores[cause_id] = max(scores.get(cause_id, 0.0), score)
        return scores
